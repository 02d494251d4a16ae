"""Ask for a row number or a report ID to jump to."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..widgets.footer import KeysFooter


class GotoScreen(ModalScreen[int | str | None]):
    """A row number from 1 to ``rows`` (returned as the row's index) or a report ID; None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="goto", classes="dialog"):
            yield Static(Text(f"Go to row (1 to {self.rows:,}) or report ID", style="bold"))
            yield Input(placeholder="row number or ID", id="goto-row")
            yield Static(Text("enter jumps · escape cancels", style="dim"), id="goto-hint")
        yield KeysFooter()  # this dialog's own keys, not the list's behind it

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, message: Input.Submitted) -> None:
        text = message.value.strip()
        number = text.replace(",", "")
        if number.isdigit():
            row = int(number)
            if 1 <= row <= self.rows:
                self.dismiss(row - 1)
                return
            self._say(f"a row from 1 to {self.rows:,}")
            return
        if not text:
            self._say("a row number, or a report's ID")
            return
        self.dismiss(text)

    def _say(self, hint: str) -> None:
        """What the dialog needs, in the theme's colour for a hint."""
        label = self.query_one("#goto-hint", Static)
        label.add_class("-hint")
        label.update(hint)

    def action_cancel(self) -> None:
        self.dismiss(None)
