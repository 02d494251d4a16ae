"""Other programs open the archive file: the sqlite-utils command reads and searches it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.terminal

VENV_BIN = Path(sys.executable).parent


def _sqlite_utils_cli() -> str:
    candidate = VENV_BIN / "sqlite-utils"
    return str(candidate) if candidate.exists() else "sqlite-utils"


def test_sqlite_utils_cli_reads_the_archive(store):
    tables = subprocess.run(
        [_sqlite_utils_cli(), "tables", str(store.path)], capture_output=True, text=True, timeout=60
    )
    assert tables.returncode == 0, tables.stderr
    assert '"reports"' in tables.stdout and '"reports_fts"' in tables.stdout
    search = subprocess.run(
        [_sqlite_utils_cli(), "search", str(store.path), "reports", "Malaysian", "-c", "id"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert search.returncode == 0, search.stderr
    assert "RPT-1045" in search.stdout and "RPT-280" not in search.stdout
