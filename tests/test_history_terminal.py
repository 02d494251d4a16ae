"""History shared by sessions running at once, in real processes: no visit lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui_archive.core.history import History

pytestmark = pytest.mark.terminal

ADD_SCRIPT = """
import sys
from tui_archive.core.history import History
history = History(sys.argv[1], __import__("pathlib").Path(sys.argv[2]))
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # both start adding at once
for n in range(int(sys.argv[4])):
    history.add(f"{sys.argv[3]}-{n}", f"Report {n}")
"""


def test_two_sessions_adding_at_once_keep_every_visit(tmp_path: Path):
    path = tmp_path / "data" / "history.json"
    archive = tmp_path / "archive.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADD_SCRIPT, str(archive), str(path), prefix, "50"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("A", "B")
    ]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    ids = [visit.id for visit in History(archive, path).visits()]
    assert sorted(ids) == sorted([f"A-{n}" for n in range(50)] + [f"B-{n}" for n in range(50)])
    # Each session's own visits stay newest first.
    for prefix in ("A", "B"):
        mine = [int(i.split("-")[1]) for i in ids if i.startswith(prefix)]
        assert mine == sorted(mine, reverse=True)
