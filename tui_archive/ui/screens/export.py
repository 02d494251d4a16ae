"""Ask where to export, and in which format: CSV, JSON or Markdown (``actions.ask_and_export`` runs it).

Served to a browser (``tui-archive serve``), the export is a download: only the
format is asked, since the browser, not the server, decides where it lands.
"""

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
from ..widgets.footer import KeysFooter


class ExportScreen(ModalScreen[tuple[str, Path | None] | None]):
    """A format and a file name (None for a download); returns them, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel export", id="cancel")]

    def __init__(self, what: str, fmt: str = "csv", *, download: bool = False) -> None:
        super().__init__()
        self.what = what
        self.fmt = fmt
        self.download = download

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
                if not self.download:
                    yield Input(value=f"reports.{self.fmt}", placeholder="file name", id="export-path")
            if self.download:
                hint = "enter downloads it · shift+tab: format · escape cancels"
            else:
                hint = "enter exports · escape cancels · an existing file is not overwritten"
            yield Static(Text(hint, style="dim"), id="export-hint")
            with Horizontal(id="export-buttons"):
                yield Button("Download" if self.download else "Export", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)
        yield KeysFooter()  # this dialog's own keys, not the list's behind it

    def on_mount(self) -> None:
        if self.download:
            self.query_one("#export-ok", Button).focus()
        else:
            self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, message: Select.Changed) -> None:
        new = str(message.value)
        self.fmt = new
        if self.download:  # the one question is answered: enter now downloads
            self.query_one("#export-ok", Button).focus()
            return
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lstrip(".") in FORMATS:  # follow the format, unless the user named the file otherwise
            path_input.value = str(path.with_suffix(f".{new}"))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        if self.download:
            self.dismiss((self.fmt, None))
            return
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("Type a file name to export to", severity="warning")
            return
        self.dismiss((self.fmt, Path(value).expanduser()))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
