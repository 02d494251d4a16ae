"""The search language's full-text part against a real FTS5 table (tui_archive.core.query.parse_query)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_archive.core.query import parse_query

pytestmark = pytest.mark.unit


def fts_expression(text: str | None) -> str | None:
    """The MATCH expression the search box gives for ``text`` (typed: the last word is a prefix)."""
    query = parse_query(text, typing=True)
    if query.match is None:
        return None
    return query.match if query.exclude is None else f"({query.match}) NOT ({query.exclude})"


DOCS = {
    1: ("Rare earth magnets", "Processing grip of the midstream"),
    2: ("Earth sciences", "Rare minerals and magnetic fields"),
    3: ("Mine-to-magnet capacity", "NEAR term output (constrained)"),
    4: ("Café society", "Coffee prices: 350,000t traded"),
}


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)", [(k, *v) for k, v in DOCS.items()])
    yield conn
    conn.close()


def matches(conn: sqlite3.Connection, text: str) -> list[int]:
    expression = fts_expression(text)
    assert expression is not None, text
    return [row[0] for row in conn.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid", [expression])]


@pytest.mark.parametrize(
    "text", [None, "", " ", "   \t\n ", "!!!", "-", "*", '"', '""', "()", "^:*-+", "— … ·", '" ( ) * : ^ -', "OR"]
)
def test_nothing_to_search_for(text):
    assert fts_expression(text) is None


@pytest.mark.parametrize("text", ["a", "rare", "NEAR", "AND", "NOT", "350", "é", "東京", "x*", '"rare earth"'])
def test_any_word_gives_an_expression(text):
    assert fts_expression(text) is not None


def test_words_are_and_ed_in_any_order(fts):
    assert matches(fts, "rare earth ") == [1, 2]
    assert matches(fts, "earth rare ") == [1, 2]
    assert matches(fts, "rare magnets ") == [1]


def test_quoted_phrase_keeps_word_order(fts):
    assert matches(fts, '"rare earth"') == [1]
    assert matches(fts, '"earth rare"') == []


def test_unclosed_quote_while_typing_does_not_break(fts):
    assert matches(fts, '"rare earth') == [1]


def test_star_makes_a_prefix(fts):
    assert matches(fts, "magn* ") == [1, 2, 3]
    assert matches(fts, "magn ") == []


def test_last_word_is_a_prefix_until_a_space_follows(fts):
    assert matches(fts, "rare magn") == [1, 2]
    assert matches(fts, "rare magn ") == []
    assert matches(fts, "magnets") == [1]


def test_only_the_last_word_is_a_prefix(fts):
    assert matches(fts, "magn rare") == []


def test_fts_syntax_is_plain_words_but_or_and_minus_are_the_language(fts):
    assert matches(fts, "NEAR ") == [3]
    assert matches(fts, "near term ") == [3]
    assert matches(fts, "rare OR coffee ") == [1, 2, 4]
    assert matches(fts, "rare NOT earth ") == []  # NOT is a word like any other
    assert matches(fts, "(constrained) ") == [3]
    assert matches(fts, "title:rare ") == [1, 2]  # an unknown field: its words are searched, with a hint
    assert matches(fts, "magnets -sciences ") == [1]
    assert matches(fts, "earth -rare ") == []


def test_hyphens_commas_and_accents(fts):
    assert matches(fts, "mine-to-magnet ") == [3]
    assert matches(fts, "350,000t ") == [4]
    assert matches(fts, "cafe ") == [4]
    assert matches(fts, "CAFÉ ") == [4]


FTS_SYNTAX = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "*",
        ":",
        "^",
        "-",
        "+",
        ",",
        "{",
        "}",
        "NEAR",
        "NEAR(",
        "AND",
        "OR",
        "NOT",
        " ",
        "\t",
        "\x00",
        "title:",
        "'",
        "\\",
        "\u0301",
        "\u200b",
        "\ufeff",
    ]
)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), st.lists(st.one_of(FTS_SYNTAX, st.text(max_size=4)), max_size=12).map("".join)))
def test_any_text_gives_none_or_a_valid_match_expression(fts, text):
    expression = fts_expression(text)
    if expression is None:
        return
    assert isinstance(expression, str)
    fts.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [expression]).fetchall()


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_text_with_a_letter_or_digit_is_searchable(text):
    """Any word searches something (fields, with their colon, are tested in test_query_language)."""
    words = [token for token in re.findall(r"[^\W_]+", text) if token != "OR"]
    if words and ":" not in text:
        assert not parse_query(text, typing=True).empty
