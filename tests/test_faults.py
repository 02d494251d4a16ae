"""Bad files, bad archives and faults: a clear message, no traceback, nothing lost."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from textual.widgets import Static

from tui_archive.core import store as store_module
from tui_archive.core import views as views_module
from tui_archive.core.errors import from_sqlite
from tui_archive.ui.app import ArchiveApp
from tui_archive.cli import cli
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.error import ErrorScreen
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.core.schema import SCHEMA_VERSION
from tui_archive.core.store import Store

from .conftest import COMMITTED_ARCHIVE, settle, views_in_file


def dump(path: Path) -> list[str]:
    """Everything in the archive, as SQL."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def status(app: ArchiveApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def browse_status(app: ArchiveApp) -> str:
    """The list's status line, also while a report is open over it."""
    browse = next(s for s in app.screen_stack if isinstance(s, BrowseScreen))
    return str(browse.query_one("#status", Static).render())


# -- bad import files ------------------------------------------------------------------

BAD_FILES = {
    "broken.json": (b'[{"id": "A-1", "title": "ok"},\n{"id": "A-2", "title": }]', ["broken.json", "line 2"]),
    "not-a-list.json": (b'[1, 2]', ["not-a-list.json", "record 1", "expected an object"]),
    "lines.jsonl": (b'{"id": "A-1", "title": "ok"}\n{"id": "A-2", "title": "x"\n', ["lines.jsonl", "line 2", "not valid JSON"]),
    "no-id.csv": (b"id,title\nA-1,ok\n,no id here\n", ["no-id.csv", "line 3", "missing id"]),
    "no-title.jsonl": (b'{"id": "A-1"}\n', ["no-title.jsonl", "line 1", "missing title"]),
    "views.csv": (b"id,title,views\nA-1,ok,3\nA-2,bad,many\nA-3,neg,-1\n", ["views.csv", "line 3", "line 4", "views"]),
    "dates.csv": (b"id,title,date\nA-1,ok,2024-02-30\nA-2,ok,yesterday\n", ["dates.csv", "line 2", "line 3", "date"]),
    "latin1.csv": (b"id,title\nA-1,caf\xe9\n", ["latin1.csv", "UTF-8"]),
    "wrong-type.json": (b'[{"id": "A-1", "title": {"nested": 1}}]', ["wrong-type.json", "record 1", "title"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_clearly_and_changes_nothing(archive_path: Path, tmp_path: Path, name: str):
    content, expected = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    before = dump(archive_path)
    code, out = run("import", str(bad), "--db", str(archive_path))
    assert code == 1
    assert "Traceback" not in out
    for fragment in expected:
        assert fragment in out, (fragment, out)
    problem_lines = [line for line in out.splitlines() if line.startswith("error:")]
    assert problem_lines and all(name in line for line in problem_lines)
    assert dump(archive_path) == before


def test_missing_file_is_named_and_changes_nothing(archive_path: Path, tmp_path: Path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "N-1", "title": "new"}\n')
    before = dump(archive_path)
    code, out = run("import", str(good), str(tmp_path / "nope.csv"), "--db", str(archive_path))
    assert code == 1
    assert "nope.csv: no such file" in out
    assert dump(archive_path) == before


def test_csv_line_numbers_count_physical_lines(archive_path: Path, tmp_path: Path):
    """A quoted field spanning lines: the bad record after it is still found on its own line."""
    bad = tmp_path / "multi.csv"
    bad.write_text('id,title,summary\nA-1,ok,"two\nlines"\nA-2,ok,fine\nA-3,,no title\n')
    code, out = run("import", str(bad), "--db", str(archive_path))
    assert code == 1
    assert "multi.csv: line 5: missing title" in out, out


def test_skip_bad_imports_the_good_and_names_the_bad(archive_path: Path, tmp_path: Path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("id,title,views\nG-1,good one,1\nB-1,bad,lots\nG-2,good two,\n")
    code, out = run("import", "--skip-bad", str(mixed), "--db", str(archive_path))
    assert code == 0, out
    assert "skipped: " in out and "mixed.csv: line 3" in out
    with sqlite3.connect(archive_path) as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM reports WHERE id LIKE 'G-%' OR id LIKE 'B-%'")}
    assert ids == {"G-1", "G-2"}


# -- bad archives ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["search"], ["show", "RPT-1045"], ["import", "x.csv"]])
def test_db_not_sqlite(tmp_path: Path, command: list[str]):
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 100)
    before = bad.read_bytes()
    code, out = run(*command, "--db", str(bad))
    assert code == 1
    assert "not an SQLite archive" in out
    assert "Traceback" not in out
    assert bad.read_bytes() == before


@pytest.mark.parametrize("keep", [100, 4096, 20000])
def test_truncated_archive_gets_a_clear_message(tmp_path: Path, keep: int):
    broken = tmp_path / "broken.db"
    broken.write_bytes(COMMITTED_ARCHIVE.read_bytes()[:keep])
    for command in (["search"], ["show", "RPT-1045"], ["search", "magnet"]):
        code, out = run(*command, "--db", str(broken))
        assert "Traceback" not in out
        if code != 0:
            assert code == 1
            assert str(broken) in out


def test_older_schema_is_upgraded_in_place(tmp_path: Path):
    old = tmp_path / "old.db"
    db = sqlite_utils.Database(old)
    db["reports"].insert_all(
        [{"id": "O-1", "title": "Old magnet report", "views": 2}, {"id": "O-2", "title": "Another"}], pk="id"
    )
    db.close()
    code, out = run("search", "magnet", "--db", str(old))
    assert code == 0
    assert "O-1" in out
    code, out = run("show", "O-1", "--db", str(old))
    assert code == 0
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT views FROM reports WHERE id = 'O-1'").fetchone()[0] == 3


def test_missing_directory(tmp_path: Path):
    for command in ([], ["search"], ["import", "x.csv"]):
        code, out = run(*command, "--db", str(tmp_path / "no" / "such" / "archive.db"))
        assert code == 1
        assert "Traceback" not in out
        assert "no such archive" in out or "does not exist" in out
    assert not (tmp_path / "no").exists()


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


@pytest.fixture
def readonly_dir(tmp_path_factory):
    """A read-only directory holding a read-only copy of the archive (WAL mode, no -shm)."""
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only")
    base = Path(tempfile.mkdtemp(prefix="tui-archive-ro-"))  # outside pytest's private (0700) folder
    base.chmod(0o755)
    folder = base / "shared"
    folder.mkdir()
    shutil.copyfile(COMMITTED_ARCHIVE, folder / "archive.db")
    (folder / "archive.db").chmod(0o444)
    folder.chmod(0o555)
    yield prefix, folder / "archive.db"
    folder.chmod(0o755)
    shutil.rmtree(base)


def test_readonly_archive_in_readonly_directory_can_be_browsed(readonly_dir):
    prefix, path = readonly_dir
    before = path.read_bytes()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

    def cli_run(*args):
        return subprocess.run(
            [*prefix, sys.executable, "-m", "tui_archive", *args, "--db", str(path)],
            capture_output=True, text=True, env=env, timeout=60, cwd="/",
        )

    proc = cli_run("search", "magnet")
    assert proc.returncode == 0, proc.stderr
    assert "RPT-1279" in proc.stdout
    proc = cli_run("show", "RPT-280")
    assert proc.returncode == 0, proc.stderr
    assert "read-only: this view was not counted" in proc.stderr
    assert "1 view" in proc.stdout
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["archive.db"]


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
            for _ in range(100):
                await pilot.pause(0.02)
                if "busy" in browse_status(app):
                    break
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert "busy" in status(app) and "will be counted" in status(app)
            assert app.is_running
            blocker.execute("ROLLBACK")
            await settle(pilot)
            # The waiting view landed once the lock was gone, and the note is gone.
            assert "busy" not in status(app)
            assert "RPT-1045 · Rare Earths · 2026-02-12 · 1 view" in str(
                app.screen.query_one("#detail-meta").render()
            )
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
            await app.workers.wait_for_complete()
            await pilot.press("escape")
            await pilot.pause()
            assert "view not counted" in status(app)
            assert app.is_running
            blocker.execute("ROLLBACK")
    assert views_in_file(archive_path, "RPT-1045") == 0


async def test_disk_full_while_counting_a_view(store: Store, monkeypatch):
    def full(report_id):  # as the store raises it, from SQLite's error
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
        assert "view not counted" in status(app)
        assert "disk is full" in status(app)
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
        await pilot.pause(0.2)
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
