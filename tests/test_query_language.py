"""The search box's query language: words, phrases, fields, exclusion and OR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_archive.cli import cli
from tui_archive.core.query import parse_query
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store

from .conftest import make_store

REPORTS = [
    {"id": "RPT-100", "title": "Cobalt supply outlook", "category": "Energy Metals", "date": "2023-05-02", "views": 150, "summary": "Congo cobalt and refining in China"},
    {"id": "RPT-101", "title": "Nickel demand", "category": "Energy Metals", "date": "2024-01-15", "views": 12, "summary": "Indonesian nickel, battery demand"},
    {"id": "RPT-102", "title": "Rare earth magnets", "category": "Rare Earths", "date": "2024-11-30", "views": 0, "summary": "Magnet supply chain in China"},
    {"id": "RPT-200", "title": "Grain markets", "category": "Agriculture", "date": "2025-02-01", "views": 101, "summary": "Wheat and maize supply"},
    {"id": "XR-1", "title": "Oil supply chain", "category": None, "date": None, "views": 5, "summary": "Crude supply chain risks"},
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Store:
    store = make_store(tmp_path_factory.mktemp("ql") / "ql.db", REPORTS)
    yield store
    store.close()


def found(store: Store, text: str) -> list[str]:
    return sorted(r.id for r in store.window(Listing(text=text), 0, 100))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("supply", ["RPT-100", "RPT-102", "RPT-200", "XR-1"]),
        ("supply china", ["RPT-100", "RPT-102"]),
        ('"supply chain"', ["RPT-102", "XR-1"]),
        ("magn*", ["RPT-102"]),
        ("cobalt OR nickel", ["RPT-100", "RPT-101"]),
        ("supply -china", ["RPT-200", "XR-1"]),
        ("-supply", ["RPT-101"]),
        ("category:energy", ["RPT-100", "RPT-101"]),
        ("category:ENERGY nickel", ["RPT-101"]),
        ('category:"rare earths"', ["RPT-102"]),
        ("-category:energy", ["RPT-102", "RPT-200", "XR-1"]),
        ("after:2024-01", ["RPT-101", "RPT-102", "RPT-200"]),
        ("after:2024-02", ["RPT-102", "RPT-200"]),
        ("before:2024", ["RPT-100"]),
        ("after:2024 before:2025", ["RPT-101", "RPT-102"]),
        ("after:2024-11-30", ["RPT-102", "RPT-200"]),
        ("views:>100", ["RPT-100", "RPT-200"]),
        ("views:>=101", ["RPT-100", "RPT-200"]),
        ("views:<6", ["RPT-102", "XR-1"]),
        ("views:12", ["RPT-101"]),
        ("views:10..120", ["RPT-101", "RPT-200"]),
        ("id:RPT-1*", ["RPT-100", "RPT-101", "RPT-102"]),
        ("id:rpt-200", ["RPT-200"]),
        ("id:RPT-1", []),
        ("supply views:>100 -wheat", ["RPT-100"]),
    ],
)
def test_query_finds(archive, text, expected):
    assert found(archive, text) == expected
    assert archive.count(Listing(text=text)) == len(expected)


def test_unknown_field_gives_a_hint_and_searches_the_words(archive):
    query = parse_query("title:magnets")
    assert query.hints and "title:" in query.hints[0] and "category:" in query.hints[0]
    assert found(archive, "title:magnets") == ["RPT-102"]


@pytest.mark.parametrize("text", ["after:soon", "before:2024-13", "views:lots"])
def test_bad_field_values_give_a_hint_and_no_filter(archive, text):
    assert parse_query(text).hints
    assert found(archive, text) == sorted(r["id"] for r in REPORTS)


def test_a_field_still_being_typed_gives_no_hint():
    assert parse_query("views:", typing=True).hints == ()
    assert parse_query("after:20", typing=True).hints == ()
    assert parse_query("foo:bar", typing=True).hints == ()


def test_id_being_typed_is_a_prefix(archive):
    assert sorted(r.id for r in archive.window(Listing(text="id:RPT-1", typing=True), 0, 10)) == [
        "RPT-100",
        "RPT-101",
        "RPT-102",
    ]


def test_like_wildcards_in_values_are_literal(archive):
    assert found(archive, "category:%") == []
    assert found(archive, "id:RPT_100") == []


FIELD_PIECES = st.sampled_from(
    ["category:", "after:", "before:", "views:", "id:", "-", "OR", '"', "*", ">", "<=", "..", "%", "_", "\\", " ", "2024", "-01", "x"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), st.lists(st.one_of(FIELD_PIECES, st.text(max_size=3)), max_size=10).map("".join)), st.booleans())
def test_any_query_lists_and_counts_without_error(archive, text, typing):
    query = parse_query(text, typing=typing)
    assert sum(condition.count("?") for condition in query.where) == len(query.params)
    listing = Listing(text=text, typing=typing)
    rows = archive.window(listing, 0, 100)
    assert archive.count(listing) == len(rows)
    archive.categories(listing)


def test_cli_search_speaks_the_same_language(archive, tmp_path):
    result = CliRunner().invoke(cli, ["search", "views:>100 supply -wheat", "--json", "--db", str(archive.path)])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["RPT-100"]


def test_cli_search_prints_hints(archive):
    result = CliRunner().invoke(cli, ["search", "title:magnets", "--db", str(archive.path)])
    assert result.exit_code == 0
    assert "RPT-102" in result.stdout
    assert "hint:" in result.stderr and "category:" in result.stderr


async def test_search_box_uses_the_language_and_shows_hints(archive):
    from textual.widgets import Static

    from tui_archive.ui.app import ArchiveApp
    from tui_archive.ui.widgets.report_table import ReportTable

    app = ArchiveApp(archive)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"category:energy views:>100 ")  # the 101-view report is Agriculture
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(ReportTable)
        assert [table.report_at(i).id for i in range(table.row_count)] == ["RPT-100"]
        status = str(app.screen.query_one("#status", Static).render())
        assert "1 of 5 match" in status
        await pilot.press("ctrl+u", *"title:magnets ")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#status", Static).render())
        assert "no field title:" in status
        assert [table.report_at(i).id for i in range(table.row_count)] == ["RPT-102"]


def test_word_being_typed_is_a_prefix_from_three_letters():
    assert parse_query("ma", typing=True).match == '"ma"'
    assert parse_query("mag", typing=True).match == '"mag"*'
    assert parse_query("m*", typing=True).match == '"m"*'  # asked for explicitly
    assert parse_query("mag", typing=False).match == '"mag"'
