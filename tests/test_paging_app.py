"""While a new listing's first page is on its way, the table never mixes its rows into the old one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui_archive.core.listing import Listing
from tui_archive.core.source import ListingSource
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import make_store, screen_lines, search, settle, wait_for, wait_for_listing

pytestmark = pytest.mark.app


class HeldSource(ListingSource):
    """A listing whose first page waits for ``gate``; it records the windows asked of it."""

    def __init__(self, store: Store, listing: Listing, gate: threading.Event) -> None:
        super().__init__(store, listing)
        self.gate = gate
        self.windows: list[int] = []

    def first_page(self, limit: int):
        self.gate.wait(10)
        return super().first_page(limit)

    def window(self, offset: int, limit: int):
        self.windows.append(offset)
        return super().window(offset, limit)


async def test_rows_of_a_pending_listing_never_appear_in_the_one_on_screen(tmp_path: Path):
    store = make_store(
        tmp_path / "paging.db",
        [{"id": f"A-{i:04}", "title": f"alpha {i}", "date": f"2024-01-{i % 28 + 1:02}"} for i in range(500)]
        + [{"id": f"B-{i:04}", "title": f"beta {i}", "date": f"2023-01-{i % 28 + 1:02}"} for i in range(500)],
    )
    gate = threading.Event()
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        table = app.screen.query_one(ReportTable)
        pending = HeldSource(store, Listing(text="beta"), gate)
        table.show(pending)
        await pilot.press("end")  # rows far from the first page, while the new listing is on its way
        for _ in range(20):
            await pilot.pause(0.02)
        # No page of the new listing lands among the old one's rows: the far rows wait, shown as loading.
        assert pending.windows == []
        # Every row held is the old listing's own (its first page, and its last, read ahead for End).
        shown = store.window(app.screen.listing, 0, table.row_count)
        held = {row: table.report_at(row) for row in range(table.row_count) if table.report_at(row) is not None}
        assert held and all(report.id == shown[row].id for row, report in held.items())
        gate.set()
        await wait_for(pilot, lambda: table.counted and table.source is pending and table.row_count == 500)
        await pilot.press("end")
        await wait_for(pilot, lambda: table.report_at(499) is not None, what="the new listing's last row")
        assert all(table.report_at(row) is None or table.report_at(row).id.startswith("B") for row in range(500))
    store.close()


async def test_the_scrollbar_and_end_follow_each_listing_long_or_short(tmp_path: Path):
    """From the whole list to a shorter one that still scrolls, to one that fits, and back: the
    scrollbar is sized to each listing (shown only when it scrolls) and End shows its last row."""
    store = make_store(
        tmp_path / "sizes.db",
        [{"id": f"A-{i:04}", "title": f"alpha {i}", "date": f"2024-01-{i % 28 + 1:02}"} for i in range(600)]
        + [{"id": f"B-{i:04}", "title": f"beta {i}", "date": f"2023-01-{i % 28 + 1:02}"} for i in range(300)]
        + [{"id": f"C-{i:04}", "title": f"gamma {i}", "date": f"2022-01-{i % 28 + 1:02}"} for i in range(5)],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        table = app.screen.query_one(ReportTable)
        for text, rows in [("", 905), ("beta", 300), ("alpha", 600), ("gamma", 5), ("beta", 300), ("", 905)]:
            if text or app.screen.listing.text:
                await search(pilot, text)
            assert table.row_count == rows
            scrolls = rows + 1 > table.container_size.height
            assert table.show_vertical_scrollbar == scrolls, text
            if scrolls:
                assert table.vertical_scrollbar.window_virtual_size == rows + 1, text
            table.focus()
            await pilot.press("end")
            await wait_for(pilot, lambda: table.report_at(table.row_count - 1) is not None, what="the last rows")
            await settle(pilot)
            last = store.window(app.screen.listing, rows - 1, 1)[0].id
            assert table.highlighted.id == last
            assert any(f" {last} " in line for line in screen_lines(app)), f"{last} not on screen after End"
            assert table.scroll_y == table.max_scroll_y == max(0, rows + 1 - table.container_size.height)
            await pilot.press("home")


class LateCount(ListingSource):
    """A listing whose count waits for ``gate`` (its first page comes at once)."""

    def __init__(self, store: Store, listing: Listing, gate: threading.Event) -> None:
        super().__init__(store, listing)
        self.gate = gate

    def totals(self):
        self.gate.wait(10)
        return super().totals()


async def test_a_count_that_comes_after_the_first_page_sizes_the_scrollbar(tmp_path: Path):
    """The first page is on screen and settled when the count comes: the scrollbar grows to the
    whole listing and End goes to its last row, though nothing else on screen changes."""
    store = make_store(
        tmp_path / "late.db",
        [{"id": f"A-{i:04}", "title": f"alpha {i}", "date": f"2024-01-{i % 28 + 1:02}"} for i in range(700)],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        table = app.screen.query_one(ReportTable)
        gate = threading.Event()
        table.show(LateCount(store, Listing(text="alpha"), gate))
        await wait_for(pilot, lambda: table.listing.text == "alpha" and table.row_count == 100, what="the first page")
        for _ in range(10):
            await pilot.pause(0.02)
        assert table.vertical_scrollbar.window_virtual_size == 101
        gate.set()
        await wait_for(pilot, lambda: table.row_count == 700, what="the count")
        await settle(pilot)
        assert table.vertical_scrollbar.window_virtual_size == 701
        table.focus()
        await pilot.press("end")
        await wait_for(pilot, lambda: table.report_at(699) is not None, what="the last rows")
        await settle(pilot)
        assert table.cursor_row == 699 and table.scroll_y == table.max_scroll_y == 701 - table.container_size.height
        assert any(f" {table.report_at(699).id} " in line for line in screen_lines(app))
