"""An open archive: connections, transactions, and the reads and writes the rest of the app asks for.

Every SQLite error raised while a connection is borrowed (``Store.connection``)
leaves as a member of the :mod:`.errors` family, with its user sentence.
The schema lives in :mod:`.schema`, the listing planner in :mod:`.listing`,
the bulk writer in :mod:`.writer`; views are counted through :mod:`.views`.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import matches, schema
from .errors import ArchiveReadOnly, NoArchive, NotAnArchive, ViewRefused, from_os, from_sqlite
from .listing import CachingConnection, Listing, Reader
from .matches import SNIPPET_TOKENS, Snippet
from .model import BINARY, MAX_VIEWS, Category, Report, brief_columns, full_columns
from .query import Term, related_text
from .related import read_related
from .writer import Writer

DEFAULT_NAME = "Report Archive"
BUSY_TIMEOUT_MS = 5000
_POOL_SIZE = 4
CACHE_KB = 512
"""SQLite's page cache per connection (its default is 2,000 KB). Many sessions read one file, and
a commit by any of them empties every other's cache, so a larger one is seldom read twice: the
system's file cache, shared by all, holds the archive. Reads at 1M took as long with 512 KB."""


def _journal_directly(conn: sqlite3.Connection) -> bool:
    """Switch an archive that holds no report, and that no other connection has open, from its
    WAL to a rollback journal for the import about to fill it; True if it was switched.

    In WAL mode every page is written twice, to the WAL and then into the file: a million
    reports' import spent 4 to 5 s of its 34 s committing and copying 1.2 GB. Under a
    rollback journal, pages past the file's end (all of a new archive's) are written once,
    and a failed or killed import is still undone whole (by the journal, when the archive
    is next opened). The price: while the import runs, another program opening the archive
    waits, then says it is busy, where under the WAL it would see it empty.
    """
    if conn.execute("SELECT 1 FROM reports LIMIT 1").fetchone() is not None:
        return False
    conn.execute("PRAGMA busy_timeout = 0")  # someone else has it open: keep the WAL, do not wait
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return str(mode).lower() == "delete"


def _journal_to_wal(conn: sqlite3.Connection) -> None:
    """Back to the WAL after :func:`_journal_directly`'s import. Should another program hold the
    archive open by then, it stays as it is: the next open sets the WAL (:func:`.schema.prepare`)."""
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError:
        pass


class Store:
    """An open archive. Safe to share between threads: each call borrows a connection.

    Use it as a context manager (``with Store(path) as store:``) to close its
    connections when done.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        progress: schema.Progress | None = None,
        readonly: bool = False,
    ) -> None:
        """Open (or, with ``create``, make) the archive at ``path``, upgrading or repairing its structure.

        What was repaired is in :attr:`repairs`, for the user to be told; ``progress``
        hears how a rebuild of the full-text index goes (seconds at a million reports).
        With ``readonly`` (or when the file or its folder may not be written) nothing
        is written: no view counted, no repair, no import; a replica stays as it came.
        """
        self.path = Path(path)
        self._pool: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.readonly = False
        self._immutable = False  # see _open_readonly
        self.repairs: list[str] = []
        """What opening repaired (another program had broken the structure), one sentence each."""
        self.upgrades: list[str] = []
        """What opening upgraded that users notice (a newer schema), one sentence each."""
        self.tokenize = schema.TOKENIZE
        """How the full-text index finds words (an older read-only archive's may not stem): for highlights."""
        try:
            exists = self.path.exists()
            if not exists and not create:
                raise NoArchive("no such archive", path=self.path)
            if not exists and not self.path.parent.is_dir():
                raise NoArchive(f"directory {self.path.parent} does not exist", path=self.path)
            if exists:
                _refuse_non_archive_file(self.path, create)
        except OSError as error:  # a folder on the way that we may not look into
            raise from_os(error, f"cannot open the archive {self.path}") from error
        if exists and (readonly or not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))):
            self.readonly = True
        elif readonly:
            raise NoArchive("no such archive (a read-only open makes none)", path=self.path)
        try:
            with self.connection() as conn:
                self.repairs = schema.prepare(
                    conn, self.path, readonly=self.readonly, progress=progress, upgrades=self.upgrades
                )
                self.tokenize = schema.fts_tokenize(conn)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- connections ---------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.readonly:
            conn = self._open_readonly()
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, factory=CachingConnection)
        try:
            # Text another program wrote as invalid UTF-8 shows with U+FFFD instead of
            # making the whole listing fail to load.
            conn.text_factory = lambda data: data.decode("utf-8", errors="replace")
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
        except BaseException:
            conn.close()
            raise
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
            conn = sqlite3.connect(
                base + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False, factory=CachingConnection
            )
            try:
                conn.execute("PRAGMA schema_version").fetchone()
                return conn
            except sqlite3.OperationalError:
                conn.close()
                self._immutable = True
        return sqlite3.connect(
            base + "?mode=ro&immutable=1",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            factory=CachingConnection,
        )

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Borrow a connection for the current thread; it goes back to the pool after.

        This is the error boundary: an ``sqlite3.Error`` raised here leaves as
        an :class:`~.errors.ArchiveError` saying what went wrong.
        """
        conn: sqlite3.Connection | None = None
        try:
            with self._lock:
                conn = self._pool.pop() if self._pool else None
            if conn is None:
                conn = self._open()
            yield conn
        except sqlite3.Error as error:
            raise from_sqlite(error, self.path) from error
        finally:
            if conn is not None:
                self._give_back(conn)

    def _give_back(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:
            conn.close()
            return
        with self._lock:
            if len(self._pool) < _POOL_SIZE:
                self._pool.append(conn)
                return
        conn.close()

    @contextmanager
    def transaction(self, *, filling: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it.

        ``filling``: many reports are about to be written. Into an archive with
        none yet, that no one else has open, they are written straight to the
        file under a rollback journal, not first to the WAL and then copied
        into the file (see :func:`_journal_directly`).
        """
        self._check_writable()
        with self.connection() as conn:
            direct = filling and _journal_directly(conn)
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            finally:
                if direct:
                    _journal_to_wal(conn)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()

    def _check_writable(self) -> None:
        if self.readonly:
            raise ArchiveReadOnly("the archive is read-only", path=self.path)

    def version_reader(self) -> VersionReader:
        """A connection of its own that says when other connections have changed the archive (see
        :class:`VersionReader`); close it when done."""
        return VersionReader(self)

    # -- archive facts -------------------------------------------------------

    def name(self) -> str:
        with self.connection() as conn:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_meta'").fetchone():
                row = conn.execute("SELECT value FROM archive_meta WHERE key = 'name'").fetchone()
            else:  # dropped by another program, in an archive opened read-only (else it was made again)
                row = None
        return row[0] if row and row[0] else DEFAULT_NAME

    def set_name(self, name: str) -> None:
        with self.transaction() as conn:
            schema.set_meta(conn, "name", name)

    # -- listing (planned in .listing) -------------------------------------------

    def session(self) -> Session:
        """A connection of its own for a run of reads that another thread may cancel."""
        return Session(self)

    def count(self, listing: Listing | None = None) -> int:
        """How many reports the listing holds."""
        with self.session() as session:
            return session.count(listing or Listing())

    def window(
        self, listing: Listing, offset: int, limit: int, total: int | None = None, *, brief: bool = False
    ) -> list[Report]:
        """``limit`` reports of the listing from ``offset``, in its order (``brief``: as the list shows them)."""
        with self.session() as session:
            return session.window(listing, offset, limit, total, brief=brief)

    def categories(self, listing: Listing | None = None) -> list[Category]:
        """Each category in the listing (ignoring its own category filter) with its count."""
        with self.session() as session:
            return session.categories(listing or Listing())

    # -- single reports --------------------------------------------------------

    def get(self, report_id: str) -> Report | None:
        """The report with this ID, in full (the first, should another program have stored it twice).

        An ID shown as a number may be stored as one (a table another program made
        without types): that is looked for too.
        """
        with self.connection() as conn:
            row = conn.execute(f"SELECT {full_columns()} FROM reports WHERE id = ?", [report_id]).fetchone()
            number = _as_number(report_id)
            if row is None and number is not None:
                row = conn.execute(f"SELECT {full_columns()} FROM reports WHERE id = ?", [number]).fetchone()
        return Report.from_row(row) if row else None

    def resolve_id(self, report_id: str) -> str:
        """``report_id`` as stored: itself if a report has it, else the one ID equal to it in another
        case (rpt-1045 for RPT-1045), else itself unchanged."""
        with self.session() as session:
            return session.resolve_id(report_id)

    def related_listing(self, report_id: str) -> Listing | None:
        """The listing of reports like the one with ``report_id`` (as ``related:ID`` in a search; the ID
        found as :meth:`resolve_id` finds it), with the words it searches for; None if there is no such report."""
        with self.session() as session:
            assert session.conn is not None
            found = session.resolve_id(report_id)
            related = read_related(session.conn, found)
        if related.rowid is None:
            return None
        text = related_text(found) or "related:" + found.replace('"', "")  # (the words are read already)
        return Listing(text=text, related=related)

    def get_row(self, rowid: int, *, brief: bool = False) -> Report | None:
        """The report in this row of the file (``brief``: as the list shows it)."""
        columns = brief_columns() if brief else full_columns()
        with self.connection() as conn:
            row = conn.execute(f"SELECT {columns} FROM reports WHERE rowid = ?", [rowid]).fetchone()
        return Report.from_row(row, brief=brief) if row else None

    def text_part(self, rowid: int, column: str, start: int, size: int) -> tuple[str | None, int]:
        """``size`` characters of a text field from ``start`` (0-based), and its whole length.

        The report screen reads a long summary or body this way, a part at a time.
        """
        if column not in ("title", "summary", "body", "url"):
            raise ValueError(f"not a text field: {column}")
        with self.connection() as conn:
            row = conn.execute(
                f"SELECT typeof({column}), substr({column}, ?, ?), length({column}) FROM reports WHERE rowid = ?",
                [start + 1, size, rowid],
            ).fetchone()
        if row is None or row[0] == "null":
            return None, 0
        if row[0] == "blob":
            return BINARY, len(BINARY)
        return str(row[1]), int(row[2])

    def snippet(self, rowid: int, terms: tuple[Term, ...], tokens: int = SNIPPET_TOKENS) -> Snippet | None:
        """The words of the report's body around where the search's ``terms`` match it, as stored, and
        where they match in that text (FTS5 ``snippet()``); None when they match nowhere in its body."""
        match = matches.expression(terms)
        if match is None:
            return None
        with self.connection() as conn:
            try:
                row = conn.execute(
                    "SELECT snippet(reports_fts, 2, '', '', '…', ?), snippet(reports_fts, 2, ?, ?, '…', ?)"
                    " FROM reports_fts WHERE reports_fts MATCH ? AND rowid = ?",
                    [tokens, matches.START, matches.END, tokens, match, rowid],
                ).fetchone()
            except sqlite3.OperationalError as error:  # an index another program left unreadable here
                if "fts5" in str(error).lower() or "no such" in str(error).lower():
                    return None
                raise
        return None if row is None else matches.snippet(row[0], row[1])

    def access(self, report_id: str, rowid: int | None = None) -> Report | None:
        """Count one view of a report and return it as the list shows it (None: no such report).

        One UPDATE ... RETURNING: the increment happens inside SQLite, so no
        view is lost when several sessions access the same report at once.
        ``rowid`` names the very row (whatever its ID: none, binary, or one
        another program stored twice); else the report with ``report_id``.
        A count at its maximum (2**63 - 1) stays there, and one another program
        stored as something other than a whole number is left as it is: both
        raise :class:`~.errors.ViewRefused`. An empty count starts from 0.
        The app and the CLI count views through :class:`~.views.ViewCounter`.
        """
        self._check_writable()
        if rowid is None:
            found = self.get(report_id)
            if found is None or found.rowid is None:
                return None
            rowid = found.rowid
        # BEGIN IMMEDIATE: the write lock is waited for (busy_timeout) before reading. A
        # statement on its own begins as a read and, when another process commits first,
        # fails at once with "database is locked" instead of waiting its turn.
        with self.transaction() as conn:
            rows = conn.execute(
                "UPDATE reports SET views = coalesce(views, 0) + 1 WHERE rowid = ?"
                " AND (views IS NULL OR (typeof(views) = 'integer' AND views < ?))"
                f" RETURNING {brief_columns('')}",
                [rowid, MAX_VIEWS],
            ).fetchall()
            if rows:
                return Report.from_row(rows[0], brief=True)
            row = conn.execute(f"SELECT {brief_columns()} FROM reports WHERE rowid = ?", [rowid]).fetchone()
        if row is None:
            return None
        report = Report.from_row(row, brief=True)
        if report.views == MAX_VIEWS:
            reason = f"{report.views_label}, the most the archive can count"
        else:
            reason = f"its view count is not a whole number ({report.views_label})"
        raise ViewRefused(f"view not counted: {reason}")

    # -- writing ---------------------------------------------------------------

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        """Upsert many reports in one transaction; an exception undoes all of it (see :mod:`.writer`)."""
        with self.transaction(filling=True) as conn:
            schema.refuse_duplicate_ids(conn, self.path)
            writer = Writer(conn)
            writer.begin()
            yield writer
            writer.finish()

    def verify_index(self, progress: schema.Progress | None = None) -> bool:
        """Compare the full-text index with every report (seconds at a million), and rebuild it
        if they differ; True if it was rebuilt. (Opening checks only what is cheap.)"""
        with self.transaction() as conn:
            if schema.verify_fts(conn):
                return False
            schema.rebuild_fts(conn, progress)
        return True

    # -- exporting ---------------------------------------------------------------

    def iter_listing(
        self, listing: Listing, size: int = 500, *, offset: int = 0, limit: int | None = None
    ) -> Iterator[Report]:
        """The listing's reports in its order (``limit`` of them from ``offset``, else all),
        as the archive was when the first is read, ``size`` rows at a time.

        For exports: one read transaction on one connection, so other sessions
        counting views or importing meanwhile (WAL lets them write) change
        nothing here: every report comes once, in the order of that moment.
        SQLite steps through the listing as it is taken, so the time is linear
        in its size and at most ``size`` reports are held, however large it is.
        """
        if limit is not None and limit <= 0:
            return
        with self.session() as session, _snapshot(session):
            reports = session.stream(listing, offset, size)
            try:
                yield from reports if limit is None else itertools.islice(reports, limit)
            finally:
                reports.close()

    def listed_order(self, listing: Listing, rowids: Iterable[int]) -> list[int]:
        """Those of these rows that ``listing`` holds, in its order (for marked reports: as listed)."""
        with self.session() as session:
            return session.listed_order(listing, list(rowids))

    def iter_ids(self, report_ids: Iterable[str]) -> Iterator[Report]:
        """The reports with these IDs, in the order given, as the archive was when the first is read;
        IDs no longer in the archive are skipped, and an ID another program stored twice gives both reports."""
        with self.session() as session, _snapshot(session):
            assert session.conn is not None
            for report_id in report_ids:
                rows = session.conn.execute(
                    f"SELECT {full_columns()} FROM reports WHERE id = ? ORDER BY rowid", [report_id]
                ).fetchall()
                yield from (Report.from_row(row) for row in rows)

    def iter_rows(self, rowids: Iterable[int]) -> Iterator[Report]:
        """The reports in these rows of the file, in full, in the order given; rows gone are skipped."""
        for rowid in rowids:
            report = self.get_row(rowid)
            if report is not None:
                yield report


class VersionReader:
    """``PRAGMA data_version`` on a connection kept for it: the number changes when any other
    connection (another process, or this one's pool) commits a change to the archive.

    Asking costs a few microseconds and never waits: a busy archive raises
    :class:`~.errors.ArchiveBusy` at once (ask again later).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._conn: sqlite3.Connection | None = None

    def version(self) -> int:
        try:
            if self._conn is None:
                conn = self._store._open()
                conn.execute("PRAGMA busy_timeout = 0")
                self._conn = conn
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as error:
            raise from_sqlite(error, self._store.path) from error

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@contextmanager
def _snapshot(session: Session) -> Iterator[None]:
    """One read transaction on the session's connection: its reads all see one moment of the archive."""
    conn = session.conn
    assert conn is not None
    conn.execute("BEGIN")
    yield
    conn.execute("COMMIT")  # on an error, the connection's return to the pool rolls back


def _refuse_non_archive_file(path: Path, create: bool) -> None:
    """Before SQLite touches it: a directory, a device (``/dev/null``), a FIFO or a socket is no archive,
    and SQLite would leave a ``-journal`` beside it; an empty file is one only for an import to fill."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        what = (
            "a directory"
            if stat.S_ISDIR(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise NotAnArchive(f"this is {what}, not an archive file: name an archive file with --db", path=path)
    if not create and path.stat().st_size == 0:
        raise NotAnArchive(
            f"this file is empty, not an archive: to make an archive of it, import reports into it"
            f" (tui-archive import --db {path} FILE)",
            path=path,
        )


def _as_number(text: str) -> int | None:
    """An ID typed as text that may be stored as an integer."""
    try:
        number = int(text) if text.strip().lstrip("-").isdigit() else None
    except ValueError:
        return None
    return number if number is not None and -(2**63) <= number < 2**63 else None


class Session(Reader):
    """A borrowed connection for each run of listing reads (see :class:`~.listing.Reader`).

    One interrupt stops the run under way and every later one.
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self._context: Any = None

    def __enter__(self) -> Session:
        self._context = self._store.connection()
        conn = self._context.__enter__()
        with self._conn_lock:
            self.conn = conn
        return self

    def __exit__(self, *exc_info: Any) -> None:
        with self._conn_lock:  # from here an interrupt cannot reach the connection, which goes back to the pool
            self.conn = None
        context, self._context = self._context, None
        context.__exit__(*exc_info)
