"""A read-only archive in a read-only folder, browsed by another user's process: nothing written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .helpers import COMMITTED_ARCHIVE

pytestmark = pytest.mark.terminal


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


@pytest.fixture
def readonly_dir(tmp_path_factory):
    """A read-only directory holding a read-only copy of the archive (WAL mode, no -shm)."""
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only")
    base = Path(tempfile.mkdtemp(prefix="tui-archive-ro-"))  # outside pytest's private (0700) folder
    base.chmod(0o755)
    folder = base / "shared"
    folder.mkdir()
    shutil.copyfile(COMMITTED_ARCHIVE, folder / "archive.db")
    (folder / "archive.db").chmod(0o444)
    folder.chmod(0o555)
    yield prefix, folder / "archive.db"
    folder.chmod(0o755)
    shutil.rmtree(base)


def test_readonly_archive_in_readonly_directory_can_be_browsed(readonly_dir):
    prefix, path = readonly_dir
    before = path.read_bytes()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

    def cli_run(*args):
        return subprocess.run(
            [*prefix, sys.executable, "-m", "tui_archive", *args, "--db", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd="/",
        )

    proc = cli_run("search", "magnet")
    assert proc.returncode == 0, proc.stderr
    assert "RPT-1279" in proc.stdout
    proc = cli_run("show", "RPT-280")
    assert proc.returncode == 0, proc.stderr
    assert "read-only: this view was not counted" in proc.stderr
    assert "1 view" in proc.stdout
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["archive.db"]


def test_a_readonly_archive_whose_index_was_dropped_says_what_to_run(tmp_path_factory):
    """Another user's process on a read-only copy whose full-text index another program dropped:
    one line naming the file and the command to run, exit 1, nothing written anywhere."""
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only")
    base = Path(tempfile.mkdtemp(prefix="tui-archive-ro-"))
    base.chmod(0o755)
    folder = base / "shared"
    folder.mkdir()
    path = folder / "archive.db"
    shutil.copyfile(COMMITTED_ARCHIVE, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "DROP TABLE reports_fts; DROP TRIGGER reports_ai; DROP TRIGGER reports_ad; DROP TRIGGER reports_au;"
    )
    conn.close()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        before = path.read_bytes()
        for args in (["search", "magnet"], ["show", "RPT-280"]):
            proc = subprocess.run(
                [*prefix, sys.executable, "-m", "tui_archive", *args, "--db", str(path)],
                capture_output=True,
                text=True,
                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
                timeout=60,
                cwd="/",
            )
            assert proc.returncode == 1
            assert proc.stdout == "" and "Traceback" not in proc.stderr
            assert proc.stderr.strip() == (
                f"Error: {path}: its full-text index is missing (another program dropped it), and it is read-only:"
                f" someone who may write to it should run tui-archive repair --db {path}"
            )
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["archive.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)
