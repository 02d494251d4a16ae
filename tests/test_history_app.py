"""History in the app: h lists the reports opened, newest first; enter opens one again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tui_archive.core.history import History
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.history import HistoryScreen
from tui_archive.ui.screens.report import ReportScreen

from .helpers import notifications, screen_text, settle, views_in_file

pytestmark = pytest.mark.app


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
        assert any("RPT-9999 is no longer in the archive" in message for message in notifications(app))
    store.close()


async def test_help_lists_history(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "History" in text and "Close history" in text and "Open link" in text
