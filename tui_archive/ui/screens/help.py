"""The help screen: every key, generated from the bindings, and the search syntax."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.query import SEARCH_SYNTAX


def _bindings(owner: type) -> list[Binding]:
    bindings = []
    for item in getattr(owner, "BINDINGS", []):
        if isinstance(item, Binding):
            bindings.append(item)
        else:
            key, action, *rest = item
            bindings.append(Binding(key, action, rest[0] if rest else ""))
    return bindings


class HelpScreen(ModalScreen[None]):
    """Keys for each place in the app, taken from the classes' own BINDINGS."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="dismiss"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="scroll-up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="scroll-down"),
    ]

    def __init__(self, sections: list[tuple[str, type]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text("tui-archive: keys", style="bold"), id="help-title", classes="dialog-title")
            for heading, owner in self.sections:
                yield Static(self._section(heading, owner), classes="help-section")
            yield Static(self._search_syntax(), classes="help-section")
            yield Static(Text("escape closes this help", style="dim"))

    def _section(self, heading: str, owner: type) -> Table:
        table = Table(title=heading, title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column("key", style="bold", no_wrap=True, min_width=14)
        table.add_column("action")
        seen: set[str] = set()
        for binding in _bindings(owner):
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            keys = " ".join(
                binding.key_display or self.app.get_key_display(Binding(key.strip(), binding.action))
                for key in binding.key.split(",")
            )
            table.add_row(keys, binding.description)
        return table

    @staticmethod
    def _search_syntax() -> Table:
        table = Table(title="Search box", title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column("typed", style="bold", no_wrap=True, min_width=14)
        table.add_column("finds")
        for typed, finds in SEARCH_SYNTAX:
            table.add_row(typed, finds)
        return table

    def action_scroll_up(self) -> None:
        self.query_one("#help").scroll_up()

    def action_scroll_down(self) -> None:
        self.query_one("#help").scroll_down()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
