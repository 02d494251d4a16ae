"""Messages from the core's threads to the screens (widgets keep their own messages as nested classes)."""

from __future__ import annotations

from textual.message import Message

from ..core.views import ViewEvent


class ArchiveChanged(Message, bubble=False):
    """Another connection (another session, an import, another program) has changed the archive."""


class CatchesUp:
    """For a screen that reads again what it shows on :class:`ArchiveChanged`: under another
    screen it is not told (:attr:`missed_change` is set instead), and it catches up once on top.

    Textual repaints the whole screen on top each time a screen under it handles a message,
    which in a session beside others counting views was a full repaint every second.
    """

    missed_change = False

    def on_screen_resume(self) -> None:
        if self.missed_change:
            self.missed_change = False
            self.post_message(ArchiveChanged())  # type: ignore[attr-defined]


class ViewHeard(Message, bubble=False):
    """What the view counter did: counted a view, is waiting for a busy archive, or gave one up."""

    def __init__(self, event: ViewEvent) -> None:
        super().__init__()
        self.event = event
