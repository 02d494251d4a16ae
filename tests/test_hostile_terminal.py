"""Archive data other programs wrote, and a fault, in a real terminal (tmux) with the installed command.

A 10 MB field in every column opens and closes at a screenful's cost, and the app
quits with status 0; a fault ends the app with status 1 and one line naming the
log, never a traceback on the terminal.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.terminal]

if shutil.which("tmux") is None:
    if os.environ.get("CI"):
        pytest.fail("tmux is required in CI (.ci/run installs it)", pytrace=False)
    pytestmark.append(pytest.mark.skip(reason="tmux is not installed"))

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"
DEADLINE = 30.0


class Tmux:
    """One private tmux server running one command; its exit status is written to a file."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"tui-archive-hostile-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.exit_file = tmp_path / "exit-status"
        hidden = {"DISPLAY", "WAYLAND_DISPLAY", "TMUX", "COLUMNS", "LINES"}
        self.env = {key: value for key, value in os.environ.items() if key not in hidden}
        self.env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
        self.env.setdefault("TERM", "xterm-256color")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env, capture_output=True, text=True, timeout=DEADLINE,
        )  # fmt: skip
        return result.stdout

    def start(self, command: list[str]) -> None:
        line = " ".join(shlex.quote(part) for part in command)
        script = f"{line}; echo EXIT=$? > {shlex.quote(str(self.exit_file))}; sleep 60"
        self.tmux("new-session", "-d", "-x", "120", "-y", "32", "sh", "-c", script)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J")  # (-J: a line the terminal wrapped, joined)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + DEADLINE
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{text}")
            time.sleep(0.1)

    def exit_status(self) -> str | None:
        try:
            return self.exit_file.read_text().strip()
        except FileNotFoundError:
            return None

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    terminal = Tmux(tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()


def test_ten_megabyte_fields_open_and_quit_in_a_real_terminal(tmux: Tmux, huge_archive: Path, tmp_path: Path):
    path = tmp_path / "huge.db"
    shutil.copyfile(huge_archive, path)
    tmux.start([str(CONSOLE_SCRIPT), "--db", str(path)])
    tmux.wait_for(lambda s: "8 reports" in s, "the list")
    for _ in range(8):
        tmux.tmux("send-keys", "Enter")
        tmux.wait_for(lambda s: "Back to list" in s, "the report screen")
        tmux.tmux("send-keys", "Escape")
        tmux.wait_for(lambda s: "Back to list" not in s and "Search titles" in s, "the list again")
        tmux.tmux("send-keys", "Down")
    tmux.tmux("send-keys", "q")
    deadline = time.monotonic() + DEADLINE
    while tmux.exit_status() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tmux.exit_status() == "EXIT=0"
    assert "Traceback" not in tmux.screen()


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


def test_a_fault_ends_the_app_with_status_1_and_one_line_naming_the_log(tmux: Tmux, archive_path: Path, tmp_path):
    # The program as installed, with one action made to fail (as a bug would).
    tmux.start([sys.executable, "-c", FAULT, str(archive_path)])
    tmux.wait_for(lambda s: "4 reports" in s, "the list")
    tmux.tmux("send-keys", "e")
    deadline = time.monotonic() + DEADLINE
    while tmux.exit_status() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tmux.exit_status() == "EXIT=1"
    screen = tmux.screen()
    log = tmp_path / "state" / "tui-archive" / "log" / "crash.log"
    assert f"tui-archive stopped on an unexpected error (RuntimeError); the details are in {log}\n" in screen
    assert "Traceback" not in screen
    assert "RuntimeError: a fault in the app" in log.read_text(encoding="utf-8")
