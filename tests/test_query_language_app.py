"""The search box speaks the search language: fields, hints and all."""

from __future__ import annotations

import pytest

from tui_archive.ui.app import ArchiveApp

from .helpers import shown_ids, status, wait_for_listing

pytestmark = pytest.mark.app


async def test_search_box_uses_the_language_and_shows_hints(language_store):
    app = ArchiveApp(language_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"category:energy views:>100 ")  # the 101-view report is Agriculture
        await wait_for_listing(pilot, "category:energy views:>100 ")
        assert shown_ids(app) == ["RPT-100"]
        assert "1 of 5 match" in status(app)
        await pilot.press("ctrl+u", *"title:magnets ")
        await wait_for_listing(pilot, "title:magnets ")
        assert "no field title:" in status(app)
        assert shown_ids(app) == ["RPT-102"]
