"""The header every screen shows, made so that it lets go of the app when it goes.

Textual's ``Header`` registers watchers on the app's title; that list is only
pruned when the title changes, which here never happens, so a session kept the
header of every report screen it opened (with its styles and caches).
``TitleHeader`` drops the watchers of closed widgets from that list as it goes,
as Textual itself would on a change of title (announcing the unchanged title
again did it too, but drew the whole screen and every header anew at each
report closed). The footer's keys are not bound to the footer at all: see
``footer.py``.
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
    watchers = getattr(app, "__watchers", None) or {}  # (where Textual keeps them: see textual.reactive)
    for name in ("title", "sub_title"):
        held = watchers.get(name)
        if held:
            held[:] = [(node, callback) for node, callback in held if not node._closing]
