"""What the archive holds: reports, and categories with their counts.

The archive is shared with other programs (sqlite-utils, Datasette, scripts),
so any SQLite value can be in any column: NULL, an integer, a real, text of
any length, binary data. :meth:`Report.from_row` turns each into something
the app can show and act on, and says what it cannot do with it
(``Report.id_problem``).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field, replace

COLUMNS = ("id", "title", "category", "date", "views", "summary", "body", "url")
"""The columns of the ``reports`` table, in order."""

MAX_VIEWS = 2**63 - 1
"""The largest count SQLite holds as an integer: views stop there (they never wrap or become a real)."""

ID_LIMIT = 1000
"""An ID longer than this (in characters) is not copied, marked or looked up."""

BRIEF_LIMITS = {"id": ID_LIMIT, "title": 1000, "category": 200, "date": 100, "summary": 2000, "url": 2000}
"""How much of each field the list and the detail pane read (the body: none). A report
screen reads the rest a part at a time, so a 10 MB field never costs more than a screenful."""

VIEWS_LIMIT = 100
"""Characters of a view count stored as text that the list reads."""

BINARY = "(binary data)"
"""What a BLOB stands as where text was expected."""

Views = int | float | str


def as_text(value: object) -> str | None:
    """A stored value of a text column as text: numbers as written, binary data named, never bytes."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return BINARY
    return str(value)


def as_views(value: object) -> Views:
    """A stored view count: an integer when it is one (NULL counts as 0), else the value as stored."""
    if value is None:
        return 0
    if isinstance(value, bytes):
        return BINARY
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no infinity
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def views_label(views: Views) -> str:
    """``1 view``, ``12 views``; a count another program stored as something else says so."""
    if isinstance(views, int) and not isinstance(views, bool):
        return f"{views} view" + ("" if views == 1 else "s")
    return f"views: {views} (not a count)"


def brief_columns(prefix: str = "reports.") -> str:
    """The select list for the list and the detail pane: a bounded prefix of each text field, no body.

    One character more than the limit is read, so :meth:`Report.from_row` knows what was cut.
    """
    parts = [f"{prefix}rowid AS rowid"]
    for name in COLUMNS:
        limit = BRIEF_LIMITS.get(name)
        if name == "views":  # a count stored as text or binary data may be long too
            parts.append(
                f"CASE WHEN typeof({prefix}views) IN ('text', 'blob') THEN substr({prefix}views, 1, {VIEWS_LIMIT + 1})"
                f" ELSE {prefix}views END AS views"
            )
        elif limit is None:
            parts.append(f"NULL AS {name}")
        else:
            parts.append(f"substr({prefix}{name}, 1, {limit + 1}) AS {name}")
    return ", ".join(parts)


def full_columns(prefix: str = "reports.") -> str:
    """Every field in full, and the rowid."""
    return ", ".join([f"{prefix}rowid AS rowid", *(f"{prefix}{name} AS {name}" for name in COLUMNS)])


@dataclass(frozen=True)
class Report:
    """One analysis report, as stored."""

    id: str
    title: str
    category: str | None = None
    date: str | None = None
    views: Views = 0
    summary: str | None = None
    body: str | None = None
    url: str | None = None
    rowid: int | None = field(default=None, compare=False)
    """Where the row is in the file: what ACCESS counts a view of, whatever its ID."""
    id_problem: str = field(default="", compare=False)
    """Why this report's ID cannot be copied, marked or looked up ("" when it can)."""
    cut: tuple[str, ...] = field(default=(), compare=False)
    """The fields read only in part (the list's brief rows); shown with "…"."""

    @classmethod
    def from_row(cls, row: sqlite3.Row, *, brief: bool = False) -> Report:
        if not brief and len(row) == len(COLUMNS) + 1:  # full_columns(): the rowid, then each field
            rowid, id_, title, category, date, views, summary, body, url = row
            # The usual row (every field text or empty, views a number) as it is: an export reads a million.
            if (
                type(id_) is str
                and type(title) is str
                and type(views) is int
                and 0 < len(id_) <= ID_LIMIT
                and id_.strip()
                and all(value is None or type(value) is str for value in (category, date, summary, body, url))
            ):
                return cls(id_, title, category, date, views, summary, body, url, rowid=rowid)
        keys = row.keys()
        raw = {name: row[name] for name in COLUMNS}
        cut: list[str] = []
        values: dict[str, object] = {}
        for name in COLUMNS:
            if name == "views":
                views = as_views(raw[name])
                if brief and isinstance(views, str) and len(views) > VIEWS_LIMIT:
                    views = views[:VIEWS_LIMIT]
                    cut.append(name)
                values[name] = views
                continue
            text = as_text(raw[name])
            limit = BRIEF_LIMITS.get(name)
            if brief and text is not None and limit is not None and len(text) > limit:
                text = text[:limit]
                cut.append(name)
            values[name] = text
        if brief:
            cut.append("body")
        raw_id = raw["id"]
        problem = ""
        if raw_id is None:
            problem = "this report has no ID"
        elif isinstance(raw_id, bytes):
            problem = "this report's ID is binary data, not text"
        elif isinstance(raw_id, str) and not raw_id.strip():
            problem = "this report's ID is blank"
        elif "id" in cut or len(str(raw_id)) > ID_LIMIT:
            problem = f"this report's ID is over {ID_LIMIT:,} characters long"
        values["id"] = "" if problem and not isinstance(raw_id, str) else (values["id"] or "")
        values["title"] = values["title"] or ""
        return cls(
            **values,  # type: ignore[arg-type]
            rowid=row["rowid"] if "rowid" in keys else None,
            id_problem=problem,
            cut=tuple(cut),
        )

    @property
    def views_label(self) -> str:
        return views_label(self.views)

    def counted(self, views: Views) -> Report:
        """The same report with a new view count."""
        return replace(self, views=views)

    def fields(self) -> dict[str, object]:
        """The stored fields by column name (for JSON and CSV)."""
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass
class Category:
    """A category of a listing and how many of its reports are in it (``name`` None: none given)."""

    name: str | None
    count: int
