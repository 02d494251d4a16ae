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

FTS_SYNTAX = ['"', "'", "(", ")", "*", "^", "-", "+", ":", "{", "}", "[", "]", "NEAR", "NEAR(", "AND", "OR", "NOT",
              "near/3", "title:", "reports_fts", "\\", "%", "_", ",", ".", "\x00", "\x1b", " ", "\t", "\n"]
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
    ['"', '"supply', "(", ")", "*", " * ", "^", "-", ":", "NEAR", "AND", "OR NOT", "NEAR(a b)", "a:b", "   ", "",
     "\t\n", "x" * 10_000, "稀土 редкие", '"""', "title:magnet", "-magnet", "^magnet", "magnet AND", "AND OR NOT NEAR"],
)
def test_cli_search_never_fails(fuzz_store: Store, text: str):
    result = CliRunner().invoke(cli, ["search", "--db", str(fuzz_store.path), "--", text], obj={})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_cli_search_finds_non_latin_words(fuzz_store: Store):
    result = CliRunner().invoke(cli, ["search", "稀土", "--db", str(fuzz_store.path)], obj={})
    assert result.exit_code == 0
    assert "R-4" in result.output
