"""Reports opened recently, newest first: choose one to open it again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.history import Visit
from ..text import safe_text
from ..widgets.footer import KeysFooter


def visit_label(visit: Visit) -> Text:
    when = visit.at[:16].replace("T", " ")
    return Text.assemble(
        (when.ljust(17), "dim"), safe_text(visit.id, style="bold", limit=200), "  ", safe_text(visit.title, limit=200)
    )


class HistoryScreen(ModalScreen[str | None]):
    """The recently opened reports; Enter opens one again (ACCESS), and returns its ID."""

    BINDINGS = [
        Binding("escape,h", "close", "Close history", id="close"),
    ]

    def __init__(self, visits: list[Visit]) -> None:
        super().__init__()
        self.visits = visits

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="dialog"):
            yield Static(Text("Recently opened", style="bold"), id="history-title", classes="dialog-title")
            if self.visits:
                seen: set[str] = set()  # an option's ID must be unique: each report once
                options = []
                for visit in self.visits:
                    if visit.id not in seen:
                        seen.add(visit.id)
                        options.append(Option(visit_label(visit), id=visit.id))
                yield OptionList(*options, id="history-list")
            else:
                yield Static(Text("No reports opened yet: Enter on a report opens it.", style="dim"))
            yield Static(Text("enter opens · escape closes", style="dim"), id="history-keys")
        yield KeysFooter()  # this dialog's own keys, not the list's behind it

    def on_mount(self) -> None:
        for option_list in self.query(OptionList):
            option_list.focus()

    @on(OptionList.OptionSelected, "#history-list")
    def _chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(message.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
