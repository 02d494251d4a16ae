"""Exports read one moment of the archive: every report once, in order, whatever other sessions write
meanwhile; in one pass (no growing OFFSET), holding one chunk of reports at a time."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core import export
from tui_archive.core import listing as listing_module
from tui_archive.core.listing import RELEVANCE, SORTS, Listing
from tui_archive.core.store import Store

from .helpers import make_store

pytestmark = pytest.mark.unit

WORDS = ["cobalt", "nickel", "lithium", "magnet", "copper", "graphite"]
CATEGORIES = ["Energy", "Metals", None, "energy storage", ""]


def records(n: int) -> list[dict]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        words = rng.sample(WORDS, 2)
        rows.append(
            {
                "id": f"R-{i:05}",
                "title": f"{words[0].title()} report {i % 37}",
                "summary": " ".join(words) + " " + " ".join(rng.choices(WORDS, k=rng.randint(0, 6))),
                "category": rng.choice(CATEGORIES),
                "date": None if i % 11 == 0 else f"20{10 + i % 15:02}-{1 + i % 12:02}-{1 + i % 28:02}",
                "views": rng.randint(0, 5),
            }
        )
    return rows


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    """600 reports with ties, empty dates and categories (read only)."""
    store = make_store(tmp_path_factory.mktemp("mixed") / "mixed.db", records(600))
    yield store
    store.close()


LISTINGS = [
    *(Listing(sort=sort, reverse=reverse) for sort in SORTS for reverse in (False, True)),
    Listing(category="Energy"),
    Listing(category="Metals", sort="title", reverse=True),
    Listing(text="cobalt"),
    Listing(text="cobalt", reverse=True),
    Listing(text="cobalt nickel", sort=RELEVANCE),
    Listing(text="magnet", sort="views"),
    Listing(text="-graphite", sort="category"),
    Listing(text="lithium", category="Energy", sort="date"),
    Listing(text="views:>3 copper"),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=repr)
def test_an_export_gives_exactly_the_listing_as_the_table_shows_it(mixed_store: Store, listing: Listing, monkeypatch):
    """Every sort, filter and best match (ranked candidates, then older matches), from any offset."""
    monkeypatch.setattr(listing_module, "RELEVANCE_CANDIDATES", 40)  # so that best match has both parts here
    shown = [report.id for report in mixed_store.window(listing, 0, 10_000)]
    assert shown, "the listing is empty: the test would prove nothing"
    assert [report.id for report in mixed_store.iter_listing(listing, size=7)] == shown
    for offset, limit in ((0, 5), (3, 50), (len(shown) - 4, 10), (len(shown), 10)):
        part = [report.id for report in mixed_store.iter_listing(listing, size=7, offset=offset, limit=limit)]
        assert part == [report.id for report in mixed_store.window(listing, offset, limit)] == shown[offset:][:limit]


def write_until(path: Path, stop: threading.Event, ids: list[str], written: list[str], writes: list[int]) -> None:
    """Other sessions counting views as fast as they can, and now and then adding a report
    (newest, matching the search), each write its own commit on a connection of its own."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA synchronous = OFF")  # quick commits: this test is about order, not durability
    rng = random.Random(3)
    n = 0
    while not stop.is_set():
        conn.execute("UPDATE reports SET views = views + 1 WHERE id = ?", [rng.choice(ids)])
        if n % 3 == 0:
            conn.execute(
                "INSERT INTO reports (id, title, summary, date, views) VALUES (?, 'Added', 'common', '2099-01-01', 9)",
                [f"NEW-{n}"],
            )
            written.append(f"NEW-{n}")
        n += 1
        writes[0] = n
    conn.close()


@pytest.mark.parametrize("sort", ["views", "date", "title", RELEVANCE])
def test_an_export_while_others_write_gives_every_report_once(tmp_path: Path, sort: str):
    """Sorted by views while other sessions count views, windows read one after another duplicated and
    dropped reports (rows moved between windows), as did reports added meanwhile at the top of any sort.
    One snapshot gives each report once, in one order."""
    rows = records(1000)
    for row in rows:
        row["summary"] += " common"
    store = make_store(tmp_path / "busy.db", rows)
    ids = [row["id"] for row in rows]
    stop, added, writes = threading.Event(), [], [0]
    writer = threading.Thread(target=write_until, args=(store.path, stop, ids, added, writes))
    writer.start()
    chunks_written_between = 0
    try:
        listing = Listing(text="common", sort=sort) if sort == RELEVANCE else Listing(sort=sort)
        exported = []
        for n, report in enumerate(store.iter_listing(listing, size=25)):
            exported.append(report)
            if n % 25 == 24:  # after each chunk, the other sessions write (views, a report) before the next
                seen = writes[0]
                deadline = time.monotonic() + 2
                while writes[0] < seen + 4 and time.monotonic() < deadline:
                    time.sleep(0.0005)
                chunks_written_between += writes[0] >= seen + 4
    finally:
        stop.set()
        writer.join()
    assert chunks_written_between > 30, "the others hardly wrote during the export: the test would prove nothing"
    exported_ids = [report.id for report in exported]
    assert len(exported_ids) == len(set(exported_ids)), "a report was exported twice"
    assert set(ids) <= set(exported_ids), "a report was left out"
    assert set(exported_ids) <= set(ids) | set(added)
    if sort == "views":  # one moment's order: most viewed first, never a report counted in between
        views = [report.views for report in exported]
        assert views == sorted(views, reverse=True)
    store.close()


def test_an_export_holds_one_chunk_not_the_listing(tmp_path: Path):
    """8,000 reports of 2 kB each (16 MB) are exported with a few hundred kB of Python memory."""
    summary = "lithium supply " * 140
    store = make_store(
        tmp_path / "large.db",
        ({"id": f"L-{i:05}", "title": f"Large {i}", "summary": summary, "date": "2024-01-01"} for i in range(8_000)),
    )

    class Discard(io.TextIOBase):
        written = 0

        def write(self, text: str) -> int:
            self.written += len(text)
            return len(text)

    out = Discard()
    tracemalloc.start()
    try:
        count = export.write(store.iter_listing(Listing(sort="title")), "csv", out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    store.close()
    assert count == 8_000 and out.written > 16_000_000
    assert peak < 4_000_000, f"peak {peak:,} bytes: the export held much more than a chunk"


def test_cli_all_exports_every_report_and_the_default_stays_fifty(tmp_path: Path):
    path = tmp_path / "many.db"
    make_store(path, records(120)).close()
    runner = CliRunner()
    everything = runner.invoke(cli, ["search", "--all", "--format", "csv", "--sort", "views", "--db", str(path)])
    assert everything.exit_code == 0, everything.output
    assert len(list(csv.DictReader(io.StringIO(everything.stdout)))) == 120
    default = runner.invoke(cli, ["search", "--format", "csv", "--db", str(path)])
    assert len(list(csv.DictReader(io.StringIO(default.stdout)))) == 50
    text = runner.invoke(cli, ["search", "cobalt", "--all", "--db", str(path)])
    matches = [line.split("\t")[0] for line in text.stdout.splitlines()]
    assert len(matches) == len(set(matches)) > 0
    assert text.stderr.strip() == f"{len(matches)} reports"


@pytest.mark.parametrize("listing", LISTINGS, ids=repr)
def test_marked_reports_come_in_the_listings_order(mixed_store: Store, listing: Listing, monkeypatch):
    """Marked reports are copied and exported as the listing shows them (any sort, search, best match)."""
    monkeypatch.setattr(listing_module, "RELEVANCE_CANDIDATES", 40)  # best match with both parts
    shown = [report.rowid for report in mixed_store.window(listing, 0, 10_000)]
    rng = random.Random(len(shown))
    marked = rng.sample(shown, min(25, len(shown)))
    elsewhere = [rowid for rowid in range(1, 601) if rowid not in set(shown)][:5]  # marked under another search
    in_order = mixed_store.listed_order(listing, marked + elsewhere)
    assert in_order == [rowid for rowid in shown if rowid in set(marked)]
    assert len(in_order) > 1, "too few marked in the listing to show an order"


@pytest.mark.parametrize(
    ("taken", "asked", "offered"),
    [
        ([], "reports.csv", "reports.csv"),
        (["reports.csv"], "reports.csv", "reports-2.csv"),
        (["reports.csv", "reports-2.csv"], "reports.csv", "reports-3.csv"),
        (["reports-2.csv"], "reports-2.csv", "reports-3.csv"),  # counts on, not reports-2-2.csv
        (["sales-2024.md"], "sales-2024.md", "sales-2024-2.md"),  # a year is part of the name
        (["notes"], "notes", "notes-2"),
    ],
)
def test_an_export_name_that_is_taken_gets_a_free_one_beside_it(tmp_path: Path, taken, asked, offered):
    for name in taken:
        (tmp_path / name).write_text("mine")
    assert export.free_path(tmp_path / asked) == tmp_path / offered
