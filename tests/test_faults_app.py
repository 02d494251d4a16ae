"""Faults while the app runs: a read-only, locked, full or damaged archive; a message, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Static

from tui_archive.core import store as store_module
from tui_archive.core import views as views_module
from tui_archive.core.errors import from_sqlite
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.error import ErrorScreen
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.detail import DetailPane

from .helpers import browse_screen, browse_status, dump, settle, status, views_in_file, wait_for

pytestmark = pytest.mark.app


async def test_readonly_archive_says_so_once_and_counts_nothing(archive_path: Path, monkeypatch):
    before = dump(archive_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode, **kw))
    store = Store(archive_path, create=False)
    monkeypatch.undo()
    assert store.readonly
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert status(app).count("read-only: views are not counted") == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert status(app).count("read-only: views are not counted") == 1
        assert app.is_running
    store.close()
    assert dump(archive_path) == before


# -- faults while the app runs ------------------------------------------------------


@contextlib.contextmanager
def archive_and_blocker(path: Path):
    """The archive opened by the app's store, and another program's connection that can lock it."""
    store = Store(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        yield store, blocker
    finally:
        blocker.close()
        store.close()


async def test_locked_archive_while_counting_a_view(archive_path: Path, monkeypatch):
    """A view counted while another program holds the archive waits for it, and is not lost."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(views_module, "PAUSE", 0.05)
    with archive_and_blocker(archive_path) as (store, blocker):
        app = ArchiveApp(store)
        async with app.run_test(size=(120, 32)) as pilot:
            await settle(pilot)
            blocker.execute("BEGIN EXCLUSIVE")
            await pilot.press("enter")
            await wait_for(pilot, lambda: "busy" in browse_status(app), what="the archive-busy note")
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert "busy" in status(app) and "will be counted" in status(app)
            assert app.is_running
            blocker.execute("ROLLBACK")
            await settle(pilot)
            # The waiting view landed once the lock was gone, and the note is gone.
            await wait_for(pilot, lambda: "busy" not in status(app), what="the archive-busy note to go")
            assert "RPT-1045 · Rare Earths · 2026-02-12 · 1 view" in app.screen.query_one(DetailPane).part("meta")
    assert views_in_file(archive_path, "RPT-1045") == 1


async def test_view_given_up_after_the_retry_period(archive_path: Path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(views_module, "PATIENCE", 0.3)
    monkeypatch.setattr(views_module, "PAUSE", 0.05)
    with archive_and_blocker(archive_path) as (store, blocker):
        app = ArchiveApp(store)
        async with app.run_test(size=(120, 32)) as pilot:
            await settle(pilot)
            blocker.execute("BEGIN EXCLUSIVE")
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            await pilot.pause()
            # The view counter gives up after its patience (0.3 s here), on a thread of its own.
            await wait_for(pilot, lambda: "view not counted" in status(app), what="the view to be given up")
            assert app.is_running
            blocker.execute("ROLLBACK")
    assert views_in_file(archive_path, "RPT-1045") == 0


async def test_disk_full_while_counting_a_view(store: Store, monkeypatch):
    def full(report_id, rowid=None):  # as the store raises it, from SQLite's error
        raise from_sqlite(sqlite3.OperationalError("database or disk is full"), store.path)

    monkeypatch.setattr(store, "access", full)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        await pilot.pause()
        await wait_for(pilot, lambda: "view not counted" in status(app), what="the view to be given up")
        assert "no room left on the disk" in status(app)
        assert app.is_running


async def test_archive_damaged_while_browsing(archive_path: Path):
    store = Store(archive_path)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        store.close()  # drop pooled connections so the next query reads the file again
        for suffix in ("", "-wal", "-shm"):
            Path(str(archive_path) + suffix).unlink(missing_ok=True)
        archive_path.write_bytes(b"garbage" * 5000)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "not an SQLite archive" in status(app) or "archive error" in status(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "slash", *"magnet")
        await wait_for(pilot, lambda: browse_screen(app).listing.text == "magnet", what="the search to be asked for")
        await settle(pilot)
        assert app.is_running
    store.close()


async def test_archive_unreadable_at_start_shows_an_error_screen(archive_path: Path):
    store = Store(archive_path)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(archive_path) + suffix).unlink(missing_ok=True)
    archive_path.write_bytes(b"garbage" * 5000)
    app = ArchiveApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message", Static).render())
        assert "not an SQLite archive" in message or "archive error" in message
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    store.close()


async def test_an_archive_opened_read_only_on_purpose_counts_nothing(archive_path: Path):
    """``--read-only`` (a replica, a copy): the file may be written, but the app writes nothing."""
    before = dump(archive_path)
    store = Store(archive_path, create=False, readonly=True)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert "read-only: views are not counted" in status(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
    store.close()
    assert dump(archive_path) == before
