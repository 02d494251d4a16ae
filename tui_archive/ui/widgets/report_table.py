"""The table of reports: columns, a header that sorts, marks, and only the visible rows drawn.

Paging, the row cursor and the listing's size come from :class:`~.paged_listing.PagedListing`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from ...core.listing import RELEVANCE
from ...core.matches import Highlighter
from ...core.model import Report
from .columns import MARKER, cells, column_at, header_line, row_line, widths
from .paged_listing import PagedListing
from .pages import MAX_PAGES, PAGE_SIZE

__all__ = ["MAX_PAGES", "PAGE_SIZE", "ReportTable"]


class ReportTable(PagedListing):
    """Reports in rows, a header that sorts, and a row cursor."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("home,g", "first", "First report", show=False, id="first"),
        Binding("end,G", "last", "Last report", show=False, id="last"),
        Binding("ctrl+c", "app.quit", "Quit", show=False, id="ctrl-c-quit"),  # in the search box it copies
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
        color: $text-primary;
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
        color: $text-warning;
        text-style: bold;
    }
    ReportTable > .report-table--match {
        text-style: bold underline;
    }
    ReportTable:light > .report-table--marked {
        color: $text-error;
    }
    """

    COMPONENT_CLASSES = {
        "report-table--header",
        "report-table--sorted",
        "report-table--cursor",
        "report-table--even-row",
        "report-table--loading",
        "report-table--marked",
        "report-table--match",
    }

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

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.marks: dict[int | str, Report] = {}
        """The marked reports by row (kept across listings), drawn with a marker before the ID.

        By row, not by ID: another program may have left reports with no ID, or two with one."""
        self._kit: _Kit | None = None
        self._cells: dict[tuple[int | str, int], tuple[Report, list[str], list[tuple[int, int]]]] = {}
        """Each drawn report's cells (made inert) and where the search's words are in its title, by
        report and width: a row scrolled back into view is not cut and cleaned again."""
        self._cells_for: object = None
        self._header_line: tuple[tuple[object, ...], Strip] | None = None

    @property
    def matches(self) -> Highlighter:
        """Where the words of the listed search are, to mark them in titles."""
        source = self.source
        if source is None:
            return Highlighter()
        return Highlighter(source.listing.query.terms, source.store.tokenize)

    @property
    def sort_column(self) -> str | None:
        sort = self.listing.effective_sort
        return None if sort == RELEVANCE else sort

    # -- data in ------------------------------------------------------------------

    def toggle_mark(self) -> int:
        """Mark the highlighted report (or unmark it) and move to the next; return how many are marked."""
        report = self.highlighted
        if report is not None:
            key = _mark_key(report)
            if self.marks.pop(key, None) is None:
                self.marks[key] = report
            self.cursor_row += 1
            self.refresh()
        return len(self.marks)

    def unmark_all(self) -> int:
        self.marks.clear()
        self.refresh()
        return 0

    @property
    def marked(self) -> set[str]:
        """The IDs of the marked reports that have one."""
        return {report.id for report in self.marks.values() if not report.id_problem}

    # -- cursor and scrolling -------------------------------------------------------

    def action_select(self) -> None:
        self.when_shown(self._select)

    def _select(self) -> None:
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

    def _header(self, kit: _Kit) -> Strip:
        key = (kit.width, kit.header, kit.sorted, self.sort_column, self.listing.descending)
        if self._header_line is None or self._header_line[0] != key:
            self._header_line = (key, header_line(*key))
        return self._header_line[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles, widths and search words are read once for all the lines drawn now.
        self._kit = None
        try:
            return super().render_lines(crop)
        finally:
            self._kit = None

    def _make_kit(self) -> _Kit:
        base = self.rich_style
        header = self.get_component_rich_style("report-table--header")
        return _Kit(
            width=(width := self.scrollable_content_region.width),
            widths=widths(width),
            base=base,
            header=header,
            sorted=header + self.get_component_rich_style("report-table--sorted"),
            loading=base + self.get_component_rich_style("report-table--loading"),
            even=self.get_component_rich_style("report-table--even-row"),
            cursor=self.get_component_rich_style("report-table--cursor"),
            match=self.get_component_rich_style("report-table--match", partial=True),
            marked=self.get_component_rich_style("report-table--marked"),
            matches=self.matches,
        )

    def _row_cells(self, report: Report, kit: _Kit) -> tuple[list[str], list[tuple[int, int]]]:
        """The report's cells and the search's words in its title cell (kept for the listing shown)."""
        if self._cells_for is not self.source or len(self._cells) > 4 * PAGE_SIZE:
            self._cells.clear()
            self._cells_for = self.source
        key = (_mark_key(report), kit.width)
        held = self._cells.get(key)
        if held is not None and held[0] is report:
            return held[1], held[2]
        texts = cells(report, kit.widths)
        spans: list[tuple[int, int]] = []
        if kit.matches:  # the words of the search, where the title cell shows them
            title = texts[1].rstrip(" ")
            spans = kit.matches.spans(title[:-1] if title.endswith("…") else title)
        self._cells[key] = (report, texts, spans)
        return texts, spans

    def render_line(self, y: int) -> Strip:
        kit = self._kit = self._kit or self._make_kit()
        width, base = kit.width, kit.base
        if y == 0:
            return self._header(kit)
        row = round(self.scroll_y) + y - 1
        if row >= self.row_count:
            if row == 0 and self.counted:  # an empty listing, once counted (not while it loads)
                return row_line(["no reports match"], kit.loading, width)
            return Strip.blank(width, base)
        report = self.report_at(row)
        if report is None:
            self._want(row)
            return row_line(["…"], kit.loading, width)
        self.shown_row(report)
        style = base
        if row % 2:
            style += kit.even
        if row == self.cursor_row:
            style += kit.cursor
        texts, spans = self._row_cells(report, kit)
        if spans:
            line = row_line(texts, style, width, spans, style + kit.match)
        else:
            line = row_line(texts, style, width)
        self.drawn_generation = self.generation
        if _mark_key(report) in self.marks:  # the marker takes the blank column before the ID
            marker = Segment(MARKER, style + kit.marked)
            line = Strip([marker, *line.crop(1, width)], width)
        return line


@dataclass(frozen=True)
class _Kit:
    """What every line drawn at once shares: the table's width and columns, its styles, the search's words."""

    width: int
    widths: list[int]
    base: Style
    header: Style
    sorted: Style
    loading: Style
    even: Style
    cursor: Style
    match: Style
    marked: Style
    matches: Highlighter


def _mark_key(report: Report) -> int | str:
    return report.rowid if report.rowid is not None else report.id
