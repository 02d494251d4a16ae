"""One family of archive errors, each with the sentence the user sees, made from SQLite's errors in one place."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tui_archive.core import errors, export
from tui_archive.core.errors import from_sqlite
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("message", "kind", "sentence", "advice"),
    [
        ("file is not a database", errors.NotAnArchive, "not an SQLite archive (or the file is damaged)", "--db"),
        ("database disk image is malformed", errors.ArchiveDamaged, "the archive file is damaged", "backup"),
        ("database is locked", errors.ArchiveBusy, "the archive is busy", "try again"),
        ("attempt to write a readonly database", errors.ArchiveReadOnly, "the archive is read-only", "may not"),
        ("database or disk is full", errors.ArchiveFull, "no room left on the disk", "free some space"),
        ("disk I/O error", errors.ArchiveError, "the disk failed", "check the disk"),
        ("unable to open database file", errors.NoArchive, "the archive file cannot be opened", "check that"),
        ("no such table: reports_fts", errors.ArchiveBroken, "its table reports_fts is missing", "repair --db"),
        ("no such table: main.archive_meta", errors.ArchiveBroken, "its table archive_meta is missing", "repair"),
        ("no such column: reports.category", errors.ArchiveBroken, "its column reports.category is missing", "repair"),
        ("table reports has no column named url", errors.ArchiveBroken, "its column url is missing", "repair"),
        ("cannot modify reports because it is a view", errors.ArchiveBroken, "its reports is a view", "repair"),
        ("interrupted", errors.Interrupted, "the query was interrupted", ""),
    ],
)
def test_each_sqlite_error_becomes_a_family_member_with_its_sentence(message, kind, sentence, advice):
    """Each names the file and says what to do; SQLite's own words are not the sentence."""
    error = from_sqlite(sqlite3.OperationalError(message), "/data/a.db")
    assert type(error) is kind
    assert error.sentence.startswith(sentence)
    assert advice in error.sentence
    if kind is not errors.Interrupted:
        assert str(error).startswith("/data/a.db: ")
        assert message not in error.sentence
        assert "\n" not in str(error)


def test_an_unknown_sqlite_error_is_still_a_sentence_of_ours():
    error = from_sqlite(sqlite3.OperationalError("something new went wrong"), "/data/a.db")
    assert str(error) == "/data/a.db: the archive could not be used (SQLite said: something new went wrong)"


def test_the_store_raises_only_the_family(tmp_path: Path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"garbage" * 5000)
    with pytest.raises(errors.NotAnArchive) as caught:
        Store(path)
    sentence = "not an SQLite archive (or the file is damaged): name an archive file with --db"
    assert str(caught.value) == f"{path}: {sentence}"
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)


def test_the_store_closes_its_connections_as_a_context_manager(archive_path: Path):
    with Store(archive_path) as store:
        assert store.count() == 4
        assert store._pool
    assert not store._pool
    # Closed cleanly: the WAL is checkpointed away, and the file opens again.
    assert not Path(str(archive_path) + "-wal").exists()
    with Store(archive_path) as again:
        assert again.get("RPT-1045") is not None


def test_an_export_of_a_value_json_cannot_hold_names_it(store: Store, tmp_path: Path):
    """A BLOB another program stored: JSON cannot hold bytes, so the export says what was there."""
    conn = sqlite3.connect(store.path)
    conn.execute("UPDATE reports SET summary = X'00ff' WHERE id = 'RPT-363'")
    conn.commit()
    conn.close()
    out = tmp_path / "out.json"
    assert export.to_file(store.iter_listing(Listing()), "json", out) == 4
    summaries = {report["id"]: report["summary"] for report in json.loads(out.read_text(encoding="utf-8"))}
    assert summaries["RPT-363"] == "(binary data)"


def test_an_unreadable_folder_on_the_way_is_a_sentence_not_a_traceback(tmp_path: Path, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "exists", denied)
    with pytest.raises(errors.FileFailed) as caught:
        Store(tmp_path / "locked" / "archive.db")
    assert "cannot open the archive" in str(caught.value) and "Permission denied" in str(caught.value)
