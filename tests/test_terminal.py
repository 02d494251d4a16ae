"""The installed ``tui-archive`` console script in a real terminal (tmux), as over SSH.

Each test runs its own tmux server (``tmux -L <unique socket>``), never the
default one, with DISPLAY unset so there is no system clipboard: ``y`` has to
go through OSC 52, which tmux (``set-clipboard on``) puts in its paste buffer.
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

from .helpers import views_in_file

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"
DEADLINE = 20.0  # seconds to wait for anything to show up; CI machines can be slow

pytestmark = [pytest.mark.terminal]

if shutil.which("tmux") is None:
    if os.environ.get("CI"):
        pytest.fail("tmux is required in CI (.ci/run installs it)", pytrace=False)
    pytestmark.append(pytest.mark.skip(reason="tmux is not installed (CI installs it; apt-get install tmux)"))


class Terminal:
    """One private tmux server running one command in a window of a given size."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"tui-archive-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.exit_file = tmp_path / "exit-status"
        self.socket_path: str | None = None
        # No COLUMNS or LINES either: pytest-xdist sets them (80, 24) in its workers, and an
        # app that finds them takes them for the terminal's size instead of tmux's window.
        hidden = {"DISPLAY", "WAYLAND_DISPLAY", "TMUX", "COLUMNS", "LINES"}
        env = {key: value for key, value in os.environ.items() if key not in hidden}
        # Per-user files (history, the default archive) go to the test's own folder.
        env["XDG_DATA_HOME"] = str(tmp_path / "data")
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        env.setdefault("TERM", "xterm-256color")
        self.env = env

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, args: list[str], width: int = 120, height: int = 32) -> None:
        command = " ".join(shlex.quote(part) for part in [str(CONSOLE_SCRIPT), *args])
        script = f"{command}; echo EXIT=$? > {shlex.quote(str(self.exit_file))}"
        self.tmux(
            "new-session", "-d", "-x", str(width), "-y", str(height), "sh", "-c", script,
            ";", "set", "-s", "set-clipboard", "on",
        )  # fmt: skip
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", check=False)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``condition`` holds; fail with the last screen after the deadline."""
        deadline = time.monotonic() + DEADLINE
        while True:
            text = self.screen()
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{text}")
            time.sleep(0.1)

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def buffer(self) -> str:
        return self.tmux("show-buffer", check=False)

    def exit_status(self) -> str | None:
        try:
            return self.exit_file.read_text().strip()
        except FileNotFoundError:
            return None

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        if self.socket_path:  # the server leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    assert CONSOLE_SCRIPT.exists(), f"the console script is not installed at {CONSOLE_SCRIPT}"
    terminal = Terminal(tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()


def footer(screen: str) -> str:
    lines = screen.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


def table_ids(screen: str, prefix: str = "RPT-") -> list[str]:
    """The report IDs at the start of the table's rows, top to bottom."""
    ids = []
    for line in screen.splitlines():
        cells = line.replace("▊", " ").split()
        if cells and cells[0].startswith(prefix) and cells[1:2] != ["·"]:  # not the detail pane's facts
            ids.append(cells[0])
    return ids


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
    terminal.wait_for(lambda s: "Copied RPT-1045 to the terminal clipboard" in s, "the copy notification")
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
