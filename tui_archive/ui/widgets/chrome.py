"""The header and footer every screen shows, made so that they let go of what they replace.

Textual's ``Footer`` composes its keys again whenever the keys in force change (each
focus change, each screen shown), and each key it makes is registered as a watcher
on the footer; ``Header`` registers watchers on the app's title. Those lists are only
pruned when the value watched changes, which for these never happens, so a session
kept every footer key and report-screen header it ever showed: about 16 keys for each
press of Tab, a header for each report opened, and a few megabytes an hour of reading.

Re-announcing the unchanged value prunes the watchers of widgets that have closed;
these two classes do that at the moment one of theirs goes away.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Footer, Header


class KeysFooter(Footer):
    """The footer, forgetting the keys it composed last time."""

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(Footer.compact)  # same value: drops the watchers of keys now closed


class TitleHeader(Header):
    """The header, whose watchers on the app's title go with it."""

    def on_unmount(self) -> None:
        app = self.app
        app.call_later(_forget_closed_title_watchers, app)


def _forget_closed_title_watchers(app: App[object]) -> None:
    app.mutate_reactive(App.title)
    app.mutate_reactive(App.sub_title)
