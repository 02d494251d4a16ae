"""The screen fits its width: the title column gets the room, headers keep their sort arrow,
the detail pane's facts stay on one line, and a report reads at a comfortable width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectOverlay

from tui_archive.core.store import Store
from tui_archive.ui.app import WIDE, ArchiveApp
from tui_archive.ui.widgets.columns import COLUMNS
from tui_archive.ui.widgets.detail import DetailPane
from tui_archive.ui.widgets.report_table import ReportTable

from .helpers import make_store, screen_lines, settle, wait_for_listing

pytestmark = pytest.mark.app

WIDTHS = [80, 100, 110, 120, 160, 200]
META = "RPT-1045 · Rare Earths · 2026-02-12 · 0 views"


def header_line(app: ArchiveApp) -> str:
    return next(line for line in screen_lines(app) if " ID " in line and "Title" in line and "Views" in line)


def title_column_width(app: ArchiveApp) -> int:
    """From the header on screen: the cells from "Title" up to the next column's label."""
    header = header_line(app)
    return header.index("Category") - header.index("Title") - 1


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_title_column_gets_the_spare_width(store: Store, width: int):
    app = ArchiveApp(store)
    async with app.run_test(size=(width, 32)) as pilot:
        await wait_for_listing(pilot)
        table = app.screen.query_one(ReportTable)
        detail = app.screen.query_one(DetailPane)
        title = title_column_width(app)
        if width >= WIDE:  # beside the table: at most 60 columns, and the table has the larger share
            assert detail.region.x >= table.region.right
            assert detail.outer_size.width <= 60
            assert table.outer_size.width > 1.5 * detail.outer_size.width
        else:  # under the table, which then has the whole width
            assert detail.region.y >= table.region.bottom
            assert table.outer_size.width >= width - 2
        # Beside the pane, and for the table's border, scrollbar and four other columns
        # (46 cells), nothing more is taken from the title.
        beside = detail.outer_size.width + 1 if width >= WIDE else 0
        assert title >= width - 2 - beside - 6 - 46
        assert title >= 26


async def test_on_a_small_terminal_the_category_column_gives_way_to_the_title(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for_listing(pilot)
        header = header_line(app)
        title = header.index("Cate") - header.index("Title") - 1
        category = header.index("Date") - header.index("Cate") - 1
        assert title >= 13 and category == 9
        assert any("Rare Ear…" in line for line in screen_lines(app))  # the category, cut, still there


@pytest.mark.parametrize("width", [60, *WIDTHS])
async def test_every_sorted_header_shows_its_arrow_in_full(store: Store, width: int):
    """Sorted by each column, ascending and descending, its arrow is in the header after its label
    (whole, unless the column is narrowed on a small terminal)."""
    app = ArchiveApp(store)
    async with app.run_test(size=(width, 32)) as pilot:
        await wait_for_listing(pilot)
        seen = set()
        for _ in range(len(COLUMNS)):
            sort = app.screen.listing.effective_sort
            label = next(column.label for column in COLUMNS if column.key == sort)
            first, then = ("▼", "▲") if app.screen.listing.descending else ("▲", "▼")
            assert re.search(rf"{label[:4]}\S* {first}", header_line(app)), f"sorted by {sort}: {header_line(app)!r}"
            assert width < 80 or f"{label} {first}" in header_line(app)
            await pilot.press("S")
            await wait_for_listing(pilot)
            assert re.search(rf"{label[:4]}\S* {then}", header_line(app)), f"by {sort}, reversed: {header_line(app)!r}"
            seen.add(sort)
            await pilot.press("S", "s")
            await wait_for_listing(pilot)
        assert seen == {column.key for column in COLUMNS}


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_detail_meta_line_is_one_line(store: Store, width: int):
    app = ArchiveApp(store)
    async with app.run_test(size=(width, 32)) as pilot:
        await wait_for_listing(pilot)
        assert any(META in line for line in screen_lines(app)), "\n".join(screen_lines(app))


@pytest.fixture
def wordy(tmp_path: Path):
    words = " ".join(f"word{i}" for i in range(400))
    store = make_store(
        tmp_path / "wordy.db",
        [{"id": "W-1", "title": "A wordy report", "date": "2024-01-01", "summary": words, "body": words}],
    )
    yield store
    store.close()


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_a_report_reads_at_most_100_columns_wide(wordy: Store, width: int):
    app = ArchiveApp(wordy)
    async with app.run_test(size=(width, 40)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = [line for line in screen_lines(app) if "word1" in line or "word2" in line]
        assert len(lines) >= 4
        for line in lines:
            text = line.strip()
            assert len(text) <= 100
            start = line.index(text)
            if width >= 120:  # centred: about as much room on the left as on the right
                assert start >= (width - 100) // 2 - 2
            else:
                assert start >= 2


@pytest.mark.parametrize("control", ["#sort", "#category"])
@pytest.mark.parametrize("width", [60, 80, 120, 200])
async def test_a_drop_down_has_a_border_over_the_table(store: Store, control: str, width: int):
    """Opened, the sort or category control's options are boxed, whole and on screen, over the
    table (or the detail pane beside it)."""
    app = ArchiveApp(store)
    async with app.run_test(size=(width, 24)) as pilot:
        await wait_for_listing(pilot)
        select = app.screen.query_one(control, Select)
        select.focus()
        select.expanded = True
        await settle(pilot)
        overlay = select.query_one(SelectOverlay)
        box = overlay.region
        assert box.intersection(app.screen.query_one("#main").region).area > 0
        assert box.right <= width
        lines = screen_lines(app)
        assert set(lines[box.y][box.x + 1 : box.right - 1]) == {"▔"}, lines[box.y]
        assert set(lines[box.bottom - 1][box.x + 1 : box.right - 1]) == {"▁"}, lines[box.bottom - 1]
        options = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        for y, option in enumerate(options, start=box.y + 1):
            assert lines[y][box.x] == "▊"
            assert option in lines[y], f"{option!r} is not whole on screen: {lines[y]!r}"


def footer_line(app: ArchiveApp) -> str:
    return screen_lines(app)[-1]


async def open_facets(pilot) -> None:
    await pilot.press("f")
    await settle(pilot)


async def open_report(pilot) -> None:
    await pilot.press("enter")
    await settle(pilot)


async def open_history(pilot) -> None:
    await pilot.press("h")
    await settle(pilot)


async def open_goto(pilot) -> None:
    await pilot.press("colon")
    await settle(pilot)


async def open_export(pilot) -> None:
    await pilot.press("e")
    await settle(pilot)


async def search_box(pilot) -> None:
    await pilot.press("slash")
    await settle(pilot)


async def nothing(pilot) -> None:
    pass


STATES = {
    "list": nothing,
    "facets": open_facets,
    "search box": search_box,
    "report": open_report,
    "history": open_history,
    "go to": open_goto,
    "export": open_export,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30), (120, 32)])
async def test_quit_and_help_are_always_in_the_footer(store: Store, size: tuple[int, int], state: str):
    """Wherever q and ? work, the footer shows them whole, however narrow; the other keys it
    shows are whole too (a key that does not fit is left out, not cut)."""
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await wait_for_listing(pilot)
        await STATES[state](pilot)
        footer = footer_line(app)
        shown = {binding.action for _, binding, _, _ in app.screen.active_bindings.values() if binding.show}
        if "quit" in shown:
            assert "q Quit" in footer, footer
        if "help" in shown:
            assert "? Help" in footer, footer
        if app.COMMAND_PALETTE_BINDING in app.screen.active_bindings:
            assert "^p Commands" in footer
        for key in app.screen.query(FooterKey):
            if key.display and key.description:
                assert key.description in footer, f"{key.description!r} is cut: {footer!r}"


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
@pytest.mark.parametrize("facets", [False, True])
async def test_the_search_box_keeps_room_to_type(store: Store, size: tuple[int, int], facets: bool):
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await wait_for_listing(pilot)
        if facets:
            await open_facets(pilot)
        box = app.screen.query_one("#search", Input)
        assert box.outer_size.width >= 24
        for control in app.screen.query("#toolbar Select"):  # the controls are on screen, whole
            assert control.region.right <= size[0]
        await pilot.press("slash", *"rare earth mag")
        await settle(pilot)
        assert any("rare earth mag" in line for line in screen_lines(app))
