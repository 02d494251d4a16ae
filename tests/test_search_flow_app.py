"""Moving between the search box and the list as in fzf and lazygit, and `:` by row or by ID."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen

from .helpers import (
    browse_screen,
    notifications,
    screen_lines,
    screen_text,
    search,
    settle,
    wait_for,
    wait_for_listing,
)

pytestmark = pytest.mark.app


def search_box(app: ArchiveApp) -> Input:
    return browse_screen(app).query_one("#search", Input)


async def test_down_from_the_search_box_goes_into_the_results(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "rareword")
        await pilot.press("down")
        await wait_for_listing(pilot, "rareword")
        table = browse_screen(app).table
        assert app.focused is table
        assert table.highlighted is not None and "rareword" in (table.highlighted.summary or "")


async def test_escape_in_the_list_clears_the_search_and_a_second_does_nothing_more(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "rareword")
        await pilot.press("escape", "down")  # to the list, then the second match
        await wait_for_listing(pilot, "rareword")
        kept = browse_screen(app).table.highlighted
        await pilot.press("escape")
        await wait_for_listing(pilot, "")
        assert search_box(app).value == ""
        assert browse_screen(app).status.total == 50_000
        assert browse_screen(app).table.highlighted == kept  # still on the report, in the whole list
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen) and app.is_running
        assert browse_screen(app).table.highlighted == kept


async def test_ctrl_u_clears_the_search_from_the_list(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "Malaysian")
        await pilot.press("enter", "ctrl+u")
        await wait_for_listing(pilot, "")
        assert browse_screen(app).status.total == 4
        assert search_box(app).value == ""


async def test_ctrl_c_quits_from_the_list_but_not_from_the_search_box(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("slash", *"rare", "ctrl+c")  # copy in the search box: still running
        await settle(pilot)
        assert app.is_running and search_box(app).value == "rare"
        await pilot.press("enter", "ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app.return_code == 0


@pytest.mark.parametrize("typed", ["R-025000", "r-025000"])
async def test_go_to_takes_a_report_id(big_store: Store, typed: str):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press(":", *typed, "enter")
        table = browse_screen(app).table
        await wait_for(pilot, lambda: table.highlighted is not None and table.highlighted.id == "R-025000")
        assert app.focused is table


async def test_go_to_an_id_that_is_not_listed_says_so(big_store: Store):
    app = ArchiveApp(big_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "tin")
        await pilot.press("enter", ":", *"R-000000", "enter")  # copper, not tin
        await wait_for(pilot, lambda: any("R-000000 is not in this list" in n for n in notifications(app)))
        assert browse_screen(app).table.cursor_row == 0


async def test_an_empty_result_says_so_and_keys_that_need_a_report_say_why(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "zzzznothing")
        assert "no reports match" in screen_text(app)
        await pilot.press("escape")  # from the search box to the (empty) list
        for key, what in (("enter", "to open"), ("colon", "to go to"), ("e", "to export")):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen), key
            assert any(f"No report {what}: no reports match" in n for n in notifications(app)), key


@pytest.mark.parametrize("size", [(120, 32), (60, 20)])
async def test_a_query_longer_than_the_box_shows_where_the_cursor_is(store: Store, size: tuple[int, int]):
    """The box scrolls with the text typed, typed slowly or in one burst: its end in view while
    typing, its start after Home, and its end again after End."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    query = "start " + " ".join(words * 2) + " zulu"
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await wait_for_listing(pilot)
        box = search_box(app)
        assert len(query) > box.content_size.width  # wider than the box
        await search(pilot, query)

        def box_line() -> str:
            return screen_lines(app)[box.region.y]

        assert "india juliet zulu" in box_line()
        assert "start" not in box_line()
        await pilot.press("home")
        await settle(pilot)
        assert "start alpha bravo" in box_line()
        assert "zulu" not in box_line()
        await pilot.press("end", "backspace", "backspace", "backspace", "backspace", "b", "y", "e")
        await wait_for_listing(pilot, query[:-4] + "bye")
        assert "juliet bye" in box_line()
