"""Every dialog shows its own keys in the footer, not the keys of the list behind it."""

from __future__ import annotations

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen

from .helpers import screen_lines, settle, wait_for_listing

pytestmark = pytest.mark.app

DIALOGS = {"h": "esc Close history", "e": "esc Cancel export", "colon": "esc Cancel"}


@pytest.mark.parametrize("key", DIALOGS)
async def test_a_dialog_shows_its_own_keys(store: Store, key: str):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        assert "Access" in screen_lines(app)[-1]
        await pilot.press(key)
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert DIALOGS[key] in footer
        assert "Access" not in footer and "Copy ID" not in footer and "Sort" not in footer
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "Access" in screen_lines(app)[-1]
