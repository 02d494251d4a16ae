"""``o``: a report's link in a browser where there is one, copied where there is not."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pyperclip
import pytest

from tui_archive.ui import actions as links
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.report import ReportScreen

from .helpers import make_store, notifications, screen_lines, screen_text, settle

pytestmark = pytest.mark.app

URL = "https://example.org/reports/a-1"


@pytest.fixture
def linked_store(tmp_path: Path):
    store = make_store(
        tmp_path / "links.db",
        [
            {"id": "A-1", "title": "With a link", "date": "2024-03-01", "url": URL},
            {"id": "A-2", "title": "Without a link", "date": "2024-02-01"},
            {"id": "A-3", "title": "A file link", "date": "2024-01-01", "url": "file:///etc/passwd"},
        ],
    )
    yield store
    store.close()


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    urls: list[str] = []

    def fake_open(url: str, new: int = 0, autoraise: bool = True) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return urls


@pytest.fixture
def copied(monkeypatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", texts.append)
    return texts


async def test_o_opens_the_link_where_there_is_a_browser(linked_store, opened, copied, monkeypatch):
    monkeypatch.setattr(links, "browser_available", lambda: True)
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == [URL]
        assert copied == []
        assert f"Opened {URL} in the browser" in notifications(app)


async def test_o_copies_the_link_over_ssh(linked_store, opened, copied, monkeypatch):
    monkeypatch.setattr(links, "browser_available", lambda: False)
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert copied == [URL]
        assert f"Copied link {URL} to the clipboard (no browser here)" in notifications(app)


async def test_o_on_the_report_screen(linked_store, opened, copied, monkeypatch):
    monkeypatch.setattr(links, "browser_available", lambda: False)
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("o")
        await pilot.pause()
        assert copied == [URL]


async def test_o_without_a_link_says_so(linked_store, opened, copied, monkeypatch):
    monkeypatch.setattr(links, "browser_available", lambda: True)
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down", "o")
        await pilot.pause()
        assert opened == [] and copied == []
        assert "This report has no link" in notifications(app)


async def test_a_link_that_is_not_a_web_address_is_copied_not_opened(linked_store, opened, copied, monkeypatch):
    monkeypatch.setattr(links, "browser_available", lambda: True)
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("end", "o")
        await pilot.pause()
        assert opened == []
        assert copied == ["file:///etc/passwd"]
        assert any("not a web address" in message for message in notifications(app))


async def test_the_detail_pane_shows_the_link_and_the_report_screen_offers_o_only_with_one(linked_store):
    app = ArchiveApp(linked_store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        assert "o opens" in screen_text(app) and URL in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        assert "o opens" not in screen_text(app)  # A-2 has none
        for key, offered in (("up", True), ("down", False)):
            await pilot.press(key, "enter")
            await settle(pilot)
            assert isinstance(app.screen, ReportScreen)
            assert ("Open link" in screen_lines(app)[-1]) is offered
            await pilot.press("escape")
            await settle(pilot)
