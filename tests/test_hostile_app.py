"""Hostile archive text in the app: every screen shows it literally and inert, columns aligned."""

from __future__ import annotations

import csv
import shutil
import sqlite3

import pytest
from rich.cells import cell_len
from textual import events
from textual.widgets import Input, Markdown, Static

from tui_archive.core.errors import ArchiveError
from tui_archive.core.model import BRIEF_LIMITS, Report
from tui_archive.core.safe import clean, has_controls
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.history import HistoryScreen
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.detail import DetailPane
from tui_archive.ui.widgets.facets import FacetPanel
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import (
    assert_inert,
    browse_screen,
    browse_status,
    notifications,
    screen_lines,
    screen_text,
    settle,
    wait_for,
    wait_for_listing,
)
from .samples import DATES, HOSTILE, OSC2, OSC52, UNUSABLE_IDS, typed_rows

pytestmark = pytest.mark.app


def assert_shown_or_cut(shown: str, whole: str, limit: int) -> None:
    """``whole``, or (when longer than ``limit``) its first ``limit`` characters and "…"."""
    if len(whole) <= limit:
        assert shown == whole
    else:
        assert shown == whole[:limit] + "…"


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_browse_screen_shows_hostile_text_literally_and_aligned(hostile_store, size):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == len(HOSTILE)
        text = screen_text(app)
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
        for record in HOSTILE:
            title = app.screen.query_one(DetailPane).part("title")
            assert_shown_or_cut(title, clean(record["title"]), 1000)
            summary = app.screen.query_one(DetailPane).part("summary")
            assert_shown_or_cut(summary, clean(record["summary"], multiline=True), 2000)
            assert_inert(screen_text(app))
            await pilot.press("down")
            await pilot.pause()
    assert "[draft]" in clean(HOSTILE[0]["title"])


async def test_detail_pane_keeps_markup_as_typed(hostile_store):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(DetailPane).part("title") == HOSTILE[0]["title"]
        assert app.screen.query_one(DetailPane).part("summary") == HOSTILE[0]["summary"]
        assert "[b]Cat[/b]" in app.screen.query_one(DetailPane).part("meta")
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
        assert_shown_or_cut(str(screen.query_one("#report-title", Static).render()), clean(record["title"]), 1000)
        summary = str(screen.query_one("#report-summary", Static).render())
        assert summary == clean(record["summary"], multiline=True)[:10_000]  # the first part
        body = screen.query_one("#report-body", Markdown)
        assert body._open_links is False
        assert_inert(screen_text(app))
        # Scroll through the whole report: nothing hostile on any screenful, the end is there.
        seen = []
        for _ in range(400):
            seen.append(screen_text(app))
            before = screen.query_one("#report").scroll_y
            await pilot.press("pagedown")
            screen.query_one("#report").scroll_page_down(animate=False)
            await pilot.pause()
            if screen.query_one("#report").scroll_y == before:
                break
        seen.append(screen_text(app))
        if record["id"] == "H-LONG":  # 10,011 characters: the rest is in a second part
            assert "Part 1 of 2" in screen_text(app)
            await pilot.press("right_square_bracket")
            await settle(pilot)
            screen.query_one("#report").scroll_end(animate=False)
            await pilot.pause()
            seen.append(screen_text(app))
            assert "Part 2 of 2" in seen[-1]
        everything = "\n".join(seen)
        assert_inert(everything)
        if record["id"] == "H-LONG":
            assert "END-OF-LONG" in everything
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
        assert_inert(screen_text(app))
        assert any("Link: http://example.com/" in str(message) for message in notifications(app))


async def test_notifications_and_status_line_are_inert(hostile_store, monkeypatch):
    copied = []
    monkeypatch.setattr("pyperclip.copy", copied.append)
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down")  # H-ESC…, an ID carrying a CSI sequence
        await pilot.press("y")
        await pilot.pause()
        assert copied == []  # an ID with a control character is not copied: a paste would act on it
        app.screen.show_failure(ArchiveError("failed " + OSC52 + "[bold]x[/foo]"))
        await pilot.pause()
        text = screen_text(app)
        assert_inert(text)
        assert "[bold]x[/foo]" in text
        notes = list(app._notifications)
        assert any(n.message.startswith("Not copied: the ID H-ESC\u241b[2J has control characters") for n in notes)
        assert any(n.message == clean("failed " + OSC52 + "[bold]x[/foo]") for n in notes)
        assert all(n.markup is False for n in notes)
        assert_inert("".join(n.message for n in notes))
        # Search text with markup and escapes goes to the status line.
        search = app.screen.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        search.post_message(events.Paste("[bold]Q3 " + OSC2 + "\nsecond line"))
        await wait_for_listing(pilot, clean("[bold]Q3 " + OSC2))  # the first line, cleaned
        status = str(app.screen.query_one("#status", Static).render())
        assert "[bold]Q3" in status
        assert_inert(status)
        assert_inert(screen_text(app))
        assert search.value == clean("[bold]Q3 " + OSC2)
        assert app.is_running


async def test_category_options_show_markup_and_escapes_inert(hostile_store):
    app = ArchiveApp(hostile_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        assert "[b]Cat[/b] (1)" in text
        assert_inert(text)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert_inert(screen_text(app))
        assert app.is_running


# -- values of any SQLite type, written by other programs ------------------------------

TYPED = typed_rows()


def said(app: ArchiveApp) -> list[str]:
    """Every notification from now on, also those that have since timed out."""
    messages: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        messages.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return messages


async def go_to_title(pilot, app: ArchiveApp, title: str) -> Report:
    """Move the cursor to the report with this title (every row is held: the archive is small)."""
    table = app.screen.query_one(ReportTable)
    for row in range(table.row_count):
        report = table.report_at(row)
        if report is not None and report.title == title:
            table.cursor_row = row
            await pilot.pause()
            assert table.highlighted == report
            return report
    raise AssertionError(f"no report titled {title!r}")


async def _walk(pilot, app, act) -> list[Report]:
    """Highlight every row in turn (with the keys) and ``act`` on it; the reports seen."""
    table = app.screen.query_one(ReportTable)
    seen = []
    for row in range(table.row_count):
        await wait_for(pilot, lambda: table.highlighted is not None, what=f"row {row}")
        report = table.highlighted
        assert table.cursor_row == row
        seen.append(report)
        await act(report)
        assert app.is_running
        assert_inert(screen_text(app))
        table.cursor_row = row  # (space moves down; come back to walk in order)
        await pilot.press("down")
        await pilot.pause()
    return seen


async def test_every_typed_row_can_be_highlighted_marked_copied_and_its_link_opened(typed_archive, monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr("pyperclip.copy", copied.append)
    monkeypatch.setattr("tui_archive.ui.actions.browser_available", lambda: False)
    app = ArchiveApp(Store(typed_archive))
    messages = said(app)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)

        async def act(report: Report) -> None:
            await pilot.press("space")
            await pilot.pause()
            await pilot.press("y", "o")
            await pilot.pause()
            assert_inert("\n".join(messages))

        seen = await _walk(pilot, app, act)
        assert len(seen) == len(TYPED)
        table = app.screen.query_one(ReportTable)
        usable = {r.id for r in seen if not r.id_problem}
        # Each row marked on its own: the two without an ID, and the two sharing one.
        assert len(table.marks) == len(TYPED)
        assert table.marked == usable
        assert all(clean(text, multiline=True) == text for text in copied)  # nothing raw on the clipboard
        # With marks, y copies each marked ID once, one per line.
        await pilot.press("y")
        await pilot.pause()
        # IDs with control characters are left out (and named), never copied cleaned.
        assert sorted(copied[-1].split("\n")) == sorted(i for i in usable if not has_controls(i))
        assert messages[-1].endswith("; 6 marked reports have no ID that can be copied")
        assert app.is_running


async def test_a_row_without_a_usable_id_says_so_when_copied(typed_archive, monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr("pyperclip.copy", copied.append)
    app = ArchiveApp(Store(typed_archive))
    messages = said(app)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        for title in [*(f"Typed id {kind}" for kind in sorted(UNUSABLE_IDS)), "No ID 1", "No ID 2"]:
            report = await go_to_title(pilot, app, title)
            await pilot.press("y")
            await pilot.pause()
            assert report.id_problem
            assert messages[-1] == f"Not copied: {report.id_problem}"
        assert copied == []


async def test_every_typed_row_opens_and_counts_a_view_in_its_own_row(typed_archive, monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr("pyperclip.copy", copied.append)
    monkeypatch.setattr("tui_archive.ui.actions.browser_available", lambda: False)
    app = ArchiveApp(Store(typed_archive))
    messages = said(app)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)

        async def act(report: Report) -> None:
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report screen")
            summary = app.screen.query_one("#report-summary", Static)
            await wait_for(pilot, lambda: str(summary.render()), what="the summary")
            await pilot.press("y", "o")
            await pilot.pause()
            assert_inert(screen_text(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ReportScreen), what="the list")

        seen = await _walk(pilot, app, act)
        await app.workers.wait_for_complete()
        assert len(seen) == len(TYPED)
        await wait_for(pilot, lambda: sum("view not counted" in m for m in messages) == 7, what="the views refused")
        text = "\n".join(messages)
        assert "view not counted: 9223372036854775807 views, the most the archive can count" in text
        assert "view not counted: its view count is not a whole number (views: 1.5 (not a count))" in text
        assert "Not kept in the history: this report has no ID" in text
        assert_inert(text)
        assert "view not counted" in browse_status(app)
        # The history dialog lists them inert, and opens one again.
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history")
        assert_inert(screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="a report from the history")
        await settle(pilot)
        assert_inert(screen_text(app))
        await pilot.press("escape")
    conn = sqlite3.connect(typed_archive)
    try:
        views = conn.execute("SELECT title, views, typeof(views) FROM reports").fetchall()
    finally:
        conn.close()
    by_title = {title: (value, kind) for title, value, kind in views}
    assert by_title["Typed views max-integer"] == (2**63 - 1, "integer")
    assert by_title["Typed views real"] == (1.5, "real")
    assert by_title["Typed views null"] == (1, "integer")
    assert by_title["Duplicate 1"] == by_title["Duplicate 2"] == (1, "integer")  # each its own view
    assert by_title["No ID 1"] == by_title["No ID 2"] == (1, "integer")
    assert by_title["Typed id blob"] == (1, "integer")
    # Only reports with a usable ID are in the history.
    history_ids = {visit.id for visit in app.history.visits()}
    assert "" not in history_ids and "T-DUPLICATE" in history_ids and "42" in history_ids


async def test_rows_without_an_id_or_sharing_one_are_marked_and_exported_each_on_its_own(typed_archive, tmp_path):
    app = ArchiveApp(Store(typed_archive))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        for title in ("No ID 1", "No ID 2", "Duplicate 2"):
            await go_to_title(pilot, app, title)
            await pilot.press("space")
            await pilot.pause()
        assert "3 marked" in browse_status(app)
        await pilot.press("e")
        await pilot.pause()
        path = tmp_path / "marked.csv"
        app.screen.query_one("#export-path", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Exported 3 reports" in n for n in notifications(app)), what="the export")
        with path.open(encoding="utf-8", newline="") as file:
            titles = sorted(row["title"] for row in csv.DictReader(file))
        assert titles == ["Duplicate 2", "No ID 1", "No ID 2"]


async def test_every_typed_row_exports_from_the_app(typed_archive, tmp_path):
    app = ArchiveApp(Store(typed_archive))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("e")
        await pilot.pause()
        path = tmp_path / "all.csv"
        app.screen.query_one("#export-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: path.exists() and any("Exported" in n for n in notifications(app)))
        with path.open(encoding="utf-8", newline="") as file:
            assert len(list(csv.DictReader(file))) == len(TYPED)
        assert app.is_running


# -- 10 MB fields ------------------------------------------------------------------------


async def test_ten_megabyte_fields_show_a_screenful_and_stay_responsive(huge_archive, tmp_path):
    path = tmp_path / "huge.db"
    shutil.copyfile(huge_archive, path)
    app = ArchiveApp(Store(path))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        table = app.screen.query_one(ReportTable)
        assert table.row_count == 8
        # The rows held are prefixes: the list never read the 10 MB values (nor any body).
        held = [table.report_at(row) for row in range(table.row_count)]
        assert all(report.body is None for report in held)
        assert sum(len(str(getattr(r, name) or "")) for r in held for name in BRIEF_LIMITS) < 50_000
        for _ in range(table.row_count):
            report = table.highlighted
            detail = app.screen.query_one(DetailPane).part("title")
            assert len(detail) <= 1001
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report screen")
            await settle(pilot)
            text = screen_text(app)
            summary = str(app.screen.query_one("#report-summary", Static).render())
            assert len(summary) <= 10_000
            assert_inert(text)
            more = app.screen.query_one("#report-more", Static)
            if report.id in ("HUGE-summary", "HUGE-body"):
                assert str(more.render()).startswith("Part 1 of 1,049 ")
                await pilot.press("right_square_bracket")
                await settle(pilot)
                assert str(more.render()).startswith("Part 2 of 1,049 ")
                assert_inert(screen_text(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ReportScreen), what="the list")
            await pilot.press("down")
            await settle(pilot)
        assert app.is_running
    assert app.crash_message is None


async def test_every_kind_of_category_can_be_chosen(typed_archive):
    """Categories of any type (numbers, binary data, empty, 100,000 characters) are menu labels and filters."""
    app = ArchiveApp(Store(typed_archive))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert_inert(screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        panel = app.screen.query_one(FacetPanel)
        await pilot.press("f")
        await settle(pilot)
        chosen = []
        for index in range(1, len(panel.values)):
            panel.highlighted = index
            value = panel.values[index]
            await pilot.press("enter")
            await wait_for(pilot, lambda value=value: browse_screen(app).listing.category == value)
            await wait_for_listing(pilot)
            assert app.screen.query_one(ReportTable).row_count >= 1, value
            text = screen_text(app)
            assert_inert(text)
            assert all(len(line) <= 120 for line in text.splitlines())
            chosen.append(value)
            if not panel.display:
                await pilot.press("f")
                await settle(pilot)
        assert b"\x00\xff\x1b[2J\x9b binary" in chosen and 42 in chosen and "Typed" in chosen
        assert app.is_running
