"""The archive's tables, indexes and triggers, and the migrations that bring a file up to date.

The file stays a standard sqlite-utils database (table ``reports``, FTS5 table
``reports_fts`` with external content), so the ``sqlite-utils`` CLI and
Datasette open it as it is, and rows they write are indexed by the triggers.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from .errors import ArchiveReadOnly, ArchiveTooNew
from .model import COLUMNS

if TYPE_CHECKING:  # sqlite-utils is loaded only to create or upgrade an archive
    import sqlite_utils

SCHEMA_VERSION = 1

TRIGGER_AI = """
CREATE TRIGGER reports_ai AFTER INSERT ON reports BEGIN
  INSERT INTO reports_fts (rowid, title, summary, body)
  VALUES (new.rowid, new.title, new.summary, new.body);
END;
"""

TRIGGERS = (
    TRIGGER_AI
    + """
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
)

INDEXES = {
    "idx_reports_date": "reports (date, id)",
    "idx_reports_title": "reports (title COLLATE NOCASE, id)",
    "idx_reports_category": "reports (category COLLATE NOCASE, id)",
    "idx_reports_views": "reports (views, id)",
    "idx_reports_category_date": "reports (category, date, id)",
}


def _migrate_to_1(db: sqlite_utils.Database) -> None:
    """Create the archive, or adopt a ``reports`` table another program made."""
    db.execute("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)")
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
    else:
        missing = [c for c in COLUMNS if c not in table.columns_dict]
        if "id" in missing or "title" in missing:
            raise ArchiveTooNew("its reports table has no id or title column")
        for column in missing:
            kind = "INTEGER NOT NULL DEFAULT 0" if column == "views" else "TEXT"
            db.execute(f"ALTER TABLE reports ADD COLUMN [{column}] {kind}")
        if table.pks != ["id"]:
            # A table made without --pk id: IDs must still be unique for upserts.
            duplicate = db.execute("SELECT id FROM reports GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone()
            if duplicate is not None:
                raise ArchiveTooNew(f"its reports table has the ID {duplicate[0]!r} more than once")
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_reports_id ON reports (id)")
    for name in ("reports_ai", "reports_ad", "reports_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    if not db.table("reports_fts").exists():
        table.enable_fts(["title", "summary", "body"], tokenize="unicode61 remove_diacritics 2")
    db.conn.executescript(TRIGGERS)
    db.execute("INSERT INTO reports_fts (reports_fts) VALUES ('rebuild')")
    for name, target in INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


# Index i upgrades an archive from schema version i to i + 1.
MIGRATIONS = [_migrate_to_1]


def prepare(conn: sqlite3.Connection, path: object, *, readonly: bool) -> None:
    """Check the file's schema version and bring it up to date (in WAL mode), all or nothing."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveTooNew(f"{path} was written by a newer tui-archive (schema {version}); please upgrade")
    if readonly:
        if version < SCHEMA_VERSION:
            raise ArchiveReadOnly(f"{path} needs an upgrade but is read-only")
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


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO archive_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
