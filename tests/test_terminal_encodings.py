"""Terminals that cannot show UTF-8: the commands degrade, the app says what it needs; no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .helpers import assert_inert

pytestmark = pytest.mark.terminal


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_cli_in_a_narrow_encoding_degrades_without_crashing(hostile_store, encoding):
    env = dict(os.environ, PYTHONIOENCODING=encoding, LANG="C", LC_ALL="C")
    for args in (["search", "--limit", "10"], ["show", "H-WIDE-漢字", "--no-count"], ["search", "--json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tui_archive", *args, "--db", str(hostile_store.path)],
            capture_output=True,
            env=env,
            timeout=30,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        assert b"Traceback" not in proc.stderr
        assert_inert(proc.stdout.decode("utf-8", errors="replace"))


def test_app_in_a_non_utf8_terminal_says_so(archive_path):
    env = dict(os.environ, PYTHONIOENCODING="ascii", LANG="C", LC_ALL="C")
    proc = subprocess.run(
        [sys.executable, "-m", "tui_archive", "--db", str(archive_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1
    assert "needs a UTF-8 terminal" in proc.stderr
    assert "Traceback" not in proc.stderr
