"""A larger archive in the app: the table pages through 50,000 reports without holding them all."""

from __future__ import annotations

import sqlite3

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.goto import GotoScreen
from tui_archive.ui.widgets.report_table import MAX_PAGES, PAGE_SIZE, ReportTable

from .helpers import settle, wait_for
from .samples import BIG as N

pytestmark = pytest.mark.app

# A tall terminal: each page down moves ~390 rows, so a dozen presses page through
# far more rows than the table may hold (each press costs the same whatever the height).
TALL = (120, 400)


def newest_first(store: Store) -> list[str]:
    conn = sqlite3.connect(store.path)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM reports ORDER BY date DESC, id DESC")]
    finally:
        conn.close()


async def test_end_reaches_the_last_report_and_memory_stays_bounded(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == N
        await pilot.press("end")
        await wait_for(pilot, lambda: table.report_at(N - 1) is not None, timeout=30, what="the last page")
        assert table.cursor_row == N - 1
        assert table.highlighted.id == newest_first(big_store)[-1]
        # Page up a stretch from the end, back to the top, then page down through far more
        # rows than the table may hold: the rows held stay bounded.
        for _ in range(4):
            await pilot.press("pageup")
        await pilot.press("home")
        presses = 0
        while table.cursor_row <= MAX_PAGES * PAGE_SIZE + PAGE_SIZE:
            await pilot.press("pagedown")
            presses += 1
            assert presses < 100, "page down does not move the cursor"
        await wait_for(pilot, lambda: table.highlighted is not None, timeout=30, what="the rows under the cursor")
        await settle(pilot)
        assert table.held_rows <= MAX_PAGES * PAGE_SIZE
        assert table.highlighted is not None


async def test_jump_to_a_row_number(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press(*"99999999", "enter")  # out of range: a hint, still open
        await pilot.pause()
        assert isinstance(app.screen, GotoScreen)
        await pilot.press(*["backspace"] * 8, *"25000", "enter")
        await wait_for(pilot, lambda: table.highlighted is not None, timeout=30, what="row 25,000")
        assert table.cursor_row == 24_999
        assert table.highlighted.id == newest_first(big_store)[24_999]
        assert app.focused is table
