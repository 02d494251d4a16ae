"""The installed ``tui-archive`` command run as a process: its exit codes and its output streams."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui_archive.core.locations import ENV_VAR

from .helpers import SEED_IDS, views_in_file

pytestmark = pytest.mark.terminal


def _command() -> list[str]:
    beside = Path(sys.executable).parent / "tui-archive"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("tui-archive")
    return [found] if found else [sys.executable, "-m", "tui_archive"]


def test_installed_command_exit_codes(archive_path, not_sqlite, tmp_path):
    env = {key: value for key, value in os.environ.items() if key != ENV_VAR}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    (tmp_path / "cwd").mkdir()  # not the checkout: no ./archive.db to find

    def command(*args):
        return subprocess.run(
            [*_command(), *args], capture_output=True, text=True, cwd=tmp_path / "cwd", env=env, timeout=60
        )

    ok = command("search", "--json", "--db", str(archive_path))
    assert ok.returncode == 0, ok.stderr
    assert [r["id"] for r in json.loads(ok.stdout)] == SEED_IDS

    shown = command("show", "RPT-363", "--db", str(archive_path))
    assert shown.returncode == 0, shown.stderr
    assert views_in_file(archive_path, "RPT-363") == 1

    missing = command("show", "NOPE", "--db", str(archive_path))
    assert missing.returncode == 1
    assert "NOPE" in missing.stderr and "Traceback" not in missing.stderr

    broken = command("search", "--db", str(not_sqlite))
    assert broken.returncode == 1
    assert "not an SQLite archive" in broken.stderr and "Traceback" not in broken.stderr
