"""Shared fixtures: archives in temporary folders, never the committed archive.db."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest

from tui_archive.core.importers import import_files
from tui_archive.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "tui_archive" / "data" / "global-analysis-archive.txt"
COMMITTED_ARCHIVE = ROOT / "archive.db"

# The seed page's reports, newest first, as a reader of the page sees them.
SEED_IDS = ["RPT-1045", "RPT-1279", "RPT-363", "RPT-280"]


@pytest.fixture
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """A copy of the committed sample archive, safe to write to."""
    path = tmp_path / "archive.db"
    shutil.copyfile(COMMITTED_ARCHIVE, path)
    return path


@pytest.fixture
def store(archive_path: Path):
    store = Store(archive_path)
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path):
    store = Store(tmp_path / "new.db")
    yield store
    store.close()


def make_store(path: Path, records: Iterable[dict]) -> Store:
    """A new archive holding ``records`` (dicts with at least id and title)."""
    store = Store(path)
    with store.writer() as writer:
        for record in records:
            writer.upsert(record)
    return store


@pytest.fixture
def seed_imported(tmp_path: Path):
    """A new archive made by importing the seed page."""
    store = Store(tmp_path / "seed.db")
    import_files(store, [SEED_PAGE])
    yield store
    store.close()


async def settle(pilot) -> None:
    """Let the app handle what is queued, its workers finish, and the results land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def views_in_file(path: Path, report_id: str) -> int:
    """A report's view count as the file holds it, read by a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT views FROM reports WHERE id = ?", [report_id]).fetchone()[0]
    finally:
        conn.close()


def archive_contents(path: Path):
    """Everything a user could see in the archive: its reports and its name."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM reports ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM archive_meta ORDER BY key").fetchall(),
        )
    finally:
        conn.close()
