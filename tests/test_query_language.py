"""The search box's query language: words, phrases, fields, exclusion and OR."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_archive.cli import cli
from tui_archive.core.listing import Listing
from tui_archive.core.query import parse_query
from tui_archive.core.source import ListingSource
from tui_archive.core.store import Store

from .helpers import make_store
from .samples import LANGUAGE_REPORTS as REPORTS

pytestmark = pytest.mark.unit


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
def test_query_finds(language_store, text, expected):
    assert found(language_store, text) == expected
    assert language_store.count(Listing(text=text)) == len(expected)


def test_unknown_field_gives_a_hint_and_searches_the_words(language_store):
    query = parse_query("title:magnets")
    assert query.hints and "title:" in query.hints[0] and "category" in query.hints[0]
    assert found(language_store, "title:magnets") == ["RPT-102"]


@pytest.mark.parametrize("text", ["after:soon", "before:2024-13", "views:lots"])
def test_bad_field_values_give_a_hint_and_no_filter(language_store, text):
    assert parse_query(text).hints
    assert found(language_store, text) == sorted(r["id"] for r in REPORTS)


@pytest.mark.parametrize("text", ["views:", "views:>", "views:5..", "after:20", "after:2024-0", "after:yes", "after:7"])
def test_a_value_still_being_typed_gives_no_hint(text):
    assert parse_query(text, typing=True).hints == ()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("title:magnets", "no field title:"),
        ("after:soon", "after:soon was not used"),
        ("before:2024-13-01", "before:2024-13-01 was not used"),
        ("views:lots", "views:lots was not used"),
    ],
)
def test_a_hint_comes_at_once_without_a_space_after(text, said):
    assert any(said in hint for hint in parse_query(text, typing=True).hints)
    assert any(said in hint for hint in parse_query(text).hints)


def test_id_being_typed_is_a_prefix(language_store):
    assert sorted(r.id for r in language_store.window(Listing(text="id:RPT-1", typing=True), 0, 10)) == [
        "RPT-100",
        "RPT-101",
        "RPT-102",
    ]


def test_like_wildcards_in_values_are_literal(language_store):
    assert found(language_store, "category:%") == []
    assert found(language_store, "id:RPT_100") == []


FIELD_PIECES = st.sampled_from(
    ["category:", "after:", "before:", "views:", "id:", "-", "OR", '"', "*", ">", "<=", "..", "%", "_", "\\", " "]
    + ["2024", "-01", "x"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(st.text(), st.lists(st.one_of(FIELD_PIECES, st.text(max_size=3)), max_size=10).map("".join)),
    st.booleans(),
)
def test_any_query_lists_and_counts_without_error(language_store, text, typing):
    query = parse_query(text, typing=typing)
    assert sum(condition.count("?") for condition in query.where) == len(query.params)
    listing = Listing(text=text, typing=typing)
    rows = language_store.window(listing, 0, 100)
    assert language_store.count(listing) == len(rows)
    language_store.categories(listing)


def test_cli_search_speaks_the_same_language(language_store):
    result = CliRunner().invoke(cli, ["search", "views:>100 supply -wheat", "--json", "--db", str(language_store.path)])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["RPT-100"]


def test_cli_search_prints_hints(language_store):
    result = CliRunner().invoke(cli, ["search", "title:magnets", "--db", str(language_store.path)])
    assert result.exit_code == 0
    assert "RPT-102" in result.stdout
    assert "hint:" in result.stderr and "category" in result.stderr


def test_word_being_typed_is_a_prefix_from_three_letters():
    assert parse_query("ma", typing=True).match == '"ma"'
    assert parse_query("mag", typing=True).match == '"mag"*'
    assert parse_query("m*", typing=True).match == '"m"*'  # asked for explicitly
    assert parse_query("mag", typing=False).match == '"mag"'


def _days_ago(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() - timedelta(days=days)).isoformat()


@pytest.fixture
def recent_store(tmp_path):
    ages = {"R-0": 0, "R-1": 1, "R-3": 3, "R-10": 10, "R-30": 30}
    store = make_store(
        tmp_path / "recent.db", [{"id": i, "title": "recent", "date": _days_ago(d)} for i, d in ages.items()]
    )
    yield store
    store.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after:today", ["R-0"]),
        ("after:yesterday", ["R-0", "R-1"]),
        ("after:7d", ["R-0", "R-1", "R-3"]),
        ("after:2w before:7d", ["R-10"]),
        ("before:yesterday", ["R-10", "R-3", "R-30"]),
        ("after:Yesterday", ["R-0", "R-1"]),
    ],
)
def test_dates_counted_back_from_today(recent_store, text, expected):
    query = parse_query(text)
    assert query.hints == ()
    assert sorted(r.id for r in recent_store.window(Listing(text=text), 0, 10)) == expected


@pytest.fixture
def words_store(tmp_path):
    """Words starting so in different numbers of reports: soda in 3, solar in 2, sonic in 1."""
    titles = ["soda solar", "soda solar sonic", "soda", "zebra", "Sœur"]
    store = make_store(tmp_path / "words.db", [{"id": f"W-{i}", "title": t} for i, t in enumerate(titles)])
    yield store
    store.close()


@pytest.mark.parametrize("typed", ["s", "so", "SO", "zebra s"])
def test_one_or_two_letters_list_the_commonest_words_starting_so(words_store, typed):
    source = ListingSource(words_store, Listing(typing=True).with_text(typed))
    rows = source.opening(10).rows
    expected = {"W-0", "W-1", "W-2", "W-4"} if typed.lower() in ("s", "so") else set()
    if typed.lower() == "so":
        expected.discard("W-4")
    assert {r.id for r in rows} == expected
    assert source.totals().total == len(expected)
    hints = source.listing.query.hints
    assert any("keep typing" in hint for hint in hints)
    assert not any("fewer words" in hint for hint in hints)


def test_the_commonest_words_come_first(words_store):
    completed = words_store.session()
    with completed as session:
        listing = session.complete(Listing(text="so", typing=True))
    assert listing.completions == ("soda", "solar", "sonic")


def test_letters_no_word_starts_with_leave_the_list_as_it_was(words_store):
    source = ListingSource(words_store, Listing(typing=True).with_text("q"))
    assert len(source.opening(10).rows) == 5
    assert any("no word starts with q" in hint for hint in source.listing.query.hints)


def test_a_partial_word_after_a_space_is_a_whole_word(words_store):
    assert words_store.count(Listing(text="so ", typing=True)) == 0
    assert words_store.count(Listing(text="so")) == 0
