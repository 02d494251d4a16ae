"""Noticing changes other connections make to the archive (tui_archive.core.watch)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tui_archive.core.listing import Listing
from tui_archive.core.store import Store
from tui_archive.core.watch import Watcher, newest_row, read_fresh

from .helpers import SEED_IDS

pytestmark = pytest.mark.unit

NEW = [
    {"id": "RPT-9001", "title": "Cobalt refinery opens", "date": "2026-03-01"},
    {"id": "RPT-9002", "title": "Nickel prices slide", "date": "2026-03-02"},
]


def import_elsewhere(path: Path, records: list[dict]) -> None:
    with Store(path, create=False) as other, other.writer() as writer:
        for record in records:
            writer.upsert(record)


def test_a_look_says_whether_another_connection_committed_since_the_last(store: Store, archive_path: Path):
    watcher = Watcher(store, lambda: None)
    try:
        assert watcher.poll() is False  # the first look only learns where things stand
        assert watcher.poll() is False
        store.count()  # reading changes nothing
        assert watcher.poll() is False
        with Store(archive_path, create=False) as other:
            other.access("RPT-280")
        assert watcher.poll() is True
        assert watcher.poll() is False
        store.access("RPT-280")  # this store's own pool is another connection too
        assert watcher.poll() is True
    finally:
        watcher.close()


def test_sqlite_utils_style_writes_are_noticed(store: Store, archive_path: Path):
    watcher = Watcher(store, lambda: None)
    try:
        watcher.poll()
        conn = sqlite3.connect(archive_path)
        conn.execute("UPDATE reports SET views = 7 WHERE id = 'RPT-363'")
        conn.commit()
        conn.close()
        assert watcher.poll() is True
    finally:
        watcher.close()


def test_the_watcher_thread_calls_back_once_the_archive_changes(store: Store, archive_path: Path):
    heard = threading.Event()
    watcher = Watcher(store, heard.set, interval=0.02)
    watcher.start()
    try:
        assert not heard.wait(0.2)  # nothing changed: nothing heard
        import_elsewhere(archive_path, NEW)
        assert heard.wait(5)
    finally:
        watcher.close()


def test_a_look_while_another_program_holds_the_archive_does_not_fail(store: Store, archive_path: Path):
    watcher = Watcher(store, lambda: None)
    holder = sqlite3.connect(archive_path, isolation_level=None)
    try:
        watcher.poll()
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE reports SET views = 9 WHERE id = 'RPT-363'")
        assert watcher.poll() is False  # uncommitted: nothing to see yet
        holder.execute("COMMIT")
        assert watcher.poll() is True
    finally:
        holder.close()
        watcher.close()


def test_read_fresh_gives_the_rows_as_they_stand_and_counts_reports_added(store: Store, archive_path: Path):
    held = {report.id: report for report in store.window(Listing(), 0, 10, brief=True)}
    since = newest_row(store)
    with Store(archive_path, create=False) as other:
        other.access("RPT-1279")
    import_elsewhere(archive_path, NEW)
    fresh = read_fresh(store, [report.rowid for report in held.values() if report.rowid is not None], since)
    by_id = {report.id: report for report in fresh.reports}
    assert set(by_id) == set(SEED_IDS)  # the rows asked for, not the new ones
    assert by_id["RPT-1279"].views == held["RPT-1279"].views + 1
    assert by_id["RPT-363"].views == held["RPT-363"].views
    assert fresh.added == 2
    assert fresh.newest == newest_row(store) > since
    assert read_fresh(store, [], fresh.newest).added == 0


def test_the_count_of_new_reports_goes_on_from_the_last_reading(store: Store, archive_path: Path):
    """Each reading again counts on from the one before: the count stays the number of reports after
    the row asked about, through imports one after another, and after the newest are deleted."""
    since = newest_row(store)
    first = read_fresh(store, [], since)
    assert first.added == 0
    import_elsewhere(archive_path, NEW)
    second = read_fresh(store, [], since, first)
    assert second.added == 2
    import_elsewhere(archive_path, [{"id": f"RPT-95{i:02}", "title": f"report {i}"} for i in range(5)])
    third = read_fresh(store, [], since, second)
    assert third.added == 7 == read_fresh(store, [], since).added
    assert read_fresh(store, [], since, third).added == 7  # nothing new: the same
    assert read_fresh(store, [], third.newest, third).added == 0  # an answer about another row: not used
    conn = sqlite3.connect(archive_path)
    conn.execute("DELETE FROM reports WHERE id IN ('RPT-9503', 'RPT-9504')")  # the newest two
    conn.commit()
    conn.close()
    assert read_fresh(store, [], since, third).added == 5


def test_rows_deleted_elsewhere_are_left_out(store: Store, archive_path: Path):
    rowids = [report.rowid for report in store.window(Listing(), 0, 10, brief=True) if report.rowid]
    conn = sqlite3.connect(archive_path)
    conn.execute("DELETE FROM reports WHERE id = 'RPT-363'")
    conn.commit()
    conn.close()
    fresh = read_fresh(store, rowids, newest_row(store))
    assert sorted(report.id for report in fresh.reports) == sorted(set(SEED_IDS) - {"RPT-363"})


def test_while_the_archive_keeps_changing_the_watcher_looks_less_often(store: Store, archive_path: Path):
    """While every look finds a change, the looks slow to ``busiest`` apart (not one an ``interval``);
    once the archive is quiet, a change is heard within an ``interval`` again."""
    heard: list[float] = []
    watcher = Watcher(store, lambda: heard.append(time.monotonic()), interval=0.05, busiest=1.0)
    writer = sqlite3.connect(archive_path, isolation_level=None)
    watcher.start()
    try:
        time.sleep(0.1)
        ended = time.monotonic() + 3.0
        while time.monotonic() < ended:  # a view counted elsewhere every 10 ms
            writer.execute("UPDATE reports SET views = views + 1 WHERE id = 'RPT-363'")
            time.sleep(0.01)
        assert 3 <= len(heard) <= 15  # 0.05, 0.1, 0.2, 0.4, 0.8, then 1 to 1.5 s apart; not 60 looks
        time.sleep(3.2)  # quiet: the last waits after a change (up to 1.5 s each, see SPREAD) are over
        quiet = len(heard)
        writer.execute("UPDATE reports SET views = views + 1 WHERE id = 'RPT-363'")
        time.sleep(0.9)  # less than the busiest wait: heard because the looks are short again
        assert len(heard) == quiet + 1
    finally:
        writer.close()
        watcher.close()


def test_a_write_during_the_pause_after_a_change_is_heard_when_the_pause_ends(store: Store, archive_path: Path):
    """After a change, the watcher pauses before its next look; a view counted meanwhile is heard as
    the pause ends, with no further write to announce it."""
    heard: list[float] = []
    watcher = Watcher(store, lambda: heard.append(time.monotonic()), interval=0.5, busiest=0.5)
    writer = sqlite3.connect(archive_path, isolation_level=None)
    watcher.start()
    try:
        assert watcher.ready.wait(5)
        first = time.monotonic()
        writer.execute("UPDATE reports SET views = views + 1 WHERE id = 'RPT-363'")
        deadline = time.monotonic() + 3
        while not heard and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard, "the first change was not heard"
        time.sleep(0.2)  # within the pause
        writer.execute("UPDATE reports SET views = views + 1 WHERE id = 'RPT-280'")
        while len(heard) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(heard) == 2, "the change made during the pause was not heard"
        assert 0.45 <= heard[1] - heard[0] and heard[1] - first < 1.5
    finally:
        writer.close()
        watcher.close()


def _counting_looks(watcher: Watcher) -> list[bool]:
    looks: list[bool] = []
    poll = watcher.poll

    def counted() -> bool:
        looks.append(poll())
        return looks[-1]

    watcher.poll = counted  # type: ignore[method-assign]
    return looks


def test_a_change_is_heard_as_soon_as_the_archive_is_written(store: Store, archive_path: Path):
    """Not at the next look: with looks a minute apart, another program's commit is heard at once."""
    heard = threading.Event()
    watcher = Watcher(store, heard.set, interval=60, safety=60)
    watcher.start()
    try:
        assert watcher.ready.wait(5)
        assert watcher.hears_writes
        conn = sqlite3.connect(archive_path)
        conn.execute("UPDATE reports SET views = 7 WHERE id = 'RPT-363'")
        conn.commit()
        conn.close()
        assert heard.wait(2)
    finally:
        watcher.close()


def test_an_idle_archive_does_not_wake_the_watcher(store: Store, archive_path: Path):
    """Reading the archive and writing other files beside it are not changes: no look at all."""
    store.count()
    watcher = Watcher(store, lambda: None, interval=0.01, safety=60)
    looks = _counting_looks(watcher)
    watcher.start()
    try:
        assert watcher.ready.wait(5)
        for n in range(20):
            (archive_path.parent / "notes.txt").write_text(f"note {n}")
            store.count()
            store.get("RPT-363")
            time.sleep(0.02)
        assert looks == [False, False]  # as it started and once hearing writes; every interval would be 40
        with Store(archive_path, create=False) as other:
            other.access("RPT-363")
        deadline = time.monotonic() + 5
        while len(looks) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert looks[2:] == [True]
    finally:
        watcher.close()


def test_a_long_write_wakes_the_watcher_a_few_times_not_at_each_of_its_writes(store: Store, archive_path: Path):
    """An import writes for seconds before it commits, and every write is reported; fifty sessions
    waking at each of them used most of a core. Looks come further apart while writes come and no
    commit is seen, and the commit is still heard within an ``interval``."""
    heard: list[float] = []
    watcher = Watcher(store, lambda: heard.append(time.monotonic()), interval=0.5, safety=60)
    looks = _counting_looks(watcher)
    watcher.start()
    conn = sqlite3.connect(archive_path, isolation_level=None)
    try:
        assert watcher.ready.wait(5)
        conn.execute("PRAGMA cache_size = 5")  # pages spill to the -wal long before the commit
        conn.execute("BEGIN IMMEDIATE")
        wal = Path(str(archive_path) + "-wal")
        writes, started = 0, time.monotonic()
        while time.monotonic() - started < 2.5:
            conn.execute("INSERT INTO reports (id, title) VALUES (?, ?)", [f"W-{writes}", "long write " * 200])
            writes += 1
            time.sleep(0.002)
        assert wal.stat().st_size > 1_000_000  # the write went on all along, seen by the watcher
        during = len(looks)
        assert not heard
        conn.execute("COMMIT")
        committed = time.monotonic()
        deadline = committed + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard and heard[0] - committed < 0.5 + 1.0  # an interval, and a margin for a busy machine
        assert during <= 2 + 12  # its two first looks, then about six (looking at each write took about 50)
    finally:
        conn.close()
        watcher.close()


def test_where_writes_are_not_reported_it_looks_every_interval(store: Store, archive_path: Path, monkeypatch):
    """No inotify (another system, or this user's inotify instances all taken): changes are still heard."""

    def no_more_instances(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr("inotify_simple.INotify", no_more_instances)
    for watcher in (Watcher(store, lambda: None, interval=0.02), Watcher(store, lambda: None, writes=False)):
        heard = threading.Event()
        watcher.listener = heard.set
        watcher.interval = 0.02
        watcher.start()
        try:
            assert watcher.ready.wait(5)
            assert not watcher.hears_writes
            import_elsewhere(archive_path, NEW[:1])
            assert heard.wait(5)
        finally:
            watcher.close()


def test_closing_a_watcher_at_once_ends_its_thread(store: Store):
    """However long its looks are apart (the app closes it as it quits)."""
    for writes in (True, False):
        watcher = Watcher(store, lambda: None, interval=60, safety=60, writes=writes)
        watcher.start()
        started = time.monotonic()
        watcher.close()
        assert time.monotonic() - started < 2


def test_a_change_no_write_report_announced_turns_the_watcher_to_looking_every_interval(
    store: Store, archive_path: Path, monkeypatch
):
    """Where the reports miss this archive's writers (a network filesystem, a container's volume),
    the look every ``safety`` seconds finds the change, and from then on it looks every ``interval``."""

    def reports_nothing(self, timeout: float) -> bool:
        time.sleep(min(timeout, 0.02))
        return False

    monkeypatch.setattr("tui_archive.core.watch.Writes.wait", reports_nothing)
    heard: list[float] = []
    watcher = Watcher(store, lambda: heard.append(time.monotonic()), interval=0.05, safety=0.5)
    watcher.start()
    try:
        assert watcher.ready.wait(5)
        assert watcher.hears_writes
        with Store(archive_path, create=False) as other:
            other.access("RPT-363")
            deadline = time.monotonic() + 5
            while not heard and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(heard) == 1  # found by the safety look
            assert not watcher.hears_writes
            time.sleep(0.3)  # looks are now 0.1 s apart (the interval, doubled after a change)
            changed = time.monotonic()
            other.access("RPT-363")
            while len(heard) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        assert len(heard) == 2 and heard[1] - changed < 0.4  # not another safety interval (0.5 s)
    finally:
        watcher.close()


def test_a_change_before_the_watcher_hears_writes_is_heard_all_the_same(store: Store, archive_path: Path):
    """Setting up the reports of writes waits until the app's first rows are shown; a commit in
    that wait is found by the look once they are set up."""
    heard = threading.Event()
    watcher = Watcher(store, heard.set, interval=60, safety=60)
    watcher.start()
    try:
        time.sleep(0.1)  # the first look is done; the reports are not set up yet
        assert not watcher.ready.is_set()
        import_elsewhere(archive_path, NEW[:1])
        assert heard.wait(5)
        assert watcher.hears_writes
    finally:
        watcher.close()
