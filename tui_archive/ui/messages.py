"""Messages from the core's threads to the screens (widgets keep their own messages as nested classes)."""

from __future__ import annotations

from textual.message import Message

from ..core.views import ViewEvent


class ArchiveChanged(Message, bubble=False):
    """Another connection (another session, an import, another program) has changed the archive."""


class ViewHeard(Message, bubble=False):
    """What the view counter did: counted a view, is waiting for a busy archive, or gave one up."""

    def __init__(self, event: ViewEvent) -> None:
        super().__init__()
        self.event = event
