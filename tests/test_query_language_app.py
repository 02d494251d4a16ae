"""The search box speaks the search language: fields, hints and all."""

from __future__ import annotations

import pytest

from tui_archive.ui.app import ArchiveApp

from .helpers import screen_text, shown_ids, status, wait_for_listing

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
        assert "fields: category after before views id" in status(app)
        assert shown_ids(app) == ["RPT-102"]


def _on_screen(app: ArchiveApp) -> str:
    """The screen's text with its line breaks and padding as single spaces (a wrapped line reads whole)."""
    return " ".join(screen_text(app).split())


@pytest.mark.parametrize("size", [(80, 24), (120, 32)])
@pytest.mark.parametrize(
    ("typed", "hint", "ids"),
    [
        (
            "title:magnets",
            "no field title:, so its words were searched (fields: category after before views id related)",
            None,
        ),
        ("after:soon", "after:soon was not used: dates look like 2024-05-01, 2024-05 or 7d", 5),
        ("views:lots", "views:lots was not used: try views:>100, views:<10 or views:5..20", 5),
        ("category:energy after:someday", "after:someday was not used", 2),
    ],
)
async def test_hints_show_at_once_and_in_full(language_store, size, typed, hint, ids):
    """No space after the text, and nothing cut off, at 80 columns as at 120; the dropped filter says so."""
    app = ArchiveApp(language_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("slash", *typed)
        await wait_for_listing(pilot, typed)
        assert hint in _on_screen(app)
        if ids is None:
            assert shown_ids(app) == ["RPT-102"]
        else:
            assert len(shown_ids(app)) == ids


@pytest.mark.parametrize("size", [(80, 24), (120, 32)])
async def test_one_or_two_letters_keep_rows_and_say_keep_typing(language_store, size):
    app = ArchiveApp(language_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for typed, expected in [
            ("s", {"RPT-100", "RPT-102", "RPT-200", "XR-1"}),  # supply, the commonest word starting s
            ("su", {"RPT-100", "RPT-102", "RPT-200", "XR-1"}),
            ("sup", {"RPT-100", "RPT-102", "RPT-200", "XR-1"}),
        ]:
            await pilot.press(typed[-1]) if len(typed) > 1 else await pilot.press("slash", typed)
            await wait_for_listing(pilot, typed)
            assert expected <= set(shown_ids(app)), typed
            assert "fewer words" not in _on_screen(app)
        await pilot.press("ctrl+u", "q")
        await wait_for_listing(pilot, "q")
        assert len(shown_ids(app)) == 5  # no word starts with q: the list stays whole
        assert "no word starts with q" in _on_screen(app)
