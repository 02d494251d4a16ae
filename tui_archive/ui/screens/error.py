"""Shown instead of a traceback when the archive cannot be opened or read at all."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from ..text import safe_text


class ErrorScreen(Screen):
    """The problem in one clear sentence; q or escape quits."""

    BINDINGS = [
        Binding("q,escape", "app.quit", "Quit", id="quit"),
    ]

    DEFAULT_CSS = """
    ErrorScreen {
        align: center middle;
    }
    ErrorScreen > Vertical {
        width: 80%;
        max-width: 100;
        height: auto;
        border: tall $error;
        padding: 1 2;
    }
    """

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("The archive cannot be shown", style="bold"), id="error-title")
            yield Static(safe_text(self.message, multiline=True), id="error-message")
            yield Static(Text("q or escape quits", style="dim"), id="error-hint")
