"""The header every screen shows, made so that it lets go of the app when it goes.

Textual's ``Header`` registers watchers on the app's title; that list is only
pruned when the title changes, which here never happens, so a session kept the
header of every report screen it opened (with its styles and caches).
Re-announcing the unchanged title prunes the watchers of widgets that have closed;
``TitleHeader`` does that as it goes. (The footer does the same for its keys: see
``footer.py``.)
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Header


class TitleHeader(Header):
    """The header, whose watchers on the app's title go with it."""

    def on_unmount(self) -> None:
        app = self.app
        app.call_later(_forget_closed_title_watchers, app)


def _forget_closed_title_watchers(app: App[object]) -> None:
    app.mutate_reactive(App.title)
    app.mutate_reactive(App.sub_title)
