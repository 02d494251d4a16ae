"""The bulk writer: many reports upserted in one transaction, fast.

New rows reach the full-text index in one statement per batch rather than
through the per-row insert trigger, which is several times faster. Into a
small archive, the sort indexes are dropped and built again at the end, which
beats updating them row by row. It all happens inside one transaction (see
:meth:`Store.writer`), so other sessions never see the archive without its
trigger or indexes, and a failed or killed import leaves it as it was.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .model import COLUMNS
from .schema import INDEXES, TRIGGER_AI, set_meta

# Index the rows added since the last batch.
_INDEX_NEW_ROWS = """
INSERT INTO reports_fts (rowid, title, summary, body)
SELECT rowid, title, summary, body FROM reports WHERE rowid > ? AND rowid <= ?
"""
_IMPORT_CACHE_KB = 16 * 1024
_INDEX_BUILD_CACHE_KB = 4 * 1024
_REBUILD_INDEXES_BELOW = 50_000

_INSERT = f"""
INSERT INTO reports ({", ".join(COLUMNS)})
VALUES (:id, :title, :category, :date, coalesce(:views, 0), :summary, :body, :url)
"""
_EXISTING = "SELECT id FROM reports WHERE id IN (SELECT value FROM json_each(?))"
_UPSERT = (
    _INSERT
    + """ON CONFLICT (id) DO UPDATE SET
  title = excluded.title,
  category = coalesce(:category, category),
  date = coalesce(:date, date),
  views = coalesce(:views, views),
  summary = coalesce(:summary, summary),
  body = coalesce(:body, body),
  url = coalesce(:url, url)
WHERE title IS NOT excluded.title
  OR category IS NOT coalesce(:category, category)
  OR date IS NOT coalesce(:date, date)
  OR views IS NOT coalesce(:views, views)
  OR summary IS NOT coalesce(:summary, summary)
  OR body IS NOT coalesce(:body, body)
  OR url IS NOT coalesce(:url, url)
"""
)
# (A report imported again unchanged is left alone: no write, and no re-indexing by the update trigger.)
_IMPORT_HASH_BYTES = 8 * 1024 * 1024
"""The full-text index's in-memory buffer during an import (FTS5 ``hashsize``; 1 MB otherwise):
fewer, larger segments to merge, which builds the index about a quarter faster."""
_DEFAULT_HASH_BYTES = 1024 * 1024


@dataclass
class Writer:
    """Writes reports inside one transaction (see :meth:`Store.writer`)."""

    conn: sqlite3.Connection
    written: int = 0
    batch_size: int = 20_000
    _batch: dict[str, dict[str, Any]] = field(default_factory=dict)
    _indexed_up_to: int = 0
    _rebuild_indexes: bool = False
    _cache_before: int = 0
    """The connection's page cache before the import's larger one, to give it back after."""

    def begin(self) -> None:
        self._cache_before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        self.conn.execute(f"PRAGMA cache_size = -{_IMPORT_CACHE_KB}")
        self.conn.execute("DROP TRIGGER IF EXISTS reports_ai")
        # Merging index segments while they are still being written costs a
        # third of the import; writes after the import merge them gradually.
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 0)")
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('hashsize', ?)", [_IMPORT_HASH_BYTES])
        self._indexed_up_to = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0]
        existing = self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        if existing < _REBUILD_INDEXES_BELOW:
            self._rebuild_indexes = True
            for name in INDEXES:
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
        if not rows:
            return
        # New reports go in by a plain INSERT and only those already in the
        # archive by the upsert. The upsert can fire the update trigger, so
        # SQLite keeps a statement journal for it, copying each page a row
        # touches before writing it: ten times the archive's size in writes
        # over a large import, for reports that are all new.
        ids = [row["id"] for row in rows]
        existing = {found for (found,) in self.conn.execute(_EXISTING, [json.dumps(ids)])}
        self.conn.executemany(_INSERT, [row for row in rows if row["id"] not in existing])
        self.conn.executemany(_UPSERT, [row for row in rows if row["id"] in existing])
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
        self.conn.execute(TRIGGER_AI)
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('automerge', 4)")
        self.conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('hashsize', ?)", [_DEFAULT_HASH_BYTES])
        if self._rebuild_indexes:
            self.conn.execute("PRAGMA threads = 2")  # the sorter behind CREATE INDEX may use a second core
            # The sorter sorts in runs as large as the page cache, then merges them; 4 MB runs
            # built the six indexes of a 1M archive in 4.4 s against 4.8 s with the import's 16 MB.
            self.conn.execute(f"PRAGMA cache_size = -{_INDEX_BUILD_CACHE_KB}")
            for name, target in INDEXES.items():
                self.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        self.conn.execute(f"PRAGMA cache_size = {self._cache_before}")

    def set_name(self, name: str) -> None:
        set_meta(self.conn, "name", name)


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
