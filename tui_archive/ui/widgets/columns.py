"""The report table's columns: their widths in a given space, each cell's text, and a line drawn of them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ...core.model import Report
from ..text import fit


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None  # None: takes the width that is left
    right: bool = False


COLUMNS = (
    Column("id", "ID", 10),
    Column("title", "Title", None),
    Column("category", "Category", 14),
    Column("date", "Date", 10),
    Column("views", "Views", 7, right=True),  # room for "Views ▼"
)
GAP = 1
MARKER = "●"


GIVES_WAY = {"category": 9}
"""On a narrow table, a column that narrows (to this width) while the title has under :data:`TITLE_WANTS`."""
TITLE_WANTS = 20


def widths(total: int) -> list[int]:
    """Each column's width when the table is ``total`` cells wide: the title takes what is left."""
    fixed = sum(c.width or 0 for c in COLUMNS) + GAP * (len(COLUMNS) - 1)
    flexible = total - fixed - 1
    result = [c.width for c in COLUMNS]
    for index, column in enumerate(COLUMNS):
        if column.key in GIVES_WAY and column.width is not None and flexible < TITLE_WANTS:
            given = max(0, min(column.width - GIVES_WAY[column.key], TITLE_WANTS - flexible))
            result[index] = column.width - given
            flexible += given
    return [width if width is not None else max(8, flexible) for width in result]


def column_at(x: int, total: int) -> str | None:
    """The key of the column at ``x`` (a click on the header), if any."""
    left = 1
    for column, width in zip(COLUMNS, widths(total), strict=True):
        if left <= x < left + width + GAP:
            return column.key
        left += width + GAP
    return None


def cells(report: Report, column_widths: list[int]) -> list[str]:
    """The report's cells, each exactly its column's width, archive text made inert."""
    values = {
        "id": report.id,
        "title": report.title,
        "category": report.category,
        "date": report.date,
        "views": str(report.views),
    }
    texts = []
    for column, width in zip(COLUMNS, column_widths, strict=True):
        text = fit(values[column.key], width)
        texts.append(text.strip().rjust(width) if column.right else text)
    return texts


def row_line(
    texts: list[str],
    style: Style,
    width: int,
    title_matches: list[tuple[int, int]] | None = None,
    match_style: Style | None = None,
) -> Strip:
    """One row of the table, ``width`` cells wide; ``title_matches`` (spans of the title cell's text)
    drawn in ``match_style``."""
    text = fit(" " + (" " * GAP).join(texts), width)
    if not title_matches or match_style is None or len(texts) < 2:
        return Strip([Segment(text, style)])
    offset = 1 + len(texts[0]) + GAP  # where the title cell starts, in characters
    segments: list[Segment] = []
    at = 0
    for start, end in title_matches:
        start, end = offset + start, offset + end
        if start >= len(text):
            break
        segments += [Segment(text[at:start], style), Segment(text[start:end], match_style)]
        at = end
    segments.append(Segment(text[at:], style))
    return Strip([segment for segment in segments if segment.text], width)


def header_line(width: int, style: Style, sorted_style: Style, sort_column: str | None, descending: bool) -> Strip:
    """The header row; the sorted column in ``sorted_style``, with an arrow for its direction."""
    segments = [Segment(" ", style)]
    for index, (column, cell_width) in enumerate(zip(COLUMNS, widths(width), strict=True)):
        text = fit(column.label, cell_width)
        cell_style = style
        if column.key == sort_column:  # the arrow always shows: the label gives way to it
            arrow = " ▼" if descending else " ▲"
            text = fit(fit(column.label, max(0, cell_width - len(arrow))).rstrip() + arrow, cell_width)
            cell_style = sorted_style
        if column.right:
            text = text.strip().rjust(cell_width)
        segments.append(Segment(text, cell_style))
        if index < len(COLUMNS) - 1:
            segments.append(Segment(" " * GAP, style))
    return Strip(segments).adjust_cell_length(width, style)
