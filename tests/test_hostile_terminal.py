"""Archive data other programs wrote, and a fault, in a real terminal (tmux) with the installed command.

A 10 MB field in every column opens and closes at a screenful's cost, and the app
quits with status 0; a fault ends the app with status 1 and one line naming the
log, never a traceback on the terminal.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from .helpers import CONSOLE_SCRIPT, Terminal, tmux_marks

pytestmark = [pytest.mark.terminal, *tmux_marks()]


def test_ten_megabyte_fields_open_and_quit_in_a_real_terminal(terminal: Terminal, huge_archive: Path, tmp_path: Path):
    path = tmp_path / "huge.db"
    shutil.copyfile(huge_archive, path)
    terminal.run([str(CONSOLE_SCRIPT), "--db", str(path)], linger=True)
    terminal.wait_for(lambda s: "8 reports" in s, "the list")
    for _ in range(8):
        terminal.keys("Enter")
        terminal.wait_for(lambda s: "Back to list" in s, "the report screen")
        terminal.keys("Escape")
        terminal.wait_for(lambda s: "Back to list" not in s and "Search titles" in s, "the list again")
        terminal.keys("Down")
    terminal.keys("q")
    assert terminal.wait_for_exit() == "EXIT=0"
    assert "Traceback" not in terminal.screen(joined=True)


FAULT = """
import sys
from tui_archive.ui.screens.browse import BrowseScreen
def broken(self):
    raise RuntimeError("a fault in the app")
BrowseScreen.action_export = broken
from tui_archive.cli import main
sys.argv = ["tui-archive", "--db", sys.argv[1]]
main()
"""


def test_a_fault_ends_the_app_with_status_1_and_one_line_naming_the_log(
    terminal: Terminal, archive_path: Path, tmp_path: Path
):
    # The program as installed, with one action made to fail (as a bug would).
    terminal.run([sys.executable, "-c", FAULT, str(archive_path)], linger=True)
    terminal.wait_for(lambda s: "4 reports" in s, "the list")
    terminal.keys("e")
    assert terminal.wait_for_exit() == "EXIT=1"
    screen = terminal.screen(joined=True)
    log = tmp_path / "state" / "tui-archive" / "log" / "crash.log"
    assert f"tui-archive stopped on an unexpected error (RuntimeError); the details are in {log}\n" in screen
    assert "Traceback" not in screen
    assert "RuntimeError: a fault in the app" in log.read_text(encoding="utf-8")
