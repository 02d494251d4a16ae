"""History: the reports a user opened recently, newest first, kept in a per-user file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tui_archive.core import history as history_module
from tui_archive.core.history import History
from tui_archive.core.locations import history_file

pytestmark = pytest.mark.unit


def test_newest_first_each_report_once(tmp_path: Path):
    history = History(tmp_path / "archive.db", tmp_path / "data" / "history.json")
    assert history.visits() == []
    history.add("A-1", "First", datetime(2025, 1, 1, 9, 0))
    history.add("A-2", "Second", datetime(2025, 1, 1, 10, 0))
    history.add("A-1", "First", datetime(2025, 1, 1, 11, 0))
    assert [(v.id, v.at) for v in history.visits()] == [("A-1", "2025-01-01T11:00:00"), ("A-2", "2025-01-01T10:00:00")]
    # Another session (a new History on the same file) sees the same list.
    again = History(tmp_path / "archive.db", tmp_path / "data" / "history.json")
    assert [v.id for v in again.visits()] == ["A-1", "A-2"]


def test_each_archive_has_its_own_history_and_a_limit(tmp_path: Path):
    path = tmp_path / "history.json"
    one = History(tmp_path / "one.db", path, limit=3)
    two = History(tmp_path / "two.db", path, limit=3)
    for n in range(5):
        one.add(f"A-{n}", "t")
    two.add("B-1", "t")
    assert [v.id for v in one.visits()] == ["A-4", "A-3", "A-2"]
    assert [v.id for v in two.visits()] == ["B-1"]
    one.clear()
    assert one.visits() == [] and [v.id for v in two.visits()] == ["B-1"]


def test_a_damaged_file_starts_over(tmp_path: Path):
    path = tmp_path / "history.json"
    path.write_text("{not json")
    history = History(tmp_path / "archive.db", path)
    assert history.visits() == []
    history.add("A-1", "t")
    assert [v.id for v in history.visits()] == ["A-1"]
    assert json.loads(path.read_text())["archives"]


def test_without_a_file_it_is_kept_in_memory(tmp_path: Path):
    history = History(tmp_path / "archive.db")
    history.add("A-1", "t")
    assert [v.id for v in history.visits()] == ["A-1"]
    assert list(tmp_path.iterdir()) == []


def test_the_per_user_file_is_in_the_data_directory(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert history_file() == tmp_path / "xdg" / "tui-archive" / "history.json"


# -- a damaged file, of any shape, is started over -------------------------------------------

DAMAGED = {
    "not JSON": b"{not json",
    "nested deeper than Python recurses": b"[" * 200_000 + b"]" * 200_000,
    "nested deep inside the archives": b'{"archives": {"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}",
    "a list, not an object": b"[1, 2, 3]",
    "archives not an object": b'{"archives": [1, 2]}',
    "binary junk": bytes(range(256)) * 40,
    "not UTF-8": '{"archives": {}}'.encode("utf-16"),
    "larger than the cap": b'{"archives": {"x": [' + b'{"id": "A", "title": "t", "at": ""},' * 40_000 + b"]}}",
}


@pytest.mark.parametrize("shape", sorted(DAMAGED))
def test_a_damaged_file_of_any_shape_starts_over_and_is_kept_aside(tmp_path: Path, shape: str):
    path = tmp_path / "history.json"
    path.write_bytes(DAMAGED[shape])
    history = History(tmp_path / "archive.db", path)
    assert history.visits() == []
    history.add("A-1", "First")
    history.add("A-2", "Second")
    assert [v.id for v in history.visits()] == ["A-2", "A-1"]
    assert json.loads(path.read_text(encoding="utf-8"))["archives"]
    assert (tmp_path / "history.json.bad").read_bytes() == DAMAGED[shape]


def test_entries_of_the_wrong_types_are_left_out_and_the_rest_kept(tmp_path: Path):
    path = tmp_path / "history.json"
    archive = str((tmp_path / "archive.db").resolve())
    entries = [
        1,
        "RPT-1",
        None,
        {"id": 5, "title": "number id"},
        {"id": ["A"], "title": "list id"},
        {"title": "no id"},
        {"id": "GOOD-1", "title": {"nested": 1}, "at": 7},
        {"id": "GOOD-2", "title": "Kept", "at": "2025-01-01T09:00:00"},
    ]
    path.write_text(json.dumps({"archives": {archive: entries, "other": "not a list"}}))
    history = History(tmp_path / "archive.db", path)
    assert [(v.id, v.title, v.at) for v in history.visits()] == [
        ("GOOD-1", "", ""),
        ("GOOD-2", "Kept", "2025-01-01T09:00:00"),
    ]
    history.add("NEW-1", "New")
    assert [v.id for v in history.visits()] == ["NEW-1", "GOOD-1", "GOOD-2"]
    assert not (tmp_path / "history.json.bad").exists()  # not damaged as a whole: nothing set aside


def test_an_empty_or_missing_file_is_no_history_yet(tmp_path: Path):
    path = tmp_path / "history.json"
    path.write_bytes(b"")
    history = History(tmp_path / "archive.db", path)
    assert history.visits() == []
    history.add("A-1", "t")
    assert [v.id for v in history.visits()] == ["A-1"]
    assert not (tmp_path / "history.json.bad").exists()


@pytest.mark.parametrize(
    ("report_id", "kept"),
    [("RPT-1", "RPT-1"), (42, "42"), (2.5, "2.5"), (b"\x00\xff", None), (None, None), ("", None), ("X" * 5000, None)],
    ids=["text", "integer", "real", "blob", "null", "empty", "enormous"],
)
def test_ids_of_any_sqlite_type_are_kept_as_text_or_left_out(tmp_path: Path, report_id, kept):
    """Another program may store any value as an ID: text and numbers are remembered as text; a BLOB,
    NULL, an empty or an enormous ID is not remembered. Nothing raises, and a title of any type is text."""
    path = tmp_path / "history.json"
    for history in (History(tmp_path / "archive.db", path), History(tmp_path / "archive.db")):
        history.add(report_id, b"\xff title" if kept is None else 7)
        assert [(v.id, v.title) for v in history.visits()] == ([] if kept is None else [(kept, "7")])


def test_the_file_stays_within_its_cap_whatever_is_added(tmp_path: Path, monkeypatch):
    """Long titles are cut, archives beyond the cap are forgotten (least recently used first),
    and the file is always small enough to be read back. (The caps made small, to be quick.)"""
    monkeypatch.setattr(history_module, "ARCHIVES", 4)
    monkeypatch.setattr(history_module, "MAX_BYTES", 60_000)
    path = tmp_path / "history.json"
    for n in range(6):
        history = History(tmp_path / f"archive-{n}.db", path, limit=10)
        for m in range(12):
            history.add(f"R-{m}-" + "\x01" * 900, "\x02" * 10_000)
            assert path.stat().st_size <= 60_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert 0 < len(data["archives"]) <= 4
    newest = History(tmp_path / "archive-5.db", path).visits()
    assert newest and len(newest[0].title) == history_module.MAX_TITLE
    assert newest[0].id.startswith("R-11-") and len(newest) <= 10
    assert History(tmp_path / "archive-0.db", path).visits() == []  # the least recently used went first


def test_without_fcntl_history_is_still_written_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(history_module, "fcntl", None)
    history = History(tmp_path / "archive.db", tmp_path / "history.json")
    history.add("A-1", "t")
    history.add("A-2", "t")
    assert [v.id for v in history.visits()] == ["A-2", "A-1"]
    assert not (tmp_path / "history.json.lock").exists()
