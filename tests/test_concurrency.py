"""Many sessions on one archive, with real processes: no view lost, readers never locked out,
an import killed halfway leaves the archive as it was."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import dump, views_in_file

pytestmark = pytest.mark.terminal

ACCESS_SCRIPT = """
import sys
from tui_archive.core.store import Store
store = Store(sys.argv[1], create=False)
for _ in range(int(sys.argv[3])):
    assert store.access(sys.argv[2]) is not None
store.close()
"""

READER_SCRIPT = """
import sys, time
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store
store = Store(sys.argv[1], create=False)
deadline = time.monotonic() + float(sys.argv[2])
reads = errors = 0
slowest = 0.0
while time.monotonic() < deadline:
    for listing in (Listing(), Listing(text="magnet"), Listing(sort="views")):
        started = time.monotonic()
        try:
            store.window(listing, 0, 50)
            store.count(listing)
            reads += 1
        except Exception as error:
            errors += 1
            print("ERROR", type(error).__name__, error, flush=True)
        slowest = max(slowest, time.monotonic() - started)
print("READS", reads, errors, slowest, flush=True)
"""


def python(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


@pytest.fixture
def big_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "big.jsonl"
    with path.open("w") as fp:
        for i in range(80_000):
            record = {
                "id": f"B-{i}",
                "title": f"bulk report {i} on magnets",
                "summary": "lorem ipsum dolor sit amet " * 8,
                "date": "2024-01-01",
                "category": "Bulk",
            }
            fp.write(json.dumps(record) + "\n")
    return path


def test_n_processes_times_m_accesses_lose_no_view(archive_path: Path):
    processes, accesses = 6, 25
    before = views_in_file(archive_path, "RPT-1045")
    procs = [python("-c", ACCESS_SCRIPT, str(archive_path), "RPT-1045", str(accesses)) for _ in range(processes)]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert views_in_file(archive_path, "RPT-1045") == before + processes * accesses


def test_show_from_many_processes_counts_every_view(archive_path: Path):
    processes = 8
    before = views_in_file(archive_path, "RPT-280")
    procs = [python("-m", "tui_archive", "show", "RPT-280", "--db", str(archive_path)) for _ in range(processes)]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert views_in_file(archive_path, "RPT-280") == before + processes


def test_readers_are_never_locked_out_by_an_import(archive_path: Path, big_jsonl: Path):
    importer = python("-m", "tui_archive", "import", str(big_jsonl), "--db", str(archive_path))
    reader = python("-c", READER_SCRIPT, str(archive_path), "2.5")
    writer_out, writer_err = importer.communicate(timeout=60)
    reader_out, reader_err = reader.communicate(timeout=60)
    assert importer.returncode == 0, writer_err
    assert reader.returncode == 0, reader_err
    assert "ERROR" not in reader_out, reader_out
    _, reads, errors, slowest = reader_out.split()[-4:]
    assert int(errors) == 0 and int(reads) > 10
    assert float(slowest) < 1.0  # an import never blocks browsing for more than a moment
    with sqlite3.connect(archive_path) as conn:
        assert conn.execute("SELECT count(*) FROM reports WHERE id LIKE 'B-%'").fetchone()[0] == 80_000


def wait_until_writing(importer: subprocess.Popen, archive_path: Path, size: int) -> None:
    """Wait until the import is writing (its WAL has grown past ``size`` bytes) or has ended."""
    wal = Path(str(archive_path) + "-wal")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and importer.poll() is None:
        if wal.exists() and wal.stat().st_size > size:
            return
        time.sleep(0.02)


def test_views_counted_during_an_import_are_kept(archive_path: Path, big_jsonl: Path):
    before = views_in_file(archive_path, "RPT-1045")
    importer = python("-m", "tui_archive", "import", str(big_jsonl), "--db", str(archive_path))
    wait_until_writing(importer, archive_path, 100_000)
    assert importer.poll() is None, "the import finished before a view could be counted during it"
    counter = python("-c", ACCESS_SCRIPT, str(archive_path), "RPT-1045", "5")
    assert counter.wait(timeout=60) == 0, counter.stderr.read()
    assert importer.wait(timeout=60) == 0, importer.stderr.read()
    assert views_in_file(archive_path, "RPT-1045") == before + 5


def test_import_killed_halfway_leaves_the_archive_as_it_was(archive_path: Path, big_jsonl: Path):
    before = dump(archive_path)
    importer = python("-m", "tui_archive", "import", str(big_jsonl), "--db", str(archive_path))
    # Wait until the import is writing (its WAL grows), then kill it without warning.
    wait_until_writing(importer, archive_path, 2_000_000)
    assert importer.poll() is None, "the import finished before it could be killed; make the file bigger"
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait(timeout=10)
    importer.stdout.close()
    importer.stderr.close()
    with sqlite3.connect(archive_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert dump(archive_path) == before
    # And the archive still works: a later import lands whole.
    result = subprocess.run(
        [sys.executable, "-m", "tui_archive", "search", "magnet", "--db", str(archive_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0


HOLD_SCRIPT = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as an import holds it
conn.execute("UPDATE archive_meta SET value = value WHERE key = 'name'")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""

SHOWS_SCRIPT = """
import subprocess, sys
for _ in range(int(sys.argv[3])):
    done = subprocess.run(
        [sys.executable, "-m", "tui_archive", "show", sys.argv[2], "--db", sys.argv[1]],
        capture_output=True, text=True,
    )
    print("EXIT", done.returncode, repr(done.stderr), flush=True)
"""


def test_show_waits_out_an_import_holding_the_archive_and_loses_no_view(archive_path: Path):
    """6 processes running `tui-archive show` 5 times each while another program holds the write lock
    for 3 s: every show exits 0, the ones that waited said so on stderr, and every view is counted."""
    processes, shows = 6, 5
    before = views_in_file(archive_path, "RPT-280")
    holder = python("-c", HOLD_SCRIPT, str(archive_path), "3")
    assert holder.stdout.readline() == "held\n"
    runners = [python("-c", SHOWS_SCRIPT, str(archive_path), "RPT-280", str(shows)) for _ in range(processes)]
    outputs = [runner.communicate(timeout=120)[0] for runner in runners]
    assert holder.wait(timeout=30) == 0, holder.stderr.read()
    holder.stdout.close()
    holder.stderr.close()
    results = [line for out in outputs for line in out.splitlines() if line.startswith("EXIT ")]
    assert len(results) == processes * shows
    assert all(line.startswith("EXIT 0 ") for line in results), results
    waited = [line for line in results if "waiting to count the view" in line]
    assert waited, "no show found the archive busy: the test would prove nothing"
    assert not any("locked" in line or "Traceback" in line for line in results), results
    assert views_in_file(archive_path, "RPT-280") == before + processes * shows


def test_views_counted_at_once_by_several_processes_wait_their_turn(archive_path: Path):
    """Eight processes each counting 60 views as fast as they can: none is refused as "locked".

    A view counted by a statement on its own began as a read; when another process
    committed first, SQLite refused it at once instead of waiting for the lock."""
    before = views_in_file(archive_path, "RPT-280")
    counters = [python("-c", ACCESS_SCRIPT, str(archive_path), "RPT-280", "60") for _ in range(8)]
    for counter in counters:
        assert counter.wait(timeout=120) == 0, counter.stderr.read()
        counter.stdout.close()
        counter.stderr.close()
    assert views_in_file(archive_path, "RPT-280") == before + 480


def journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_an_import_into_a_new_archive_lands_whole_and_leaves_it_shared(tmp_path: Path, big_jsonl: Path):
    """A new archive is filled under a rollback journal (each page written once), then goes back to
    the WAL, so that sessions read it while others write, as any archive."""
    imported_whole(tmp_path / "new.db", big_jsonl)


def imported_whole(path: Path, jsonl: Path) -> None:
    """Import ``jsonl`` (80,000 reports) with the command: all of them land, found by their words,
    and the archive is left in WAL mode with no journal beside it."""
    result = subprocess.run(
        [sys.executable, "-m", "tui_archive", "import", str(jsonl), "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert journal_mode(path) == "wal"
    assert not Path(str(path) + "-journal").exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 80_000
        found = conn.execute("SELECT count(*) FROM reports_fts WHERE reports_fts MATCH 'magnets'").fetchone()[0]
        assert found == 80_000


def test_an_import_into_an_archive_someone_has_open_keeps_the_wal(tmp_path: Path):
    """Someone has the new archive open: the import writes through the WAL, and they go on reading
    (it empty, until the import commits) without waiting."""
    from tui_archive.core.listing import Listing
    from tui_archive.core.store import Store

    path = tmp_path / "shared.db"
    with Store(path) as importing, Store(path) as reading:
        assert reading.count(Listing()) == 0
        with importing.writer() as writer:
            for i in range(30_000):
                writer.upsert({"id": f"S-{i}", "title": f"shared report {i}"})
            writer.flush()
            started = time.monotonic()
            assert reading.count(Listing()) == 0  # the import's rows are not committed yet
            assert reading.window(Listing(), 0, 5) == []
            assert time.monotonic() - started < 1.0
            assert Path(str(path) + "-wal").exists()
        assert reading.count(Listing()) == 30_000
    assert journal_mode(path) == "wal"


def test_an_import_into_a_new_archive_killed_halfway_leaves_it_empty_and_usable(tmp_path: Path, big_jsonl: Path):
    path = tmp_path / "new.db"
    importer = python("-m", "tui_archive", "import", str(big_jsonl), "--db", str(path))
    # Written straight to the file: wait until it has grown, then kill the import without warning.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and importer.poll() is None and _size(path) < 4_000_000:
        time.sleep(0.02)
    assert importer.poll() is None, "the import finished before it could be killed; make the file bigger"
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait(timeout=10)
    importer.stdout.close()
    importer.stderr.close()
    assert Path(str(path) + "-journal").exists()  # what undoes the part written
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM reports_fts").fetchone()[0] == 0
    imported_whole(path, big_jsonl)  # and the archive takes the next import


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0
