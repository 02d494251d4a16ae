"""Ask for a row number to jump to."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Input, Static


class GotoScreen(ModalScreen[int | None]):
    """A row number from 1 to ``rows``; returns it, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="goto", classes="dialog"):
            yield Static(Text(f"Go to row (1 to {self.rows:,})", style="bold"))
            yield Input(
                placeholder="row number",
                id="goto-row",
                type="integer",
                validators=[Integer(minimum=1, maximum=max(1, self.rows))],
            )
            yield Static(Text("enter jumps · escape cancels", style="dim"), id="goto-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, message: Input.Submitted) -> None:
        if message.validation_result is not None and not message.validation_result.is_valid:
            self.query_one("#goto-hint", Static).update(Text(f"a number from 1 to {self.rows:,}", style="yellow"))
            return
        self.dismiss(int(message.value) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
