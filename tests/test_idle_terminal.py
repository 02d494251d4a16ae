"""An idle app in a real terminal sleeps: while no key comes and nothing changes, none of its
threads wakes (Textual's own input thread woke ten times a second, which fifty sessions on a
shared server paid for together), and a key, even a lone escape, is still read at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .helpers import Terminal, tmux_marks

pytestmark = [pytest.mark.terminal, *tmux_marks()]


def _wakes(pid: int) -> int:
    """How many times the process's threads have gone to sleep (and so woken again), all told."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except FileNotFoundError:  # a thread that has just ended
            continue
        for line in status.splitlines():
            if line.startswith("voluntary_ctxt_switches"):  # each time a thread went to sleep
                total += int(line.split()[1])
    return total


def test_an_idle_app_does_not_wake_and_still_reads_a_lone_escape(archive_path, tmp_path):
    terminal = Terminal(tmp_path)
    terminal.start(["--db", str(archive_path)])
    try:
        terminal.wait_for(lambda screen: "row 1 of 4 reports" in screen, "the list")
        terminal.keys("/")
        terminal.type("rare")
        terminal.keys("Enter")
        terminal.wait_for(lambda screen: "4 of 4 match 'rare'" in screen, "the search")
        pid = terminal.app_pid()
        deadline = time.monotonic() + 30  # what the search set going ends (slowly on a busy machine)
        while True:
            before = _wakes(pid)
            time.sleep(3)
            woke = _wakes(pid) - before
            if woke <= 1:
                break
            assert time.monotonic() < deadline, f"the idle app kept waking: {woke} times in 3 s"
        terminal.keys("Escape")  # alone, after the long sleep: nothing follows it to end the sequence
        terminal.wait_for(lambda screen: "row 1 of 4 reports" in screen, "the search cleared by escape")
        terminal.keys("q")
        assert terminal.wait_for_exit() == "EXIT=0"
    finally:
        terminal.close()
