"""What to list, and how to read it a window at a time: the listing planner.

How a listing is fetched, window by window (figures for 1,000,000 reports on
two cores; see benchmarks/):

- No search text: an index scan in the sort's order. A window past the middle
  is read from the other end in reverse, so the last page costs what the first
  does.
- Best match: bm25 over every match of a word in nearly every report takes
  about a second, so ranking is bounded. The newest RELEVANCE_CANDIDATES
  matches (by rowid, i.e. the most recently added) are ranked by bm25 and come
  first; any older matches follow, newest first. Below that many matches the
  ranking is exact.
- Search text with another sort: matches are joined and sorted, except when
  they are dense (most reports match): then the sort's index is walked and
  each report checked against the full-text index, which finds a screenful
  after a few hundred checks.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from .errors import Interrupted
from .model import Category, Report, brief_columns, full_columns
from .query import Query, parse_query

# Each sort key: the ORDER BY expression, and whether it reads best descending.
SORTS: dict[str, tuple[str, bool]] = {
    "date": ("reports.date", True),
    "title": ("reports.title COLLATE NOCASE", False),
    "category": ("reports.category COLLATE NOCASE", False),
    "views": ("reports.views", True),
    "id": ("reports.id", False),
}
RELEVANCE = "relevance"
SORT_LABELS = {
    RELEVANCE: "Best match",
    "date": "Date",
    "title": "Title",
    "category": "Category",
    "views": "Views",
    "id": "ID",
}

RELEVANCE_CANDIDATES = 5000
_DENSITY_SAMPLE = 1000
_DENSE = 0.2  # share of reports matching above which the sort index is walked


@dataclass(frozen=True)
class Listing:
    """What to list: search text, a category, and an order.

    ``sort=None`` means relevance while there is search text, newest first
    otherwise. ``reverse`` flips the sort's natural direction (newest first,
    most viewed first, A to Z, best match first).
    """

    text: str = ""
    category: str | None = None
    sort: str | None = None
    reverse: bool = False
    typing: bool = False
    """Text from the search box as it is typed: its last word counts as a prefix."""

    @cached_property
    def query(self) -> Query:
        """The search text parsed, once per listing (it is read for every window and status)."""
        return parse_query(self.text, typing=self.typing)

    @property
    def match(self) -> str | None:
        """The FTS5 expression matching reports must satisfy, exclusions included."""
        query = self.query
        if query.match is None:
            return None
        return query.match if query.exclude is None else f"({query.match}) NOT ({query.exclude})"

    @property
    def filtered(self) -> bool:
        """Does the listing leave out any report?"""
        return self.category is not None or not self.query.empty

    @property
    def effective_sort(self) -> str:
        if self.sort is None or (self.sort == RELEVANCE and self.match is None):
            return RELEVANCE if self.match is not None else "date"
        return self.sort

    @property
    def descending(self) -> bool:
        """Whether the listing runs from high to low (newest, most viewed, best match first)."""
        sort = self.effective_sort
        natural = True if sort == RELEVANCE else SORTS[sort][1]
        return natural != self.reverse

    def sorts(self) -> list[str]:
        """The sort keys that make sense for this listing (best match only with search text)."""
        return [key for key in SORT_LABELS if key != RELEVANCE or self.match is not None]

    def with_text(self, text: str) -> Listing:
        """The listing for new search text.

        Text typed into an unsorted (or newest-first) list sorts it by best
        match; clearing the text goes back to newest first. A sort the user
        chose otherwise stays.
        """
        listing = replace(self, text=text)
        had_text, has_text = self.match is not None, listing.match is not None
        if has_text and not had_text and listing.sort in (None, "date") and not listing.reverse:
            return replace(listing, sort=RELEVANCE)
        if had_text and not has_text and listing.sort == RELEVANCE:
            return replace(listing, sort="date", reverse=False)
        return listing

    def sorted_by(self, sort: str) -> Listing:
        """The same reports in another order, in that order's natural direction."""
        return replace(self, sort=sort, reverse=False)

    def next_sort(self) -> Listing:
        """The next order in the cycle of sorts (``s`` in the app)."""
        keys = self.sorts()
        return self.sorted_by(keys[(keys.index(self.effective_sort) + 1) % len(keys)])

    def reversed(self) -> Listing:
        return replace(self, reverse=not self.reverse)

    def in_category(self, category: str | None) -> Listing:
        return replace(self, category=category)


def _from_where(listing: Listing, *, with_match: bool = True) -> tuple[str, list[Any]]:
    """FROM and WHERE for a listing. ``with_match=False`` leaves the full-text match to the caller."""
    query = listing.query
    match = listing.match
    params: list[Any] = []
    if match is not None and with_match:
        sql = "FROM reports_fts JOIN reports ON reports.rowid = reports_fts.rowid WHERE reports_fts MATCH ?"
        params.append(match)
    else:
        sql = "FROM reports WHERE 1"
    if query.exclude is not None and match is None:  # only words to leave out
        sql += " AND reports.rowid NOT IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)"
        params.append(query.exclude)
    for condition in query.where:
        sql += f" AND {condition}"
    params.extend(query.params)
    if listing.category is not None:
        sql += " AND reports.category = ?"
        params.append(listing.category)
    return sql, params


def _order_by(sort: str, descending: bool) -> str:
    expression, _ = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    if sort == "id":
        return f"ORDER BY {expression} {direction}"
    return f"ORDER BY {expression} {direction}, reports.id {direction}"


class Reader:
    """Reads listings on one connection; :meth:`interrupt` stops a read from any thread.

    A search superseded by the next keystroke is interrupted rather than left
    to finish; the interrupted call raises :class:`~.errors.Interrupted`.
    """

    def __init__(self) -> None:
        self.conn: sqlite3.Connection | None = None
        self._interrupted = False
        self._conn_lock = threading.Lock()
        self._brief = False

    @property
    def _columns(self) -> str:
        return brief_columns() if self._brief else full_columns()

    def _reports(self, rows: list[sqlite3.Row]) -> list[Report]:
        return [Report.from_row(row, brief=self._brief) for row in rows]

    def interrupt(self) -> None:
        self._interrupted = True
        with self._conn_lock:
            if self.conn is not None:
                self.conn.interrupt()

    def _all(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        assert self.conn is not None, "use the session in a with block"
        if self._interrupted:
            raise Interrupted()
        return self.conn.execute(sql, params).fetchall()

    def count(self, listing: Listing) -> int:
        from_where, params = _from_where(listing)
        return int(self._all(f"SELECT count(*) {from_where}", params)[0][0])

    def categories(self, listing: Listing) -> list[Category]:
        from_where, params = _from_where(replace(listing, category=None))
        sql = (
            f"SELECT reports.category AS name, count(*) AS n {from_where}"
            " GROUP BY reports.category ORDER BY reports.category COLLATE NOCASE"
        )
        return [Category(row["name"], row["n"]) for row in self._all(sql, params)]

    def window(
        self, listing: Listing, offset: int, limit: int, total: int | None = None, *, brief: bool = False
    ) -> list[Report]:
        """``limit`` reports from ``offset``; with ``total`` known, windows past the middle read backwards.

        ``brief`` (for the list on screen) reads a bounded prefix of each field and no body.
        """
        if limit <= 0:
            return []
        self._brief = brief
        sort = listing.effective_sort
        if sort == RELEVANCE:
            return self._relevance_window(listing, offset, limit)
        descending = SORTS[sort][1] != listing.reverse
        if total is not None and offset + limit > total // 2 and offset < total:
            # Read from the far end: the last window costs what the first does.
            start = max(0, total - offset - limit)
            count = min(limit, total - offset)
            rows = self._sorted_window(listing, sort, not descending, start, count)
            return rows[::-1]
        return self._sorted_window(listing, sort, descending, offset, limit)

    def _sorted_window(self, listing: Listing, sort: str, descending: bool, offset: int, limit: int) -> list[Report]:
        order = _order_by(sort, descending)
        # (Prefix terms are excluded: each check would expand the prefix again.)
        if listing.match is not None and "*" not in listing.match and self._dense(listing):
            from_where, params = _from_where(listing, with_match=False)
            sql = (
                f"SELECT {self._columns} {from_where} AND EXISTS (SELECT 1 FROM reports_fts"
                " WHERE reports_fts MATCH ? AND reports_fts.rowid = reports.rowid)"
                f" {order} LIMIT ? OFFSET ?"
            )
            params.append(listing.match)
        else:
            from_where, params = _from_where(listing)
            sql = f"SELECT {self._columns} {from_where} {order} LIMIT ? OFFSET ?"
        return self._reports(self._all(sql, [*params, limit, offset]))

    def _dense(self, listing: Listing) -> bool:
        """Do most reports match? Judged from how far back the 1000th newest match is."""
        rows = self._all(
            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            [listing.match, _DENSITY_SAMPLE - 1],
        )
        if not rows:
            return False
        newest = self._all("SELECT max(rowid) FROM reports", [])[0][0] or 0
        return bool(_DENSITY_SAMPLE / max(1, newest - rows[0][0] + 1) >= _DENSE)

    def _relevance_window(self, listing: Listing, offset: int, limit: int) -> list[Report]:
        from_where, params = _from_where(listing)
        candidates = (
            f"SELECT reports_fts.rowid AS hit, reports_fts.rank AS score {from_where}"
            " ORDER BY reports_fts.rowid DESC LIMIT ?"
        )
        # rank is bm25: lower is better. reverse puts the weakest matches first.
        direction = "DESC" if listing.reverse else "ASC"
        rows: list[sqlite3.Row] = []
        if offset < RELEVANCE_CANDIDATES:
            sql = (
                f"SELECT {self._columns} FROM ({candidates}) JOIN reports ON reports.rowid = hit"
                f" ORDER BY score {direction}, reports.id LIMIT ? OFFSET ?"
            )
            rows = self._all(sql, [*params, RELEVANCE_CANDIDATES, limit, offset])
            if len(rows) == limit or len(rows) + offset < RELEVANCE_CANDIDATES:
                return self._reports(rows)
        # Past the ranked candidates: the older matches, newest first.
        oldest = self._all(
            f"SELECT reports_fts.rowid {from_where} ORDER BY reports_fts.rowid DESC LIMIT 1 OFFSET ?",
            [*params, RELEVANCE_CANDIDATES - 1],
        )
        if not oldest:
            return self._reports(rows)
        rest_offset = max(0, offset - RELEVANCE_CANDIDATES)
        sql = (
            f"SELECT {self._columns} {from_where} AND reports_fts.rowid < ?"
            " ORDER BY reports_fts.rowid DESC LIMIT ? OFFSET ?"
        )
        more = self._all(sql, [*params, oldest[0][0], limit - len(rows), rest_offset])
        return self._reports([*rows, *more])
