"""Reports opened recently, newest first: choose one to open it again."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core.history import Visit
from ...core.safe import clean
from ..text import fit
from ..widgets.footer import KeysFooter

WHEN = 16  # 2026-11-29 07:05
GAP = 2
ID_MOST = 24  # an ID longer than this is cut, leaving the title its room


def id_width(visits: list[Visit], width: int) -> int:
    """The ID column: as wide as the longest ID, within bounds, and never more than a third of the line."""
    longest = max((cell_len(clean(visit.id[: ID_MOST + 1])) for visit in visits), default=2)
    return max(2, min(longest, ID_MOST, width // 3))


def visit_label(visit: Visit, width: int, ids: int) -> Text:
    """One visit as a row of columns in ``width`` cells: when, ID, title; a long value cut with "…"."""
    when = visit.at[:16].replace("T", " ")
    title = max(1, width - WHEN - ids - 2 * GAP)
    return Text.assemble(
        (fit(when, WHEN), "dim"), " " * GAP, (fit(visit.id, ids), "bold"), " " * GAP, fit(visit.title, title)
    )


def header_label(width: int, ids: int) -> Text:
    title = max(1, width - WHEN - ids - 2 * GAP)
    return Text(
        fit("Opened", WHEN) + " " * GAP + fit("ID", ids) + " " * GAP + fit("Title", title), style="bold", no_wrap=True
    )


class HistoryScreen(ModalScreen[str | None]):
    """The recently opened reports; Enter opens one again (ACCESS), and returns its ID."""

    BINDINGS = [
        Binding("escape,h", "close", "Close history", id="close"),
    ]

    def __init__(self, visits: list[Visit]) -> None:
        super().__init__()
        self.visits = visits
        self.width = 0  # of the list's rows; set once it is laid out (and again when resized)
        self.shown: list[Visit] = []
        seen: set[str] = set()  # an option's ID must be unique: each report once
        for visit in visits:
            if visit.id not in seen:
                seen.add(visit.id)
                self.shown.append(visit)

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="dialog"):
            yield Static(Text("Recently opened", style="bold"), id="history-title", classes="dialog-title")
            if self.shown:
                width, ids = 80, id_width(self.shown, 80)  # until laid out
                yield Static(header_label(width, ids), id="history-header")
                options = [Option(visit_label(visit, width, ids), id=visit.id) for visit in self.shown]
                yield OptionList(*options, id="history-list")
            else:
                yield Static(Text("No reports opened yet: Enter on a report opens it.", style="dim"))
            yield Static(Text("enter opens · escape closes", style="dim"), id="history-keys")
        yield KeysFooter()  # this dialog's own keys, not the list's behind it

    def on_mount(self) -> None:
        for option_list in self.query(OptionList):
            option_list.focus()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        """Columns as wide as the list is: each row one line, cut with "…", never wrapped."""
        if not self.shown:
            return
        option_list = self.query_one("#history-list", OptionList)
        width = option_list.scrollable_content_region.width - 2  # an option's padding
        if width <= 0 or width == self.width:
            return
        self.width = width
        ids = id_width(self.shown, width)
        self.query_one("#history-header", Static).update(header_label(width, ids))
        for visit in self.shown:
            option_list.replace_option_prompt(visit.id, visit_label(visit, width, ids))

    @on(OptionList.OptionSelected, "#history-list")
    def _chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(message.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
