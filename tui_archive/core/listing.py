"""What to list, and how to read it a window at a time: the listing planner.

How a listing is fetched, window by window (figures for 1,000,000 reports on
two cores; see benchmarks/):

- No search text: an index scan in the sort's order. A window past the middle
  is read from the other end in reverse, so the last page costs what the first
  does.
- Best match: bm25 over every match of a word in nearly every report takes
  about a second, so ranking is bounded. The newest RELEVANCE_CANDIDATES
  matches (by rowid, i.e. the most recently added) are ranked by bm25, from
  the index alone, and come first (equal scores newest first); any older
  matches follow, newest first. Below that many matches the ranking is exact.
- Search text with another sort: matches are joined and sorted, except when
  they are dense (most reports match): then the sort's index is walked and
  each report checked against the full-text index, which finds a screenful
  after a few hundred checks.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from .errors import Interrupted
from .model import Category, Report, brief_columns, full_columns
from .query import Query, parse_query
from .related import Related, read_related
from .schema import NATURAL_ID_NUMBER, NATURAL_ID_PREFIX, index_state, indexed_total

# Each sort key: the ORDER BY expression, and whether it reads best descending.
SORTS: dict[str, tuple[str, bool]] = {
    "date": ("reports.date", True),
    "title": ("reports.title COLLATE NOCASE", False),
    "category": ("reports.category COLLATE NOCASE", False),
    "views": ("reports.views", True),
    "id": ("reports.id", False),
}
NATURAL_ID = (
    NATURAL_ID_PREFIX.replace("id", "reports.id"),
    NATURAL_ID_NUMBER.replace("(id", "(reports.id"),
)
"""The ID sort's keys before the ID itself: its text, then the number it ends with (RPT-2 before RPT-10),
as the index ``idx_reports_natural_id`` holds them."""
T = TypeVar("T")
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
_NOTHING = '""'  # an FTS5 expression that matches no report
COMPLETIONS = 5
"""How many of the commonest index terms starting with a partial word (one or two letters) are searched."""
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
    related: Related | None = None
    """For ``related:ID`` in the text, its words once read from the archive (readers fill it in)."""
    completions: tuple[str, ...] | None = field(default=None, compare=False)
    """The index terms a partial word being typed may become (see :meth:`Reader.complete`)."""

    @cached_property
    def query(self) -> Query:
        """The search text parsed, once per listing (it is read for every window and status)."""
        return parse_query(self.text, typing=self.typing, completions=self.completions)

    @property
    def match(self) -> str | None:
        """The FTS5 expression matching reports must satisfy, exclusions included."""
        query = self.query
        match = query.match
        if query.related is not None:  # matches nothing until the reader has read the report's words
            like = (self.related.match if self.related is not None else None) or _NOTHING
            match = like if match is None else f"({like}) AND ({match})"
        if match is None:
            return None
        return match if query.exclude is None else f"({match}) NOT ({query.exclude})"

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
        listing = replace(self, text=text, completions=None)
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
    if listing.related is not None and listing.related.rowid is not None:  # not the report itself
        sql += " AND reports.rowid != ?"
        params.append(listing.related.rowid)
    return sql, params


def _hits(listing: Listing) -> tuple[str, list[Any]]:
    """FROM and WHERE for the rowids a listing holds: the full-text index alone where words are
    all it asks for (no field, no category, not related), without a lookup of each report."""
    query = listing.query
    if listing.match is not None and not query.where and listing.category is None and listing.related is None:
        return "FROM reports_fts WHERE reports_fts MATCH ?", [listing.match]
    return _from_where(listing)


def _order_by(sort: str, descending: bool) -> str:
    expression, _ = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    keys = [*NATURAL_ID, "reports.id"] if sort == "id" else [expression, "reports.id"]
    return "ORDER BY " + ", ".join(f"{key} {direction}" for key in keys)


class CachingConnection(sqlite3.Connection):
    """A connection that remembers answers until the archive changes.

    An answer is kept while ``PRAGMA data_version`` (which moves when another
    connection commits) and this connection's own ``total_changes`` stay the
    same, so it is never stale, whoever wrote.
    """

    _MOST = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers: dict[object, object] = {}
        self._version: tuple[int, int] | None = None

    def remembered(self, key: object, compute: Callable[[], T]) -> T:
        version = (self.execute("PRAGMA data_version").fetchone()[0], self.total_changes)
        if version != self._version:
            self._answers.clear()
            self._version = version
        if key in self._answers:
            return self._answers[key]  # type: ignore[return-value]
        answer = compute()
        if len(self._answers) >= self._MOST:
            self._answers.clear()
        self._answers[key] = answer
        return answer


class _Completions:
    """Completions of partial words, for every connection of the process, kept while the index
    they were read from stands (:func:`index_state`): other sessions counting views, which
    change the archive every moment, do not make a letter cost its 0.2 to 0.5 s again."""

    _MOST = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._terms: dict[tuple[str, bytes, str], tuple[str, ...]] = {}

    def get(self, key: tuple[str, bytes, str]) -> tuple[str, ...] | None:
        with self._lock:
            return self._terms.get(key)

    def put(self, key: tuple[str, bytes, str], terms: tuple[str, ...]) -> None:
        with self._lock:
            if len(self._terms) >= self._MOST:
                self._terms.clear()
            self._terms[key] = terms


COMPLETED = _Completions()


_VOCAB = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.reports_fts_terms USING fts5vocab(main, reports_fts, row)"
"""The full-text index's terms with how many reports hold each, in the connection's own ``temp``
schema: nothing is written to the archive, which may be read-only."""


def _as_stored(report_id: object) -> list[object]:
    """The values an ID shown as ``report_id`` may be stored as: another program may have written
    a number (shown as "42", stored as 42)."""
    values = [report_id]
    if isinstance(report_id, str):
        for number in (int, float):
            try:
                values.append(number(report_id))
                break
            except ValueError:
                continue
    return values


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
        self._related: dict[str, Related] = {}

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

    def _remembered(self, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, or its answer from before if the archive has not changed since."""
        if isinstance(self.conn, CachingConnection):
            if self._interrupted:
                raise Interrupted()
            return self.conn.remembered(key, compute)
        return compute()

    def count(self, listing: Listing) -> int:
        """How many reports the listing holds; remembered until the archive changes.

        Words alone (no field, no category) are counted in the full-text index
        without reading the reports: for a word in nearly every report of a
        million, about 35 ms rather than 230. The whole archive is counted by
        the index's own record of its size (:func:`indexed_total`).
        """
        listing = self.resolved(listing)
        if not listing.filtered and self.conn is not None:
            indexed = indexed_total(self.conn)
            if indexed is not None:
                return indexed
        from_where, params = _hits(listing)
        sql = f"SELECT count(*) {from_where}"
        return self._remembered(("count", sql, tuple(params)), lambda: int(self._all(sql, params)[0][0]))

    def complete(self, listing: Listing) -> Listing:
        """The listing with the index terms its partial word may become (itself if it has none).

        The :data:`COMPLETIONS` terms starting with the letters that the most
        reports hold, from an ``fts5vocab`` table; remembered while the
        full-text index stands, for every connection of the process (one letter
        takes 0.2 to 0.5 s at a million reports, two 50 ms), see :class:`_Completions`.
        """
        partial = listing.query.partial
        if partial is None or listing.completions is not None:
            return listing

        def terms() -> tuple[str, ...]:
            assert self.conn is not None
            self.conn.execute(_VOCAB)
            end = partial[:-1] + chr(min(ord(partial[-1]) + 1, 0x10FFFF))
            rows = self._all(
                "SELECT term FROM temp.reports_fts_terms WHERE term >= ? AND term < ? ORDER BY doc DESC, term LIMIT ?",
                [partial, end, COMPLETIONS],
            )
            return tuple(str(row[0]) for row in rows)

        assert self.conn is not None, "use the session in a with block"
        state = index_state(self.conn)
        if state is None:
            return replace(listing, completions=self._remembered(("complete", partial), terms))
        key = (str(self.conn.execute("PRAGMA database_list").fetchone()[2]), state, partial)
        completions = COMPLETED.get(key)
        if completions is None:
            completions = terms()
            COMPLETED.put(key, completions)
        return replace(listing, completions=completions)

    def position(self, listing: Listing, report_id: object) -> int | None:
        """Where the report with ``report_id`` is in the listing (0 is first), or None if it is not listed.

        Counted along the sort's index: the rows that come before it. In best
        match order, only a report among the ranked candidates has a place.
        """
        listing = self.resolved(listing)
        sort = listing.effective_sort
        from_where, params = _from_where(listing)
        stored = _as_stored(report_id)
        if sort == RELEVANCE:
            found = self._all(f"SELECT rowid FROM reports WHERE id IN ({', '.join('?' * len(stored))})", stored)
            if len(found) != 1:
                return None
            ranked = self._ranked_hits(listing)
            return ranked.index(found[0][0]) if found[0][0] in ranked else None
        expression, _ = SORTS[sort]
        found = self._all(
            f"SELECT {expression} AS key, reports.id {from_where} AND reports.id IN ({', '.join('?' * len(stored))})",
            [*params, *stored],
        )
        if len(found) != 1:
            return None
        key, report_id = found[0][0], found[0][1]  # the ID as stored (42, not "42")
        descending = listing.descending
        before = ">" if descending else "<"
        # The rows before it, as parts that do not overlap, each one range of the sort's index:
        # counted as one OR (or one row value), SQLite scanned the whole index (at a million
        # reports, 0.1 to 0.34 s for a date or title, 0.85 s for an ID; as parts, a few to 0.1 s).
        parts: list[tuple[str, list[Any]]]
        if sort == "id":
            exprs: list[str] = list(NATURAL_ID)
            keys = list(self._all(f"SELECT {', '.join(NATURAL_ID)} FROM reports WHERE id = ?", [report_id])[0])
        else:
            exprs, keys = [expression], [key]
        if keys[0] is None:  # NULLs sort first ascending, last descending
            parts = [(f"{exprs[0]} IS NULL AND reports.id {before} ?", [report_id])]
            if descending:
                parts.append((f"{exprs[0]} IS NOT NULL", []))
        else:
            values = [*keys, report_id]
            parts = []  # equal in the keys before this one, before it in this one
            for i, expr in enumerate([*exprs, "reports.id"]):
                same = "".join(f"{earlier} = ? AND " for earlier in exprs[:i])
                parts.append((f"{same}{expr} {before} ?", values[: i + 1]))
            if not descending:
                parts.append((f"{exprs[0]} IS NULL", []))
        sql = " + ".join(f"(SELECT count(*) {from_where} AND {condition})" for condition, _ in parts)
        return int(self._all(f"SELECT {sql}", [value for _, extra in parts for value in (*params, *extra)])[0][0])

    def resolved(self, listing: Listing) -> Listing:
        """The listing with what ``related:ID`` stands for read from the archive (once per reader)."""
        wanted = listing.query.related
        if wanted is None or listing.related is not None:
            return listing
        related = self._related.get(wanted)
        if related is None:
            assert self.conn is not None, "use the session in a with block"
            if self._interrupted:
                raise Interrupted()
            related = self._related[wanted] = read_related(self.conn, self.resolve_id(wanted))
        return replace(listing, related=related)

    def resolve_id(self, report_id: str) -> str:
        """``report_id`` as stored: itself if a report has it, else the one ID equal to it in another
        case (rpt-1045 for RPT-1045), else itself unchanged."""
        if self._all("SELECT 1 FROM reports WHERE id = ? LIMIT 1", [report_id]):
            return report_id  # by the index on IDs: the case-blind look-up below reads all of them
        rows = self._all("SELECT id FROM reports WHERE id = ? COLLATE NOCASE LIMIT 2", [report_id])
        same = [row[0] for row in rows]
        if report_id in same or len(same) != 1 or not isinstance(same[0], str):
            return report_id
        return same[0]

    def categories(self, listing: Listing) -> list[Category]:
        listing = self.resolved(listing)
        from_where, params = _from_where(replace(listing, category=None))
        sql = (
            f"SELECT reports.category AS name, count(*) AS n {from_where}"
            " GROUP BY reports.category ORDER BY reports.category COLLATE NOCASE"
        )
        found = self._remembered(
            ("categories", sql, tuple(params)),
            lambda: tuple(Category(row["name"], row["n"]) for row in self._all(sql, params)),
        )
        return list(found)

    def window(
        self, listing: Listing, offset: int, limit: int, total: int | None = None, *, brief: bool = False
    ) -> list[Report]:
        """``limit`` reports from ``offset``; with ``total`` known, windows past the middle read backwards.

        ``brief`` (for the list on screen) reads a bounded prefix of each field and no body.
        """
        if limit <= 0:
            return []
        self._brief = brief
        listing = self.resolved(listing)
        sort = listing.effective_sort
        if sort == RELEVANCE:
            return self._relevance_window(listing, offset, limit, total)
        descending = SORTS[sort][1] != listing.reverse
        if total is not None and offset + limit > total // 2 and offset < total:
            # Read from the far end: the last window costs what the first does.
            start = max(0, total - offset - limit)
            count = min(limit, total - offset)
            rows = self._sorted_window(listing, sort, not descending, start, count)
            return rows[::-1]
        return self._sorted_window(listing, sort, descending, offset, limit)

    def _sorted_window(self, listing: Listing, sort: str, descending: bool, offset: int, limit: int) -> list[Report]:
        sql, params = self._sorted_select(listing, sort, descending)
        return self._reports(self._all(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset]))

    def _sorted_select(self, listing: Listing, sort: str, descending: bool) -> tuple[str, list[Any]]:
        """The whole listing in a sort's order, as one SELECT (windows add LIMIT and OFFSET)."""
        order = _order_by(sort, descending)
        # (Prefix terms are excluded: each check would expand the prefix again.)
        if listing.match is not None and "*" not in listing.match and self._dense(listing):
            from_where, params = _from_where(listing, with_match=False)
            sql = (
                f"SELECT {self._columns} {from_where} AND EXISTS (SELECT 1 FROM reports_fts"
                " WHERE reports_fts MATCH ? AND reports_fts.rowid = reports.rowid)"
                f" {order}"
            )
            params.append(listing.match)
        else:
            from_where, params = _from_where(listing)
            sql = f"SELECT {self._columns} {from_where} {order}"
        return sql, params

    def stream(self, listing: Listing, offset: int = 0, chunk: int = 500) -> Generator[Report, None, None]:
        """Every report of the listing from ``offset``, in the order its windows give, ``chunk`` rows at a time.

        Each part of the listing is one statement that SQLite steps through as
        the reports are taken, so the listing is read once, in time linear in
        its size and in memory for one chunk. Call it inside a read transaction
        (:meth:`~.store.Store.iter_listing` does), so that every statement sees
        the archive as it was at one moment, whatever other sessions write.
        """
        assert self.conn is not None, "use the session in a with block"
        self._brief = False  # an export has every field in full
        listing = self.resolved(listing)
        sort = listing.effective_sort
        if sort == RELEVANCE:
            parts = self._relevance_parts(listing)
        else:
            sql, params = self._sorted_select(listing, sort, SORTS[sort][1] != listing.reverse)
            parts = [(f"{sql} LIMIT -1 OFFSET ?", [*params, offset])]
            offset = 0
        for sql, params in parts:
            if self._interrupted:
                raise Interrupted()
            cursor = self.conn.execute(sql, params)
            try:
                while rows := cursor.fetchmany(chunk):
                    if offset >= len(rows):
                        offset -= len(rows)
                        continue
                    for row in rows[offset:]:
                        yield Report.from_row(row)
                    offset = 0
            finally:
                cursor.close()

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

    def _relevance_window(self, listing: Listing, offset: int, limit: int, total: int | None = None) -> list[Report]:
        rows: list[sqlite3.Row] = []
        if offset < RELEVANCE_CANDIDATES:
            rows = self._all(*self._ranked(listing, limit, offset))
            if len(rows) == limit or len(rows) + offset < RELEVANCE_CANDIDATES:
                return self._reports(rows)
        # Past the ranked candidates: the older matches, newest first.
        rest_offset = max(0, offset - RELEVANCE_CANDIDATES)
        wanted = limit - len(rows)
        older_total = None if total is None else total - RELEVANCE_CANDIDATES
        if older_total is not None and rest_offset + wanted > older_total // 2 and rest_offset < older_total:
            # Read from the oldest end: the last window costs what the first does (an OFFSET
            # into the newest first steps through every match before it, 0.1 s at a million).
            older = self._older(listing, oldest_first=True)
            if older is not None:
                sql, older_params = older
                start = max(0, older_total - rest_offset - wanted)
                count = min(wanted, older_total - rest_offset)
                more = self._all(f"{sql} LIMIT ? OFFSET ?", [*older_params, count, start])
                return self._reports([*rows, *more[::-1]])
        older = self._older(listing)
        if older is None:
            return self._reports(rows)
        sql, older_params = older
        more = self._all(f"{sql} LIMIT ? OFFSET ?", [*older_params, wanted, rest_offset])
        return self._reports([*rows, *more])

    def _ranking(self, listing: Listing, limit: int | None = None, offset: int = 0) -> tuple[str, str, list[Any]]:
        """The newest RELEVANCE_CANDIDATES matches, best match first, as rowids (``hit``) and scores;
        with ``limit``, those from ``offset`` only. Also the ORDER BY keeping that order outside.

        Equal scores put the newest report first (reverse: last). Only the full-text index is
        read: no report, so ranking at a million reads a few hundred pages, not 5,000 reports
        (whose reads from the file cache were half the CPU of a new search).
        """
        from_where, params = _hits(listing)
        # rank is bm25: lower is better. reverse puts the weakest matches first.
        direction, tie = ("DESC", "ASC") if listing.reverse else ("ASC", "DESC")
        sql = (
            "SELECT hit, score FROM ("
            f"SELECT reports_fts.rowid AS hit, reports_fts.rank AS score {from_where}"
            " ORDER BY reports_fts.rowid DESC LIMIT ?"
            f") ORDER BY score {direction}, hit {tie}"
        )
        params = [*params, RELEVANCE_CANDIDATES]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return sql, f"ORDER BY ranked.score {direction}, ranked.hit {tie}", params

    def _ranked(self, listing: Listing, limit: int | None = None, offset: int = 0) -> tuple[str, list[Any]]:
        """The ranked candidates (:meth:`_ranking`) with the listing's columns, read for those
        ranked alone: sorted with their columns (some 3 MB at 5,000), they overflowed SQLite's
        sorter memory, which the small page cache bounds, into temporary files."""
        ranking, order, params = self._ranking(listing, limit, offset)
        sql = f"SELECT {self._columns} FROM ({ranking}) AS ranked JOIN reports ON reports.rowid = ranked.hit {order}"
        return sql, params

    def _ranked_hits(self, listing: Listing) -> list[int]:
        """The rowids of the ranked candidates, best match first."""
        ranking, _, params = self._ranking(listing)
        return [row[0] for row in self._all(ranking, params)]

    def _older(self, listing: Listing, *, oldest_first: bool = False) -> tuple[str, list[Any]] | None:
        """The matches older than the ranked candidates, newest first (or ``oldest_first``); None if
        there are none."""
        hits, hit_params = _hits(listing)
        oldest = self._all(
            f"SELECT reports_fts.rowid {hits} ORDER BY reports_fts.rowid DESC LIMIT 1 OFFSET ?",
            [*hit_params, RELEVANCE_CANDIDATES - 1],
        )
        if not oldest:
            return None
        from_where, params = _from_where(listing)
        direction = "ASC" if oldest_first else "DESC"
        sql = f"SELECT {self._columns} {from_where} AND reports_fts.rowid < ? ORDER BY reports_fts.rowid {direction}"
        return sql, [*params, oldest[0][0]]

    def _relevance_parts(self, listing: Listing) -> list[tuple[str, list[Any]]]:
        """The whole best-match listing: the ranked candidates, then the older matches."""
        older = self._older(listing)
        return [self._ranked(listing), *([] if older is None else [older])]

    def listed_order(self, listing: Listing, rowids: list[int]) -> list[int]:
        """Those of ``rowids`` that ``listing`` holds, in its order: the marked reports as listed.

        One statement over the few rows asked for (in best match order, the ranked
        candidates are read as :meth:`position` does), not a walk through the listing.
        """
        if not rowids:
            return []
        chosen = "reports.rowid IN (SELECT value FROM json_each(?))"
        wanted = json.dumps(rowids)
        sort = listing.effective_sort
        if sort != RELEVANCE:  # each row asked for checked against the full-text index, not every match read
            from_where, params = _from_where(listing, with_match=False)
            if listing.match is not None:
                from_where += (
                    " AND EXISTS (SELECT 1 FROM reports_fts WHERE reports_fts MATCH ?"
                    " AND reports_fts.rowid = reports.rowid)"
                )
                params.append(listing.match)
            order = _order_by(sort, listing.descending)
            rows = self._all(f"SELECT reports.rowid {from_where} AND {chosen} {order}", [*params, wanted])
            return [row[0] for row in rows]
        from_where, params = _from_where(listing)
        asked = set(rowids)
        ranked = self._ranked_hits(listing)
        found = [rowid for rowid in ranked if rowid in asked]
        if len(ranked) == RELEVANCE_CANDIDATES:  # older matches follow the ranked ones, newest first
            sql = f"SELECT reports.rowid {from_where} AND reports.rowid < ? AND {chosen} ORDER BY reports.rowid DESC"
            found += [row[0] for row in self._all(sql, [*params, min(ranked), wanted])]
        return found
