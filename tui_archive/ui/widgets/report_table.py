"""A table of reports that holds only the rows near the screen, and pages them in itself.

It draws with the Line API (as Toolong does for huge logs): the virtual height
is the number of results, ``render_line`` draws only visible rows, and rows
come from a small LRU cache of pages. The table reads its rows from a
:class:`~tui_archive.core.source.ListingSource` (given with :meth:`ReportTable.show`)
in worker threads; results for a source that has since been replaced are
dropped in one place, :meth:`ReportTable._arrived`. Memory does not grow with
the size of the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core.listing import Listing
from ...core.model import Report
from ...core.source import Counts, ListingSource
from ..text import fit
from ..workers import run_blocking
from .columns import COLUMNS, GAP, MARKER, cells, column_at, widths

PAGE_SIZE = 100
MAX_PAGES = 40  # at most 4,000 rows held, whatever the archive's size


class ReportTable(ScrollView, can_focus=True):
    """Reports in rows, a header that sorts, and a row cursor."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First report", show=False),
        Binding("end,G", "last", "Last report", show=False),
        Binding("enter", "select", "Access"),
    ]

    DEFAULT_CSS = """
    ReportTable {
        background: $surface;
        scrollbar-gutter: stable;
        border: tall $panel;
    }
    ReportTable:focus {
        border: tall $primary;
    }
    ReportTable > .report-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    ReportTable > .report-table--sorted {
        color: $accent;
    }
    ReportTable > .report-table--even-row {
        background: $boost;
    }
    ReportTable > .report-table--cursor {
        background: $primary 40%;
        text-style: bold;
    }
    ReportTable:focus > .report-table--cursor {
        background: $primary;
        color: $text;
    }
    ReportTable > .report-table--loading {
        color: $text-muted;
    }
    ReportTable > .report-table--marked {
        color: $warning;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {
        "report-table--header",
        "report-table--sorted",
        "report-table--cursor",
        "report-table--even-row",
        "report-table--loading",
        "report-table--marked",
    }

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row in the listing."""

    class RowHighlighted(Message):
        """The cursor moved to a row (``report`` is None while the row loads)."""

        def __init__(self, row: int, report: Report | None) -> None:
            super().__init__()
            self.row = row
            self.report = report

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReportTable.RowHighlighted)  # a burst of moves: only the last counts

    class RowSelected(Message):
        """Enter, or a click on the highlighted row."""

        def __init__(self, row: int, report: Report) -> None:
            super().__init__()
            self.row = row
            self.report = report

    class HeaderSelected(Message):
        """A column header was clicked."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    class Shown(Message):
        """The first page of ``listing`` is on screen (it is not counted yet)."""

        def __init__(self, listing: Listing, rows: list[Report]) -> None:
            super().__init__()
            self.listing = listing
            self.rows = rows

    class Counted(Message):
        """The listing on screen is counted: its size, the archive's, and its categories."""

        def __init__(self, listing: Listing, counts: Counts) -> None:
            super().__init__()
            self.listing = listing
            self.counts = counts

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
        """Whether ``row_count`` is the listing's counted size (not just its first page)."""
        self.drawn_generation = 0
        """The newest listing whose rows have been drawn (rendered), for measuring time to first row."""
        self._pages: LRUCache[int, list[Report]] = LRUCache(MAX_PAGES)
        self._pending: set[int] = set()
        self.marked: set[str] = set()
        """IDs of the marked reports (kept across listings); drawn with a marker before the ID."""

    @property
    def listing(self) -> Listing:
        return self.source.listing if self.source is not None else Listing()

    @property
    def sort_column(self) -> str | None:
        sort = self.listing.effective_sort
        return None if sort == "relevance" else sort

    # -- data in ------------------------------------------------------------------

    def show(self, source: ListingSource) -> None:
        """Show a new listing: its first page as soon as it is read, then its size."""
        if self.source is not None:
            self.source.cancel()  # the read for the last keystroke is of no use now: stop it in SQLite
        self.source = source
        run_blocking(self, partial(self._load, source), group="listing", exclusive=True)

    def _load(self, source: ListingSource) -> None:
        """First page first, so rows show at once; then the count and the categories."""
        rows = source.first_page(PAGE_SIZE)
        self.post_message(self._Arrived(source, partial(self._first_page, rows)))
        counts = source.counts()
        self.post_message(self._Arrived(source, partial(self._counted, counts)))

    def _load_page(self, source: ListingSource, page: int) -> None:
        rows = source.window(page * PAGE_SIZE, PAGE_SIZE)
        self.post_message(self._Arrived(source, partial(self._page, page, rows)))

    @on(_Arrived)
    def _arrived(self, message: _Arrived) -> None:
        if message.source is self.source:
            message.apply()

    def _first_page(self, rows: list[Report]) -> None:
        self.generation += 1
        self._pages.clear()
        self._pending.clear()
        self._pages.set(0, rows)
        self.row_count = len(rows)
        self.counted = False
        self._update_virtual_size()
        self.scroll_to(y=0, animate=False)
        self.cursor_row = 0
        self.refresh()
        self.post_message(self.Shown(self.listing, rows))

    def _counted(self, counts: Counts) -> None:
        self.row_count = counts.total
        self.counted = True
        self._update_virtual_size()
        if self.cursor_row >= self.row_count:
            self.cursor_row = max(0, self.row_count - 1)
        self.refresh()
        self.post_message(self.Counted(self.listing, counts))

    def _page(self, page: int, rows: list[Report]) -> None:
        self._pending.discard(page)
        self._pages.set(page, rows)
        if page == self.cursor_row // PAGE_SIZE:
            self.post_message(self.RowHighlighted(self.cursor_row, self.report_at(self.cursor_row)))
        self.refresh()

    def update_report(self, report: Report) -> None:
        """Show a changed report (a new view count, say) wherever it is held."""
        for page in list(self._pages.keys()):
            rows = self._pages.get(page) or []
            for index, held in enumerate(rows):
                if held.id == report.id:
                    rows[index] = report
        self.refresh()

    def toggle_mark(self) -> int:
        """Mark the highlighted report (or unmark it) and move to the next; return how many are marked."""
        report = self.highlighted
        if report is not None:
            self.marked.symmetric_difference_update({report.id})
            self.cursor_row += 1
            self.refresh()
        return len(self.marked)

    def unmark_all(self) -> int:
        self.marked.clear()
        self.refresh()
        return 0

    def go_to(self, row: int | None) -> None:
        """Jump to ``row`` (None: stay) and take the focus back, as after the go-to dialog."""
        if row is not None:
            self.cursor_row = row
        self.focus()

    def report_at(self, row: int) -> Report | None:
        """The report at ``row`` if it is held, else None."""
        rows = self._pages.get(row // PAGE_SIZE)
        if rows is None:
            return None
        index = row % PAGE_SIZE
        return rows[index] if index < len(rows) else None

    @property
    def held_rows(self) -> int:
        """How many rows the table holds in memory."""
        return sum(len(self._pages.get(page) or []) for page in list(self._pages.keys()))

    @property
    def highlighted(self) -> Report | None:
        return self.report_at(self.cursor_row) if self.row_count else None

    # -- cursor and scrolling -------------------------------------------------------

    @property
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(0, self.row_count + 1)

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

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._visible_rows

    def action_page_down(self) -> None:
        self.cursor_row += self._visible_rows

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.row_count - 1

    def action_select(self) -> None:
        report = self.highlighted
        if report is not None:
            self.post_message(self.RowSelected(self.cursor_row, report))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.HeaderSelected(column))
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= self.row_count:
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.cursor_row = row

    # -- drawing --------------------------------------------------------------------

    def _column_at(self, x: int) -> str | None:
        return column_at(x, self.scrollable_content_region.width)

    def _line(self, texts: list[str], style: Style, width: int) -> Strip:
        text = " " + (" " * GAP).join(texts)
        return Strip([Segment(fit(text, width), style)])

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("report-table--header")
        segments = [Segment(" ", style)]
        for index, (column, cell_width) in enumerate(zip(COLUMNS, widths(width), strict=True)):
            label = column.label
            cell_style = style
            if column.key == self.sort_column:
                label += " ▼" if self.listing.descending else " ▲"
                cell_style = style + self.get_component_rich_style("report-table--sorted")
            text = fit(label, cell_width)
            if column.right:
                text = text.strip().rjust(cell_width)
            segments.append(Segment(text, cell_style))
            if index < len(COLUMNS) - 1:
                segments.append(Segment(" " * GAP, style))
        return Strip(segments).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header(width)
        row = round(self.scroll_y) + y - 1
        if row >= self.row_count:
            return Strip.blank(width, base)
        report = self.report_at(row)
        if report is None:
            self._want(row)
            style = base + self.get_component_rich_style("report-table--loading")
            return self._line(["…"], style, width)
        style = base
        if row % 2:
            style += self.get_component_rich_style("report-table--even-row")
        if row == self.cursor_row:
            style += self.get_component_rich_style("report-table--cursor")
        line = self._line(cells(report, widths(width)), style, width)
        self.drawn_generation = self.generation
        if report.id in self.marked:  # the marker takes the blank column before the ID
            marker = Segment(MARKER, style + self.get_component_rich_style("report-table--marked"))
            line = Strip([marker, *line.crop(1, width)], width)
        return line

    def _want(self, row: int) -> None:
        page = row // PAGE_SIZE
        if page not in self._pending and self.source is not None:
            self._pending.add(page)
            run_blocking(self, partial(self._load_page, self.source, page), group="pages")

    def on_resize(self) -> None:
        self._update_virtual_size()
