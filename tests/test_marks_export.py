"""Marks (space), copying the marked IDs (y), export (e) and ``search --format``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyperclip
from click.testing import CliRunner

from tui_archive.core import export
from tui_archive.ui.app import ArchiveApp
from tui_archive.cli import cli
from tui_archive.ui.screens.export import ExportScreen
from tui_archive.core.listing import Listing
from tui_archive.core.store import Store
from tui_archive.ui.widgets.report_table import MARKER, ReportTable

from .conftest import SEED_IDS, make_store, settle


def screen_text(app: ArchiveApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_space_marks_and_y_copies_the_marked_ids(store: Store, monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ReportTable)
        await pilot.press("space")  # marks RPT-1045 and moves down
        assert table.cursor_row == 1
        await pilot.press("down", "space")  # RPT-363
        await pilot.pause()
        assert table.marked == {"RPT-1045", "RPT-363"}
        text = screen_text(app)
        assert f"{MARKER}RPT-1045" in text and f"{MARKER}RPT-363" in text and f"{MARKER}RPT-1279" not in text
        assert "2 marked" in text
        await pilot.press("y")
        await pilot.pause()
        assert copied == ["RPT-1045\nRPT-363"]
        # space on a marked row unmarks it; u unmarks everything.
        await pilot.press("up", "space")
        assert table.marked == {"RPT-1045"}
        await pilot.press("u", "y")
        await pilot.pause()
        assert table.marked == set()
        assert copied[-1] == SEED_IDS[-1]  # no marks: y copies the highlighted report again


async def test_marks_survive_a_new_search(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("slash", *"Malaysian")
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("escape")
        assert app.screen.query_one(ReportTable).marked == {"RPT-1045"}
        assert f"{MARKER}RPT-1045" in screen_text(app)


async def export_from_app(app: ArchiveApp, pilot, name: str, fmt_presses: tuple[str, ...] = ()) -> None:
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    if fmt_presses:
        app.screen.query_one("#export-format").value = fmt_presses[0]
        await pilot.pause()
    path_input = app.screen.query_one("#export-path")
    path_input.value = name
    await pilot.press("enter")
    await settle(pilot)


async def test_e_exports_the_marked_reports(store: Store, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "space")  # RPT-1045, RPT-363
        await export_from_app(app, pilot, "marked.csv")
        rows = list(csv.DictReader((tmp_path / "marked.csv").open(encoding="utf-8")))
        assert [row["id"] for row in rows] == ["RPT-1045", "RPT-363"]
        assert rows[0]["summary"].startswith("A Malaysian engineering study")
        assert any("Exported 2 reports to marked.csv" in n.message for n in app._notifications)


async def test_e_without_marks_exports_the_current_results(store: Store, tmp_path: Path):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("S")  # oldest first
        await settle(pilot)
        await export_from_app(app, pilot, str(tmp_path / "all.json"), ("json",))
        data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
        assert [report["id"] for report in data] == SEED_IDS[::-1]
        # The file exists now: a second export does not overwrite it.
        (tmp_path / "all.json").write_text("mine")
        await export_from_app(app, pilot, str(tmp_path / "all.json"), ("json",))
        assert (tmp_path / "all.json").read_text() == "mine"
        assert any("exists already" in n.message for n in app._notifications)


async def test_choosing_a_format_changes_the_file_extension(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-format").value = "md"
        await pilot.pause()
        assert app.screen.query_one("#export-path").value == "reports.md"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


def test_iter_listing_reads_in_windows(tmp_path: Path, monkeypatch):
    store = make_store(
        tmp_path / "many.db", [{"id": f"R-{n:03}", "title": f"Report {n}", "date": "2024-01-01"} for n in range(23)]
    )
    calls: list[tuple[int, int]] = []
    window = store.window

    def spy(listing, offset, limit, total=None):
        calls.append((offset, limit))
        return window(listing, offset, limit, total)

    monkeypatch.setattr(store, "window", spy)
    ids = [report.id for report in store.iter_listing(Listing(sort="id"), size=5)]
    assert ids == [f"R-{n:03}" for n in range(23)]
    assert calls == [(0, 5), (5, 5), (10, 5), (15, 5), (20, 5)]
    calls.clear()
    assert [r.id for r in store.iter_listing(Listing(sort="id"), size=5, offset=3, limit=7)] == [
        f"R-{n:03}" for n in range(3, 10)
    ]
    assert calls == [(3, 5), (8, 2)]
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
