"""Hostile archive text: markup, escape sequences, bidi overrides, huge and wide fields.

Archive text is data. Whatever a report carries, every view shows it literally
and inert: brackets as typed, no ESC (or 8-bit CSI) byte on screen, no bidi
override, table columns aligned, the whole text on the report screen.
The records are in samples.py; the app's views of them in test_hostile_app.py.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui_archive.cli import cli
from tui_archive.core.safe import clean, safe_json
from tui_archive.ui.text import fit, markdown_parser, safe_text

from .helpers import assert_inert
from .samples import FORBIDDEN, HOSTILE, OSC52

pytestmark = pytest.mark.unit


# -- the one function ----------------------------------------------------------------


@given(st.text())
def test_clean_leaves_no_control_or_bidi_character(text: str):
    for multiline in (False, True):
        out = clean(text, multiline=multiline)
        allowed = "\n\t" if multiline else ""
        assert not any(
            (ord(c) < 0x20 and c not in allowed) or 0x7F <= ord(c) <= 0x9F or c in FORBIDDEN or c in "\u2028\u2029"
            for c in out
        )
        if not multiline:
            assert "\n" not in out


@given(st.text(), st.integers(min_value=0, max_value=200))
def test_fit_is_exactly_the_width_in_cells(text: str, width: int):
    out = fit(text, width)
    assert cell_len(out) == width
    assert "\x1b" not in out


@given(st.text())
def test_safe_text_keeps_markup_literal(text: str):
    assert safe_text(text).plain == clean(text)


@given(st.recursive(st.text(), lambda children: st.lists(children) | st.dictionaries(st.text(), children)))
@settings(max_examples=200)
def test_safe_json_round_trips_and_is_inert(value):
    out = safe_json(value)
    assert json.loads(out) == value
    assert_inert(out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)


def test_markdown_parser_cleans_character_references():
    tokens = markdown_parser().parse("a &#8238;b &rlm; [l](http://x/) &#x1b;")
    texts = [child.content for token in tokens for child in (token.children or [])]
    assert_inert("".join(texts))


async def test_hostile_text_is_stored_as_typed(hostile_store):
    """Cleaning is for display only: the archive keeps the original text."""
    assert hostile_store.get(HOSTILE[1]["id"]).title == HOSTILE[1]["title"]


# -- the CLI -------------------------------------------------------------------------


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.output


def test_cli_search_and_show_print_no_escape(hostile_store):
    db = str(hostile_store.path)
    code, out = run_cli("search", "--db", db, "--limit", "10")
    assert code == 0
    assert_inert(out)
    assert "Q3 [draft] outlook [/] [bold red]x [/foo]" in out
    for record in HOSTILE:
        code, out = run_cli("show", record["id"], "--db", db, "--no-count")
        assert code == 0, out
        assert_inert(out)
        if record["id"] == "H-LONG":
            assert out.count("END-OF-LONG") == 3


def test_cli_json_is_inert_and_exact(hostile_store):
    db = str(hostile_store.path)
    code, out = run_cli("search", "--db", db, "--json")
    assert code == 0
    assert_inert(out)
    reports = json.loads(out)
    assert {r["id"]: r["title"] for r in reports} == {r["id"]: r["title"] for r in HOSTILE}
    code, out = run_cli("show", HOSTILE[1]["id"], "--db", db, "--json", "--no-count")
    assert code == 0
    assert_inert(out)
    assert json.loads(out)["body"] == HOSTILE[1]["body"]


def test_cli_error_for_hostile_id_is_inert(hostile_store):
    code, out = run_cli("show", "nope" + OSC52, "--db", str(hostile_store.path))
    assert code == 1
    assert_inert(out)
    assert "no report with ID" in out
