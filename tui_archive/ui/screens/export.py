"""Ask where to export, and in which format: CSV, JSON or Markdown (``actions.ask_and_export`` runs it)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from ...core.export import FORMATS


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """A format and a file name; returns them, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel export", id="cancel")]

    def __init__(self, what: str, fmt: str = "csv") -> None:
        super().__init__()
        self.what = what
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog"):
            yield Static(Text(f"Export {self.what}", style="bold"), id="export-title", classes="dialog-title")
            with Horizontal(id="export-row"):
                yield Select(
                    [(label, key) for key, label in FORMATS.items()],
                    value=self.fmt,
                    allow_blank=False,
                    id="export-format",
                    compact=True,
                )
                yield Input(value=f"reports.{self.fmt}", placeholder="file name", id="export-path")
            yield Static(Text("enter exports · escape cancels · an existing file is not overwritten", style="dim"))
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, message: Select.Changed) -> None:
        new = str(message.value)
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lstrip(".") in FORMATS:  # follow the format, unless the user named the file otherwise
            path_input.value = str(path.with_suffix(f".{new}"))
        self.fmt = new

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("Type a file name to export to", severity="warning")
            return
        self.dismiss((self.fmt, Path(value).expanduser()))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
