"""The app keeps your place: another sort or category keeps the highlighted report, and says where it is."""

from __future__ import annotations

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp

from .helpers import browse_screen, browse_status, screen_text, settle, wait_for, wait_for_listing

pytestmark = pytest.mark.app


def highlighted_id(app: ArchiveApp) -> str | None:
    report = browse_screen(app).table.highlighted
    return report.id if report is not None else None


async def test_sorting_keeps_the_highlighted_report(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        kept = highlighted_id(app)
        assert "row 4 of 50,000 reports" in browse_status(app)
        for key in ("s", "s", "S", "s"):  # title, category, category reversed, views
            await pilot.press(key)
            await wait_for_listing(pilot)
            assert highlighted_id(app) == kept, key
            table = browse_screen(app).table
            assert f"row {table.cursor_row + 1:,} of 50,000 reports" in browse_status(app)
            assert kept in screen_text(app)  # scrolled to, not only held
        assert browse_screen(app).table.cursor_row > 3  # it did move: views put it elsewhere


async def test_a_category_keeps_the_report_if_it_holds_it(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        report = browse_screen(app).table.highlighted
        assert report is not None
        browse_screen(app).show_listing(browse_screen(app).listing.in_category(report.category), keep_place=True)
        await wait_for_listing(pilot)
        assert highlighted_id(app) == report.id
        other = "Cat 0" if report.category != "Cat 0" else "Cat 1"
        browse_screen(app).show_listing(browse_screen(app).listing.in_category(other), keep_place=True)
        await wait_for_listing(pilot)
        assert browse_screen(app).table.cursor_row == 0
        assert "row 1 of " in browse_status(app)


async def test_two_sorts_in_a_row_keep_the_report_too(big_store: Store):
    """A second sort asked for before the first is shown keeps the same report, not row 1."""
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("down", "down", "down", "down")
        await settle(pilot)
        kept = highlighted_id(app)
        await pilot.press("s", "s")
        await wait_for(pilot, lambda: highlighted_id(app) == kept and browse_screen(app).listing.sort == "category")
