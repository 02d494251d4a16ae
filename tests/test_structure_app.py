"""The app on an archive whose structure another program broke: repaired before it starts, and it says so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp

from .helpers import notifications, search, settle, shown_ids

pytestmark = pytest.mark.app


async def test_the_app_says_what_was_repaired_and_word_search_works(archive_path: Path):
    conn = sqlite3.connect(archive_path, isolation_level=None)
    conn.executescript(
        "DROP TABLE reports_fts; DROP TRIGGER reports_ai; DROP TRIGGER reports_ad; DROP TRIGGER reports_au;"
        " INSERT INTO reports (id, title, summary) VALUES ('NEW-1', 'Okapi sighting', 'forest giraffe');"
    )
    conn.close()
    store = Store(archive_path, create=False)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert notifications(app) == [
            "Archive repaired: rebuilt the full-text index (another program had dropped it)",
            "Archive repaired: made again the triggers that keep the full-text index in step",
        ]
        await search(pilot, "okapi")
        assert shown_ids(app) == ["NEW-1"]
        await search(pilot, "processing")
        assert "RPT-1045" in shown_ids(app)
    store.close()


async def test_a_whole_archive_starts_without_a_word_about_repairs(archive_path: Path):
    store = Store(archive_path, create=False)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert not any("repaired" in message for message in notifications(app))
    store.close()
