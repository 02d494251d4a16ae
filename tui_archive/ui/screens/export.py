"""Ask where to export, and in which format: CSV, JSON or Markdown (``actions.ask_and_export`` runs it).

Served to a browser (``tui-archive serve``), the export is a download: only the
format is asked, since the browser, not the server, decides where it lands.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Select, Static

from ...core.export import FORMATS, free_path
from ...core.safe import clean
from ..widgets.footer import KeysFooter


class ExportScreen(ModalScreen[tuple[str, Path | None] | None]):
    """A format and a file name (None for a download); returns them, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel export", id="cancel"),
        # Enter on the format (or on a format in its open list) exports, as in the file name;
        # the list opens with space or the arrow keys.
        Binding("enter", "enter_on_format", "Export (in the file name or the format list)", show=False, priority=True),
    ]

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
                hint = "enter exports · ↓ formats · escape cancels · never overwrites"
            yield Static(Text(hint, style="dim"), id="export-hint")
            yield Static("", id="export-problem")
            with Horizontal(id="export-buttons"):
                yield Button("Download" if self.download else "Export", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)
        yield KeysFooter()  # this dialog's own keys, not the list's behind it

    def on_mount(self) -> None:
        self.query_one("#export-problem").display = False
        if self.download:
            self.query_one("#export-ok", Button).focus()
        else:
            self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, message: Select.Changed) -> None:
        self.fmt = str(message.value)
        if self.download:  # the one question is answered: enter now downloads
            self.query_one("#export-ok", Button).focus()
            return
        self._follow_format()

    def _follow_format(self) -> None:
        """The file name's extension follows the format, unless the user named the file otherwise."""
        if self.download:
            return
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lstrip(".") in FORMATS:
            path_input.value = str(path.with_suffix(f".{self.fmt}"))

    def action_enter_on_format(self) -> None:
        """Enter on the format control, or on a format in its open list (which chooses it), exports."""
        select = self.query_one("#export-format", Select)
        focused = self.focused
        if focused is None or select not in focused.ancestors_with_self:
            raise SkipAction()  # enter in the file name or on a button does what it does there
        if focused is not select and isinstance(focused, OptionList):  # the open list of formats
            if focused.highlighted is not None:
                self.fmt = list(FORMATS)[focused.highlighted]
                with self.prevent(Select.Changed):
                    select.value = self.fmt
                self._follow_format()
            select.expanded = False
        self._submit()

    def say(self, problem: str) -> None:
        """Why the dialog is still open, in the dialog itself."""
        self.query_one("#export-problem", Static).update(Text(problem))
        self.query_one("#export-problem").display = bool(problem)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        if self.download:
            self.dismiss((self.fmt, None))
            return
        path_input = self.query_one("#export-path", Input)
        value = path_input.value.strip()
        if not value:
            self.say("Type a file name to export to.")
            path_input.focus()
            return
        path = Path(value).expanduser().absolute()
        if path.is_dir():
            self.say(f"{clean(path)} is a folder: type a file name in it.")
            path_input.focus()
            return
        if not path.parent.is_dir():
            self.say(f"There is no folder {clean(path.parent)}: type a file name in a folder that exists.")
            path_input.focus()
            return
        free = free_path(path)
        if free != path:
            # Nothing is overwritten: the name of a free file beside it is offered instead.
            suggestion = str(Path(value).expanduser().with_name(free.name))
            self.say(
                f"{clean(path.name)} exists already in {clean(path.parent)} and is not overwritten."
                f" Suggested: {clean(free.name)} (enter exports to it), or type another name."
            )
            path_input.value = suggestion
            path_input.focus()
            return
        if os.path.lexists(path):  # not even a numbered name is free
            self.say(f"{clean(path.name)} exists already in {clean(path.parent)}: type another name.")
            path_input.focus()
            return
        self.dismiss((self.fmt, path))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
