"""History: the reports a user opened recently, newest first, kept in a per-user file."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from textual.widgets import OptionList

from tui_archive.ui.app import ArchiveApp
from tui_archive.core.history import History
from tui_archive.core.locations import history_file
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.history import HistoryScreen
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.core.store import Store

from .conftest import settle


def views_in_file(path: Path, report_id: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT views FROM reports WHERE id = ?", [report_id]).fetchone()[0]


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


async def test_h_lists_opened_reports_and_enter_opens_one_again(archive_path: Path, tmp_path: Path):
    store = Store(archive_path)
    history = History(archive_path, tmp_path / "history.json")
    app = ArchiveApp(store, history=history)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert not app.screen.query(OptionList)  # nothing opened yet
        await pilot.press("escape")
        await pilot.pause()
        # Open RPT-1045, then RPT-280.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "end", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert [v.id for v in history.visits()] == ["RPT-280", "RPT-1045"]
        await pilot.press("h")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["RPT-280", "RPT-1045"]
        before = views_in_file(archive_path, "RPT-1045")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.id == "RPT-1045"
        assert views_in_file(archive_path, "RPT-1045") == before + 1  # ACCESS: a view counted
        assert [v.id for v in history.visits()] == ["RPT-1045", "RPT-280"]
    store.close()


async def test_a_report_no_longer_in_the_archive_is_said_so(archive_path: Path, tmp_path: Path):
    store = Store(archive_path)
    history = History(archive_path, tmp_path / "history.json")
    history.add("RPT-9999", "Deleted since")
    app = ArchiveApp(store, history=history)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("h", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert any("RPT-9999 is no longer in the archive" in n.message for n in app._notifications)
    store.close()


async def test_help_lists_history(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        text = "\n".join("".join(segment.text for segment in strip) for strip in strips)
        assert "History" in text and "Close history" in text and "Open link" in text
