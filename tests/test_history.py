"""History: the reports a user opened recently, newest first, kept in a per-user file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

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
