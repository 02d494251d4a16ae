"""The app headless: launch, search per keystroke, End, sort and ACCESS; and the stock DataTable.

Each ``child_*`` function runs in its own process (see ``__main__``), so that
its RSS is the app's own. The app is read only through what it exposes:

- ``ReportTable.generation`` rises when a new listing's first rows arrive;
- ``ReportTable.drawn_generation`` is the newest listing the table has drawn a
  row of (first row painted: it equals ``generation`` and row 0 is held);
- ``ReportTable.counted``, with ``StatusLine.total`` (None until counted), says
  the listing on screen is counted;
- ``ReportTable.row_count``, ``report_at(row)`` and ``held_rows``;
- ``tui_archive.ui.widgets.toolbar.SEARCH_DEBOUNCE``, read as each key arrives.

tui_archive is imported inside the functions, so that launch can time it.
"""

from __future__ import annotations

import asyncio
from time import perf_counter

from . import generate
from .common import SIZE, proc_status_mb

WAIT_TIMEOUT = 120.0  # seconds before a wait in the app counts as stuck


async def wait_until(pilot, condition, what: str, timeout: float = WAIT_TIMEOUT) -> float:
    """Poll every 5 ms until ``condition()``; returns the perf_counter() when it held.

    It only sleeps between looks: the app runs meanwhile on the same loop, its own timers
    drawing the screen. (``pilot.pause`` pings every widget and draws the screen at each
    look, about 3 ms of CPU: a session waiting spent a third of a core on it, which with
    fifty sessions on two cores was most of what slowed them.)
    """
    deadline = perf_counter() + timeout
    while not condition():
        if not pilot.app.is_running:
            raise RuntimeError(f"the app stopped while waiting for {what}")
        if perf_counter() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(0.005)
    return perf_counter()


async def press_and_wait(pilot, key: str, condition, what: str) -> tuple[float, float]:
    """Press ``key`` and wait for ``condition()``; returns (pressed, done) perf_counter() times.

    ``pilot.press`` sends the key at once, then waits for the app to go idle
    (at least 40 ms, up to 2 s while workers run). It runs in a task beside
    the polling, so that wait is not counted; it is over before the next key.
    """
    pressed = perf_counter()
    press = asyncio.create_task(pilot.press(key))
    try:
        done = await wait_until(pilot, condition, what)
    finally:
        await press
    return pressed, done


def first_row_shown(table) -> bool:
    return table.row_count > 0 and table.report_at(0) is not None


def first_row_painted(table) -> bool:
    """The table has drawn a row of the listing it holds, and its first row is held."""
    return table.generation > 0 and table.drawn_generation == table.generation and table.report_at(0) is not None


def counted(screen) -> bool:
    """The current listing's count is in (the status no longer says loading, searching or counting)."""
    return screen.table.counted and screen.status.total is not None


def open_app(db: str):
    from tui_archive.core import memory
    from tui_archive.core.store import Store
    from tui_archive.ui.app import ArchiveApp

    memory.keep_flat(one_heap=True)  # as the console script does at start
    return ArchiveApp(Store(db, create=False))


async def browse_loaded(pilot):
    """Wait for the browse screen's first page and count; returns (screen, table)."""
    from tui_archive.ui.screens.browse import BrowseScreen

    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, BrowseScreen), "the browse screen")
    screen = app.screen
    table = screen.table
    await wait_until(pilot, lambda: first_row_shown(table), "the first row")
    await wait_until(pilot, lambda: counted(screen), "the count")
    return screen, table


async def child_launch(args) -> dict:
    """Launch to first row (shown, painted), to the count, and RSS after load."""
    start = perf_counter()
    from tui_archive.core.store import Store
    from tui_archive.ui.app import ArchiveApp
    from tui_archive.ui.screens.browse import BrowseScreen

    imports = perf_counter() - start
    t0 = perf_counter()
    app = ArchiveApp(Store(args.db, create=False))
    async with app.run_test(size=SIZE) as pilot:
        entered = perf_counter()
        await wait_until(pilot, lambda: isinstance(app.screen, BrowseScreen), "the browse screen")
        screen = app.screen
        table = screen.table
        shown = await wait_until(pilot, lambda: first_row_shown(table), "the first row")
        painted = await wait_until(pilot, lambda: first_row_painted(table), "the first row painted")
        counted_at = await wait_until(pilot, lambda: counted(screen), "the count")
        await pilot.pause()
        rss = proc_status_mb("VmRSS")
        return {
            "imports_s": imports,
            "run_test_entered_s": entered - t0,
            "first_row_s": shown - t0,
            "first_row_painted_s": painted - t0,
            "counted_s": counted_at - t0,
            "rss_mb": rss,
            "held_rows": table.held_rows,
            "row_count": table.row_count,
        }


async def child_search(args) -> dict:
    """Type each term key by key; per key, the time until the table holds that prefix's results."""
    from textual.widgets import Input

    from tui_archive.ui.widgets import toolbar

    if args.debounce is not None:
        toolbar.SEARCH_DEBOUNCE = args.debounce  # read as each key arrives (Textual's timers need > 0)
    terms = generate.terms()
    samples: dict[str, list[tuple[str, float]]] = {kind: [] for kind in terms}  # (text, seconds)
    counted_after: dict[str, list[float]] = {kind: [] for kind in terms}
    app = open_app(args.db)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await browse_loaded(pilot)
        await pilot.press("slash")
        search = screen.query_one("#search", Input)

        def results_for(before: int):
            """A new listing's first page is in the table, for the text now in the box.

            Each key waits for its own results before the next is pressed, so no
            older listing's first page is still on its way when ``generation`` rises.
            """

            def shown() -> bool:
                if table.generation == before or table.listing.text != search.value:
                    return False
                return table.report_at(0) is not None or (table.row_count == 0 and counted(screen))

            return shown

        for _ in range(args.reps):
            for kind, term in terms.items():  # interleaved, so no class gets the warmest cache
                for char in term:
                    pressed, done = await press_and_wait(
                        pilot, char, results_for(table.generation), f"results for {search.value + char!r}"
                    )
                    samples[kind].append((search.value, done - pressed))
                # After the last key, the count and categories follow the first screen.
                done = await wait_until(pilot, lambda: counted(screen), f"the count for {term!r}")
                counted_after[kind].append(done - pressed)
                before = table.generation
                search.value = ""
                await wait_until(pilot, results_for(before), "the unfiltered list")
                await wait_until(pilot, lambda: counted(screen), "the unfiltered count")
        rss = proc_status_mb("VmRSS")
    return {
        "debounce_s": toolbar.SEARCH_DEBOUNCE,
        "terms": terms,
        "samples": samples,
        "counted_after": counted_after,
        "rss_after_mb": rss,
    }


async def child_navigate(args) -> dict:
    """End, change of sort (through every sort key), and ACCESS through the app."""
    from tui_archive.core.listing import SORT_LABELS
    from tui_archive.ui.screens.browse import BrowseScreen

    end: list[float] = []
    sort: list[float] = []
    access: list[float] = []
    held = 0
    app = open_app(args.db)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await browse_loaded(pilot)

        async def to_end() -> None:
            nonlocal held
            pressed, done = await press_and_wait(
                pilot, "end", lambda: table.report_at(table.row_count - 1) is not None, "the last row"
            )
            end.append(done - pressed)
            held = max(held, table.held_rows)
            await pilot.press("home")
            await wait_until(pilot, lambda: table.report_at(0) is not None, "the first row again")

        def new_listing(before: int):
            # A new sort keeps the highlighted report, wherever the new order puts it: its rows are those.
            return lambda: table.generation != before and table.report_at(table.cursor_row) is not None

        def views_risen(row: int, views: int):
            def risen() -> bool:
                report = table.report_at(row)
                return report is not None and report.views > views

            return risen

        await to_end()
        for _ in range(len(SORT_LABELS) - 1):  # s cycles date → title → category → views → ID → date
            pressed, done = await press_and_wait(pilot, "s", new_listing(table.generation), "the new sort")
            sort.append(done - pressed)
            await wait_until(pilot, lambda: counted(screen), "the count after sorting")
            await to_end()

        for _ in range(args.reps):
            row = table.cursor_row
            pressed, done = await press_and_wait(
                pilot, "enter", views_risen(row, table.report_at(row).views), "the view counted"
            )
            access.append(done - pressed)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, BrowseScreen), "back to the list")
            await pilot.press("down")
            await wait_until(pilot, lambda: table.report_at(table.cursor_row) is not None, "the next row")
        rss = proc_status_mb("VmRSS")
    return {"end": end, "sort": sort, "access": access, "max_held_rows": held, "rss_after_mb": rss}


async def child_baseline(args) -> dict:
    """Textual's stock DataTable: add_rows with the same rows, until the first row is painted."""
    from textual.app import App, ComposeResult
    from textual.strip import Strip
    from textual.widgets import DataTable

    from tui_archive.core.listing import Listing
    from tui_archive.core.store import Store

    store = Store(args.db, create=False)
    start = perf_counter()
    reports = store.window(Listing(), 0, args.rows)
    read_s = perf_counter() - start
    rows = [(r.id, r.title, r.category or "", r.date or "", r.views) for r in reports]
    del reports
    store.close()
    rss_rows = proc_status_mb("VmRSS")

    painted: list[float] = []

    class PaintedTable(DataTable):
        """The stock DataTable, noting when it first draws a row below its header."""

        def render_line(self, y: int) -> Strip:
            strip = super().render_line(y)
            # Row 0 is the header; virtual height > 1 once add_rows' rows are measured and laid out.
            if y >= 1 and not painted and self.row_count and self.virtual_size.height > 1:
                painted.append(perf_counter())
            return strip

    class StockTable(App[None]):
        def compose(self) -> ComposeResult:
            yield PaintedTable()

        def on_mount(self) -> None:
            table = self.query_one(PaintedTable)
            table.add_columns("ID", "Title", "Category", "Date", "Views")
            table.add_rows(rows)
            table.focus()

    t0 = perf_counter()
    app = StockTable()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(painted), "the DataTable's first row painted", timeout=1800)
        rss = proc_status_mb("VmRSS")
    return {
        "rows": len(rows),
        "read_s": read_s,
        "first_row_painted_s": painted[0] - t0,
        "rss_mb": rss,
        "rss_rows_only_mb": rss_rows,
    }
