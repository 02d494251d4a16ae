"""What the archive holds: reports, and categories with their counts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

COLUMNS = ("id", "title", "category", "date", "views", "summary", "body", "url")
"""The columns of the ``reports`` table, in order."""


@dataclass(frozen=True)
class Report:
    """One analysis report, as stored."""

    id: str
    title: str
    category: str | None = None
    date: str | None = None
    views: int = 0
    summary: str | None = None
    body: str | None = None
    url: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Report:
        values = {name: row[name] for name in COLUMNS}
        values["views"] = values["views"] or 0  # another program may have left it empty
        return cls(**values)


@dataclass
class Category:
    """A category of a listing and how many of its reports are in it (``name`` None: none given)."""

    name: str | None
    count: int
