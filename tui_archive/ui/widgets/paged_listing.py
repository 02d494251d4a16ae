"""A scrolling view of one listing that reads its rows itself, a page at a time, and a row cursor.

It draws with the Line API (as Toolong does for huge logs): the virtual height
is the number of results and rows come from a small LRU cache of pages
(:class:`~.pages.Pages`). The rows come from a
:class:`~tui_archive.core.source.ListingSource` (given with :meth:`PagedListing.show`),
read in worker threads; results for a source that has since been replaced are
dropped in one place, :meth:`PagedListing._arrived`. Memory does not grow with
the size of the archive. :class:`~.report_table.ReportTable` draws the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual import on
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView

from ...core.listing import Listing
from ...core.model import Report
from ...core.safe import clean
from ...core.source import Counts, ListingSource, Opening
from ..keys import WaitingKeys
from ..workers import run_blocking
from .pages import PAGE_SIZE, Pages
from .scrolling import set_virtual_height


class PagedListing(ScrollView, can_focus=True):
    """The rows of a listing, its size once counted, and the highlighted row."""

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row in the listing."""

    class RowHighlighted(Message):
        """The cursor moved to a row (``report`` is None while the row loads)."""

        def __init__(self, row: int, report: Report | None) -> None:
            super().__init__()
            self.row = row
            self.report = report

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PagedListing.RowHighlighted)  # a burst of moves: only the last counts

    class Shown(Message):
        """The first page of ``listing`` is on screen (it is not counted yet)."""

        def __init__(self, listing: Listing, rows: list[Report]) -> None:
            super().__init__()
            self.listing = listing
            self.rows = rows

    class Counted(Message):
        """The listing on screen is counted: its size and the archive's, then again with its categories."""

        def __init__(self, listing: Listing, counts: Counts) -> None:
            super().__init__()
            self.listing = listing
            self.counts = counts

    class StaleShown(Message):
        """Rows held from before a change made elsewhere are on screen: read them again
        (:meth:`stale_on_screen`, then :meth:`renew`)."""

    class _Arrived(Message, bubble=False):
        """Something read for ``source`` in a worker, to apply if it is still the one shown."""

        def __init__(self, source: ListingSource, apply: Callable[[], None]) -> None:
            super().__init__()
            self.source = source
            self.apply = apply

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source: ListingSource | None = None
        self.generation = 0
        """How many listings have been shown (a new search, sort or category adds one when its rows arrive)."""
        self.row_count = 0
        self.counted = False
        """Whether the listing is counted, its categories too if wanted (``row_count`` is its size once counted)."""
        self.with_categories = False
        """Whether a listing's categories are counted as soon as it is (else only on :meth:`count_categories`):
        at a million reports they take 0.1 s of CPU for a word in 3% of them, and they are seen
        only in the category control once opened and in the facets panel."""
        self._categories_of: ListingSource | None = None
        """The source whose categories are counted or being counted."""
        self._categories_done: ListingSource | None = None
        """The source whose categories have been counted."""
        self._totals_of: ListingSource | None = None
        """The source whose count has come (its first reads are done)."""
        self.drawn_generation = 0
        """The newest listing whose rows have been drawn (rendered), for measuring time to first row."""
        self._pages = Pages()
        self._shown: ListingSource | None = None
        """The source whose rows are held (``source`` may be newer, its first page on its way)."""
        self._kept: object = None
        """The ID of the report to highlight in the listing loading, if it holds it."""
        self._after_rows: list[Callable[[], None]] = []
        self._waiting_keys = WaitingKeys()
        """Keys pressed while a new listing loads, to act on its rows once they are shown."""
        self._given_up: ListingSource | None = None
        """A listing whose rows will not come (reading it failed)."""
        self._stale_asked = False
        """Whether :class:`StaleShown` has been posted and no rows read again since (if that read
        failed, the next change heard reads the rows on screen again)."""

    @property
    def listing(self) -> Listing:
        return self.source.listing if self.source is not None else Listing()

    def show(self, source: ListingSource, keep_place: bool = False) -> None:
        """Show a new listing: its first page as soon as it is read, then its size.

        With ``keep_place``, the report highlighted now stays highlighted if the
        new listing holds it (another sort or category of the same reports).
        """
        keep = self._held_highlight() if keep_place else None
        if self.source is not None:
            self.source.cancel()  # the read for the last keystroke is of no use now: stop it in SQLite
        self.source = source
        self._kept = keep
        run_blocking(self, partial(self._load, source, keep), group="listing", exclusive=True)

    def _held_highlight(self) -> object:
        """The ID of the report highlighted (or, while a listing loads, to be highlighted in it)."""
        if self._shown is self.source:
            return self.highlighted.id if self.highlighted is not None else None
        return self._kept

    @property
    def awaiting_rows(self) -> bool:
        """Whether a new listing was asked for and its first page is not shown yet."""
        return self.source is not None and self._shown is not self.source and self._given_up is not self.source

    def when_shown(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the rows of the listing asked for last: now, or once its first page is shown.

        Keys typed after a search act on its results, never on the rows of the
        listing before it, however fast they come.
        """
        if self.awaiting_rows:
            self._after_rows.append(action)
        else:
            action()

    @property
    def holding_keys(self) -> bool:
        """Whether a key's action waits for rows (the next key must wait too: see ``ui.keys``)."""
        return bool(self._after_rows)

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call back once the actions waiting for rows have been done (or dropped)."""
        self._waiting_keys.hold(callback, bool(self._after_rows))

    def forget_waiting(self) -> None:
        """Drop the keys waiting for rows that will not come (the listing could not be read).

        Keys from now on act on the rows on screen, until another listing is asked for.
        """
        self._given_up = self.source
        self._after_rows.clear()
        self._run_waiting()

    def _run_waiting(self) -> None:
        """Do what waited for the rows now shown, then let the next key go."""
        waiting, self._after_rows = self._after_rows, []
        for action in waiting:
            action()
        self._waiting_keys.let_go()

    def _load(self, source: ListingSource, keep: object = None) -> None:
        """First page first, so rows show at once; then the count; then the categories, if wanted."""
        opening = source.opening(PAGE_SIZE, keep)
        self.post_message(self._Arrived(source, partial(self._first_page, opening)))
        totals = source.totals()
        self.post_message(self._Arrived(source, partial(self._totals_arrived, totals)))

    def _totals_arrived(self, totals: Counts) -> None:
        """The count is in, and the source's connection free: the categories next, if wanted."""
        self._totals_of = self.source
        if self.with_categories:
            self.count_categories()
        self._counted(totals, final=not self.with_categories)

    @property
    def categories_counted(self) -> bool:
        """Whether the categories of the listing shown have been counted (and sent with :class:`Counted`)."""
        return self.source is not None and self._categories_done is self.source

    def count_categories(self) -> None:
        """Count the categories of the listing shown, unless they are counted or being counted
        (while it loads, once it is counted: a source reads on one connection, one read at a time)."""
        source = self.source
        if source is None or self._categories_of is source:
            return
        if self._totals_of is not source:
            self.with_categories = True
            return
        self._categories_of = source
        run_blocking(self, partial(self._count_categories, source), group="categories", exclusive=True)

    def _count_categories(self, source: ListingSource) -> None:
        counts = source.counts()
        self.post_message(self._Arrived(source, partial(self._counted, counts)))

    def _load_page(self, source: ListingSource, page: int) -> None:
        rows = source.window(page * PAGE_SIZE, PAGE_SIZE)
        self.post_message(self._Arrived(source, partial(self._page, page, rows)))

    @on(_Arrived)
    def _arrived(self, message: _Arrived) -> None:
        if message.source is self.source:
            message.apply()

    def _first_page(self, opening: Opening) -> None:
        self._shown = self.source
        self.generation += 1
        self._pages.clear()
        self._stale_asked = False
        self._pages.put(opening.start // PAGE_SIZE, opening.rows)
        self.row_count = opening.start + len(opening.rows)
        self.counted = False
        self._update_virtual_size()
        self.scroll_to(y=max(0, opening.cursor - self._visible_rows // 2), animate=False)
        self.cursor_row = opening.cursor
        self.refresh()
        self.post_message(self.Shown(self.listing, opening.rows))
        self._run_waiting()

    def _counted(self, counts: Counts, final: bool = True) -> None:
        """The listing's size (categories None), then again with its categories (``final``: no more to come)."""
        rows, counted = self.row_count, self.counted
        self.row_count = counts.total
        if counts.categories is not None:
            self._categories_done = self.source
        self.counted = final or self._categories_done is self.source
        self._update_virtual_size()
        if self.cursor_row >= self.row_count:
            self.cursor_row = max(0, self.row_count - 1)
        if self.row_count != rows or (self.row_count == 0 and self.counted != counted):
            self.refresh()  # (the same count again, with the categories, changes no line)
        if counts.categories is None and self.row_count > PAGE_SIZE:
            # Read the last screenful now (a fraction of a millisecond from the index's far end),
            # so End shows it in its first frame.
            for row in (self.row_count - 1, self.row_count - 1 - self._visible_rows):
                self._want(row)
        self.post_message(self.Counted(self.listing, counts))

    def _page(self, page: int, rows: list[Report]) -> None:
        self._pages.put(page, rows)
        if page == self.cursor_row // PAGE_SIZE:
            self.post_message(self.RowHighlighted(self.cursor_row, self.report_at(self.cursor_row)))
        self.refresh()

    def update_report(self, report: Report) -> None:
        """Show a changed report (a new view count, say) wherever it is held (only its lines are drawn again)."""
        top = self.scroll_offset.y
        for row in self._pages.update(report):
            if top <= row < top + self._visible_rows:
                self.refresh_line(row + 1)  # (the header is the first line)

    def rows_to_read_again(self) -> list[int]:
        """The archive changed elsewhere: the rows of the file the reports on screen come from, to read
        again now. The other rows held are read again once they come on screen (:class:`StaleShown`).

        (Reading every row held, up to a few hundred, took a session at a million reports 28 ms
        of CPU for each change heard, against 5 ms for a screenful, while others counted views.)"""
        if self._shown is not self.source:
            return []
        self._pages.mark_stale()
        return self._rowids_on_screen()

    def _rowids_on_screen(self) -> list[int]:
        top = round(self.scroll_y)
        on_screen = (self.report_at(row) for row in range(top, min(top + self._visible_rows, self.row_count)))
        return [report.rowid for report in on_screen if report is not None and report.rowid is not None]

    def stale_on_screen(self) -> list[int]:
        """The rows on screen to read again (see :class:`StaleShown`)."""
        return self._rowids_on_screen() if self._shown is self.source else []

    def renew(self, reports: list[Report], asked: list[int]) -> list[Report]:
        """Show reports as they now stand (another session counted a view, an import changed one) where
        they are held, in place: the rows do not move; return those that changed. The rows ``asked``
        for are up to date (those missing are no longer in the archive)."""
        changed = self._pages.renew({report.rowid: report for report in reports if report.rowid is not None}, asked)
        self._stale_asked = False
        if changed:
            self.refresh()
        return changed

    def shown_row(self, report: Report) -> None:
        """A held row is drawn: if it is from before a change elsewhere, the screen is asked to read
        the rows on screen again (once, until it has)."""
        if not self._stale_asked and self._pages.is_stale(report):
            self._stale_asked = True
            self.post_message(self.StaleShown())

    def go_to(self, row: int | str | None) -> None:
        """Jump to ``row``, or to the report with that ID (None: stay), and take the focus back."""
        if isinstance(row, int):
            self.cursor_row = row
        elif row is not None and self.source is not None:
            run_blocking(self, partial(self._find, self.source, row), group="pages")
        self.focus()

    def _find(self, source: ListingSource, report_id: str) -> None:
        row = source.place_of(report_id)
        self.post_message(self._Arrived(source, partial(self._found, report_id, row)))

    def _found(self, report_id: str, row: int | None) -> None:
        if row is None:
            self.notify(f"{clean(report_id)} is not in this list", severity="warning", markup=False)
            return
        if row >= self.row_count:  # not counted yet: the list is at least that long
            self.row_count = row + 1
            self._update_virtual_size()
        self.cursor_row = row

    def report_at(self, row: int) -> Report | None:
        """The report at ``row`` if it is held, else None."""
        return self._pages.report_at(row)

    @property
    def held_rows(self) -> int:
        """How many rows the table holds in memory."""
        return self._pages.held

    @property
    def highlighted(self) -> Report | None:
        return self.report_at(self.cursor_row) if self.row_count else None

    @property
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        set_virtual_height(self, self.row_count + 1)

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self.row_count - 1)) if self.row_count else 0

    def watch_cursor_row(self, row: int) -> None:
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + self._visible_rows:
            self.scroll_to(y=row - self._visible_rows + 1, animate=False)
        self.refresh()
        self.post_message(self.RowHighlighted(row, self.report_at(row)))

    def _move(self, rows: Callable[[], int]) -> None:
        """Move the cursor ``rows()`` rows (reckoned once the listing asked for last is shown)."""
        self.when_shown(lambda: setattr(self, "cursor_row", self.cursor_row + rows()))

    def action_cursor_up(self) -> None:
        self._move(lambda: -1)

    def action_cursor_down(self) -> None:
        self._move(lambda: 1)

    def action_page_up(self) -> None:
        self._move(lambda: -self._visible_rows)

    def action_page_down(self) -> None:
        self._move(lambda: self._visible_rows)

    def action_first(self) -> None:
        self._move(lambda: -self.cursor_row)

    def action_last(self) -> None:
        self._move(lambda: self.row_count - 1 - self.cursor_row)

    def _want(self, row: int) -> None:
        if self.source is None or self._shown is not self.source:
            return  # the rows held are an older listing's: pages come once the new one is shown
        page = self._pages.wanted(row)
        if page is not None:
            run_blocking(self, partial(self._load_page, self.source, page), group="pages")

    def on_resize(self) -> None:
        self._update_virtual_size()
