"""The facets panel: each category with its count for the current search, as Datasette shows facets."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...core.model import Category
from ..text import label

CHOSEN = "● "
NOT_CHOSEN = "  "


def facet_label(name: Text | str, count: int | None, chosen: bool) -> Text:
    """``● Rare Earths (4)``: the marker shows the category the list is narrowed to."""
    label = Text(CHOSEN if chosen else NOT_CHOSEN)
    label.append_text(name if isinstance(name, Text) else Text(name))
    if count is not None:
        label.append(f" ({count:,})", style="" if chosen else "dim")
    if chosen:
        label.stylize("bold")
    return label


class FacetPanel(OptionList):
    """ "All categories" and every category with its count; choosing one narrows the list.

    The panel only shows and chooses: it posts :class:`FacetPanel.Chosen`, and
    the screen narrows the listing the same way the category control does.
    """

    DEFAULT_CSS = """
    FacetPanel {
        display: none;
        border: tall $panel;
        border-title-color: $text-muted;
        background: $surface;
    }
    FacetPanel:focus {
        border: tall $primary;
        border-title-color: $text;
    }
    """

    BINDINGS = [
        Binding("escape,f", "close", "Close facets", id="close"),
        Binding("enter", "select", "Choose category", id="select"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("j", "cursor_down", "Down", show=False, id="cursor-down"),
    ]

    class Chosen(Message):
        """A category was chosen (``None``: all categories)."""

        def __init__(self, category: str | None) -> None:
            super().__init__()
            self.category = category

    class CloseRequested(Message):
        """Escape or f in the panel: close it and go back to the list."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Categories"
        self.values: list[str | None] = []
        """The category each option stands for, in order (``None``: all categories)."""
        self.chosen: str | None = None
        self._waiting: tuple[Sequence[Category], str | None] | None = None
        """The counts of the last search, while the panel is closed: it is filled with them as it opens."""

    def show_categories(self, categories: Sequence[Category], chosen: str | None) -> None:
        """Fill the panel with the counts for the current search; highlight the chosen category.

        While the panel is closed it only keeps them (a search at a million reports has hundreds
        of categories, and nobody sees them until ``f``): :meth:`open` fills it.
        """
        self.chosen = chosen
        if not self.display:
            self._waiting = (categories, chosen)
            return
        self._waiting = None
        total = sum(category.count for category in categories)  # the search without its category filter
        options = [Option(facet_label("All categories", total, chosen is None))]
        values: list[str | None] = [None]
        names = set()
        for category in categories:
            if category.name is None:  # uncategorised reports count under "All categories" only
                continue
            names.add(category.name)
            options.append(Option(facet_label(label(category.name), category.count, category.name == chosen)))
            values.append(category.name)
        if chosen is not None and chosen not in names:  # chosen, but nothing in it matches the search
            options.append(Option(facet_label(label(chosen), 0, True)))
            values.append(chosen)
        self.values = values
        self.set_options(options)
        self.highlighted = values.index(chosen)

    def uncounted(self, chosen: str | None) -> None:
        """A listing whose categories are not counted yet (the panel is closed): no counts of the last one stay."""
        self.chosen = chosen
        self._waiting = None
        self.values = [None] if chosen is None else [None, chosen]
        self.set_options([Option(facet_label("All categories", None, chosen is None))])
        if chosen is not None:
            self.add_option(Option(facet_label(label(chosen), None, True)))
        self.highlighted = self.values.index(chosen)

    def open(self, show: bool = True) -> None:
        """Show the panel (filled with the counts of the search on screen) or hide it."""
        self.display = show
        if show and self._waiting is not None:
            self.show_categories(*self._waiting)

    @on(OptionList.OptionSelected)
    def _option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        if 0 <= message.option_index < len(self.values):
            self.post_message(self.Chosen(self.values[message.option_index]))

    def action_close(self) -> None:
        self.post_message(self.CloseRequested())
