"""A larger archive: windows read from either end, best match over many matches (the core, 50,000 reports)."""

from __future__ import annotations

import pytest

from tui_archive.core.listing import RELEVANCE_CANDIDATES, Listing
from tui_archive.core.store import Store

from .samples import BIG as N

pytestmark = pytest.mark.unit


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


def test_best_match_windows_read_from_the_oldest_end_agree(big_store: Store):
    """With the count known, windows past the middle of the older matches are read from the oldest
    one (End then costs what the first page does): the same reports, in the same order."""
    for listing in (Listing(text="market "), Listing(text="market ", reverse=True)):
        total = big_store.count(listing)
        for offset in (0, RELEVANCE_CANDIDATES - 50, RELEVANCE_CANDIDATES, N // 2 + 10, N - 250, N - 100, N - 30):
            near = [r.id for r in big_store.window(listing, offset, 100)]
            assert [r.id for r in big_store.window(listing, offset, 100, total=total)] == near, offset
            assert len(near) == min(100, total - offset)


def test_dense_term_with_date_sort_matches_the_plain_order(big_store: Store):
    listing = Listing(text="market ", sort="date")
    expected = _expected_order(big_store, Listing())
    assert [r.id for r in big_store.window(listing, 0, 50)] == expected[:50]
    assert [r.id for r in big_store.window(listing, 200, 50)] == expected[200:250]
