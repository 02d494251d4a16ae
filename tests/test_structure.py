"""Archives whose structure other programs broke (sqlite-utils, Datasette, scripts), opened by every command.

Either the archive is repaired on open, all in one transaction, and the user is told what was
repaired, or it is refused in one line that names the file and says what to do: exit status 1,
no traceback, and the file exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from tui_archive.cli import cli
from tui_archive.core import schema
from tui_archive.core import store as store_module
from tui_archive.core.errors import ArchiveBroken
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store

from .helpers import SEED_IDS, views_in_file

pytestmark = pytest.mark.unit


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def execute(path: Path, sql: str) -> None:
    """Another program changing the archive."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(sql)
    finally:
        conn.close()


def disable_fts(path: Path) -> None:
    """``sqlite-utils disable-fts archive.db reports``."""
    db = sqlite_utils.Database(path)
    try:
        db["reports"].disable_fts()
    finally:
        db.close()


def state(path: Path) -> tuple[bytes, list[str]]:
    """The archive's bytes and the names in its folder (no journal or WAL left behind)."""
    content = path.read_bytes() if path.is_file() else b""
    return content, sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def new_reports(tmp_path: Path) -> Path:
    """A file to import, outside the archive's folder."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    path = folder / "new.jsonl"
    path.write_text('{"id": "NEW-9", "title": "Pangolin census", "summary": "scales counted"}\n')
    return path


def commands(new_reports: Path) -> dict[str, list[str]]:
    """Every way an archive is opened: the app's start, and each command for scripts."""
    return {
        "app": [],
        "search": ["search"],
        "search words": ["search", "rare earth"],
        "show": ["show", "RPT-1045"],
        "import": ["import", str(new_reports)],
    }


COMMANDS = ["app", "search", "search words", "show", "import"]


# -- refused, with one line naming the file, and the file as it was ---------------------------------

REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "no reports table": (lambda p: execute(p, "DROP TABLE reports"), "no reports table"),
    "reports a view": (
        lambda p: execute(
            p, "ALTER TABLE reports RENAME TO reports_data; CREATE VIEW reports AS SELECT * FROM reports_data"
        ),
        "a view, not a table",
    ),
    "reports without a title": (
        lambda p: execute(
            p,
            "CREATE TABLE r2 AS SELECT id, category, date, views FROM reports; DROP TABLE reports;"
            " ALTER TABLE r2 RENAME TO reports",
        ),
        "no title column",
    ),
    "reports_fts a plain table": (
        lambda p: execute(p, "DROP TABLE reports_fts; CREATE TABLE reports_fts (notes TEXT)"),
        "rename it",
    ),
    "newer schema": (lambda p: execute(p, "PRAGMA user_version = 99"), "newer tui-archive"),
    "a text file": (lambda p: p.write_text("Shopping list: milk, eggs.\n" * 300), "not an SQLite archive"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:16384]), "damaged: restore it from a backup"),
    "binary junk": (lambda p: p.write_bytes(bytes(range(256)) * 64), "not an SQLite archive"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_broken_archive_is_refused_in_one_line_and_left_as_it_was(
    archive_path: Path, new_reports: Path, kind: str, command: str
):
    breaker, expected = REFUSED[kind]
    breaker(archive_path)
    before = state(archive_path)
    result = run(*commands(new_reports)[command], "--db", str(archive_path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(archive_path) in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in result.output and result.stdout == ""
    assert state(archive_path) == before


NOT_FILES: dict[str, Callable[[Path], Path]] = {
    "a directory": lambda folder: folder,
    "a device": lambda folder: Path(os.devnull),
    "a FIFO": lambda folder: (os.mkfifo(folder / "pipe.db"), folder / "pipe.db")[1],
    "an empty file": lambda folder: (folder / "empty.db").touch() or folder / "empty.db",
}


@pytest.mark.parametrize(
    ("kind", "command"),
    # (An import makes an archive of an empty file: tested below.)
    [
        (kind, command)
        for kind in sorted(NOT_FILES)
        for command in COMMANDS
        if (kind, command) != ("an empty file", "import")
    ],
)
def test_what_is_not_an_archive_file_is_refused_before_sqlite_touches_it(
    tmp_path: Path, new_reports: Path, kind: str, command: str
):
    """``--db /dev/null`` once left /dev/null-journal behind; a FIFO would block; nothing is made beside them."""
    folder = tmp_path / "here"
    folder.mkdir()
    path = NOT_FILES[kind](folder)
    before = sorted(p.name for p in folder.iterdir())
    journal_existed = Path(f"{path}-journal").exists()
    result = run(*commands(new_reports)[command], "--db", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: "), result.stderr
    assert "not an archive" in lines[0] and ("--db" in lines[0] or "import" in lines[0])
    assert sorted(p.name for p in folder.iterdir()) == before
    assert Path(f"{path}-journal").exists() == journal_existed
    if path.is_file():
        assert path.read_bytes() == b""


def test_an_import_makes_an_archive_of_an_empty_file(tmp_path: Path, new_reports: Path):
    path = tmp_path / "empty.db"
    path.touch()
    result = run("import", str(new_reports), "--db", str(path))
    assert result.exit_code == 0, result.output
    assert run("search", "pangolin", "--db", str(path)).stdout.startswith("NEW-9\t")


def test_a_locked_archive_says_busy_and_is_left_as_it_was(archive_path: Path, monkeypatch):
    """Another program holding an exclusive lock (locking_mode=EXCLUSIVE): no one may even read."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(archive_path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("COMMIT")
    try:
        before = archive_path.read_bytes()
        for args in (["search"], ["show", "RPT-1045"]):
            result = run(*args, "--db", str(archive_path))
            assert result.exit_code == 1
            assert result.stderr.strip() == (
                f"Error: {archive_path}: the archive is busy (locked by another program); try again in a moment"
            )
        assert archive_path.read_bytes() == before
    finally:
        holder.close()


# -- repaired on open, and said so ----------------------------------------------------------------

REPAIRED: dict[str, tuple[Callable[[Path], None], str] | tuple[Callable[[Path], None], str, tuple[str, str]]] = {
    "full-text index dropped by sqlite-utils disable-fts": (
        disable_fts,
        "rebuilt the full-text index (another program had dropped it)",
    ),
    "rows written with the insert trigger dropped": (
        lambda p: execute(
            p,
            "DROP TRIGGER reports_ai; INSERT INTO reports (id, title, summary) VALUES"
            " ('NEW-1', 'Okapi sighting', 'forest giraffe')",
        ),
        "rebuilt the full-text index (it held 4 reports of 5)",
        ("okapi", "NEW-1"),
    ),
    "rows deleted with the delete trigger dropped": (
        lambda p: execute(p, "DROP TRIGGER reports_ad; DELETE FROM reports WHERE id = 'RPT-363'"),
        "rebuilt the full-text index (it held 4 reports of 3)",
    ),
    "rows changed with the update trigger dropped": (
        lambda p: execute(
            p, "DROP TRIGGER reports_au; UPDATE reports SET title = 'Okapi sighting' WHERE id = 'RPT-363'"
        ),
        "made again the triggers that keep the full-text index in step, and rebuilt the index",
        ("okapi", "RPT-363"),
    ),
    "full-text index of other columns": (
        lambda p: execute(
            p, "DROP TABLE reports_fts; CREATE VIRTUAL TABLE reports_fts USING fts5(title, content='reports')"
        ),
        "rebuilt the full-text index (another program had changed it)",
    ),
    "a table of the full-text index dropped": (
        lambda p: execute(p, "DROP TABLE reports_fts_docsize"),
        "rebuilt the full-text index (another program had changed it)",
    ),
    "a sort index dropped": (lambda p: execute(p, "DROP INDEX idx_reports_views"), "sort index idx_reports_views"),
    "archive_meta dropped": (lambda p: execute(p, "DROP TABLE archive_meta"), "made the archive_meta table again"),
    "a column dropped": (lambda p: execute(p, "ALTER TABLE reports DROP COLUMN url"), "missing column url"),
    "a searched column dropped": (
        lambda p: execute(
            p,
            "DROP TRIGGER reports_ai; DROP TRIGGER reports_ad; DROP TRIGGER reports_au;"
            " ALTER TABLE reports DROP COLUMN body",
        ),
        "missing column body",
    ),
    "the table made again without its key, types, triggers or indexes": (
        lambda p: execute(
            p,
            "CREATE TABLE r2 (id, title, category, date, views, summary, body, url);"
            " INSERT INTO r2 SELECT * FROM reports; DROP TABLE reports; ALTER TABLE r2 RENAME TO reports",
        ),
        "made report IDs unique again",
    ),
}


def fts_matches_reports(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)")
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize("command", ["search words", "show", "import"])
@pytest.mark.parametrize("kind", sorted(REPAIRED))
def test_a_broken_structure_is_repaired_on_open_and_said_so(
    archive_path: Path, new_reports: Path, kind: str, command: str
):
    breaker, expected, *probe = REPAIRED[kind]
    breaker(archive_path)
    views_before = views_in_file(archive_path, "RPT-1045")
    result = run(*commands(new_reports)[command], "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    repaired = [line for line in result.stderr.splitlines() if line.startswith(f"repaired {archive_path}: ")]
    assert any(expected in line for line in repaired), result.stderr
    # Everything works again: word searches, views, imports; the index matches the reports.
    assert fts_matches_reports(archive_path)
    found = run("search", "processing", "--db", str(archive_path))
    assert found.exit_code == 0 and "RPT-1045" in found.stdout
    for word, report_id in probe:  # the row written while the index was not kept in step is found
        assert run("search", word, "--db", str(archive_path)).stdout.startswith(f"{report_id}\t")
    shown = run("show", "RPT-1045", "--db", str(archive_path))
    assert shown.exit_code == 0, shown.output
    assert views_in_file(archive_path, "RPT-1045") == views_before + 1 + (command == "show")
    imported = run("import", str(new_reports), "--db", str(archive_path))
    assert imported.exit_code == 0, imported.output
    assert run("search", "pangolin", "--db", str(archive_path)).stdout.startswith("NEW-9\t")
    # Repaired once: the next open finds nothing to say.
    again = run("search", "--db", str(archive_path))
    assert "repaired" not in again.stderr


def test_the_full_text_index_is_rebuilt_whole_or_not_at_all(archive_path: Path, monkeypatch):
    """A rebuild that fails halfway leaves the archive as it was (never half an index)."""
    disable_fts(archive_path)
    before = archive_path.read_bytes()
    monkeypatch.setattr(schema, "REBUILD_BATCH", 1)
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done >= 2:
            raise KeyboardInterrupt  # the user gave up (Ctrl+C) halfway

    with pytest.raises(KeyboardInterrupt):
        Store(archive_path, progress=progress)
    assert calls == [(0, 4), (1, 4), (2, 4)]
    assert archive_path.read_bytes() == before
    conn = sqlite3.connect(archive_path)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reports_fts'").fetchone() == (0,)
    conn.close()
    calls.clear()
    with Store(archive_path, progress=lambda done, total: calls.append((done, total))) as store:
        assert store.repairs == ["rebuilt the full-text index (another program had dropped it)"]
        assert [r.id for r in store.window(Listing(text="rare"), 0, 10)] != []
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)


def test_two_sessions_opening_a_broken_archive_at_once_repair_it_once(archive_path: Path):
    disable_fts(archive_path)
    stores: list[Store] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            stores.append(Store(archive_path))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(store.repairs) for store in stores) == [0, 1]  # the second found it repaired
    for store in stores:
        assert store.count(Listing(text="rare")) == 4
        store.close()
    assert fts_matches_reports(archive_path)


def test_repair_checks_the_whole_index_and_rebuilds_what_the_quick_check_cannot_see(archive_path: Path):
    """A title changed while the update trigger was gone, then the trigger put back: same counts, wrong index."""
    execute(
        archive_path,
        "DROP TRIGGER reports_au; UPDATE reports SET title = 'Okapi sighting' WHERE id = 'RPT-363';"
        + schema.TRIGGER_SQL["reports_au"],
    )
    assert run("search", "okapi", "--db", str(archive_path)).stdout == ""
    result = run("repair", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert f"repaired {archive_path}: rebuilt the full-text index" in result.stderr
    assert run("search", "okapi", "--db", str(archive_path)).stdout.startswith("RPT-363\t")
    assert run("repair", "--db", str(archive_path)).stderr.strip() == f"{archive_path}: nothing to repair"


# -- read-only: reading what can be read, or saying exactly what to run ---------------------------------


@pytest.fixture
def read_only(monkeypatch):
    """The archive opened as by someone who may not write it (the file and folder are not writable)."""
    monkeypatch.setattr(store_module.os, "access", lambda path, mode, **kwargs: mode != os.W_OK)


@pytest.mark.parametrize(
    "kind",
    [
        "full-text index dropped by sqlite-utils disable-fts",
        "rows written with the insert trigger dropped",
        "a column dropped",
    ],
)
def test_a_read_only_archive_that_needs_a_repair_says_what_to_run(archive_path: Path, read_only, kind: str):
    REPAIRED[kind][0](archive_path)
    before = archive_path.read_bytes()  # (a WAL reader in a writable folder leaves -shm beside it)
    for args in (["search", "rare"], ["show", "RPT-1045"], []):
        result = run(*args, "--db", str(archive_path))
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {archive_path}: "), result.stderr
        assert lines[0].endswith(
            f"is read-only: someone who may write to it should run tui-archive repair --db {archive_path}"
        )
    assert archive_path.read_bytes() == before


@pytest.mark.parametrize(
    "kind", ["a sort index dropped", "archive_meta dropped", "rows changed with the update trigger dropped"]
)
def test_a_read_only_archive_missing_only_what_writing_needs_is_browsed(archive_path: Path, read_only, kind: str):
    REPAIRED[kind][0](archive_path)
    before = archive_path.read_bytes()  # (a WAL reader in a writable folder leaves -shm beside it)
    result = run("search", "--db", str(archive_path))
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == SEED_IDS
    with Store(archive_path, create=False) as store:
        assert store.readonly and store.repairs == []
        assert store.name() in ("Global Analysis Archive", store_module.DEFAULT_NAME)
    assert archive_path.read_bytes() == before


def test_a_structure_changed_while_the_archive_is_open_is_a_sentence(archive_path: Path):
    """Another program drops the index under a running session: the next search says what to do."""
    with Store(archive_path) as store:
        execute(archive_path, "DROP TABLE reports_fts")
        with pytest.raises(ArchiveBroken) as caught:
            store.window(Listing(text="rare"), 0, 10)
    assert str(caught.value) == (
        f"{archive_path}: its table reports_fts is missing (another program changed the archive):"
        f" start tui-archive again to repair it, or run tui-archive repair --db {archive_path}"
    )


# -- IDs another program stored twice ----------------------------------------------------------------


def test_ids_stored_twice_are_browsed_but_not_imported_into(tmp_path: Path):
    """A table another program made without a unique ID, then filled with one ID twice: both reports
    are listed and can be opened; an import, which writes reports over their ID, is refused in a sentence."""
    path = tmp_path / "twice.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE reports (id, title, category, date, views, summary, body, url)")
    conn.close()
    Store(path).close()  # adopted
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX idx_reports_id")
        conn.execute("INSERT INTO reports (id, title, views) VALUES ('A', 'one', 0), ('A', 'two', 0)")
    conn.close()
    listed = run("search", "--db", str(path))
    assert listed.exit_code == 0, listed.output
    assert sorted(line.split("\t")[-1] for line in listed.stdout.splitlines()) == ["one", "two"]
    feed = tmp_path / "more.jsonl"
    feed.write_text('{"id": "B", "title": "bee"}\n', encoding="utf-8")
    imported = run("import", str(feed), "--db", str(path))
    assert imported.exit_code == 1
    assert imported.stderr.strip().splitlines() == [
        f"Error: {path}: its reports table has the ID 'A' more than once, so no report can be written into it"
        " by ID: remove the duplicates (with sqlite-utils or sqlite3), then try again"
    ]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 2
    conn.close()
