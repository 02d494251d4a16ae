"""Reports opened one after another: each shows only its own title, facts, summary, body and parts.

The list keeps one report screen and shows each report it opens in it, so
nothing of the report read before may stay on screen: not its body, its part,
its scroll position, its link key, nor a read of it that comes in late.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.report import PART, ReportScreen

from .helpers import burst, make_store, notifications, screen_lines, screen_text, settle, views_in_file, wait_for

pytestmark = pytest.mark.app

LONG_SUMMARY = " ".join(f"alpha{n}" for n in range(2_500)) + " END-OF-ALPHA"  # 3 parts


@pytest.fixture
def three(tmp_path: Path):
    store = make_store(
        tmp_path / "three.db",
        [
            {
                "id": "A-1",
                "title": "Alpha report",
                "category": "Energy",
                "date": "2024-03-01",
                "summary": LONG_SUMMARY,
                "body": "# Alpha heading\n\nALPHA-BODY-TEXT",
                "url": "https://example.org/alpha",
            },
            {
                "id": "B-2",
                "title": "Bravo report",
                "category": "Trade",
                "date": "2024-02-01",
                "summary": "Bravo sums up.",
            },
            {
                "id": "C-3",
                "title": "Charlie report",
                "category": "Water",
                "date": "2024-01-01",
                "summary": "Charlie sums up.",
                "body": "CHARLIE-BODY-TEXT",
            },
        ],
    )
    yield store
    store.close()


async def open_row(pilot, row: int) -> ReportScreen:
    app = pilot.app
    app.screen.query_one("#reports").focus()
    await pilot.press("home", *["down"] * row)
    await settle(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report screen")
    await settle(pilot)
    return app.screen


async def close(pilot) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen), what="the list")
    await settle(pilot)


async def test_each_report_opened_shows_only_its_own(three: Store, tmp_path: Path):
    assert -(-len(LONG_SUMMARY) // PART) == 3
    app = ArchiveApp(three)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        screen = await open_row(pilot, 0)
        assert "Alpha report" in screen_text(app) and "alpha0 alpha1" in screen_text(app)
        assert "Open link" in screen_lines(app)[-1]
        await pilot.press("end")
        await settle(pilot)
        assert "Part 1 of 3" in screen_text(app)
        await pilot.press("right_square_bracket", "end")
        await settle(pilot)
        assert "Part 2 of 3" in screen_text(app)
        assert screen.query_one("#report").scroll_y > 0
        await close(pilot)

        again = await open_row(pilot, 1)
        text = screen_text(app)
        assert "Bravo report" in text and "B-2 · Trade · 2024-02-01 · 1 view" in text
        assert "Bravo sums up." in text
        for left_over in ("Alpha", "alpha1", "ALPHA-BODY-TEXT", "Part ", "Link:"):
            assert left_over not in text
        assert "Open link" not in screen_lines(app)[-1]
        assert again.query_one("#report").scroll_y == 0
        await pilot.press("right_square_bracket")  # one part only
        await settle(pilot)
        assert "No more parts" in notifications(app)
        await close(pilot)

        await open_row(pilot, 2)
        text = screen_text(app)
        assert "Charlie report" in text and "CHARLIE-BODY-TEXT" in text and "Charlie sums up." in text
        assert "Bravo" not in text and "ALPHA-BODY-TEXT" not in text
        await close(pilot)

        await open_row(pilot, 0)  # from its first part and top again
        text = screen_text(app)
        assert "Alpha report" in text and "alpha0 alpha1" in text
        assert "A-1 · Energy · 2024-03-01 · 2 views" in text
        await pilot.press("end")
        await settle(pilot)
        assert "Part 1 of 3" in screen_text(app) and "ALPHA-BODY-TEXT" in screen_text(app)
        await close(pilot)
    path = tmp_path / "three.db"
    assert [views_in_file(path, report_id) for report_id in ("A-1", "B-2", "C-3")] == [2, 1, 1]


async def test_open_close_open_in_one_burst_shows_the_second_report(three: Store, tmp_path: Path):
    app = ArchiveApp(three)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        app.screen.query_one("#reports").focus()
        await settle(pilot)
        burst(app, "enter", "escape", "down", "enter", "escape", "down", "enter")
        await wait_for(pilot, lambda: "CHARLIE-BODY-TEXT" in screen_text(app), what="Charlie's body")
        await settle(pilot)
        text = screen_text(app)
        assert isinstance(app.screen, ReportScreen) and app.screen.report.id == "C-3"
        assert "Charlie sums up." in text and "Alpha" not in text and "Bravo" not in text
    path = tmp_path / "three.db"
    assert [views_in_file(path, report_id) for report_id in ("A-1", "B-2", "C-3")] == [1, 1, 1]


def held_reads(store: Store, monkeypatch, rowids: set[int] | None = None) -> threading.Event:
    """Reads of a report's text (of the ``rowids``, else of any) wait until the event returned is set."""
    release = threading.Event()
    read = store.text_part

    def held(rowid: int, name: str, start: int, length: int):
        if rowids is None or rowid in rowids:
            release.wait(5)
        return read(rowid, name, start, length)

    monkeypatch.setattr(store, "text_part", held)
    return release


async def test_a_late_read_of_the_report_closed_is_not_shown_in_the_next(three: Store, monkeypatch):
    """The first report's summary comes from the archive only after the second report is open."""
    release = held_reads(three, monkeypatch, rowids={1})  # A-1, the first row written
    app = ArchiveApp(three)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        app.screen.query_one("#reports").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report screen")
        await pilot.press("escape", "down", "enter")
        await wait_for(pilot, lambda: "Bravo sums up." in screen_text(app), what="Bravo's summary")
        release.set()
        await settle(pilot)
        text = screen_text(app)
        assert "Bravo sums up." in text
        assert "alpha1" not in text and "ALPHA-BODY-TEXT" not in text and "Part " not in text


async def test_a_report_opened_again_follows_the_theme_and_size_changed_while_it_was_closed(three: Store):
    app = ArchiveApp(three)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await open_row(pilot, 0)
        await close(pilot)
        app.theme = "nord" if app.theme != "nord" else "gruvbox"
        await pilot.resize_terminal(70, 20)
        await settle(pilot)
        list_background = app.screen.styles.background
        screen = await open_row(pilot, 1)
        assert screen.styles.background == list_background
        lines = screen_lines(app)
        assert len(lines) == 20 and all(len(line) == 70 for line in lines)
        assert "Bravo report" in screen_text(app) and "Back to list" in lines[-1]


async def test_the_summary_shows_at_once_and_the_archive_read_completes_the_report(three: Store, monkeypatch):
    """While the archive is slow to give a report's text, the summary the list already read shows at
    once; the body, and the rest of a summary too long for the list, come with the read."""
    release = held_reads(three, monkeypatch)
    app = ArchiveApp(three)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        app.screen.query_one("#reports").focus()
        await pilot.press("end", "enter")  # C-3: a short summary and a body
        await wait_for(pilot, lambda: "Charlie sums up." in screen_text(app), what="Charlie's summary, at once")
        assert isinstance(app.screen, ReportScreen) and "CHARLIE-BODY-TEXT" not in screen_text(app)
        release.set()
        await wait_for(pilot, lambda: "CHARLIE-BODY-TEXT" in screen_text(app), what="the body, once read")
        assert "Charlie sums up." in screen_text(app)

        release.clear()
        await pilot.press("escape", "home", "enter")  # a summary longer than the list reads
        await wait_for(pilot, lambda: "alpha0 alpha1" in screen_text(app), what="Alpha's summary, at once")
        assert "Charlie" not in screen_text(app) and "Part 1 of 3" not in screen_text(app)
        release.set()
        await settle(pilot)
        await pilot.press("end")
        await wait_for(pilot, lambda: "Part 1 of 3" in screen_text(app), what="the first part's end, once read")
        assert "alpha1000" in screen_text(app)  # far past what the list read (2,000 characters)
