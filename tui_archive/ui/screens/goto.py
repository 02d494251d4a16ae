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
            self.query_one("#goto-hint", Static).update(Text(f"a row from 1 to {self.rows:,}", style="yellow"))
            return
        if not text:
            self.query_one("#goto-hint", Static).update(Text("a row number, or a report's ID", style="yellow"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
