"""Marks (space), copying the marked IDs (y) and export (e) in the app."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyperclip
import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.export import ExportScreen
from tui_archive.ui.widgets.report_table import MARKER, ReportTable

from .helpers import SEED_IDS, notifications, screen_text, settle, wait_for_listing

pytestmark = pytest.mark.app


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
        await wait_for_listing(pilot, "Malaysian")
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
        assert any("Exported 2 reports to marked.csv" in message for message in notifications(app))


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
        assert any("exists already" in message for message in notifications(app))


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


async def test_served_to_a_browser_e_downloads_the_export_and_writes_nothing_here(
    store: Store, tmp_path: Path, monkeypatch
):
    """As under ``tui-archive serve``: only the format is asked, and the browser receives the file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # where a download would land on the server
    monkeypatch.setattr(ArchiveApp, "is_web", property(lambda app: True))
    delivered: list[tuple[bytes, dict]] = []
    app = ArchiveApp(store)

    def deliver_binary(file, **options):
        delivered.append((file.read(), options))
        return "key"

    monkeypatch.setattr(app, "deliver_binary", deliver_binary)
    before = sorted(tmp_path.rglob("*"))
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "space")  # RPT-1045, RPT-363
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert not app.screen.query("#export-path")  # no file name on the server to ask for
        assert "downloads" in screen_text(app)
        # The format by keyboard: back to it, open it, the next one (JSON), chosen; then enter downloads.
        await pilot.press("shift+tab", "enter", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#export-format").value == "json"
        await pilot.press("enter")
        await settle(pilot)
        assert len(delivered) == 1
        data, options = delivered[0]
        assert [report["id"] for report in json.loads(data.decode("utf-8"))] == ["RPT-1045", "RPT-363"]
        assert options["save_filename"] == "reports.json"
        assert options["mime_type"].startswith("application/json")
        assert any("Exported 2 reports: your browser downloads reports.json" in m for m in notifications(app))
    assert sorted(tmp_path.rglob("*")) == before  # nothing written beside the archive, in the folder or home
