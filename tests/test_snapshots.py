"""SVG snapshots of the main screens, so a change of layout shows up in review.

The SVGs live in ``tests/__snapshots__/test_snapshots/``. After an intended
change of layout, look at them and update with
``.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update``.

Every snapshot starts on an archive built from the seed page (what the committed
archive.db holds) and waits for
the store's workers, so nothing depends on timing; the header has no clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp

from .helpers import settle, wait_for_listing

pytestmark = pytest.mark.app


@pytest.fixture
def snapshot_app(archive_path: Path):
    store = Store(archive_path)
    yield ArchiveApp(store)
    store.close()


def keys(*pressed: str, searched: str | None = None):
    """A ``run_before`` that waits for the listing, presses keys, and waits for the store again.

    ``searched``: the search text the keys type, whose results to wait for (the box waits
    for a pause in typing before it searches).
    """

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        if searched is not None:
            await wait_for_listing(pilot, searched)

    return run_before


def test_browse_120x32(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 32), run_before=keys())


def test_browse_80x24(snap_compare, snapshot_app):
    """Narrow: the detail pane goes under the table."""
    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=keys())


def test_browse_search(snap_compare, snapshot_app):
    """Searching for a word found in one summary: one row, best match first."""
    assert snap_compare(
        snapshot_app, terminal_size=(120, 32), run_before=keys("slash", *"Malaysian", "enter", searched="Malaysian")
    )


def test_report_screen(snap_compare, snapshot_app):
    """ACCESS on the newest report (its first view is counted)."""
    assert snap_compare(snapshot_app, terminal_size=(120, 32), run_before=keys("enter"))


def test_help_screen(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=keys("question_mark"))


def test_search_marks_the_words_found(snap_compare, snapshot_app):
    """ "supply chains" finds "Supply Chains" and "supply chain": the words are marked in the table's titles
    and the detail pane."""
    assert snap_compare(
        snapshot_app,
        terminal_size=(120, 32),
        run_before=keys("slash", *"supply chains", "enter", searched="supply chains"),
    )


@pytest.fixture
def body_app(archive_path: Path):
    store = Store(archive_path)
    with store.writer() as writer:
        writer.upsert(
            {
                "id": "RPT-9001",
                "title": "Harbour logistics in the Strait",
                "category": "Shipping",
                "date": "2025-03-02",
                "summary": "Port congestion notes.",
                "body": "Shipping lanes were quiet in spring. Then cobalt refiners began processing ore for new"
                " supply chains across Asia, while the ports waited for cargo and the harbour master counted"
                " ships at anchor through the long summer.",
            }
        )
    yield ArchiveApp(store)
    store.close()


def test_detail_pane_shows_the_body_around_a_match(snap_compare, body_app):
    """A word found only in a report's body: the detail pane shows the words around it, marked."""
    assert snap_compare(
        body_app, terminal_size=(120, 32), run_before=keys("slash", *"refining", "enter", searched="refining")
    )


def test_browse_light_theme(snap_compare, snapshot_app):
    """In a light theme (textual-light): the titles, the sorted header and the status line in the
    theme's own text colours, legible on its light background."""

    async def run_before(pilot) -> None:
        pilot.app.theme = "textual-light"
        await keys()(pilot)

    assert snap_compare(snapshot_app, terminal_size=(160, 32), run_before=run_before)


def test_browse_60x20(snap_compare, snapshot_app):
    """Small: the controls narrow, the search box keeps its room, q Quit and ? Help stay in the footer."""
    assert snap_compare(snapshot_app, terminal_size=(60, 20), run_before=keys())
