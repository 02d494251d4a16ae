"""The one writer of views: every view lands once, in order, and a busy archive is waited out."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core import store as store_module
from tui_archive.core.errors import ArchiveBusy, ArchiveError
from tui_archive.core.store import Store
from tui_archive.core.views import Counted, NotCounted, ViewCounter, ViewEvent, Waiting

from .helpers import views_in_file

pytestmark = pytest.mark.unit


def hold_lock(path: Path, seconds: float) -> threading.Thread:
    """Another program holding the archive's write lock for ``seconds`` (as an import does)."""
    locked = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        threading.Event().wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(5)
    return thread


def test_views_from_many_threads_are_all_counted(store: Store):
    before = views_in_file(store.path, "RPT-363")
    counter = ViewCounter(store)
    futures = []

    def open_ten() -> None:
        futures.extend(counter.count("RPT-363") for _ in range(10))

    threads = [threading.Thread(target=open_ten) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seen = sorted(future.result(timeout=10).views for future in futures)
    counter.close()
    assert views_in_file(store.path, "RPT-363") == before + 50
    assert seen == list(range(before + 1, before + 51))  # one at a time: each view saw the one before it


def test_a_view_waits_for_a_busy_archive_and_lands(store: Store, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    store.close()  # new connections take the short busy timeout
    heard: list[ViewEvent] = []
    counter = ViewCounter(store, heard.append, pause=0.05)
    holder = hold_lock(store.path, 0.5)
    report = counter.count("RPT-1045").result(timeout=10)
    holder.join()
    counter.close()
    assert report is not None and report.views == 1
    assert views_in_file(store.path, "RPT-1045") == 1
    assert heard == [Waiting("RPT-1045"), Counted(report, after_waiting=True)]


def test_a_view_is_given_up_after_its_patience_and_the_file_is_unchanged(store: Store, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    store.close()
    heard: list[ViewEvent] = []
    counter = ViewCounter(store, heard.append, patience=0.2, pause=0.05)
    holder = hold_lock(store.path, 1.0)
    future = counter.count("RPT-1045")
    with pytest.raises(ArchiveBusy):
        future.result(timeout=10)
    holder.join()
    counter.close()
    assert views_in_file(store.path, "RPT-1045") == 0
    assert isinstance(heard[-1], NotCounted) and "busy" in str(heard[-1].error)


def test_show_waits_for_a_busy_archive_and_counts_the_view(archive_path: Path, monkeypatch):
    """`tui-archive show` during an import: it says it is waiting, then counts the view (exit 0)."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    holder = hold_lock(archive_path, 0.6)
    result = CliRunner().invoke(cli, ["show", "RPT-1279", "--db", str(archive_path)])
    holder.join()
    assert result.exit_code == 0, result.output
    assert "waiting to count the view" in result.stderr
    assert "1 view" in result.stdout
    assert views_in_file(archive_path, "RPT-1279") == 1


def test_closing_while_the_archive_is_busy_gives_up_queued_views_at_once(store: Store, monkeypatch):
    """Quitting during an import must not wait out the busy timeout once per view still queued."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 1000)
    store.close()
    counter = ViewCounter(store, pause=0.05)
    holder = hold_lock(store.path, 3.0)
    futures = [counter.count(report_id) for report_id in ("RPT-1045", "RPT-1279", "RPT-363", "RPT-280")]
    started = time.monotonic()
    counter.close()
    took = time.monotonic() - started
    late = counter.count("RPT-1045")
    holder.join()
    assert took < 2.5  # at most the one view being tried; before, one busy timeout per queued view
    assert all(future.done() for future in [*futures, late])
    assert all(isinstance(future.exception(), ArchiveError) for future in [*futures, late])
    assert [views_in_file(store.path, r) for r in ("RPT-1045", "RPT-1279", "RPT-363")] == [0, 0, 0]
