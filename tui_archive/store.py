"""The archive: one SQLite file, and every line of SQL the application runs.

The file stays a standard sqlite-utils database (table ``reports``, FTS5 table
``reports_fts`` with external content), so the ``sqlite-utils`` CLI and
Datasette open it as it is, and rows they write show up here.

This module must never import Textual: the CLI, the importers and the
benchmarks use it headless, and the TUI calls it from worker threads.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any


from .query import Query, parse_query

if TYPE_CHECKING:  # sqlite-utils is loaded only to create or upgrade an archive
    import sqlite_utils

SCHEMA_VERSION = 1
DEFAULT_NAME = "Report Archive"
BUSY_TIMEOUT_MS = 5000
_POOL_SIZE = 4

COLUMNS = ("id", "title", "category", "date", "views", "summary", "body", "url")


class ArchiveError(Exception):
    """A problem with the archive file, worded for the person using the app."""


class ReadOnlyArchive(ArchiveError):
    """The archive can be browsed but not written."""


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


@dataclass
class Category:
    name: str | None
    count: int


_TRIGGER_AI = """
CREATE TRIGGER reports_ai AFTER INSERT ON reports BEGIN
  INSERT INTO reports_fts (rowid, title, summary, body)
  VALUES (new.rowid, new.title, new.summary, new.body);
END;
"""

_TRIGGERS = _TRIGGER_AI + """
CREATE TRIGGER reports_ad AFTER DELETE ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, summary, body)
  VALUES ('delete', old.rowid, old.title, old.summary, old.body);
END;
-- Only the indexed columns: counting a view must stay a one-row write.
CREATE TRIGGER reports_au AFTER UPDATE OF title, summary, body ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, summary, body)
  VALUES ('delete', old.rowid, old.title, old.summary, old.body);
  INSERT INTO reports_fts (rowid, title, summary, body)
  VALUES (new.rowid, new.title, new.summary, new.body);
END;
"""

_INDEXES = {
    "idx_reports_date": "reports (date, id)",
    "idx_reports_title": "reports (title COLLATE NOCASE, id)",
    "idx_reports_category": "reports (category COLLATE NOCASE, id)",
    "idx_reports_views": "reports (views, id)",
    "idx_reports_category_date": "reports (category, date, id)",
}

# Bulk import (see Store.writer): index the rows added since the last batch.
_INDEX_NEW_ROWS = """
INSERT INTO reports_fts (rowid, title, summary, body)
SELECT rowid, title, summary, body FROM reports WHERE rowid > ? AND rowid <= ?
"""
_IMPORT_CACHE_KB = 16 * 1024
_DEFAULT_CACHE = -2000
_REBUILD_INDEXES_BELOW = 50_000

_UPSERT = f"""
INSERT INTO reports ({", ".join(COLUMNS)})
VALUES (:id, :title, :category, :date, coalesce(:views, 0), :summary, :body, :url)
ON CONFLICT (id) DO UPDATE SET
  title = excluded.title,
  category = coalesce(:category, category),
  date = coalesce(:date, date),
  views = coalesce(:views, views),
  summary = coalesce(:summary, summary),
  body = coalesce(:body, body),
  url = coalesce(:url, url)
"""


def _migrate_to_1(db: "sqlite_utils.Database") -> None:
    """Create the archive, or adopt a ``reports`` table another program made."""
    db.execute("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)")
    table = db["reports"]
    if not table.exists():
        table.create(
            {
                "id": str,
                "title": str,
                "category": str,
                "date": str,
                "views": int,
                "summary": str,
                "body": str,
                "url": str,
            },
            pk="id",
            not_null={"title", "views"},
            defaults={"views": 0},
        )
    else:
        missing = [c for c in COLUMNS if c not in table.columns_dict]
        if "id" in missing or "title" in missing:
            raise ArchiveError("its reports table has no id or title column")
        for column in missing:
            kind = "INTEGER NOT NULL DEFAULT 0" if column == "views" else "TEXT"
            db.execute(f"ALTER TABLE reports ADD COLUMN [{column}] {kind}")
        if table.pks != ["id"]:
            # A table made without --pk id: IDs must still be unique for upserts.
            duplicate = db.execute("SELECT id FROM reports GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone()
            if duplicate is not None:
                raise ArchiveError(f"its reports table has the ID {duplicate[0]!r} more than once")
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_reports_id ON reports (id)")
    for name in ("reports_ai", "reports_ad", "reports_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    if not db["reports_fts"].exists():
        table.enable_fts(["title", "summary", "body"], tokenize="unicode61 remove_diacritics 2")
    db.conn.executescript(_TRIGGERS)
    db.execute("INSERT INTO reports_fts (reports_fts) VALUES ('rebuild')")
    for name, target in _INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


# Index i upgrades an archive from schema version i to i + 1.
MIGRATIONS = [_migrate_to_1]


class Store:
    """An open archive. Safe to share between threads: each call borrows a connection."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path)
        self._pool: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.readonly = False
        self._immutable = False  # see _open_readonly
        if not self.path.exists():
            if not create:
                raise ArchiveError(f"{self.path}: no such archive")
            if not self.path.parent.is_dir():
                raise ArchiveError(f"{self.path}: directory {self.path.parent} does not exist")
        elif not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            self.readonly = True
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            self.close()
            raise ArchiveError(f"{self.path}: {_explain(error)}") from error

    # -- connections ---------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.readonly:
            conn = self._open_readonly()
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # Text another program wrote as invalid UTF-8 shows with U+FFFD instead of
        # making the whole listing fail to load.
        conn.text_factory = lambda data: data.decode("utf-8", errors="replace")
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open_readonly(self) -> sqlite3.Connection:
        """A read-only connection, also to a WAL archive in a directory we cannot write.

        A WAL reader needs the ``-shm`` file. ``mode=ro`` works when it exists (or
        can be made); when it cannot be made (a read-only directory, no ``-shm``),
        SQLite refuses to read at all, so we fall back to ``immutable=1``, which
        reads the main file without any locking or WAL files. That is right for the
        usual case (a published, read-only copy nobody writes); if someone with
        more rights is writing it meanwhile, a read may miss their latest commits
        or fail, which shows as an error in the status line, never a crash.
        """
        base = self.path.resolve().as_uri()
        if not self._immutable:
            conn = sqlite3.connect(base + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA schema_version").fetchone()
                return conn
            except sqlite3.OperationalError:
                conn.close()
                self._immutable = True
        return sqlite3.connect(base + "?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Borrow a connection for the current thread; it goes back to the pool after."""
        with self._lock:
            conn = self._pool.pop() if self._pool else None
        if conn is None:
            conn = self._open()
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.rollback()
            with self._lock:
                if len(self._pool) < _POOL_SIZE:
                    self._pool.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it."""
        self._check_writable()
        with self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()

    def _check_writable(self) -> None:
        if self.readonly:
            raise ReadOnlyArchive(f"{self.path} is read-only")

    def _prepare(self) -> None:
        with self.connection() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ArchiveError(
                    f"{self.path} was written by a newer tui-archive (schema {version}); please upgrade"
                )
            if self.readonly:
                if version < SCHEMA_VERSION:
                    raise ArchiveError(f"{self.path} needs an upgrade but is read-only")
                return
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            if version == SCHEMA_VERSION:
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                import sqlite_utils

                db = sqlite_utils.Database(conn)
                for migrate in MIGRATIONS[version:]:
                    migrate(db)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    # -- archive facts -------------------------------------------------------

    def name(self) -> str:
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM archive_meta WHERE key = 'name'").fetchone()
        return row[0] if row and row[0] else DEFAULT_NAME

    def set_name(self, name: str) -> None:
        with self.transaction() as conn:
            _set_meta(conn, "name", name)

    # -- listing ---------------------------------------------------------------
    #
    # How a listing is fetched, window by window (figures for 1,000,000
    # reports on two cores; see benchmarks/):
    # - No search text: an index scan in the sort's order. A window past the
    #   middle is read from the other end in reverse, so the last page costs
    #   what the first does.
    # - Best match: bm25 over every match of a word in nearly every report
    #   takes about a second, so ranking is bounded. The newest
    #   RELEVANCE_CANDIDATES matches (by rowid, i.e. the most recently added)
    #   are ranked by bm25 and come first; any older matches follow, newest
    #   first. Below that many matches the ranking is exact.
    # - Search text with another sort: matches are joined and sorted, except
    #   when they are dense (most reports match): then the sort's index is
    #   walked and each report checked against the full-text index, which
    #   finds a screenful after a few hundred checks.

    def session(self) -> Session:
        """A connection of its own for a run of reads that another thread may cancel."""
        return Session(self)

    def count(self, listing: Listing = Listing()) -> int:
        """How many reports the listing holds."""
        with self.session() as session:
            return session.count(listing)

    def window(self, listing: Listing, offset: int, limit: int, total: int | None = None) -> list[Report]:
        """One window of the listing, in its order: ``limit`` reports from ``offset``.

        ``total``, the listing's size if known, lets a window near the end be
        read backwards from the end.
        """
        with self.session() as session:
            return session.window(listing, offset, limit, total)

    def categories(self, listing: Listing = Listing()) -> list[Category]:
        """Each category in the listing (ignoring its own category filter) with its count."""
        with self.session() as session:
            return session.categories(listing)

    # -- single reports --------------------------------------------------------

    def get(self, report_id: str) -> Report | None:
        with self.connection() as conn:
            row = conn.execute("SELECT * FROM reports WHERE id = ?", [report_id]).fetchone()
        return Report.from_row(row) if row else None

    def access(self, report_id: str) -> Report | None:
        """Count one view of a report and return it as it now stands.

        One UPDATE ... RETURNING: the increment happens inside SQLite, so no
        view is lost when several sessions access the same report at once.
        """
        self._check_writable()
        with self.connection() as conn:
            rows = conn.execute(
                "UPDATE reports SET views = coalesce(views, 0) + 1 WHERE id = ? RETURNING *", [report_id]
            ).fetchall()
        return Report.from_row(rows[0]) if rows else None

    # -- writing ---------------------------------------------------------------

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        """Upsert many reports in one transaction; an exception undoes all of it.

        New rows reach the full-text index in one statement per batch rather
        than through the per-row insert trigger, which is several times
        faster. Into a small archive, the sort indexes are dropped and built
        again at the end, which beats updating them row by row. It all
        happens inside the transaction, so other sessions never see the
        archive without its trigger or indexes, and a failed or killed
        import leaves it as it was.
        """
        with self.transaction() as conn:
            writer = Writer(conn)
            writer.begin()
            yield writer
            writer.finish()

    # -- exporting ---------------------------------------------------------------

    def iter_listing(
        self, listing: Listing, size: int = 500, *, offset: int = 0, limit: int | None = None
    ) -> Iterator[Report]:
        """The listing's reports in its order (``limit`` of them from ``offset``, else all),
        read one window of ``size`` at a time.

        For exports: however large the listing, at most one window is held.
        """
        left = limit
        while left is None or left > 0:
            want = size if left is None else min(size, left)
            rows = self.window(listing, offset, want)
            yield from rows
            if len(rows) < want:
                return
            offset += want
            if left is not None:
                left -= want

    def iter_ids(self, report_ids: Iterable[str]) -> Iterator[Report]:
        """The reports with these IDs, in the order given; IDs no longer in the archive are skipped."""
        for report_id in report_ids:
            report = self.get(report_id)
            if report is not None:
                yield report


RELEVANCE_CANDIDATES = 5000
_DENSITY_SAMPLE = 1000
_DENSE = 0.2  # share of reports matching above which the sort index is walked


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


class Session:
    """One borrowed connection for a run of reads; :meth:`interrupt` stops them from any thread.

    A search superseded by the next keystroke is interrupted rather than
    left to finish; the interrupted call raises :class:`Interrupted`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._context = store.connection()
        self.conn: sqlite3.Connection | None = None
        self._interrupted = False

    def __enter__(self) -> Session:
        self.conn = self._context.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.conn = None
        self._context.__exit__(*exc_info)

    def interrupt(self) -> None:
        self._interrupted = True
        conn = self.conn
        if conn is not None:
            conn.interrupt()

    def _all(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        assert self.conn is not None, "use the session in a with block"
        if self._interrupted:
            raise Interrupted()
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise Interrupted() from None
            raise

    def count(self, listing: Listing) -> int:
        from_where, params = _from_where(listing)
        return self._all(f"SELECT count(*) {from_where}", params)[0][0]

    def categories(self, listing: Listing) -> list[Category]:
        from_where, params = _from_where(replace(listing, category=None))
        sql = (
            f"SELECT reports.category AS name, count(*) AS n {from_where}"
            " GROUP BY reports.category ORDER BY reports.category COLLATE NOCASE"
        )
        return [Category(row["name"], row["n"]) for row in self._all(sql, params)]

    def window(self, listing: Listing, offset: int, limit: int, total: int | None = None) -> list[Report]:
        if limit <= 0:
            return []
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
                f"SELECT reports.* {from_where} AND EXISTS (SELECT 1 FROM reports_fts"
                " WHERE reports_fts MATCH ? AND reports_fts.rowid = reports.rowid)"
                f" {order} LIMIT ? OFFSET ?"
            )
            params.append(listing.match)
        else:
            from_where, params = _from_where(listing)
            sql = f"SELECT reports.* {from_where} {order} LIMIT ? OFFSET ?"
        return [Report.from_row(row) for row in self._all(sql, [*params, limit, offset])]

    def _dense(self, listing: Listing) -> bool:
        """Do most reports match? Judged from how far back the 1000th newest match is."""
        rows = self._all(
            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            [listing.match, _DENSITY_SAMPLE - 1],
        )
        if not rows:
            return False
        newest = self._all("SELECT max(rowid) FROM reports", [])[0][0] or 0
        return _DENSITY_SAMPLE / max(1, newest - rows[0][0] + 1) >= _DENSE

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
                f"SELECT reports.* FROM ({candidates}) JOIN reports ON reports.rowid = hit"
                f" ORDER BY score {direction}, reports.id LIMIT ? OFFSET ?"
            )
            rows = self._all(sql, [*params, RELEVANCE_CANDIDATES, limit, offset])
            if len(rows) == limit or len(rows) + offset < RELEVANCE_CANDIDATES:
                return [Report.from_row(row) for row in rows]
        # Past the ranked candidates: the older matches, newest first.
        oldest = self._all(
            f"SELECT reports_fts.rowid {from_where} ORDER BY reports_fts.rowid DESC LIMIT 1 OFFSET ?",
            [*params, RELEVANCE_CANDIDATES - 1],
        )
        if not oldest:
            return [Report.from_row(row) for row in rows]
        rest_offset = max(0, offset - RELEVANCE_CANDIDATES)
        sql = (
            f"SELECT reports.* {from_where} AND reports_fts.rowid < ?"
            " ORDER BY reports_fts.rowid DESC LIMIT ? OFFSET ?"
        )
        more = self._all(sql, [*params, oldest[0][0], limit - len(rows), rest_offset])
        return [Report.from_row(row) for row in [*rows, *more]]


class Interrupted(Exception):
    """A read was cancelled with :meth:`Session.interrupt`."""



@dataclass
class Writer:
    """Writes reports inside one transaction (see :meth:`Store.writer`)."""

    conn: sqlite3.Connection
    written: int = 0
    batch_size: int = 20_000
    _batch: dict[str, dict[str, Any]] = field(default_factory=dict)
    _indexed_up_to: int = 0
    _rebuild_indexes: bool = False

    def begin(self) -> None:
        self.conn.execute(f"PRAGMA cache_size = -{_IMPORT_CACHE_KB}")
        self.conn.execute("DROP TRIGGER IF EXISTS reports_ai")
        # Merging index segments while they are still being written costs a
        # third of the import; writes after the import merge them gradually.
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 0)")
        self._indexed_up_to = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0]
        existing = self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        if existing < _REBUILD_INDEXES_BELOW:
            self._rebuild_indexes = True
            for name in _INDEXES:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")

    def upsert(self, record: dict[str, Any]) -> None:
        """Insert a report, or update the one with its ID (fields left out keep their value)."""
        add_to_batch(self._batch, {name: record.get(name) for name in COLUMNS})
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        rows = list(self._batch.values())
        self._batch.clear()
        self.write_batch(rows)

    def write_batch(self, rows: list[dict[str, Any]]) -> None:
        """Write reports at once: each a dict of every column, no ID twice in ``rows``."""
        self.insert_rows(rows)
        self.index_new_rows()

    def insert_rows(self, rows: list[dict[str, Any]]) -> None:
        """The first half of :meth:`write_batch`: the rows, not yet in the full-text index."""
        self.flush()
        if rows:
            self.conn.executemany(_UPSERT, rows)
            self.written += len(rows)

    def index_new_rows(self) -> None:
        """The second half of :meth:`write_batch`; SQLite's own work, without the GIL."""
        # Rows new since the last batch go into the index together. (Updated
        # rows were re-indexed by the update trigger.) IDs are unique within a
        # batch, so no new row is updated before it is indexed.
        newest = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0]
        if newest > self._indexed_up_to:
            self.conn.execute(_INDEX_NEW_ROWS, [self._indexed_up_to, newest])
            self._indexed_up_to = newest

    def finish(self) -> None:
        self.flush()
        self.conn.execute(_TRIGGER_AI)
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 4)")
        if self._rebuild_indexes:
            self.conn.execute("PRAGMA threads = 2")  # the sorter behind CREATE INDEX may use a second core
            for name, target in _INDEXES.items():
                self.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        self.conn.execute(f"PRAGMA cache_size = {_DEFAULT_CACHE}")

    def set_name(self, name: str) -> None:
        _set_meta(self.conn, "name", name)


def add_to_batch(batch: dict[str, dict[str, Any]], row: dict[str, Any]) -> None:
    """Add a report (every column) to a batch keyed by ID.

    The same ID again is merged, as two upserts in a row would be (a field left
    empty keeps the earlier value), so a batch never holds an ID twice: see
    :meth:`Writer.write_batch`.
    """
    earlier = batch.get(row["id"])
    if earlier is not None:
        row = {name: earlier[name] if value is None else value for name, value in row.items()}
    batch[row["id"]] = row


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _explain(error: sqlite3.DatabaseError) -> str:
    message = str(error)
    if "not a database" in message:
        return "not an SQLite archive (or the file is damaged)"
    if "malformed" in message:
        return "the archive file is damaged"
    if "locked" in message:
        return "the archive is locked by another program; try again in a moment"
    if "readonly" in message or "read-only" in message:
        return "the archive is read-only"
    return message

