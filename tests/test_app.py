"""The app as a user drives it, through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest
from textual.widgets import Input, Select, Static

from tui_archive.core.store import Store
from tui_archive.ui import actions
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.help import HelpScreen
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.detail import DetailPane
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import (
    SEED_IDS,
    make_store,
    notifications,
    screen_text,
    settle,
    shown_ids,
    status,
    views_in_file,
    wait_for_listing,
)

pytestmark = pytest.mark.app


@pytest.fixture
def app(store: Store) -> ArchiveApp:
    return ArchiveApp(store)


async def test_lists_seed_reports_newest_first_with_detail(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert shown_ids(app) == SEED_IDS
        assert "4 reports" in status(app)
        assert app.title == "Global Analysis Archive"
        detail = app.screen.query_one(DetailPane).part("summary")
        assert detail.startswith("A Malaysian engineering study")
        await pilot.press("down")
        await pilot.pause()
        detail = app.screen.query_one(DetailPane).part("summary")
        assert detail.startswith("The source argues that China")


async def test_search_narrows_the_table(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press(*"Malaysian")
        await wait_for_listing(pilot, "Malaysian")
        assert shown_ids(app) == ["RPT-1045"]
        assert "1 of 4 match 'Malaysian'" in status(app)
        await pilot.press("escape")
        assert app.focused is app.screen.query_one(ReportTable)
        # Clearing the search brings every report back, newest first again.
        await pilot.press("slash", "ctrl+u")
        await wait_for_listing(pilot, "")
        assert shown_ids(app) == SEED_IDS


async def test_search_with_no_match_says_so(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebra")
        await wait_for_listing(pilot, "zebra")
        assert shown_ids(app) == []
        assert "0 of 4 match 'zebra'" in status(app)
        assert "No report highlighted" in app.screen.query_one(DetailPane).part("summary")


async def test_sort_key_and_reverse_change_the_order(app: ArchiveApp, archive_path: Path):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("S")  # oldest first
        await settle(pilot)
        assert shown_ids(app) == SEED_IDS[::-1]
        await pilot.press("s")  # next sort key: title, A to Z
        await settle(pilot)
        assert app.screen.query_one("#sort", Select).value == "title"
        titles = [app.screen.query_one(ReportTable).report_at(i).title for i in range(4)]
        assert titles == sorted(titles, key=str.casefold)
        assert "sorted by Title" in status(app)


async def test_clicking_a_column_header_sorts_by_it(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        # The Views column is the last one; click its header (first line of the table).
        x = table.content_region.x + table.content_region.width - 4 - table.scrollbar_size_vertical
        await pilot.click(offset=(x, table.content_region.y))
        await settle(pilot)
        assert table.sort_column == "views"
        assert shown_ids(app)[0] == "RPT-280"  # the only report with a view


async def test_enter_opens_report_and_counts_a_view(app: ArchiveApp, archive_path: Path):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("end")  # RPT-280, 1 view
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert views_in_file(archive_path, "RPT-280") == 2
        assert "RPT-280 · Rare Earths · 2023-07-13 · 2 views" in str(
            app.screen.query_one("#report-meta", Static).render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        table = app.screen.query_one(ReportTable)
        assert table.report_at(3).views == 2
        assert "2 views" in app.screen.query_one(DetailPane).part("meta")


async def test_access_button_opens_report(app: ArchiveApp, archive_path: Path):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.click("#access")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.id == "RPT-1045"
        assert views_in_file(archive_path, "RPT-1045") == 1


async def test_y_copies_the_id_with_pyperclip(app: ArchiveApp, monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down", "y")
        await pilot.pause()
        assert copied == ["RPT-1279"]
        assert any("Copied RPT-1279 to the clipboard" in message for message in notifications(app))


TMUX_ON = "run tmux set -s set-clipboard on"
SENT = "Sent RPT-1045 to the terminal's clipboard (OSC 52) — if it did not arrive"
TMUX_SAYS = {
    None: (SENT, "information"),
    "": (f"{SENT}, in tmux run: tmux set -s set-clipboard on", "information"),
    "on": ("Copied RPT-1045 to tmux's paste buffer (OSC 52)", "information"),
    "external": (f"Sent RPT-1045 by OSC 52, but tmux drops it (set-clipboard external): {TMUX_ON}", "warning"),
    "off": (f"Sent RPT-1045 by OSC 52, but tmux drops it (set-clipboard off): {TMUX_ON}", "warning"),
}


@pytest.mark.parametrize("tmux", list(TMUX_SAYS))
async def test_y_falls_back_to_osc52_and_says_only_what_is_known(app: ArchiveApp, monkeypatch, tmux: str | None):
    """No system clipboard (DISPLAY unset): the ID goes out by OSC 52, and the message says "Copied"
    only where tmux says it takes it; elsewhere it says how to check, or that tmux drops it."""

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    if tmux is None:
        monkeypatch.delenv("TMUX", raising=False)
    else:
        monkeypatch.setenv("TMUX", "/tmp/tmux-test/default,1,0")
        monkeypatch.setattr(actions, "tmux_clipboard", lambda: tmux)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")  # on the report screen: the open report
        await settle(pilot)
        assert app.clipboard == "RPT-1045"
        expected, severity = TMUX_SAYS[tmux]
        (said,) = [n for n in app._notifications if "RPT-1045" in n.message]
        assert said.message.startswith(expected) and said.severity == severity
        assert ("Copied" in said.message) == (tmux == "on")


async def test_help_lists_the_keys(app: ArchiveApp):
    async with app.run_test(size=(120, 50)) as pilot:  # tall enough to show every section
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Search", "Copy ID", "Reverse sort", "Category", "Quit", "Last report", "Back to list"):
            assert words in text, words
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


async def test_command_palette_offers_the_actions(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Search", "Access", "Copy ID", "Sort", "Reverse sort", "Category", "Help"):
            assert title in titles


async def test_category_key_opens_the_filter_and_choosing_narrows(tmp_path: Path):
    store = make_store(
        tmp_path / "two.db",
        [
            {"id": "A-1", "title": "Copper outlook", "category": "Metals", "date": "2024-01-01"},
            {"id": "A-2", "title": "Oil outlook", "category": "Energy", "date": "2024-02-01"},
            {"id": "A-3", "title": "Gas outlook", "category": "Energy", "date": "2024-03-01"},
        ],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        select = app.screen.query_one("#category", Select)
        assert select.expanded
        select.value = "Metals"
        await settle(pilot)
        assert shown_ids(app) == ["A-1"]
        assert "1 of 3 in Metals" in status(app)
    store.close()


async def test_80x24_puts_detail_under_table(app: ArchiveApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        detail = app.screen.query_one(DetailPane)
        assert detail.region.y >= table.region.bottom
        assert table.region.width > 70
        text = screen_text(app)
        assert "RPT-1045" in text and "4 reports" in text


async def test_wide_terminal_puts_detail_beside_table(app: ArchiveApp):
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        detail = app.screen.query_one(DetailPane)
        assert detail.region.x >= table.region.right
        assert detail.region.y == table.region.y


async def test_archive_text_is_shown_literally(tmp_path: Path):
    store = make_store(
        tmp_path / "odd.db",
        [{"id": "Q-3", "title": "Q3 [draft] outlook [/]", "summary": "[bold]not bold[/bold]", "date": "2024-01-01"}],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert "Q3 [draft] outlook [/]" in app.screen.query_one(DetailPane).part("title")
        assert "[bold]not bold[/bold]" in app.screen.query_one(DetailPane).part("summary")
        await pilot.press("enter")
        await settle(pilot)
        assert "Q3 [draft] outlook [/]" in str(app.screen.query_one("#report-title", Static).render())
    store.close()


async def test_q_quits(app: ArchiveApp):
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert not app.is_running


async def test_the_committed_archive_opens(committed_store: Store):
    """The archive.db shipped in the checkout (a copy of it) opens on the seed page's four reports."""
    app = ArchiveApp(committed_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert shown_ids(app) == SEED_IDS
        assert "4 reports" in status(app)
        assert app.title == "Global Analysis Archive"
