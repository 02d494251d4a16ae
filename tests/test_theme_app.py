"""Themes: the one chosen in the command palette is used again at the next start, a settings
file that cannot be used never stops the app, and light themes are legible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.color import Color
from rich.segment import Segment

from tui_archive.core.settings import SettingsFile
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp

from .helpers import notifications, screen_lines, settle, wait_for_listing

pytestmark = pytest.mark.app


async def choose_theme_in_palette(pilot, name: str) -> None:
    await pilot.press("ctrl+p", *"theme")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*name, "enter")
    await settle(pilot)


async def test_the_theme_chosen_is_the_theme_at_the_next_start(store: Store, tmp_path: Path):
    path = tmp_path / "config" / "tui-archive" / "settings.json"
    app = ArchiveApp(store, settings=SettingsFile(path))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        assert app.theme == "textual-dark"
        await choose_theme_in_palette(pilot, "textual-light")
        assert app.theme == "textual-light"
    assert json.loads(path.read_text(encoding="utf-8"))["theme"] == "textual-light"

    again = ArchiveApp(store, settings=SettingsFile(path))
    async with again.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        assert again.theme == "textual-light"
        assert "-light-mode" in again.classes
        assert not notifications(again)


@pytest.mark.parametrize(
    "content",
    [b'{"theme": ', b"\xff\xfe", b'["nord"]', b'{"theme": "no-such-theme"}', b'{"theme": 7}'],
    ids=["not JSON", "not UTF-8", "a list", "an unknown theme", "not a name"],
)
async def test_a_settings_file_that_cannot_be_used_is_said_once_and_the_app_runs(
    store: Store, tmp_path: Path, content: bytes
):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    app = ArchiveApp(store, settings=SettingsFile(path))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        assert app.theme == "textual-dark"
        said = [n for n in notifications(app) if "using the default theme" in n]
        assert len(said) == 1 and str(path) in said[0]
        await pilot.press("s", "enter")  # the app works as ever
        await settle(pilot)
        assert app.screen.query_one("#report-title")
        await pilot.press("escape")
        await choose_theme_in_palette(pilot, "nord")
        assert len([n for n in notifications(app) if "using the default theme" in n]) == 1
    assert SettingsFile(path).load().theme == "nord"


async def test_a_theme_that_cannot_be_remembered_is_said_once(store: Store, tmp_path: Path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the config folder should be", encoding="utf-8")
    app = ArchiveApp(store, settings=SettingsFile(blocker / "tui-archive" / "settings.json"))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await choose_theme_in_palette(pilot, "nord")
        await choose_theme_in_palette(pilot, "gruvbox")
        assert app.theme == "gruvbox"  # chosen, for this session
        said = [n for n in notifications(app) if "theme not remembered" in n]
        assert len(said) == 1


# -- legible in every light theme ------------------------------------------------------------


def contrast(one: Color, other: Color) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""

    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = color.get_truecolor()
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def drawn_over(app: ArchiveApp, text: str) -> list[Segment]:
    """The segments that draw ``text`` where it first is on screen."""
    for strip in app.screen._compositor.render_strips():
        segments = list(strip)
        start = "".join(segment.text for segment in segments).find(text)
        if start < 0:
            continue
        over, x = [], 0
        for segment in segments:
            end = x + len(segment.text)
            if end > start and x < start + len(text):
                over.append(segment)
            x = end
        return over
    raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(screen_lines(app)))


def worst_contrast(app: ArchiveApp, text: str) -> float:
    """The lowest contrast of the characters of ``text`` (the first place it is on screen)."""
    ratios = []
    for segment in drawn_over(app, text):
        if segment.text.strip() and segment.style is not None:
            style = segment.style
            assert style.color is not None and style.bgcolor is not None, (text, style)
            ratios.append(contrast(style.color, style.bgcolor))
    return min(ratios)


LIGHT_THEMES = ["textual-light", "catppuccin-latte", "solarized-light", "rose-pine-dawn", "atom-one-light"]


@pytest.mark.parametrize("theme", LIGHT_THEMES)
async def test_light_themes_are_legible(store: Store, theme: str):
    """Titles, the sorted column's header, the report's facts and the hints read as well as the
    theme's own text does, or at 4.5:1 (WCAG AA), whichever is less."""
    app = ArchiveApp(store)
    async with app.run_test(size=(160, 32)) as pilot:
        app.theme = theme
        await wait_for_listing(pilot)
        body = worst_contrast(app, "Rare Earths    2026")  # a row of the table: the theme's own text
        wanted = min(4.5, body)
        checks = {
            "the sorted header": "Date ▼",
            "the detail pane's title": "Rare Earth Midstream Power",
            "the detail pane's facts": "RPT-1045 · Rare Earths",
            "the status line": "sorted by Date",
        }
        for what, text in checks.items():
            assert worst_contrast(app, text) >= wanted, what
        await pilot.press("slash", *"views:abc rare")
        await wait_for_listing(pilot, "views:abc rare")
        hint = app.screen.listing.query.hints[0]
        assert worst_contrast(app, hint[:30]) >= wanted, "a hint in the status line"
        await pilot.press("escape", "ctrl+u")
        await wait_for_listing(pilot, "")
        await pilot.press("enter")
        await settle(pilot)
        assert worst_contrast(app, "Rare Earth Midstream Power") >= wanted, "the report's title"
        assert worst_contrast(app, "RPT-1045 · Rare Earths") >= wanted, "the report's facts"
        await pilot.press("escape", "colon", "enter")
        await settle(pilot)
        assert worst_contrast(app, "a row number, or a report") >= wanted, "the go-to dialog's hint"


def drawn_colours(app: ArchiveApp, text: str) -> tuple[object, object]:
    """The colour and background of the first character of ``text`` where the screen draws it."""
    style = drawn_over(app, text)[0].style
    assert style is not None
    return style.color, style.bgcolor


async def open_first_report(pilot) -> str:
    """Enter on the list's first row; the report's title, once its screen shows it."""
    from tui_archive.ui.screens.report import ReportScreen

    await pilot.press("home", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReportScreen)
    return pilot.app.screen.report.title


async def test_a_theme_chosen_between_two_reports_colours_the_second(store: Store, tmp_path: Path):
    """The list keeps one report screen for every report it opens: a theme chosen while it is
    closed reaches it, as if it were built anew in that theme."""
    app = ArchiveApp(store, settings=SettingsFile(tmp_path / "one.json"))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        title = await open_first_report(pilot)
        dark = drawn_colours(app, title)
        await pilot.press("escape")
        await settle(pilot)
        await choose_theme_in_palette(pilot, "textual-light")
        assert await open_first_report(pilot) == title
        again = drawn_colours(app, title)
        await pilot.press("escape")
        await settle(pilot)
        await choose_theme_in_palette(pilot, "textual-dark")
        await open_first_report(pilot)
        assert drawn_colours(app, title) == dark

    settings = SettingsFile(tmp_path / "light.json")
    settings.save_theme("textual-light")
    fresh = ArchiveApp(store, settings=settings)
    async with fresh.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await open_first_report(pilot)
        light = drawn_colours(fresh, title)
    assert again == light != dark
