"""Awkward terminals: NO_COLOR, small and very wide sizes, resizing mid-search, no mouse."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import make_store, screen_lines, settle, status, wait_for_listing

pytestmark = pytest.mark.app


@pytest.fixture
def many(tmp_path) -> Store:
    store = make_store(
        tmp_path / "many.db",
        [
            {
                "id": f"M-{i}",
                "title": f"{'magnet' if i % 3 == 0 else 'other'} report {i} 漢字 📈",
                "date": f"2024-01-{i % 28 + 1:02d}",
            }
            for i in range(300)
        ],
    )
    yield store
    store.close()


async def test_no_color_runs_and_shows_the_list(store: Store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ArchiveApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        text = "\n".join(screen_lines(app))
        assert "RPT-1045" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert "nocolor" in app.pseudo_classes
        await pilot.press("escape", "q")


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (250, 60)])
async def test_sizes_keep_every_line_in_width(many: Store, size):
    app = ArchiveApp(many)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        width = table.scrollable_content_region.width
        for y in range(table.scrollable_content_region.height):
            assert table.render_line(y).cell_length == width
        for line in screen_lines(app):
            assert cell_len(line) == size[0]


async def test_resize_while_a_search_runs(many: Store):
    app = ArchiveApp(many)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"magn")
        await pilot.resize_terminal(80, 24)
        await pilot.press(*"et")
        await pilot.resize_terminal(200, 50)
        await wait_for_listing(pilot, "magnet")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == 100
        assert "100 of 300 match 'magnet'" in status(app)
        for line in screen_lines(app):
            assert cell_len(line) == 80
        await pilot.press("escape", "end")
        await settle(pilot)
        assert table.highlighted is not None and "magnet" in table.highlighted.title
        assert app.is_running


async def test_keyboard_only_end_to_end(many: Store):
    """No mouse: every action of the list is reachable from keys."""
    app = ArchiveApp(many)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s", "S", "c")
        await pilot.pause()
        await pilot.press("escape", "escape")  # close the menu, then back to the list
        await pilot.press("pagedown", "pagedown", "G", "g", "j", "k", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "q")
        await pilot.pause()
    assert not app.is_running
