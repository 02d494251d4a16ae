"""History in the app: h lists the reports opened, newest first; enter opens one again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tui_archive.core.history import History
from tui_archive.core.safe import clean
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


LONG_TITLE = "A very long title " * 12
VISITS = [
    ("RPT-1045", "Rare Earth Midstream Power", "2026-11-29T07:05:09"),
    ("X-" + "9" * 40, LONG_TITLE, "2026-11-28T18:30:00"),
    ("E\x1b[2J\u202eVIL", "title\nwith [bold]markup[/bold] and a line break", "2026-11-27T09:00:00"),
]


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_history_reads_as_a_table_of_columns_cut_not_wrapped(store: Store, tmp_path: Path, size):
    history = History(store.path, tmp_path / "history.json")
    for report_id, title, at in reversed(VISITS):
        history.add(report_id, title, datetime.fromisoformat(at))
    app = ArchiveApp(store, history=history)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        header = next(i for i, line in enumerate(lines) if "Opened" in line and "Title" in line)
        rows = lines[header + 1 : header + 1 + len(VISITS)]
        inside = [row.split("█")[1] for row in rows]  # between the dialog's borders
        # One line each, the columns starting where the header's do.
        columns = [lines[header].index(name) for name in ("Opened", "ID", "Title")]
        for row, (report_id, title, at) in zip(rows, VISITS, strict=True):
            assert row[columns[0] :].startswith(at[:16].replace("T", " "))
            assert row[columns[1] - 1] == " " and row[columns[2] - 1] == " "
            assert row[columns[1] :].startswith(clean(report_id)[:3])
            assert row[columns[2] :].split("  ")[0].strip()[:5] == clean(title)[:5]
        assert "X-999" in rows[1] and "…" in rows[1].split("A very")[0]  # the long ID cut
        assert inside[1].rstrip().endswith("…")  # the long title cut at the dialog's edge
        assert "E␛[2JVIL" in rows[2] and "\u202e" not in rows[2] and "[bold]markup" in rows[2]
        assert "with" in rows[2]  # the line break is a space: the row stays one line
