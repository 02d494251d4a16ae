"""Hostile archive text in the app: every screen shows it literally and inert, columns aligned."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual import events
from textual.widgets import Input, Markdown, Static

from tui_archive.core.errors import ArchiveError
from tui_archive.core.safe import clean
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import assert_inert, notifications, screen_lines, screen_text, settle, wait_for_listing
from .samples import DATES, HOSTILE, OSC2, OSC52

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
            title = str(app.screen.query_one("#detail-title", Static).render())
            assert_shown_or_cut(title, clean(record["title"]), 1000)
            summary = str(app.screen.query_one("#detail-summary", Static).render())
            assert_shown_or_cut(summary, clean(record["summary"], multiline=True), 2000)
            assert_inert(screen_text(app))
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
        assert copied == [clean(HOSTILE[1]["id"])]  # the clipboard gets no control character either
        app.screen.show_failure(ArchiveError("failed " + OSC52 + "[bold]x[/foo]"))
        await pilot.pause()
        text = screen_text(app)
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
