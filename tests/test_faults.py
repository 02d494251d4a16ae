"""Bad files and bad archives: a clear message, no traceback, nothing lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core.schema import SCHEMA_VERSION

from .helpers import COMMITTED_ARCHIVE, dump

pytestmark = pytest.mark.unit


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# -- bad import files ------------------------------------------------------------------

BAD_FILES = {
    "broken.json": (b'[{"id": "A-1", "title": "ok"},\n{"id": "A-2", "title": }]', ["broken.json", "line 2"]),
    "not-a-list.json": (b"[1, 2]", ["not-a-list.json", "record 1", "expected an object"]),
    "lines.jsonl": (
        b'{"id": "A-1", "title": "ok"}\n{"id": "A-2", "title": "x"\n',
        ["lines.jsonl", "line 2", "not valid JSON"],
    ),
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
    errors = [line for line in out.splitlines() if line.startswith("Error: ")]
    assert errors[-1] == "Error: nothing was imported; the archive is as it was"
    assert errors[:-1] and all(name in line for line in errors[:-1])
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
