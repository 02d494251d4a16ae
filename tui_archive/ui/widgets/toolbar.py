"""The row above the list: the search box, the sort control and the category control."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Select

from ...core.listing import RELEVANCE, SORT_LABELS, Listing
from ...core.source import Counts
from ..keys import WaitingKeys
from ..text import label
from .search_input import SearchInput


class _AllCategories:
    """The value of the "All categories" option: an object no category name can equal
    (a category may be called anything, ``__all__`` included)."""

    def __repr__(self) -> str:
        return "ALL"


ALL = _AllCategories()
SEARCH_DEBOUNCE = 0.04  # seconds: one query per pause in typing, not per key (a new one interrupts the last)


class Toolbar(Horizontal):
    """Posts what the user asks for; shows the listing it is given, without that counting as a choice."""

    class SearchChanged(Message):
        """The search text, once typing pauses for :data:`SEARCH_DEBOUNCE`."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class SortChosen(Message):
        def __init__(self, sort: str) -> None:
            super().__init__()
            self.sort = sort

    class CategoryChosen(Message):
        """A category from the control (``None``: all categories)."""

        def __init__(self, category: str | None) -> None:
            super().__init__()
            self.category = category

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._search_timer: Timer | None = None
        self._search_waiting: str | None = None
        """Search text typed and not yet posted (the pause in typing has not come)."""
        self._sort = "date"
        self._open_when_counted = False
        """``c`` was pressed before the categories were counted: open the control once they are."""
        self._uncounted = False
        """The category control holds no counts (they are counted only when wanted)."""
        self._waiting_keys = WaitingKeys()
        self._sorts: list[str] | None = None
        """The sorts the sort control offers now (it is filled again only when they change)."""
        self._labels: dict[str, str] = {}
        """Each category's name as shown (made inert once, not at every search)."""

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="Search titles, summaries, bodies", id="search")
        yield Select(
            [(label, key) for key, label in SORT_LABELS.items() if key != RELEVANCE],
            value="date",
            allow_blank=False,
            id="sort",
            compact=True,
        )
        yield Select([("All categories", ALL)], value=ALL, allow_blank=False, id="category", compact=True)

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def open_categories(self, counted: bool = True) -> None:
        """Open the category control (if the categories are not ``counted`` yet, once they are)."""
        select = self.query_one("#category", Select)
        select.focus()
        if counted:
            select.expanded = True
        else:
            self._open_when_counted = True

    @property
    def holding_keys(self) -> bool:
        """Keys after ``c`` wait while the categories are counted, to act on the control once open
        (see :class:`~..keys.HoldsKeys`): ``c`` then Down Down Enter in one burst chooses as typed slowly."""
        return self._open_when_counted

    def when_ready(self, callback: Callable[[], None]) -> None:
        self._waiting_keys.hold(callback, self._open_when_counted)

    def give_up_opening(self) -> None:
        """The categories will not come (reading failed): let the keys waiting for them go."""
        self._open_when_counted = False
        self._let_keys_go()

    def _let_keys_go(self) -> None:
        self._waiting_keys.let_go()

    @property
    def categories_wanted(self) -> bool:
        """Is the category control in use (focused or open), so that its counts are to be seen?"""
        select = self.query_one("#category", Select)
        return select.expanded or select.has_focus_within or self._open_when_counted

    def uncounted_categories(self, listing: Listing) -> None:
        """A new listing whose categories are not counted (until wanted): no counts of the last one stay."""
        select = self.query_one("#category", Select)
        if select.expanded:
            return
        current = ALL if listing.category is None else listing.category
        if self._uncounted and select.value == current:
            return  # it offers just that already: an option list made anew lays the screen out again
        options: list[tuple[str | Text, str | _AllCategories]] = [("All categories", ALL)]
        if isinstance(current, str):
            options.append((label(current), current))
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current
        self._uncounted = True

    def show_sort(self, listing: Listing) -> None:
        """Show the listing's sort in the sort control (best match only while there is search text)."""
        select = self.query_one("#sort", Select)
        self._sort = listing.effective_sort
        sorts = listing.sorts()
        with select.prevent(Select.Changed):
            if sorts != self._sorts:  # each option list made anew lays the screen out again
                self._sorts = sorts
                select.set_options([(SORT_LABELS[key], key) for key in sorts])
            select.value = self._sort

    def show_categories(self, listing: Listing, counts: Counts) -> None:
        """Each category with its count for the current search; the chosen one selected."""
        select = self.query_one("#category", Select)
        if select.expanded and not self._uncounted:  # not under the user's keys (the first counts are awaited)
            return
        options: list[tuple[str | Text, str | _AllCategories]] = [
            ("All categories" if listing.category is not None else f"All categories ({counts.total})", ALL)
        ]
        options += [
            (Text(f"{self._label(category.name)} ({category.count})"), category.name)
            for category in counts.categories or ()
            if category.name is not None
        ]
        current = ALL if listing.category is None else listing.category
        if isinstance(current, str) and current not in {value for _, value in options}:
            options.append((label(current), current))
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current
        self._uncounted = False
        if self._open_when_counted:
            self._open_when_counted = False
            if select.has_focus:
                select.expanded = True
            self.call_after_refresh(self._let_keys_go)  # once the control is open, its keys go to it

    def _label(self, name: str) -> str:
        shown = self._labels.get(name)
        if shown is None:
            if len(self._labels) >= 10_000:  # (another program may keep adding categories)
                self._labels.clear()
            shown = self._labels[name] = label(name).plain
        return shown

    def clear_search(self) -> None:
        """Empty the search box, without that counting as typing (the caller shows the whole list)."""
        self.take_search()
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""

    def show_search(self, text: str) -> None:
        """Put ``text`` in the search box, without that counting as typing (the caller lists it)."""
        self.take_search()
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = text
            search.cursor_position = len(text)

    def take_search(self) -> str | None:
        """The search text typed and not yet posted, if any: the caller applies it now, instead of the pause."""
        if self._search_timer is not None:
            self._search_timer.stop()
        text, self._search_waiting = self._search_waiting, None
        return text

    @on(Input.Changed, "#search")
    def _search_changed(self, message: Input.Changed) -> None:
        message.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_waiting = message.value
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, self._post_search)

    def _post_search(self) -> None:
        text = self.take_search()
        if text is not None:
            self.post_message(self.SearchChanged(text))

    @on(Select.Changed, "#sort")
    def _sort_chosen(self, message: Select.Changed) -> None:
        message.stop()
        if isinstance(message.value, str) and message.value != self._sort:
            self.post_message(self.SortChosen(message.value))

    @on(Select.Changed, "#category")
    def _category_chosen(self, message: Select.Changed) -> None:
        message.stop()
        self.post_message(self.CategoryChosen(None if message.value is ALL else str(message.value)))
