"""Hostile archive text: markup, escape sequences, bidi overrides, huge and wide fields.

Archive text is data. Whatever a report carries, every view shows it literally
and inert: brackets as typed, no ESC (or 8-bit CSI) byte on screen, no bidi
override, table columns aligned, the whole text on the report screen.
The records are in samples.py; the app's views of them in test_hostile_app.py.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui_archive.cli import cli, main
from tui_archive.core import export, locations
from tui_archive.core.errors import ViewRefused
from tui_archive.core.listing import Listing
from tui_archive.core.model import BINARY, BRIEF_LIMITS
from tui_archive.core.safe import clean, safe_json
from tui_archive.core.store import Store
from tui_archive.ui.text import fit, markdown_parser, safe_text

from .helpers import assert_inert
from .samples import FORBIDDEN, HOSTILE, OSC52, TYPED_VALUES, typed_rows

pytestmark = pytest.mark.unit

TYPED = typed_rows()


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


# -- values of any SQLite type, written by other programs ------------------------------


def run_stdout(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj={})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
def test_cli_search_lists_every_typed_row(typed_archive, fmt):
    code, out, err = run_stdout("search", "--db", str(typed_archive), "--limit", "500", "--format", fmt)
    assert code == 0, err
    assert_inert(err)
    if fmt == "json":
        assert_inert(out)
        reports = json.loads(out)
        assert len(reports) == len(TYPED)
        views = {r["id"]: r["views"] for r in reports}
        assert views["T-views-max-integer"] == 2**63 - 1
        assert views["T-views-min-integer"] == -(2**63)
        assert views["T-views-blob"] == BINARY
        assert views["T-views-infinity"] == "inf"
        assert {r["title"] for r in reports if r["id"] == "T-DUPLICATE"} == {"Duplicate 1", "Duplicate 2"}
        long_title = next(r["title"] for r in reports if r["id"] == "T-title-long")
        assert long_title == TYPED_VALUES["long"]  # data stays whole in JSON
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) == len(TYPED) + 1
    else:
        assert_inert(out)
        lines = out.splitlines()
        assert len(lines) == len(TYPED) + (2 if fmt == "md" else 0)
        if fmt == "text":  # the human listing shows a bounded prefix of each field
            assert max(len(line) for line in lines) < 5000
            assert any(line.endswith("…") and "long text" in line for line in lines)


def test_cli_show_prints_every_typed_row_and_counts_only_whole_numbers(typed_archive):
    db = str(typed_archive)
    for row in TYPED:
        report_id = row["id"]
        if not isinstance(report_id, (str, int)) or report_id == "" or len(str(report_id)) > 1000:
            continue
        for extra in (["--json", "--no-count"], []):
            code, out, err = run_stdout("show", "--db", db, *extra, "--", str(report_id))
            assert code == 0, (report_id, err)
            assert_inert(out)
            assert_inert(err)
            if extra:
                assert json.loads(out)["title"] is not None
    conn = sqlite3.connect(typed_archive)
    try:
        stored = dict(conn.execute("SELECT id, views FROM reports WHERE id LIKE 'T-views-%'").fetchall())
        kinds = dict(conn.execute("SELECT id, typeof(views) FROM reports WHERE id LIKE 'T-views-%'").fetchall())
    finally:
        conn.close()
    assert stored["T-views-integer"] == 43
    assert stored["T-views-null"] == 1  # an empty count starts from 0
    assert stored["T-views-min-integer"] == -(2**63) + 1
    # Saturated, never wrapped or turned into a real; other values left as stored.
    assert (stored["T-views-max-integer"], kinds["T-views-max-integer"]) == (2**63 - 1, "integer")
    assert stored["T-views-real"] == 1.5
    assert stored["T-views-text"] == TYPED_VALUES["text"]
    assert stored["T-views-blob"] == TYPED_VALUES["blob"]


def test_cli_show_says_when_a_view_is_not_counted(typed_archive):
    code, out, err = run_stdout("show", "T-views-max-integer", "--db", str(typed_archive))
    assert code == 0
    assert "9223372036854775807 views" in out
    assert "view not counted: 9223372036854775807 views, the most the archive can count" in err
    code, out, err = run_stdout("show", "T-views-text", "--db", str(typed_archive))
    assert code == 0
    assert "view not counted: its view count is not a whole number" in err
    assert_inert(err)


def test_access_saturates_and_refuses_in_the_store(typed_archive):
    with Store(typed_archive) as store:
        with pytest.raises(ViewRefused, match="the most the archive can count"):
            store.access("T-views-max-integer")
        for kind in ("real", "text", "blob", "infinity", "long"):
            with pytest.raises(ViewRefused, match="not a whole number"):
                store.access(f"T-views-{kind}")
        assert store.access("T-views-null").views == 1
        # Rows another program stored under one ID: each is counted by its own row.
        first, second = [r for r in store.iter_ids(["T-DUPLICATE"])]
        assert store.access(second.id, second.rowid).views == 1
        assert store.get_row(first.rowid).views == 0
        # A row without an ID is counted by its row.
        rows = store.window(Listing(category="Typed", sort="title"), 0, 500)
        nameless = [r for r in rows if r.title.startswith("No ID")]
        assert [r.id_problem for r in nameless] == ["this report has no ID"] * 2
        assert store.access("", nameless[0].rowid).views == 1
        assert store.get_row(nameless[1].rowid).views == 0


def test_brief_rows_hold_a_bounded_prefix_and_no_body(typed_archive):
    with Store(typed_archive) as store:
        brief = store.window(Listing(), 0, 500, brief=True)
        full = store.window(Listing(), 0, 500)
    assert len(brief) == len(full) == len(TYPED)
    assert all(report.body is None for report in brief)
    for report in brief:
        for name, limit in BRIEF_LIMITS.items():
            value = getattr(report, name)
            assert value is None or len(value) <= limit
    long_title = next(r for r in brief if r.id == "T-title-long")
    assert "title" in long_title.cut and long_title.title == TYPED_VALUES["long"][:1000]
    assert next(r for r in full if r.id == "T-title-long").title == TYPED_VALUES["long"]
    problems = {r.title: r.id_problem for r in brief if r.title.startswith("Typed id")}
    assert problems["Typed id null"] == "this report has no ID"
    assert problems["Typed id blob"] == "this report's ID is binary data, not text"
    assert problems["Typed id empty"] == "this report's ID is blank"
    assert problems["Typed id long"] == "this report's ID is over 1,000 characters long"
    assert problems["Typed id integer"] == problems["Typed id text"] == ""


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_every_typed_row_exports(typed_archive, tmp_path, fmt):
    with Store(typed_archive) as store:
        count = export.to_file(store.iter_listing(Listing()), fmt, tmp_path / f"out.{fmt}")
    assert count == len(TYPED)
    text = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
    if fmt == "json":
        assert len(json.loads(text)) == len(TYPED)
    if fmt == "md":
        assert_inert(text)


def test_an_unexpected_error_in_a_command_is_one_line_and_a_log(typed_archive, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("sys.argv", ["tui-archive", "search", "--db", str(typed_archive)])

    def broken(*args, **kwargs):
        raise RuntimeError("a fault " + OSC52)

    monkeypatch.setattr(Store, "window", broken)
    monkeypatch.setattr(Store, "iter_listing", broken)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    log = locations.crash_log()
    assert err.strip().splitlines() == [
        f"Error: tui-archive stopped on an unexpected error (RuntimeError); the details are in {log}"
    ]
    assert "Traceback" not in err
    assert "RuntimeError: a fault" in log.read_text(encoding="utf-8")
