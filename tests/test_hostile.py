"""Hostile archive text: markup, escape sequences, bidi overrides, huge and wide fields.

Archive text is data. Whatever a report carries, every view shows it literally
and inert: brackets as typed, no ESC (or 8-bit CSI) byte on screen, no bidi
override, table columns aligned, the whole text on the report screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual import events
from textual.widgets import Input, Markdown, Static

from tui_archive.ui.app import ArchiveApp
from tui_archive.cli import cli
from tui_archive.core.errors import ArchiveError
from tui_archive.core.safe import clean, safe_json
from tui_archive.ui.text import fit, markdown_parser, safe_text
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.report_table import ReportTable

from .conftest import make_store, settle

OSC52 = "\x1b]52;c;SGVsbG8=\x07"
OSC2 = "\x1b]2;pwned\x07"
OSC0 = "\x1b]0;pwned\x1b\\"
CSI_CLEAR = "\x1b[2J"
CSI8 = "\x9b2J"
RLO = "\u202e"
LONG = "long " * 2000 + "END-OF-LONG"  # 10,011 characters

# Characters that must never reach a rendered segment or the terminal.
FORBIDDEN = ["\x1b", "\x9b", "\x9d", "\x07", "\x00", RLO, "\u202d", "\u2066", "\u2067"]

HOSTILE = [
    {
        "id": "H-MARKUP",
        "title": "Q3 [draft] outlook [/] [bold red]x [/foo]",
        "category": "[b]Cat[/b]",
        "date": "2024-01-06",
        "summary": "[@click=app.quit]boom[/] and [link=http://evil]click[/link]",
        "body": "# Head [red]x[/red]\n\n[bold]body[/bold] with [a link](http://example.com/) and `[code]`",
    },
    {
        "id": "H-ESC" + CSI_CLEAR,
        "title": "Clip" + OSC52 + "board" + OSC2 + "title",
        "category": "Esc" + CSI8 + "cat",
        "date": "2024-01-05",
        "summary": "Summary " + OSC0 + CSI_CLEAR + " end",
        "body": "Body " + OSC52 + "\n\n" + CSI8 + "2J and entity &#8238;reversed&#x1b; &rlm;\n\n```\ncode " + OSC2 + "\n```",
        "url": "http://example.com/" + OSC52,
    },
    {
        "id": "H-BIDI",
        "title": "abc" + RLO + "fed.exe [x]",
        "category": "B" + RLO + "idi",
        "date": "2024-01-04",
        "summary": "isolate \u2067text\u2069 override \u202dlr\u202c",
    },
    {
        "id": "H-LONG",
        "title": LONG,
        "category": "Long " * 10,
        "date": "2024-01-03",
        "summary": LONG,
        "body": LONG,
    },
    {
        "id": "H-WIDE-漢字",
        "title": "資源の供給網 📈🚀 レアアース 中国 全角テキスト" * 3,
        "category": "資源📦",
        "date": "2024-01-02",
        "summary": "絵文字 🧲 と 漢字",
    },
]
DATES = [record["date"] for record in HOSTILE]


def screen_lines(app: ArchiveApp) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def all_segment_text(app: ArchiveApp) -> str:
    return "\n".join(screen_lines(app))


def assert_inert(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the screen"


@pytest.fixture
def hostile_store(tmp_path: Path):
    store = make_store(tmp_path / "hostile.db", HOSTILE)
    store.set_name("[b]Evil[/b] archive " + OSC2 + "[/]")
    yield store
    store.close()


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


# -- the TUI -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_browse_screen_shows_hostile_text_literally_and_aligned(hostile_store, size):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == len(HOSTILE)
        text = all_segment_text(app)
        assert_inert(text)
        assert "[b]Evil[/b] archive" in text  # the header title, not parsed as markup
        assert "Q3 [draft]" in text
        # Every row's Date column starts at the same cell offset, whatever came before it.
        offsets = {}
        for line in screen_lines(app)[table.region.y : table.region.bottom]:
            for date in DATES:
                if date in line:
                    offset = cell_len(line[: line.index(date)])  # leftmost: the table, not the detail pane
                    offsets[date] = min(offset, offsets.get(date, offset))
        assert set(offsets) == set(DATES)
        assert len(set(offsets.values())) == 1, offsets
        width = table.scrollable_content_region.width
        for y in range(len(HOSTILE) + 1):
            assert table.render_line(y).cell_length == width
        # Walk the rows: the detail pane shows each one literally.
        for index, record in enumerate(HOSTILE):
            title = str(app.screen.query_one("#detail-title", Static).render())
            assert title == clean(record["title"]) or clean(record["title"]) in title
            summary = str(app.screen.query_one("#detail-summary", Static).render())
            assert clean(record["summary"], multiline=True) in summary
            assert_inert(all_segment_text(app))
            await pilot.press("down")
            await pilot.pause()
    assert "[draft]" in clean(HOSTILE[0]["title"])


async def test_detail_pane_keeps_markup_as_typed(hostile_store):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one("#detail-title", Static).render()) == HOSTILE[0]["title"]
        assert str(app.screen.query_one("#detail-summary", Static).render()) == HOSTILE[0]["summary"]
        assert "[b]Cat[/b]" in str(app.screen.query_one("#detail-meta", Static).render())
        assert app.is_running


@pytest.mark.parametrize("index", range(len(HOSTILE)))
async def test_report_screen_shows_everything_inert(hostile_store, index):
    record = HOSTILE[index]
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert str(screen.query_one("#report-title", Static).render()) == clean(record["title"])
        summary = str(screen.query_one("#report-summary", Static).render())
        assert summary == clean(record["summary"], multiline=True)
        body = screen.query_one("#report-body", Markdown)
        assert body._open_links is False
        assert_inert(all_segment_text(app))
        # Scroll through the whole report: nothing hostile on any screenful, the end is there.
        seen = []
        for _ in range(400):
            seen.append(all_segment_text(app))
            before = screen.query_one("#report").scroll_y
            await pilot.press("pagedown")
            screen.query_one("#report").scroll_page_down(animate=False)
            await pilot.pause()
            if screen.query_one("#report").scroll_y == before:
                break
        seen.append(all_segment_text(app))
        everything = "\n".join(seen)
        assert_inert(everything)
        if record["id"] == "H-LONG":
            assert "END-OF-LONG" in everything
            assert str(screen.query_one("#report-title", Static).render()).endswith("END-OF-LONG")
        if record["id"] == "H-MARKUP":
            assert "[bold]body[/bold]" in everything
            assert "[code]" in everything
            assert "[red]x[/red]" in everything
        assert app.is_running


async def test_markdown_link_is_shown_not_opened(hostile_store, monkeypatch):
    opened = []
    app = ArchiveApp(hostile_store)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        body = app.screen.query_one("#report-body", Markdown)
        body.post_message(Markdown.LinkClicked(body, "http://example.com/" + OSC52))
        await settle(pilot)
        assert opened == []
        assert_inert(all_segment_text(app))
        assert any("Link: http://example.com/" in str(n.message) for n in app._notifications)


async def test_notifications_and_status_line_are_inert(hostile_store, monkeypatch):
    copied = []
    monkeypatch.setattr("pyperclip.copy", copied.append)
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down")  # H-ESC…, an ID carrying a CSI sequence
        await pilot.press("y")
        await pilot.pause()
        assert copied == [clean(HOSTILE[1]["id"])]  # the clipboard gets no control character either
        app.screen.show_failure(ArchiveError("failed " + OSC52 + "[bold]x[/foo]"))
        await pilot.pause()
        text = all_segment_text(app)
        assert_inert(text)
        assert "[bold]x[/foo]" in text
        notes = list(app._notifications)
        assert any(n.message == "Copied H-ESC\u241b[2J to the clipboard" for n in notes)
        assert any(n.message == clean("failed " + OSC52 + "[bold]x[/foo]") for n in notes)
        assert all(n.markup is False for n in notes)
        assert_inert("".join(n.message for n in notes))
        # Search text with markup and escapes goes to the status line.
        search = app.screen.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        search.post_message(events.Paste("[bold]Q3 " + OSC2 + "\nsecond line"))
        await pilot.pause(0.2)
        await settle(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "[bold]Q3" in status
        assert_inert(status)
        assert_inert(all_segment_text(app))
        assert search.value == clean("[bold]Q3 " + OSC2)
        assert app.is_running


async def test_category_options_show_markup_and_escapes_inert(hostile_store):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        text = all_segment_text(app)
        assert "[b]Cat[/b] (1)" in text
        assert_inert(text)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert_inert(all_segment_text(app))
        assert app.is_running


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


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_cli_in_a_narrow_encoding_degrades_without_crashing(hostile_store, encoding):
    env = dict(os.environ, PYTHONIOENCODING=encoding, LANG="C", LC_ALL="C")
    for args in (["search", "--limit", "10"], ["show", "H-WIDE-漢字", "--no-count"], ["search", "--json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tui_archive", *args, "--db", str(hostile_store.path)],
            capture_output=True,
            env=env,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        assert b"Traceback" not in proc.stderr
        assert_inert(proc.stdout.decode("utf-8", errors="replace"))
