"""IDs sort as people read them: their text, then the number they end with (RPT-2 before RPT-10)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core import store as store_module
from tui_archive.core.listing import Listing
from tui_archive.core.schema import SCHEMA_VERSION
from tui_archive.core.store import Store

from .helpers import make_store

pytestmark = pytest.mark.unit

READ_ORDER = [
    "A-7",
    "B",
    "B-",
    "RPT-1",
    "RPT-2",
    "RPT-010",  # 10, as RPT-10 is: the ID itself breaks the tie
    "RPT-10",
    "RPT-100",
    "RPT-280",
    "RPT-363",
    "RPT-1045",
    "RPT-1279",
    "RPT-99999999999999999999999",  # past 64 bits: the largest number, then the ID
    "RPT-x1",
    "Z9",
]


@pytest.fixture
def odd_ids(tmp_path: Path) -> Store:
    records = [{"id": report_id, "title": f"report {report_id}"} for report_id in reversed(READ_ORDER)]
    store = make_store(tmp_path / "ids.db", records)
    yield store
    store.close()


def test_the_id_sort_reads_numbers_as_numbers(odd_ids: Store):
    listing = Listing(sort="id")
    assert [report.id for report in odd_ids.window(listing, 0, 100)] == READ_ORDER
    assert [report.id for report in odd_ids.window(listing.reversed(), 0, 100)] == READ_ORDER[::-1]
    total = len(READ_ORDER)
    assert [report.id for report in odd_ids.window(listing, total - 4, 4, total=total)] == READ_ORDER[-4:]


def test_every_id_has_its_place_in_that_order(odd_ids: Store):
    with odd_ids.session() as session:
        for listing in (Listing(sort="id"), Listing(sort="id", reverse=True)):
            order = READ_ORDER if not listing.reverse else READ_ORDER[::-1]
            assert [session.position(listing, report_id) for report_id in order] == list(range(len(order)))


def test_the_command_line_sorts_ids_the_same_way(odd_ids: Store):
    result = CliRunner().invoke(cli, ["search", "--sort", "id", "--format", "csv", "--db", str(odd_ids.path)])
    assert result.exit_code == 0, result.output
    ids = [line.split(",")[0].strip('"') for line in result.output.splitlines()[1:]]
    assert ids == READ_ORDER


def test_the_sample_archive_in_id_order(store: Store):
    assert [report.id for report in store.window(Listing(sort="id"), 0, 4)] == [
        "RPT-280",
        "RPT-363",
        "RPT-1045",
        "RPT-1279",
    ]


def version_1(path: Path) -> None:
    """The archive as the previous version of the app left it: schema 1, no index for natural order."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX idx_reports_natural_id")
        conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_an_archive_of_the_previous_version_is_upgraded_on_open(archive_path: Path):
    Store(archive_path).close()
    version_1(archive_path)
    with Store(archive_path) as store:
        assert [report.id for report in store.window(Listing(sort="id"), 0, 2)] == ["RPT-280", "RPT-363"]
        assert not store.repairs  # an upgrade, not a repair
    with sqlite3.connect(archive_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        plan = " ".join(
            row[3]
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM reports ORDER BY rtrim(id, '0123456789'),"
                " CAST(substr(id, length(rtrim(id, '0123456789')) + 1) AS INTEGER), id"
            )
        )
    conn.close()
    assert "idx_reports_natural_id" in plan


def test_a_read_only_archive_of_the_previous_version_is_browsed_as_it_is(archive_path: Path, monkeypatch):
    Store(archive_path).close()
    version_1(archive_path)
    before = archive_path.read_bytes()
    monkeypatch.setattr(store_module.os, "access", lambda path, mode, **kwargs: mode != os.W_OK)  # not writable
    with Store(archive_path) as store:
        assert store.readonly
        assert [report.id for report in store.window(Listing(sort="id"), 0, 2)] == ["RPT-280", "RPT-363"]
    assert archive_path.read_bytes() == before
