"""Keys typed in a burst, as they arrive over SSH, do exactly what the same keys typed slowly do.

Each sequence is typed twice into the same archive: slowly (each key once the
app has shown all it does for the last) and in one burst (every key queued
before the app handles the first). What the user would notice must be the
same: the screen they end on, the report open, the search, the highlighted
report, the marks, the clipboard, and the views counted in the file.
"""

from __future__ import annotations

import shutil
import sqlite3
from concurrent.futures import Future
from pathlib import Path

import pyperclip
import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp

from .helpers import browse_screen, burst, listing_ready, settle, typed_slowly, wait_for

pytestmark = pytest.mark.app

TYPED = "rareword"  # in 10 of the 50,000 reports, none of them on the first screen before the search
SEQUENCES = {
    "search, enter, copy": ["slash", *TYPED, "enter", "y"],
    "search, enter, open": ["slash", *TYPED, "enter", "enter"],
    "search, enter, down, open": ["slash", *TYPED, "enter", "down", "enter"],
    "search, escape, mark twice, copy": ["slash", *TYPED, "escape", "space", "space", "y"],
    "search, enter, end, open": ["slash", *TYPED, "enter", "end", "enter"],
    "search, enter, go to row 3, open": ["slash", *TYPED, "enter", ":", "3", "enter", "enter"],
    "search, enter, sort, open": ["slash", *TYPED, "enter", "s", "enter"],
    "search, enter, facets": ["slash", *TYPED, "enter", "f"],
    "search, enter, export dialog": ["slash", *TYPED, "enter", "e"],
    "search, open, copy on the report": ["slash", *TYPED, "enter", "enter", "y"],
    "sort, search, open": ["s", "slash", *"tin", "enter", "enter"],
    "search, open, back, history, open again": ["slash", *TYPED, "enter", "enter", "escape", "h", "enter"],
    "go to row, cancel, down, open": [":", "5", "escape", "down", "enter"],
    "search, backspace, enter, copy": ["slash", *"tinx", "backspace", "enter", "y"],
}


def all_views(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT id, views FROM reports"))


async def outcome(pilot, path: Path, before: dict[str, int], copied: list[str], views: list[Future]) -> dict:
    """What the user sees and has once the keys have done all they do."""
    app = pilot.app
    await wait_for(pilot, lambda: not app.keys_waiting and listing_ready(app), what="the keys to be handled")
    await settle(pilot)
    await wait_for(pilot, lambda: all(view.done() for view in views), what="the views to be counted")
    browse = browse_screen(app)
    report = getattr(app.screen, "report", None)
    counted = {key: value - before[key] for key, value in all_views(path).items() if value != before[key]}
    highlighted = browse.table.highlighted
    return {
        "screen": type(app.screen).__name__,
        "report": report.id if report is not None else None,
        "search": browse.listing.text,
        "sort": browse.listing.effective_sort,
        "highlighted": highlighted.id if highlighted is not None else None,
        "marked": sorted(browse.table.marked),
        "copied": list(copied),
        "views": counted,
        "focus": type(app.focused).__name__ if app.focused is not None else None,
    }


async def run(archive: Path, keys: list[str], *, fast: bool, monkeypatch) -> dict:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    before = all_views(archive)
    store = Store(archive)
    try:
        app = ArchiveApp(store)
        views: list[Future] = []
        count = app.views.count
        monkeypatch.setattr(app.views, "count", lambda *request: views.append(count(*request)) or views[-1])
        async with app.run_test(size=(120, 32)) as pilot:
            await wait_for(pilot, lambda: listing_ready(app), what="the first listing")
            await settle(pilot)
            if fast:
                burst(app, *keys)
            else:
                await typed_slowly(pilot, *keys)
            return await outcome(pilot, archive, before, copied, views)
    finally:
        store.close()


@pytest.mark.parametrize("keys", SEQUENCES.values(), ids=SEQUENCES.keys())
async def test_a_burst_does_what_slow_typing_does(keys: list[str], big_archive: Path, tmp_path: Path, monkeypatch):
    slow_archive, fast_archive = tmp_path / "slow.db", tmp_path / "fast.db"
    shutil.copy(big_archive, slow_archive)
    shutil.copy(big_archive, fast_archive)
    slowly = await run(slow_archive, keys, fast=False, monkeypatch=monkeypatch)
    at_once = await run(fast_archive, keys, fast=True, monkeypatch=monkeypatch)
    assert at_once == slowly


async def test_keys_after_a_search_act_on_its_results(big_archive: Path, tmp_path: Path, monkeypatch):
    """The case as reported: search, Enter, y in one burst copied the report highlighted before the search."""
    archive = tmp_path / "archive.db"
    shutil.copy(big_archive, archive)
    result = await run(archive, ["slash", *"id:R-025000", "enter", "y"], fast=True, monkeypatch=monkeypatch)
    assert result["search"] == "id:R-025000"
    assert result["copied"] == ["R-025000"]
    result = await run(archive, ["slash", *TYPED, "enter", "enter"], fast=True, monkeypatch=monkeypatch)
    assert result["screen"] == "ReportScreen"
    with sqlite3.connect(archive) as db:
        summary = db.execute("SELECT summary FROM reports WHERE id = ?", (result["report"],)).fetchone()[0]
    assert TYPED in summary
    assert result["views"] == {result["report"]: 1}
