"""Where a report is in a listing: the place the app keeps across a change of sort or category."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui_archive.core.listing import SORTS, Listing

from .helpers import make_store
from .samples import big_reports

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def place_store(tmp_path_factory):
    records = list(big_reports(2000))
    for record in records[::7]:
        record["views"] = None  # NULLs sort first ascending, last descending
    for record in records[::11]:
        record["title"] = records[5]["title"]  # ties broken by ID
    store = make_store(tmp_path_factory.mktemp("place") / "place.db", records)
    yield store
    store.close()


LISTINGS = [
    Listing(text=text, category=category, sort=sort, reverse=reverse)
    for text in ("", "tin", "rareword", "market -tin")
    for category in (None, "Cat 3")
    for sort in (*SORTS, "relevance")
    for reverse in (False, True)
]


@pytest.mark.parametrize("listing", LISTINGS, ids=repr)
def test_the_place_of_a_report_is_its_row_in_the_listing(place_store, listing: Listing):
    total = place_store.count(listing)
    rows = place_store.window(listing, 0, total) if total else []
    with place_store.session() as session:
        for row in random.Random(1).sample(range(len(rows)), min(15, len(rows))):
            assert session.position(listing, rows[row].id) == row, rows[row].id
        assert session.position(listing, "no such report") is None


def test_a_report_left_out_of_the_listing_has_no_place(place_store):
    listing = Listing(text="tin")
    copper = next(report for report in place_store.window(Listing(text="copper"), 0, 5))
    with place_store.session() as session:
        assert session.position(listing, copper.id) is None
        assert session.position(Listing(category="Cat 3"), "R-000004") is None  # in Cat 4


def test_opening_on_a_kept_report_reads_the_page_that_holds_it(place_store, tmp_path: Path):
    from tui_archive.core.source import ListingSource

    listing = Listing(sort="title")
    rows = place_store.window(listing, 0, 2000)
    opening = ListingSource(place_store, listing).opening(100, keep=rows[1234].id)
    assert opening.cursor == 1234
    assert opening.start == 1200
    assert opening.rows[34].id == rows[1234].id
    missing = ListingSource(place_store, Listing(text="tin")).opening(100, keep="R-000001")  # nickel, silver
    assert (missing.start, missing.cursor) == (0, 0)


def _foreign_rows() -> list[dict]:
    """Rows another program wrote: every column of any type or NULL, equal keys, IDs of every shape."""
    values = [None, "", "alpha", "Alpha", "beta", 7, 7.5, -3, b"\x00blob", "zeta", "alpha"]
    ids = ["RPT-2", "RPT-10", "RPT-10a", "rpt-3", "X", "X9", "", "007", 42, 3.5, b"\x01id", "RPT-02"]
    rows = []
    for i in range(60):
        rows.append(
            {
                "id": ids[i % len(ids)] if i < len(ids) else f"F-{i % 9}-{i}",
                "title": values[i % len(values)],
                "category": values[(i * 3) % len(values)],
                "date": values[(i * 5) % len(values)] if i % 4 else "2024-01-0" + str(i % 9),
                "views": values[(i * 7) % len(values)] if i % 3 else i,
            }
        )
    return rows


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("reverse", [False, True])
def test_the_place_of_every_row_another_program_wrote_is_its_row_in_the_listing(tmp_path: Path, sort, reverse):
    """Counted in parts along the sort's index: NULLs, equal keys, numbers, BLOBs and IDs of any
    shape in any column still give each report the row the listing shows it on (an ID stored as
    a number is found by the text it is shown as)."""
    from tui_archive.core.store import Store

    from .helpers import write_foreign_archive

    store = Store(write_foreign_archive(tmp_path / "foreign.db", _foreign_rows()), create=False)
    try:
        listing = Listing(sort=sort, reverse=reverse)
        rows = store.window(listing, 0, store.count(listing))
        assert len(rows) == 60
        with store.session() as session:
            placed = 0
            for row, report in enumerate(rows):
                if report.id_problem:  # a blank or binary ID: nothing to find it by
                    continue
                assert session.position(listing, report.id) == row, report.id
                placed += 1
            assert placed == 58  # all but the blank ID and the BLOB; 42 and 3.5, stored as numbers, too
    finally:
        store.close()
