"""A long session does not grow: the widgets a screen or the footer replaces are let go.

Textual re-composes the footer's keys on every focus change and makes a header for
each report opened; before the chrome widgets pruned their watchers, a session kept
every one of them (about 16 footer keys per Tab), and memory rose as people read.
"""

from __future__ import annotations

import gc

import pytest
from textual.dom import DOMNode

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.report import ReportScreen

from .helpers import settle, wait_for_listing

pytestmark = pytest.mark.app


def closed_widgets_kept() -> int:
    """Widgets no longer on any screen that something still holds on to."""
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, DOMNode) and not obj.is_attached and obj._closed)


async def cycle(pilot, app: ArchiveApp, times: int) -> None:
    """Move the focus round and open a report, ``times`` times, as a person reading does."""
    for _ in range(times):
        for _ in range(3):
            await pilot.press("tab")
            await settle(pilot)
        app.screen.query_one("#reports").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_moving_focus_and_opening_reports_lets_go_of_old_widgets(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await cycle(pilot, app, 3)
        kept_early = closed_widgets_kept()
        # Each round made about 50 footer keys and a report screen with its header: before, all stayed
        # (over 1,000 for these 10 rounds). A screen just closed may still be held for a moment (a
        # report screen is about 17 widgets), so the bound allows a couple of those, not a leak.
        await cycle(pilot, app, 10)
        assert closed_widgets_kept() - kept_early < 60
