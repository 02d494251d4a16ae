"""Text that leaves the app through the installed command: pipes, files and terminals.

The human formats (the default listing, ``--format md``, ``show``) are inert
whatever stdout is. CSV and JSON are data: piped or written to a file they
keep what is stored (JSON escapes control characters itself, so it is inert
too); CSV written straight to a terminal is made inert, since no program
reads it there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui_archive.core.store import Store

from .samples import FORBIDDEN, HOSTILE, OSC52

pytestmark = pytest.mark.terminal

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"
ENV = dict(os.environ, LANG="C.UTF-8", PYTHONIOENCODING="utf-8")
ENV.pop("DISPLAY", None)

HUMAN = {
    "listing": ["search", "--limit", "100"],
    "listing with a query": ["search", "clip", "OR", "long", "OR", "bidi", "OR", "draft"],
    "markdown": ["search", "--format", "md", "--limit", "100"],
    "json": ["search", "--json", "--limit", "100"],
    **{f"show {record['id']!r}": ["show", record["id"]] for record in HOSTILE},
    **{f"show --json {record['id']!r}": ["show", "--json", "--no-count", record["id"]] for record in HOSTILE},
}


def tui_archive(store: Store, *args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), "--db", str(store.path), *args], env=ENV, timeout=60, check=False, **kwargs
    )


MATCH_MARK = re.compile(rb"\x1b\[1m\x1b\[4m([^\x1b]*)\x1b\[0m")


def assert_inert(data: bytes) -> None:
    text = data.decode("utf-8")
    found = sorted({repr(c) for c in FORBIDDEN if c in text} | {repr(c) for c in text if 0x80 <= ord(c) <= 0x9F})
    assert not found, found


@pytest.mark.parametrize("args", list(HUMAN.values()), ids=list(HUMAN))
def test_human_formats_are_inert_through_a_pipe(hostile_store: Store, args: list[str]):
    result = tui_archive(hostile_store, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert_inert(result.stdout)
    assert_inert(result.stderr)


@pytest.mark.parametrize("args", [HUMAN["listing"], HUMAN["markdown"], HUMAN["json"]])
def test_human_formats_are_inert_in_a_file(hostile_store: Store, tmp_path: Path, args: list[str]):
    target = tmp_path / "out.txt"
    with target.open("wb") as out:
        result = tui_archive(hostile_store, *args, stdout=out, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert_inert(target.read_bytes())


def test_csv_through_a_pipe_is_the_data_as_stored(hostile_store: Store):
    result = tui_archive(hostile_store, "search", "--format", "csv", "--limit", "100", stdout=subprocess.PIPE)
    assert result.returncode == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout.decode("utf-8"), newline=""))}
    assert rows == {record["id"]: {**dict.fromkeys(rows[record["id"]], ""), **_as_text(record)} for record in HOSTILE}
    assert OSC52.encode() in result.stdout  # faithful: what a program reading the CSV gets


def _as_text(record: dict) -> dict[str, str]:
    return {key: str(value) for key, value in {"views": 0, **record}.items()}


def test_json_through_a_pipe_is_the_data_as_stored_and_inert(hostile_store: Store):
    result = tui_archive(hostile_store, "search", "--json", "--limit", "100", stdout=subprocess.PIPE)
    assert {row["id"]: row["title"] for row in json.loads(result.stdout)} == {r["id"]: r["title"] for r in HOSTILE}
    assert_inert(result.stdout)


@pytest.mark.parametrize("args", [["search", "--format", "csv", "--limit", "100"], *HUMAN.values()])
def test_everything_written_to_a_terminal_is_inert(hostile_store: Store, args: list[str]):
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "--db", str(hostile_store.path), *args],
            stdout=secondary,
            stderr=secondary,
            stdin=subprocess.DEVNULL,
            env=ENV,
        )
        os.close(secondary)
        received = bytearray()
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            received += chunk
        assert process.wait(timeout=60) == 0, bytes(received)
    finally:
        os.close(main)
    assert received.strip()
    # The one escape sequence allowed on a terminal is the command's own mark for a word that matched
    # (bold and underlined), around text that holds none.
    assert_inert(MATCH_MARK.sub(rb"\1", bytes(received)))
