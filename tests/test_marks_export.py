"""Export (tui_archive.core.export), reading a listing in windows, and ``search --format``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli
from tui_archive.core import export
from tui_archive.core.listing import Listing

from .helpers import SEED_IDS, make_store

pytestmark = pytest.mark.unit


def test_iter_listing_gives_the_listing_in_order_from_an_offset(tmp_path: Path):
    store = make_store(
        tmp_path / "many.db", [{"id": f"R-{n:03}", "title": f"Report {n}", "date": "2024-01-01"} for n in range(23)]
    )
    ids = [report.id for report in store.iter_listing(Listing(sort="id"), size=5)]
    assert ids == [f"R-{n:03}" for n in range(23)]
    assert [r.id for r in store.iter_listing(Listing(sort="id"), size=5, offset=3, limit=7)] == [
        f"R-{n:03}" for n in range(3, 10)
    ]
    assert [r.id for r in store.iter_listing(Listing(sort="id"), size=5, offset=20)] == ["R-020", "R-021", "R-022"]
    assert list(store.iter_listing(Listing(sort="id"), limit=0)) == []
    store.close()


def test_markdown_escapes_pipes_and_controls():
    from tui_archive.core.model import Report

    out = io.StringIO()
    export.write([Report("A|1", "Title with | pipe\x1b[31m", url="https://x.org")], "md", out)
    line = out.getvalue().splitlines()[2]
    assert line.startswith("| A\\|1 | Title with \\| pipe␛[31m |")
    assert "\x1b" not in out.getvalue()


def test_cli_search_formats(archive_path: Path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(archive_path), "search", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))] == SEED_IDS
    result = runner.invoke(cli, ["--db", str(archive_path), "search", "magnet", "--format", "json", "-n", "2"])
    assert len(json.loads(result.stdout)) == 2
    alias = runner.invoke(cli, ["--db", str(archive_path), "search", "magnet", "--json", "-n", "2"])
    assert json.loads(alias.stdout) == json.loads(result.stdout)
    result = runner.invoke(cli, ["--db", str(archive_path), "search", "--format", "md"])
    lines = result.stdout.splitlines()
    assert lines[0] == "| ID | Title | Category | Date | Views | Link |"
    assert [line.split(" | ")[0] for line in lines[2:]] == [f"| {i}" for i in SEED_IDS]
    bad = runner.invoke(cli, ["--db", str(archive_path), "search", "--format", "xml"])
    assert bad.exit_code != 0


def test_an_export_for_a_download_is_the_same_bytes_as_the_file_and_has_a_size_limit(tmp_path: Path):
    store = make_store(tmp_path / "a.db", [{"id": f"R-{n}", "title": f"report {n} ✓", "views": n} for n in range(50)])
    try:
        for fmt in export.FORMATS:
            data, count = export.to_bytes(store.iter_listing(Listing()), fmt)
            export.to_file(store.iter_listing(Listing()), fmt, tmp_path / f"x.{fmt}")
            assert (count, data) == (50, (tmp_path / f"x.{fmt}").read_bytes())
        with pytest.raises(export.FileFailed, match="too large to download"):
            export.to_bytes(store.iter_listing(Listing()), "csv", limit=1000)
    finally:
        store.close()
