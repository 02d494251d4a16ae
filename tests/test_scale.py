"""A larger archive: the table pages through it without holding it all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.goto import GotoScreen
from tui_archive.core.listing import RELEVANCE_CANDIDATES, Listing
from tui_archive.core.store import Store
from tui_archive.ui.widgets.report_table import MAX_PAGES, PAGE_SIZE, ReportTable

from .conftest import make_store, settle

N = 50_000
WORDS = ["copper", "nickel", "cobalt", "lithium", "graphite", "tin", "zinc", "silver"]


def _reports(n: int):
    for i in range(n):
        yield {
            "id": f"R-{i:06d}",
            "title": f"{WORDS[i % 8]} outlook {i}",
            "category": f"Cat {i % 37}",
            "date": f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "views": i % 101,
            "summary": "the market " + ("rareword " if i % 5000 == 0 else "") + WORDS[(i * 7) % 8],
        }


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    make_store(path, _reports(N)).close()
    return path


@pytest.fixture
def big_store(big_archive: Path):
    store = Store(big_archive)
    yield store
    store.close()


def _expected_order(store: Store, listing: Listing) -> list[str]:
    with store.connection() as conn:
        return [row[0] for row in conn.execute("SELECT id FROM reports ORDER BY date DESC, id DESC")]


def test_windows_read_from_either_end_agree(big_store: Store):
    listing = Listing()
    expected = _expected_order(big_store, listing)
    for offset in (0, 100, N // 2 - 50, N // 2 + 50, N - 100, N - 30):
        rows = big_store.window(listing, offset, 100, total=N)
        assert [r.id for r in rows] == expected[offset : offset + 100], offset


def test_best_match_ranks_newest_candidates_then_lists_the_rest(big_store: Store):
    listing = Listing(text="market ")  # in every report: more matches than are ranked
    total = big_store.count(listing)
    assert total == N
    seen: list[str] = []
    for offset in range(0, RELEVANCE_CANDIDATES + 300, 1000):
        seen += [r.id for r in big_store.window(listing, offset, 1000)]
    assert len(seen) == len(set(seen)) == RELEVANCE_CANDIDATES + 1000
    # After the ranked candidates, older matches follow newest first.
    tail = seen[RELEVANCE_CANDIDATES:]
    assert tail == sorted(tail, reverse=True)


def test_dense_term_with_date_sort_matches_the_plain_order(big_store: Store):
    listing = Listing(text="market ", sort="date")
    expected = _expected_order(big_store, Listing())
    assert [r.id for r in big_store.window(listing, 0, 50)] == expected[:50]
    assert [r.id for r in big_store.window(listing, 200, 50)] == expected[200:250]


async def settle_until(pilot, condition) -> None:
    """Let workers run and results land until ``condition()`` holds (or 50 rounds pass)."""
    for _ in range(50):
        await settle(pilot)
        if condition():
            return


async def test_end_reaches_the_last_report_and_memory_stays_bounded(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == N
        await pilot.press("end")
        await settle_until(pilot, lambda: table.report_at(N - 1) is not None)
        last = _expected_order(big_store, Listing())[-1]
        assert table.cursor_row == N - 1
        assert table.highlighted.id == last
        # Page down through a stretch of the archive: the rows held stay bounded.
        for _ in range(60):
            await pilot.press("pageup")
        await pilot.press("home")
        for _ in range(300):
            await pilot.press("pagedown")
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
        await settle_until(pilot, lambda: table.highlighted is not None)
        assert table.cursor_row == 24_999
        assert table.highlighted.id == _expected_order(big_store, Listing())[24_999]
        assert app.focused is table
