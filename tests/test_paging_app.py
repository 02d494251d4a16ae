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

from .helpers import make_store, wait_for, wait_for_listing

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
