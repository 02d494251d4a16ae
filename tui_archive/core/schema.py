"""The archive's tables, indexes and triggers; the migrations that bring a file up to date; and
the check, on every open, that other programs have left the structure whole.

The file stays a standard sqlite-utils database (table ``reports``, FTS5 table
``reports_fts`` with external content), so the ``sqlite-utils`` CLI and
Datasette open it as it is, and rows they write are indexed by the triggers.
Those programs can also take the structure apart (``sqlite-utils disable-fts``
drops the full-text index and its triggers; a script may drop an index or
write rows while the triggers are gone). :func:`check` finds that cheaply on
open, and :func:`repair` puts it right in one transaction, never leaving half
an index behind.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import ArchiveBroken, ArchiveReadOnly, ArchiveTooNew
from .model import COLUMNS

if TYPE_CHECKING:  # sqlite-utils is loaded only to create or upgrade an archive
    import sqlite_utils

SCHEMA_VERSION = 3
READABLE_FROM = 1
"""The oldest schema version read as it is when the archive cannot be upgraded (read-only). Version 2
only added an index; version 3 made the full-text index stem words (:data:`TOKENIZE`), so a read-only
archive of an older version is searched as it is, for whole words, with highlights to match
(:func:`fts_tokenize`). An older tui-archive refuses a newer file by its version, asking for an upgrade."""

NATURAL_ID_PREFIX = "rtrim(id, '0123456789')"
NATURAL_ID_NUMBER = "CAST(substr(id, length(rtrim(id, '0123456789')) + 1) AS INTEGER)"
"""An ID as people read it: its text, then the number it ends with (RPT-2 before RPT-10).

Built-in SQL only, so that sqlite-utils, Datasette and scripts can write to the
table the index is on."""

FTS_COLUMNS = ("title", "summary", "body")
TOKENIZE = "porter unicode61 remove_diacritics 2"
"""Words as the full-text index keeps them: Unicode words, accents dropped, each reduced to its stem by
the Porter stemmer, so "Supply Chains" is found by "supply chain" and "processing" by "processes"."""
UNSTEMMED = "unicode61 remove_diacritics 2"
"""The tokenizer of schema versions 1 and 2: whole words only."""
FTS_TABLE = f"""CREATE VIRTUAL TABLE "reports_fts" USING FTS5 (
    "title", "summary", "body",
    tokenize='{TOKENIZE}',
    content="reports"
)"""
"""As ``sqlite-utils enable-fts --tokenize '...'`` writes it, so that sqlite-utils and Datasette find the index.

(Not made by sqlite-utils' ``enable_fts`` itself: it commits the open transaction, so an upgrade
could be left half done, fills the index in one statement with no progress, and its update
trigger would index a report again at every view counted. The table, and the triggers below
named and written as it writes them, are the same to sqlite-utils and Datasette.)"""
FTS_SHADOWS = ("reports_fts_data", "reports_fts_idx", "reports_fts_docsize", "reports_fts_config")
"""The tables FTS5 keeps the index in (an external-content table has no ``_content``)."""

TRIGGER_AI = """
CREATE TRIGGER reports_ai AFTER INSERT ON reports BEGIN
  INSERT INTO reports_fts (rowid, title, summary, body)
  VALUES (new.rowid, new.title, new.summary, new.body);
END;
"""

TRIGGER_SQL = {
    "reports_ai": TRIGGER_AI,
    "reports_ad": """
CREATE TRIGGER reports_ad AFTER DELETE ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, summary, body)
  VALUES ('delete', old.rowid, old.title, old.summary, old.body);
END;
""",
    # Only the indexed columns: counting a view must stay a one-row write.
    "reports_au": """
CREATE TRIGGER reports_au AFTER UPDATE OF title, summary, body ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, title, summary, body)
  VALUES ('delete', old.rowid, old.title, old.summary, old.body);
  INSERT INTO reports_fts (rowid, title, summary, body)
  VALUES (new.rowid, new.title, new.summary, new.body);
END;
""",
}

INDEXES = {
    "idx_reports_date": "reports (date, id)",
    "idx_reports_title": "reports (title COLLATE NOCASE, id)",
    "idx_reports_category": "reports (category COLLATE NOCASE, id)",
    "idx_reports_views": "reports (views, id)",
    "idx_reports_category_date": "reports (category, date, id)",
    "idx_reports_natural_id": f"reports ({NATURAL_ID_PREFIX}, {NATURAL_ID_NUMBER}, id)",
}

REBUILD_BATCH = 20_000
"""Reports put into the full-text index per statement while it is rebuilt (between progress reports)."""

Progress = Callable[[int, int], None]
"""Called now and then with (reports indexed so far, reports in all) while the index is rebuilt."""


def repair_command(path: object) -> str:
    """What someone who may write to the archive runs to repair it."""
    return f"tui-archive repair --db {path}"


# -- the check on open ------------------------------------------------------------------


@dataclass
class Findings:
    """What :func:`check` found wrong with an archive's structure (nothing, usually)."""

    unusable: str | None = None
    """Why the archive cannot be used or repaired here, and what to do; None if it can."""
    missing_columns: list[str] = field(default_factory=list)
    no_meta: bool = False
    id_not_unique: bool = False
    fts: str | None = None
    """None (whole), "missing", "changed" (not the index we made: made again), "stale" (out of step)
    or "tokenizer" (ours but for its tokenizer, as before words were stemmed: readable as it is,
    made again where it may be)."""
    fts_counts: tuple[int, int] = (0, 0)
    """(reports indexed, reports) when the index is stale."""
    missing_triggers: list[str] = field(default_factory=list)
    missing_indexes: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return self.unusable is None and not self.repairs_needed()

    def repairs_needed(self) -> list[str]:
        """What a repair would do, one sentence each, to tell the user."""
        done: list[str] = []
        if self.missing_columns:
            done.append(f"added the missing column{_s(self.missing_columns)} {', '.join(self.missing_columns)}")
        if self.no_meta:
            done.append("made the archive_meta table again (it was missing)")
        if self.id_not_unique:
            done.append("made report IDs unique again (their unique index was missing)")
        if self.fts == "missing":
            done.append("rebuilt the full-text index (another program had dropped it)")
        elif self.fts == "changed":
            done.append("rebuilt the full-text index (another program had changed it)")
        elif self.fts == "stale":
            indexed, reports = self.fts_counts
            done.append(f"rebuilt the full-text index (it held {indexed:,} reports of {reports:,})")
        elif self.fts == "tokenizer":
            done.append("rebuilt the full-text index so that searches match word forms (it had another tokenizer)")
        if self.missing_triggers:
            done.append(
                "made again the triggers that keep the full-text index in step, and rebuilt the index"
                " (rows written without them may not have been indexed)"
                if self.fts is None
                else "made again the triggers that keep the full-text index in step"
            )
        if self.missing_indexes:
            done.append(
                f"made again the sort index{'es' if len(self.missing_indexes) > 1 else ''} "
                + ", ".join(self.missing_indexes)
            )
        return done

    def blocks_reading(self) -> bool:
        """Would reading go wrong without a repair? (Triggers and indexes matter only to writing, or speed.)"""
        return bool(self.missing_columns or self.fts not in (None, "tokenizer"))

    def rebuilds_index(self) -> bool:
        indexed_column_added = any(column in FTS_COLUMNS for column in self.missing_columns)
        return self.fts is not None or bool(self.missing_triggers) or indexed_column_added


def _s(items: list[str]) -> str:
    return "" if len(items) == 1 else "s"


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").replace(";", " ").split()).lower()


def fts_record(conn: sqlite3.Connection, rowid: int) -> bytes | None:
    """One of FTS5's own records in ``reports_fts_data`` (1: averages, 10: structure); None
    without an index to ask, or with no such record."""
    try:
        row = conn.execute("SELECT block FROM reports_fts_data WHERE id = ?", [rowid]).fetchone()
    except sqlite3.Error:
        return None
    block = row[0] if row is not None else None
    return block if isinstance(block, bytes) and block else None


def indexed_total(conn: sqlite3.Connection) -> int | None:
    """How many reports the full-text index holds, which the triggers keep equal to the reports
    (opening checks it and repairs or refuses an index out of step); None without an index to ask.

    FTS5 keeps that number in its "averages" record (row 1 of ``reports_fts_data``, an SQLite
    varint first): reading it takes microseconds where ``count(*)`` reads a whole index, 0.1 s
    at a million reports, again each time another session has counted a view.
    """
    block = fts_record(conn, 1)
    if block is None:
        return None
    value = 0
    for i, byte in enumerate(block[:9]):
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return None


def index_state(conn: sqlite3.Connection) -> bytes | None:
    """The full-text index's structure record (row 10 of ``reports_fts_data``), which FTS5 writes
    again whenever the index changes (each write adds a segment to it) and not when only columns
    outside the index do (a view counted); None without an index to ask."""
    return fts_record(conn, 10)


def check(conn: sqlite3.Connection) -> Findings:
    """Is the structure whole? Cheap: the schema, and the full-text index's size against the table's.

    Run in a read transaction of its own unless one is open (so both counts
    come from one moment, whatever another program commits meanwhile).
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        return _check(conn)
    finally:
        if own:
            conn.execute("COMMIT")


def _check(conn: sqlite3.Connection) -> Findings:
    found = Findings()
    objects = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT name, type, sql FROM sqlite_master")}
    kind, _ = objects.get("reports", (None, None))
    if kind is None:
        found.unusable = (
            "it has no reports table (another program dropped it): restore the file from a backup,"
            " or name another archive"
        )
        return found
    if kind != "table":
        found.unusable = _not_a_table(kind)
        return found
    columns = {row[1]: row for row in conn.execute("PRAGMA table_info(reports)")}
    absent = [name for name in ("id", "title") if name not in columns]
    if absent:
        found.unusable = f"its reports table has no {' or '.join(absent)} column, so it is not a tui-archive archive"
        return found
    found.missing_columns = [name for name in COLUMNS if name not in columns]
    found.no_meta = objects.get("archive_meta", (None, None))[0] != "table"
    if columns["id"][5] != 1 or sum(1 for row in columns.values() if row[5]) != 1:  # id is not the primary key
        # IDs another program stored twice are browsed as they are (marks and views go by row); only
        # an index that can be made is made again.
        found.id_not_unique = not _unique_index_on_id(conn) and _duplicate_id(conn) is None
    found.missing_triggers = [
        name
        for name, sql in TRIGGER_SQL.items()
        if objects.get(name, (None, None))[0] != "trigger" or _normal(objects[name][1]) != _normal(sql)
    ]
    found.missing_indexes = [name for name in INDEXES if objects.get(name, (None, None))[0] != "index"]
    fts_kind, fts_sql = objects.get("reports_fts", (None, None))
    if fts_kind is None:
        found.fts = "missing"
    elif fts_kind != "table" or not (fts_sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
        found.unusable = (
            f"it has a {fts_kind} named reports_fts that is not a full-text index: rename it"
            " (tui-archive keeps its full-text index under that name)"
        )
        return found
    elif not _our_fts(conn, fts_sql, objects):
        found.fts = "changed"
    elif not found.missing_columns:
        indexed = indexed_total(conn)  # the index's own record of its size: no second count at opening
        if indexed is None:
            indexed = conn.execute("SELECT count(*) FROM reports_fts_docsize").fetchone()[0]
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        if indexed != reports:
            found.fts, found.fts_counts = "stale", (indexed, reports)
    if found.fts is None and _tokenize_option(fts_sql) != TOKENIZE:
        found.fts = "tokenizer"
    return found


def _tokenize_option(sql: str | None) -> str:
    """The ``tokenize`` option of an FTS5 table's SQL, normalised ("unicode61" when there is none)."""
    m = re.search(r"""\btokenize\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(\w+))""", sql or "", re.IGNORECASE)
    if m is None:
        return "unicode61"
    option = m[1].replace("''", "'") if m[1] is not None else m[2].replace('""', '"') if m[2] is not None else m[3]
    return " ".join(option.split()).lower()


def fts_tokenize(conn: sqlite3.Connection) -> str:
    """The tokenizer the archive's full-text index uses (:data:`TOKENIZE`, unless a read-only archive
    of an older version kept :data:`UNSTEMMED`, or another's): highlights find words as the index does."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_fts'").fetchone()
    return TOKENIZE if row is None else _tokenize_option(row[0])


def _unique_index_on_id(conn: sqlite3.Connection) -> bool:
    for index in conn.execute("PRAGMA index_list(reports)").fetchall():
        if index[2] and [row[2] for row in conn.execute(f"PRAGMA index_info([{index[1]}])")] == ["id"]:
            return True
    return False


def _our_fts(conn: sqlite3.Connection, sql: str | None, objects: dict[str, tuple[str, str]]) -> bool:
    """Is ``reports_fts`` an FTS5 index of title, summary and body with the reports table as its content?"""
    text = _normal(sql)
    if "fts5" not in text or not re.search(r"content\s*=\s*[\[\"']?reports\b", text):
        return False
    if any(objects.get(name, (None, None))[0] != "table" for name in FTS_SHADOWS):
        return False
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(reports_fts)")]
    except sqlite3.DatabaseError:  # a tokenizer or module this SQLite lacks
        return False
    return columns == list(FTS_COLUMNS)


# -- repairs ------------------------------------------------------------------------------


def repair(conn: sqlite3.Connection, found: Findings, progress: Progress | None = None) -> None:
    """Put right what :func:`check` found, inside the caller's write transaction."""
    if found.unusable is not None:
        raise ArchiveBroken(found.unusable)
    if found.no_meta:
        conn.execute("DROP VIEW IF EXISTS archive_meta")
        conn.execute("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)")
    for column in found.missing_columns:
        kind = "INTEGER NOT NULL DEFAULT 0" if column == "views" else "TEXT"
        conn.execute(f"ALTER TABLE reports ADD COLUMN [{column}] {kind}")
    if found.id_not_unique:
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_reports_id ON reports (id)")
    if found.fts in ("missing", "changed", "tokenizer") or (found.fts and fts_tokenize(conn) != TOKENIZE):
        make_fts(conn)  # (a stale index of whole words is made again to stem, not only filled again)
    if found.rebuilds_index():
        make_triggers(conn)
        rebuild_fts(conn, progress)
    for name in found.missing_indexes:
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {INDEXES[name]}")


def refuse_duplicate_ids(conn: sqlite3.Connection, path: os.PathLike[str] | str) -> None:
    """Before writing reports: an archive whose IDs another program stored twice is browsed, but not
    imported into (a report is written over the one with its ID, and there is more than one)."""
    if _unique_index_on_id(conn):
        return
    duplicate = _duplicate_id(conn)
    if duplicate is not None:
        raise ArchiveBroken(
            f"its reports table has the ID {str(duplicate)[:80]!r} more than once, so no report can be written"
            " into it by ID: remove the duplicates (with sqlite-utils or sqlite3), then try again",
            path=path,
        )


def _duplicate_id(conn: sqlite3.Connection) -> object:
    """An ID stored more than once, if any (NULLs are not IDs, and may be many)."""
    row = conn.execute("SELECT id FROM reports WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone()
    return None if row is None else row[0]


def make_fts(conn: sqlite3.Connection) -> None:
    """The full-text index table, empty (whatever was under its name, and its leftovers, gone)."""
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'reports_fts'").fetchone()
    if kind is not None:
        conn.execute("DROP TABLE reports_fts")
    for name in FTS_SHADOWS + ("reports_fts_content",):
        conn.execute(f"DROP TABLE IF EXISTS [{name}]")
    conn.execute(FTS_TABLE)


def make_triggers(conn: sqlite3.Connection) -> None:
    for name, sql in TRIGGER_SQL.items():
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(sql)


def rebuild_fts(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Index every report again, a batch at a time (for progress), inside the caller's transaction."""
    total = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    newest = conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0]
    conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('delete-all')")
    # As in an import: merge the index's segments once, at the end, not while they are written.
    conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 0)")
    done = after = 0
    if progress is not None:
        progress(0, total)
    while after < newest:
        upto = conn.execute(
            "SELECT max(rowid) FROM (SELECT rowid FROM reports WHERE rowid > ? ORDER BY rowid LIMIT ?)",
            [after, REBUILD_BATCH],
        ).fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO reports_fts (rowid, title, summary, body)"
            " SELECT rowid, title, summary, body FROM reports WHERE rowid > ? AND rowid <= ?",
            [after, upto],
        )
        done += max(0, cursor.rowcount)
        after = upto
        if progress is not None:
            progress(min(done, total), total)
    conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 4)")


def verify_fts(conn: sqlite3.Connection) -> bool:
    """The full check: does the full-text index hold exactly what the reports say? (Seconds at 1M.)"""
    try:
        conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        if "malformed" in str(error).lower() or "corrupt" in str(error).lower():
            return False
        raise
    return True


# -- migrations ---------------------------------------------------------------------------


def _migrate_to_1(db: sqlite_utils.Database, progress: Progress | None = None) -> str | None:
    """Create the archive, or adopt a ``reports`` table another program made."""
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)")
    table = db.table("reports")
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
    found = _check(conn)
    if found.unusable is not None:
        raise ArchiveBroken(found.unusable)
    if found.fts is None:  # an index another program made with our shape: keep it, fill it again
        found.fts = "stale"
    repair(conn, found, progress)
    return None


def _migrate_to_2(db: sqlite_utils.Database, progress: Progress | None = None) -> str | None:
    """IDs sort as people read them: the index for it."""
    db.conn.execute(f"CREATE INDEX IF NOT EXISTS idx_reports_natural_id ON {INDEXES['idx_reports_natural_id']}")
    return None


def _migrate_to_3(db: sqlite_utils.Database, progress: Progress | None = None) -> str | None:
    """Words are stemmed: the full-text index made again with :data:`TOKENIZE`, its triggers as they were,
    every report indexed again (a minute or so at a million reports, with ``progress``)."""
    conn = db.conn
    made = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'reports_fts'").fetchone() is not None
    if made and fts_tokenize(conn) == TOKENIZE:  # a new archive, made with it by _migrate_to_1
        return None
    make_fts(conn)
    make_triggers(conn)
    rebuild_fts(conn, progress)
    return 'searches now match word forms ("chains" finds "chain"): the full-text index was rebuilt'


# Index i upgrades an archive from schema version i to i + 1.
MIGRATIONS = [_migrate_to_1, _migrate_to_2, _migrate_to_3]


def prepare(
    conn: sqlite3.Connection,
    path: os.PathLike[str] | str,
    *,
    readonly: bool,
    progress: Progress | None = None,
    upgrades: list[str] | None = None,
) -> list[str]:
    """Check the file's schema version and structure, and bring them up to date (in WAL mode), all or nothing.

    Returns what was repaired, one sentence each, for the user to be told; what an upgrade
    changed that users notice is added to ``upgrades``, one sentence each.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveTooNew(
            f"it was written by a newer tui-archive (schema {version}): upgrade tui-archive to open it", path=path
        )
    _refuse_non_table(conn, path)
    if readonly:
        if version < READABLE_FROM:
            raise ArchiveReadOnly(
                f"it needs an upgrade but is read-only: someone who may write to it should run {repair_command(path)}",
                path=path,
            )
        found = check(conn)
        if found.unusable is not None:
            raise ArchiveBroken(found.unusable, path=path)
        if found.blocks_reading():
            raise ArchiveBroken(
                "; ".join(_broken(found)) + f", and it is read-only: someone who may write to it should run"
                f" {repair_command(path)}",
                path=path,
            )
        return []
    found = check(conn) if version == SCHEMA_VERSION else Findings()
    if found.unusable is not None:  # refused before anything is written, the journal mode included
        raise ArchiveBroken(found.unusable, path=path)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    if version == SCHEMA_VERSION and found.whole:
        return []
    conn.execute("BEGIN IMMEDIATE")
    notes: list[str | None] = []
    try:
        if version < SCHEMA_VERSION:
            import sqlite_utils

            db = sqlite_utils.Database(conn)
            notes.extend(migrate(db, progress) for migrate in MIGRATIONS[version:])
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            done: list[str] = []
        else:
            found = _check(conn)  # again, now that no one else can write: another session may have repaired it
            done = found.repairs_needed()
            repair(conn, found, progress)
    except ArchiveBroken as error:
        conn.rollback()
        if error.path is None:
            error = ArchiveBroken(error.sentence, path=path)
        raise error from None
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    if upgrades is not None:
        upgrades.extend(note for note in notes if note is not None)
    return done


def _broken(found: Findings) -> list[str]:
    """What keeps a read-only archive from being read, for its refusal."""
    problems = []
    if found.missing_columns:
        problems.append(
            f"its reports table lacks the column{_s(found.missing_columns)} " + ", ".join(found.missing_columns)
        )
    if found.fts == "missing":
        problems.append("its full-text index is missing (another program dropped it)")
    elif found.fts == "changed":
        problems.append("its full-text index was changed by another program")
    elif found.fts == "stale":
        indexed, reports = found.fts_counts
        problems.append(f"its full-text index is out of step ({indexed:,} reports indexed of {reports:,})")
    return problems


def _refuse_non_table(conn: sqlite3.Connection, path: os.PathLike[str] | str) -> None:
    """``reports`` made a view (or anything but a table) by another program: refused before any change."""
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'reports'").fetchone()
    if row is not None and row[0] != "table":
        raise ArchiveBroken(_not_a_table(row[0]), path=path)


def _not_a_table(kind: str) -> str:
    return (
        f"its reports are a {kind}, not a table (another program made it so): tui-archive needs a reports"
        f" table; rename or drop the {kind}, or open the archive it reads from"
    )


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
