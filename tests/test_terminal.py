"""The installed ``tui-archive`` console script in a real terminal (tmux), as over SSH.

Each test runs its own tmux server (``tmux -L <unique socket>``), never the
default one, with DISPLAY unset so there is no system clipboard: ``y`` has to
go through OSC 52, which tmux (``set-clipboard on``) puts in its paste buffer.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .helpers import CONSOLE_SCRIPT, Terminal, footer, table_ids, tmux_marks, toasts, views_in_file

pytestmark = [pytest.mark.terminal, *tmux_marks()]


@pytest.mark.parametrize("setting", ["on", "off", "external"])
def test_y_over_ssh_says_copied_only_when_tmux_takes_it(terminal: Terminal, archive_path: Path, setting: str):
    """DISPLAY unset: the ID goes by OSC 52; tmux's set-clipboard decides whether it arrives, and the app says which."""
    terminal.start(["--db", str(archive_path)], clipboard=setting)
    terminal.wait_for(lambda s: "4 reports" in s and "y Copy ID" in footer(s), "the list")
    terminal.keys("y")
    said = terminal.wait_for(lambda s: "RPT-1045" in toasts(s), "the copy notification")
    if setting == "on":
        assert "Copied RPT-1045 to tmux's paste buffer (OSC 52)" in toasts(said)
        terminal.wait_until(lambda: terminal.buffer() == "RPT-1045", "the ID in tmux's paste buffer")
    else:
        drops = f"Sent RPT-1045 by OSC 52, but tmux drops it (set-clipboard {setting})"
        assert f"{drops}: run tmux set -s set-clipboard on" in toasts(said)
        assert "Copied" not in toasts(said)
        time.sleep(0.5)
        assert terminal.buffer() == ""  # dropped indeed
    terminal.keys("q")
    terminal.wait_until(lambda: terminal.exit_status() is not None, "the app to exit")


def test_search_access_copy_quit_over_ssh(terminal: Terminal, archive_path: Path):
    before = views_in_file(archive_path, "RPT-1045")
    terminal.start(["--db", str(archive_path)])
    terminal.wait_for(
        lambda s: "4 reports" in s and "RPT-280" in s and "y Copy ID" in footer(s), "the four reports, in focus"
    )

    terminal.keys("/")
    terminal.wait_for(
        lambda s: "y Copy ID" not in footer(s) and "/ Search" in footer(s), "the search box to take the keys"
    )
    terminal.type("Malaysian")
    screen = terminal.wait_for(lambda s: "1 of 4 match 'Malaysian'" in s, "the search result")
    assert table_ids(screen)[:1] == ["RPT-1045"]
    assert "RPT-1279" not in screen

    terminal.keys("Enter")  # from the search box to the list
    terminal.wait_for(lambda s: "y Copy ID" in footer(s), "the list to take the keys")
    terminal.keys("Enter")  # ACCESS
    terminal.wait_for(lambda s: "Back to list" in s and "1 view" in s, "the report screen")
    terminal.wait_until(lambda: views_in_file(archive_path, "RPT-1045") == before + 1, "the view to be counted")

    terminal.keys("y")
    terminal.wait_for(lambda s: "Copied RPT-1045 to tmux's paste buffer" in toasts(s), "the copy notification")
    terminal.wait_until(lambda: terminal.buffer() == "RPT-1045", "the ID in tmux's paste buffer")

    terminal.keys("q")
    terminal.wait_until(lambda: terminal.exit_status() is not None, "the app to exit")
    assert terminal.exit_status() == "EXIT=0"
    assert views_in_file(archive_path, "RPT-1045") == before + 1
    history = terminal.tmp_path / "data" / "tui-archive" / "history.json"
    assert "RPT-1045" in history.read_text(encoding="utf-8")


def test_a_burst_over_ssh_acts_on_the_results_of_the_text_typed(terminal: Terminal, big_archive: Path):
    """Search, Enter and a key in one write to the terminal, as an SSH connection delivers fast typing."""
    archive = terminal.tmp_path / "big.db"
    shutil.copy(big_archive, archive)
    terminal.start(["--db", str(archive)])
    terminal.wait_for(lambda s: "50,000 reports" in s and "y Copy ID" in footer(s), "the list, in focus")

    terminal.keys("/", "id:R-025000", "Enter", "y")  # one send-keys: one burst
    terminal.wait_until(lambda: terminal.buffer() == "R-025000", "the searched report's ID in tmux's paste buffer")
    screen = terminal.wait_for(lambda s: "Copied R-025000" in s, "the copy notification")
    assert table_ids(screen, "R-") == ["R-025000"]

    terminal.keys("/", "C-u", "rareword", "Enter", "Enter")  # search and ACCESS, in one burst
    screen = terminal.wait_for(lambda s: "Back to list" in s, "the report screen")
    opened = next(word for word in screen.split() if word.startswith("R-0"))
    assert int(opened[2:]) % 5000 == 0, f"{opened} does not contain 'rareword'"
    terminal.wait_until(lambda: views_in_file(archive, opened) == int(opened[2:]) % 101 + 1, "its view counted")


def test_escape_at_the_start_of_a_burst_is_escape(terminal: Terminal, archive_path: Path):
    """Escape, then a search, Enter, Enter and y, in one write: the report closes and the search's
    report is opened and copied, as when typed slowly (ESC and ``/`` in one read are not Alt+/)."""
    before = views_in_file(archive_path, "RPT-280")
    terminal.start(["--db", str(archive_path)])
    terminal.wait_for(lambda s: "4 reports" in s and "y Copy ID" in footer(s), "the list, in focus")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Back to list" in s and "RPT-1045" in s, "RPT-1045 open")

    terminal.keys("Escape", "/", "id:RPT-280", "Enter", "Enter", "y")  # one send-keys: one burst
    terminal.wait_until(lambda: terminal.buffer() == "RPT-280", "RPT-280 in tmux's paste buffer")
    screen = terminal.wait_for(lambda s: "Copied RPT-280" in toasts(s), "the copy notification")
    assert "Back to list" in footer(screen) and "RPT-280 · Rare Earths" in screen
    terminal.wait_until(lambda: views_in_file(archive_path, "RPT-280") == before + 1, "its view counted")

    terminal.keys("Escape", "q")  # and Escape then a key that is no sequence: back to the list, then quit
    assert terminal.wait_for_exit() == "EXIT=0"


def test_80x24_shows_rows_and_detail(terminal: Terminal, archive_path: Path):
    terminal.start(["--db", str(archive_path)], width=80, height=24)
    screen = terminal.wait_for(
        lambda s: "4 reports" in s and "RPT-280" in s and "Malaysian" in s and "⏎ Access" in footer(s),
        "the four reports and the detail, the list in focus",
    )
    lines = screen.splitlines()
    assert len(lines) == 24
    assert all(len(line) <= 80 for line in lines)
    # The table's rows, then (under them, not beside) the detail pane's meta line.
    assert table_ids(screen)[:4] == ["RPT-1045", "RPT-1279", "RPT-363", "RPT-280"]
    last_row = next(i for i, line in enumerate(lines) if "RPT-280" in line)
    meta = next(i for i, line in enumerate(lines) if "RPT-1045 · Rare Earths · 2026-02-12" in line)
    assert meta > last_row
    assert any("Malaysian" in line for line in lines[meta:])
    terminal.keys("q")
    terminal.wait_until(lambda: terminal.exit_status() is not None, "the app to exit")
    assert terminal.exit_status() == "EXIT=0"


def row_of(screen: str, report_id: str) -> str:
    """The table's row for ``report_id``, without the detail pane beside it."""
    line = next((line for line in screen.splitlines() if f" {report_id} " in line.replace("▊", " ")), "")
    return line.split("▎")[0].rstrip()


def test_the_open_app_keeps_up_with_another_terminal(terminal: Terminal, archive_path: Path, tmp_path: Path):
    """Views counted and reports imported from a shell reach the open app; the highlight stays; R shows the new."""
    terminal.start(["--db", str(archive_path)])
    terminal.wait_for(lambda s: "4 reports" in s and "y Copy ID" in footer(s), "the list, in focus")
    terminal.keys("Down", "Down")
    terminal.wait_for(lambda s: "row 3 of 4 reports" in s, "the third row highlighted")
    highlighted = table_ids(terminal.screen())[2]
    other = next(id for id in table_ids(terminal.screen()) if id != highlighted)
    views = views_in_file(archive_path, other)
    shell = [str(CONSOLE_SCRIPT), "--db", str(archive_path)]
    subprocess.run([*shell, "show", other], check=True, capture_output=True)
    screen = terminal.wait_for(lambda s: row_of(s, other).endswith(f" {views + 1}"), "the new count")
    assert "row 3 of 4 reports" in screen and table_ids(screen)[2] == highlighted

    new = tmp_path / "new.json"
    new.write_text('[{"id": "RPT-9001", "title": "Lithium brine output", "date": "2099-01-01"}]', encoding="utf-8")
    subprocess.run([*shell, "import", str(new)], check=True, capture_output=True)
    screen = terminal.wait_for(lambda s: "1 new report: R shows it" in s, "the announcement")
    assert "RPT-9001" not in table_ids(screen)
    terminal.keys("R")
    screen = terminal.wait_for(lambda s: "RPT-9001" in table_ids(s), "the new report listed")
    assert "row 4 of 5 reports" in screen  # still on the same report, one row down
    assert table_ids(screen)[3] == highlighted
    terminal.keys("q")
    assert terminal.wait_for_exit() == "EXIT=0"


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 20)])
def test_small_terminal_footer_keeps_quit_and_help(terminal: Terminal, archive_path: Path, width: int, height: int):
    """With the facets open (the most keys in the footer), q Quit and ? Help are still there, and
    the search box still takes what is typed."""
    terminal.start(["--db", str(archive_path)], width=width, height=height)
    terminal.wait_for(lambda s: "RPT-280" in s and "⏎ Access" in footer(s), "the list, in focus")
    terminal.keys("f")
    screen = terminal.wait_for(lambda s: "Choose category" in footer(s), "the facets panel's keys in the footer")
    assert "q Quit" in footer(screen) and "? Help" in footer(screen), footer(screen)
    assert all(len(line) <= width for line in screen.splitlines())
    terminal.keys("f", "/")
    terminal.type("magnet supply")
    terminal.wait_for(lambda s: "magnet supply" in s, "the text typed in the search box")
    terminal.keys("Escape")
    screen = terminal.wait_for(lambda s: "⏎ Access" in footer(s), "the list's keys again")
    assert "q Quit" in footer(screen) and "? Help" in footer(screen), footer(screen)
    terminal.keys("?")
    terminal.wait_for(lambda s: "Everywhere" in s, "the help screen, from the key the footer shows")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Everywhere" not in s, "the help screen to close")
    terminal.keys("q")
    terminal.wait_until(lambda: terminal.exit_status() is not None, "the app to exit")
    assert terminal.exit_status() == "EXIT=0"
