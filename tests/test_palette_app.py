"""The command palette on every screen, and how the app ends on a fault.

Every command the palette offers on a screen works there (runs without a fault,
through ``App.run_action`` as its key would), each is offered once, and keys
typed while the app quits do nothing. An unexpected error ends the app with
status 1 and one line naming the log that holds its traceback.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from tui_archive.core import locations
from tui_archive.core.errors import ArchiveError
from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.error import ErrorScreen
from tui_archive.ui.screens.export import ExportScreen
from tui_archive.ui.screens.goto import GotoScreen
from tui_archive.ui.screens.help import HelpScreen
from tui_archive.ui.screens.history import HistoryScreen
from tui_archive.ui.screens.report import ReportScreen

from .helpers import notifications, settle, wait_for, wait_for_listing

pytestmark = pytest.mark.app

SCREENS = {
    "browse": ([], BrowseScreen),
    "report": (["enter"], ReportScreen),
    "help": (["question_mark"], HelpScreen),
    "history": (["h"], HistoryScreen),
    "export": (["e"], ExportScreen),
    "goto": (["colon"], GotoScreen),
    "error": ([], ErrorScreen),
}


def _app(archive_path, screen: str) -> ArchiveApp:
    app = ArchiveApp(Store(archive_path))
    if screen == "error":  # the archive cannot be read at all: the error screen instead of the list

        def unreadable() -> str:
            raise ArchiveError("the archive file is damaged")

        app.store.name = unreadable  # type: ignore[method-assign]
    return app


async def _open(pilot, app: ArchiveApp, screen: str) -> None:
    keys, kind = SCREENS[screen]
    if screen != "error":
        await wait_for_listing(pilot)
    await pilot.press(*keys)
    await wait_for(pilot, lambda: isinstance(app.screen, kind), what=f"the {screen} screen")
    await settle(pilot)


async def _titles(archive_path, screen: str) -> list[str]:
    app = _app(archive_path, screen)
    async with app.run_test(size=(120, 32)) as pilot:
        await _open(pilot, app, screen)
        return [command.title for command in app.get_system_commands(app.screen)]


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_every_palette_command_works_on_every_screen(archive_path, tmp_path, monkeypatch, screen):
    monkeypatch.chdir(tmp_path)  # the Screenshot command saves a file here
    monkeypatch.setattr("pyperclip.copy", lambda text: None)
    monkeypatch.setattr("tui_archive.ui.actions.browser_available", lambda: False)
    titles = await _titles(archive_path, screen)
    assert len(titles) == len(set(titles)), f"offered twice on the {screen} screen: {titles}"
    assert "Quit" in titles
    assert ("Help" in titles) == (screen not in ("help", "error"))
    for title in titles:
        app = _app(archive_path, screen)
        async with app.run_test(size=(120, 32)) as pilot:  # (a fault would be raised here)
            await _open(pilot, app, screen)
            before = app.screen
            app.action_command_palette()
            await wait_for(pilot, lambda app=app: isinstance(app.screen, CommandPalette), what="the palette")
            await pilot.press(*title)
            commands = app.screen.query_one(CommandList)

            def chosen(commands=commands, title=title) -> bool:
                option = commands.highlighted_option
                return option is not None and str(option.prompt).split("\n")[0].strip() == title

            for _ in range(len(titles)):  # the best match first; else down to the command itself
                await wait_for(pilot, lambda commands=commands: commands.highlighted_option is not None)
                if chosen():
                    break
                await pilot.press("down")
                await pilot.pause()
            assert chosen(), f"{title} is not offered in the palette on the {screen} screen"
            await pilot.press("enter")
            await settle(pilot)
            if title == "Screenshot":  # saved a moment after it is chosen
                await wait_for(pilot, lambda: any(tmp_path.glob("*.svg")), what="the screenshot file")
                for shot in tmp_path.glob("*.svg"):
                    assert "</svg>" in shot.read_text(encoding="utf-8")
                    shot.unlink()
            if title == "Quit":
                assert not app.is_running
                assert app.return_code == 0
                continue
            assert app.is_running, title
            if title == "Close help" or title.startswith("Cancel") or title in ("Close history", "Back to list"):
                assert app.screen is not before, f"{title} did nothing on the {screen} screen"
        assert app.crash_message is None


async def test_a_screenshot_due_as_the_app_closes_is_not_taken(archive_path, tmp_path, monkeypatch):
    """Screenshot chosen just before quitting: the app ends quietly, with no file half-drawn."""
    monkeypatch.chdir(tmp_path)
    app = ArchiveApp(Store(archive_path))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, GotoScreen), what="the goto screen")
    assert app.deliver_screenshot() is None  # the palette's timer, firing after the screens went
    assert not list(tmp_path.glob("*.svg"))
    assert app.crash_message is None


async def _screenshot(app: ArchiveApp, pilot) -> None:
    """Screenshot from the palette, as a user chooses it."""
    await wait_for_listing(pilot)
    app.action_command_palette()
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*"Screenshot")
    commands = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: commands.highlighted_option is not None, what="the command")
    title, help_text = str(commands.highlighted_option.prompt).split("\n")[:2]
    assert (title.strip(), help_text.strip()) == (
        "Screenshot",
        "Save an SVG picture of the screen in the current directory",
    )
    await pilot.press("enter")


async def test_a_screenshot_is_saved_in_the_current_directory_and_says_where(archive_path, tmp_path, monkeypatch):
    """As exports are; an archive titled with markup and a slash names neither the file nor breaks the notice."""
    store = Store(archive_path)
    store.set_name("[/x] ../[b]Bold $text")
    monkeypatch.chdir(tmp_path)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await _screenshot(app, pilot)
        await wait_for(pilot, lambda: any("Screenshot saved" in n for n in notifications(app)), what="the notice")
        shots = list(tmp_path.glob("tui-archive-*.svg"))
        assert len(shots) == 1
        assert f"Screenshot saved as {shots[0]}" in notifications(app)
        svg = shots[0].read_text(encoding="utf-8")
        assert "</svg>" in svg and "RPT-" in svg
    assert app.crash_message is None
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".svg"] == [shots[0].name]


async def test_a_screenshot_that_cannot_be_saved_says_why(archive_path, tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()  # the directory the app was started in was removed
    app = ArchiveApp(Store(archive_path))
    async with app.run_test(size=(120, 32)) as pilot:
        await _screenshot(app, pilot)
        await wait_for(pilot, lambda: any("screenshot" in n for n in notifications(app)), what="the notice")
        assert notifications(app) == ["The screenshot was not saved: No such file or directory"]
        assert app.is_running
    assert app.crash_message is None


async def test_keys_typed_while_quitting_do_nothing(archive_path):
    app = ArchiveApp(Store(archive_path))
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        app.exit()  # as q does; the keys typed just after it arrive while the app closes
        assert await app.run_action("screen.export") is False
        for key in ("e", "h", "colon", "question_mark", "enter", "c"):
            await pilot.press(key)
        assert isinstance(app.screen, BrowseScreen)
    assert app.crash_message is None
    assert app.return_code == 0


async def test_an_unexpected_error_ends_the_app_with_status_1_and_a_log(archive_path, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(self) -> None:
        raise RuntimeError("a fault in the app")

    monkeypatch.setattr(BrowseScreen, "action_export", broken)
    app = ArchiveApp(Store(archive_path))
    with pytest.raises(RuntimeError, match="a fault in the app"):  # Pilot re-raises it for the test
        async with app.run_test(size=(120, 32)) as pilot:
            await wait_for_listing(pilot)
            await pilot.press("e")
            await pilot.pause()
    log = locations.crash_log()
    assert app.return_code == 1
    assert app.crash_message == (f"tui-archive stopped on an unexpected error (RuntimeError); the details are in {log}")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: a fault in the app" in text
