"""What the tests read and wait for: the archive file, the screen, the status line, the table.

Test modules import these (never each other); the fixtures are in conftest.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.widgets import Static

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.widgets.report_table import ReportTable

from .samples import FORBIDDEN

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "tui_archive" / "data" / "global-analysis-archive.txt"
COMMITTED_ARCHIVE = ROOT / "archive.db"
README = ROOT / "README.md"

# The seed page's reports, newest first, as a reader of the page sees them.
SEED_IDS = ["RPT-1045", "RPT-1279", "RPT-363", "RPT-280"]

WAIT = 5.0
"""Seconds to wait for something the app does by itself (a search, a count, a view) before failing."""


# -- archives ------------------------------------------------------------------------------


def make_store(path: Path, records: Iterable[dict]) -> Store:
    """A new archive holding ``records`` (dicts with at least id and title)."""
    store = Store(path)
    with store.writer() as writer:
        for record in records:
            writer.upsert(record)
    return store


def views_in_file(path: Path, report_id: str) -> int:
    """A report's view count as the file holds it, read by a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT views FROM reports WHERE id = ?", [report_id]).fetchone()[0]
    finally:
        conn.close()


def archive_contents(path: Path):
    """Everything a user could see in the archive: its reports and its name."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM reports ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM archive_meta ORDER BY key").fetchall(),
        )
    finally:
        conn.close()


def dump(path: Path) -> list[str]:
    """Everything in the archive, as SQL."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# -- what the app shows ----------------------------------------------------------------------


def screen_lines(app: ArchiveApp) -> list[str]:
    """What the terminal shows, as plain text, one string per terminal row."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_text(app: ArchiveApp) -> str:
    """What the terminal shows, as plain text, one line per terminal row."""
    return "\n".join(screen_lines(app))


def assert_inert(text: str) -> None:
    """No escape, bell, NUL or bidi override character in ``text``."""
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the screen"


def browse_screen(app: ArchiveApp) -> BrowseScreen:
    """The list's screen, also while a report or a dialog is open over it."""
    return next(screen for screen in app.screen_stack if isinstance(screen, BrowseScreen))


def report_table(app: ArchiveApp) -> ReportTable:
    return browse_screen(app).query_one(ReportTable)


def shown_ids(app: ArchiveApp) -> list[str]:
    """The IDs in the table, top to bottom (every row must be held)."""
    table = app.screen.query_one(ReportTable)
    return [table.report_at(row).id for row in range(table.row_count)]


def status(app: ArchiveApp) -> str:
    """The status line of the screen shown."""
    return str(app.screen.query_one("#status", Static).render())


def browse_status(app: ArchiveApp) -> str:
    """The list's status line, also while a report is open over it."""
    return str(browse_screen(app).query_one("#status", Static).render())


def notifications(app: ArchiveApp) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- waiting for the app -------------------------------------------------------------------


async def settle(pilot) -> None:
    """Let the app handle what is queued, its workers finish, and the results land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition: Callable[[], object], timeout: float = WAIT, what: str = "") -> None:
    """Let the app run, a turn at a time, until ``condition()`` holds; fail saying what never came."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            name = what or getattr(condition, "__name__", "the condition")
            screen = screen_text(pilot.app)
            raise AssertionError(f"timed out after {timeout} s waiting for {name}; the screen:\n{screen}")
        await pilot.pause()


def listing_ready(app: ArchiveApp, text: str | None = None) -> bool:
    """The listing asked for last (with search text ``text``, if given) is on screen and counted."""
    browse = browse_screen(app)
    table = browse.query_one(ReportTable)
    return (
        (text is None or browse.listing.text == text)
        and table.listing == browse.listing
        and table.counted
        and browse.status.total is not None
    )


async def wait_for_listing(pilot, text: str | None = None, timeout: float = WAIT) -> None:
    """Wait until the listing asked for last (for search text ``text``) is shown and counted.

    The search box waits for a pause in typing (``SEARCH_DEBOUNCE``) before it asks,
    so after typing, pass the text typed: the wait ends once that search is counted.
    """
    what = "the listing" if text is None else f"the search for {text!r}"
    await wait_for(pilot, lambda: listing_ready(pilot.app, text), timeout, what=f"{what} to be shown and counted")
    await settle(pilot)


async def search(pilot, text: str) -> None:
    """Type ``text`` into the search box (replacing what is there) and wait for its results."""
    await pilot.press("slash", "ctrl+u", *text)
    await wait_for_listing(pilot, text)


def write_foreign_archive(path: Path, rows: Iterable[dict]) -> Path:
    """An archive another program wrote: an untyped ``reports`` table, adopted by the app, then
    ``rows`` inserted with plain sqlite3 (any type in any column, the unique ID index dropped)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE reports (id, title, category, date, views, summary, body, url)")
    conn.commit()
    conn.close()
    Store(path).close()  # adopted: full-text index, triggers, sort indexes
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP INDEX IF EXISTS idx_reports_id")
        for row in rows:
            conn.execute(
                "INSERT INTO reports (id, title, category, date, views, summary, body, url)"
                " VALUES (:id, :title, :category, :date, :views, :summary, :body, :url)",
                {key: row.get(key) for key in ("id", "title", "category", "date", "views", "summary", "body", "url")},
            )
    conn.close()
    return path
