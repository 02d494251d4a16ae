"""Whatever is typed in the search box or passed to `tui-archive search`, no error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_archive.cli import cli
from tui_archive.core.listing import RELEVANCE, SORTS, Listing
from tui_archive.core.query import parse_query
from tui_archive.core.store import Store

from .helpers import make_store

pytestmark = pytest.mark.unit

FTS_SYNTAX = [
    '"',
    "'",
    "(",
    ")",
    "*",
    "^",
    "-",
    "+",
    ":",
    "{",
    "}",
    "[",
    "]",
    "NEAR",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "near/3",
    "title:",
    "reports_fts",
    "\\",
    "%",
    "_",
    ",",
    ".",
    "\x00",
    "\x1b",
    " ",
    "\t",
    "\n",
]
WORDS = ["magnet", "rare", "earth", "Malaysia", "稀土", "редкие", "مغناطيس", "🧲", "café", "naïve", "x" * 300]

search_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("\"'()*^-+:{}[]\\ ")),
    st.lists(st.sampled_from(FTS_SYNTAX + WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(FTS_SYNTAX + WORDS), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory) -> Store:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    store = make_store(
        path,
        [
            {
                "id": f"R-{i}",
                "title": f"{word} report {i}",
                "summary": " ".join(WORDS),
                "category": "C",
                "date": "2024-01-01",
            }
            for i, word in enumerate(WORDS)
        ],
    )
    yield store
    store.close()


@given(text=search_text, sort=st.sampled_from([None, RELEVANCE, *SORTS]), reverse=st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_window_and_count_never_raise(fuzz_store: Store, text: str, sort, reverse: bool):
    listing = Listing(text=text, sort=sort, reverse=reverse)
    rows = fuzz_store.window(listing, 0, 10)
    total = fuzz_store.count(listing)
    assert len(rows) == min(10, total)
    fuzz_store.categories(listing)


@given(search_text)
@settings(max_examples=500)
def test_expression_is_only_quoted_strings(text: str):
    query = parse_query(text, typing=True)
    for expression in (query.match, query.exclude):
        if expression is not None:
            assert expression.strip()
            assert expression.count('"') % 2 == 0
    assert sum(c.count("?") for c in query.where) == len(query.params)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"supply',
        "(",
        ")",
        "*",
        " * ",
        "^",
        "-",
        ":",
        "NEAR",
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "a:b",
        "   ",
        "",
        "\t\n",
        "x" * 10_000,
        "稀土 редкие",
        '"""',
        "title:magnet",
        "-magnet",
        "^magnet",
        "magnet AND",
        "AND OR NOT NEAR",
    ],
)
def test_cli_search_never_fails(fuzz_store: Store, text: str):
    result = CliRunner().invoke(cli, ["search", "--db", str(fuzz_store.path), "--", text], obj={})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_cli_search_finds_non_latin_words(fuzz_store: Store):
    result = CliRunner().invoke(cli, ["search", "稀土", "--db", str(fuzz_store.path)], obj={})
    assert result.exit_code == 0
    assert "R-4" in result.output


# -- fields, numbers and length: whatever is typed or pasted ----------------------------------

digits = st.one_of(
    st.integers(0, 2**70).map(str),
    st.just("9" * 5000),
    st.text(alphabet="0123456789٠١٢٣", min_size=1, max_size=30),
)
views_value = st.tuples(
    st.sampled_from(["", ">", "<", ">=", "<=", "=", "=>", "><"]),
    digits,
    st.one_of(st.just(""), digits.map("..".__add__)),
).map("".join)
date_value = st.one_of(
    st.dates().map(str),
    st.text(alphabet="0123456789-", max_size=12),
    st.sampled_from(["2024", "2024-02-30", "9999-12-31", "0000", "2024-13", "10000"]),
)
field_term = st.tuples(
    st.sampled_from(["", "-"]),
    st.sampled_from(["views:", "after:", "before:", "id:", "category:", "title:", "VIEWS:", ""]),
    st.one_of(views_value, date_value, st.text(max_size=20), st.sampled_from(WORDS)),
    st.sampled_from(["", '"']),
).map(lambda parts: f"{parts[0]}{parts[1]}{parts[3]}{parts[2]}{parts[3]}")
any_term = st.one_of(field_term, st.sampled_from(FTS_SYNTAX + WORDS), st.text(max_size=30))
long_query = st.one_of(
    st.lists(any_term, max_size=12).map(" ".join),
    st.lists(any_term, min_size=60, max_size=400).map(" ".join),
    st.lists(field_term, min_size=900, max_size=1200).map(" ".join),
)


@given(text=long_query, typing=st.booleans(), sort=st.sampled_from([None, RELEVANCE, *SORTS]))
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_fields_numbers_and_length_never_raise(fuzz_store: Store, text: str, typing: bool, sort):
    listing = Listing(text=text, sort=sort, typing=typing)
    rows = fuzz_store.window(listing, 0, 10)
    assert len(rows) == min(10, fuzz_store.count(listing))
    fuzz_store.categories(listing)
    assert len(listing.query.hints) <= 64 + 1  # one hint per term used at most, and one for the rest


@given(text=long_query, split=st.booleans())
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_cli_search_never_fails_on_fields_numbers_and_length(fuzz_store: Store, text: str, split: bool):
    words = text.split(" ") if split else [text]
    result = CliRunner().invoke(cli, ["search", "--db", str(fuzz_store.path), "--", *words], obj={})
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    *hints, count = result.stderr.splitlines()
    assert all(line.startswith("hint: ") for line in hints), hints
    assert count.endswith(("report", "reports"))
