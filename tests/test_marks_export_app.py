"""Marks (space), copying the marked IDs (y) and export (e) in the app."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from unittest.mock import patch

import pyperclip
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from tui_archive.core.store import Store
from tui_archive.ui import actions
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.export import ExportScreen
from tui_archive.ui.widgets.report_table import MARKER, ReportTable

from .helpers import SEED_IDS, make_store, notifications, report_table, screen_text, settle, wait_for_listing

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
        assert any(f"Exported 2 reports to {tmp_path / 'marked.csv'}" in message for message in notifications(app))


async def test_e_without_marks_exports_the_current_results(store: Store, tmp_path: Path):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("S")  # oldest first
        await settle(pilot)
        await export_from_app(app, pilot, str(tmp_path / "all.json"), ("json",))
        data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
        assert [report["id"] for report in data] == SEED_IDS[::-1]


async def test_a_name_that_exists_keeps_the_dialog_open_and_offers_a_free_one(store: Store, tmp_path: Path):
    (tmp_path / "reports.csv").write_text("mine")
    (tmp_path / "reports-2.csv").write_text("mine too")
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await export_from_app(app, pilot, str(tmp_path / "reports.csv"))
        assert isinstance(app.screen, ExportScreen)  # still open, nothing overwritten
        assert (tmp_path / "reports.csv").read_text() == "mine"
        said = screen_text(app)
        assert "reports.csv exists already" in said and "not overwritten" in said
        assert "Suggested: reports-3.csv" in said
        assert app.screen.query_one("#export-path", Input).value == str(tmp_path / "reports-3.csv")
        await pilot.press("enter")  # takes the name offered
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        rows = list(csv.DictReader((tmp_path / "reports-3.csv").open(encoding="utf-8")))
        assert [row["id"] for row in rows] == SEED_IDS
        assert f"Exported 4 reports to {tmp_path / 'reports-3.csv'}" in notifications(app)
        assert (tmp_path / "reports.csv").read_text() == "mine" and (
            tmp_path / "reports-2.csv"
        ).read_text() == "mine too"


async def test_the_message_names_the_full_path_of_a_file_named_without_a_folder(store: Store, out_dir: Path):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await export_from_app(app, pilot, "plain.md", ("md",))
        assert (out_dir / "plain.md").read_text(encoding="utf-8").startswith("| ID | Title")
        assert f"Exported 4 reports to {out_dir / 'plain.md'}" in notifications(app)


@pytest.mark.parametrize("where", ["a-folder", "no-such-folder/x.csv", ""])
async def test_a_name_that_cannot_be_written_keeps_the_dialog_open(store: Store, tmp_path: Path, where: str):
    tmp_path = tmp_path / "out"  # (the archive is in the test's folder too)
    (tmp_path / "a-folder").mkdir(parents=True)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await export_from_app(app, pilot, str(tmp_path / where) if where else "")
        assert isinstance(app.screen, ExportScreen)
        said = screen_text(app)
        expected = {"a-folder": "is a folder", "no-such-folder/x.csv": "There is no folder", "": "Type a file name"}
        assert expected[where] in said
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]


@pytest.mark.parametrize("open_the_list", [False, True])
async def test_enter_on_the_format_list_exports(store: Store, out_dir: Path, open_the_list: bool):
    """Enter on the format exports, as the Export button does; in its open list, Enter chooses and exports."""
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("shift+tab")  # from the file name to the format
        assert app.screen.focused is app.screen.query_one("#export-format")
        if open_the_list:
            await pilot.press("down", "down")  # opens the list at CSV; JSON
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        name = "reports.json" if open_the_list else "reports.csv"
        assert [p.name for p in out_dir.iterdir()] == [name]
        if open_the_list:
            assert [report["id"] for report in json.loads((out_dir / name).read_text(encoding="utf-8"))] == SEED_IDS
        assert f"Exported 4 reports to {out_dir / name}" in notifications(app)


async def test_nothing_to_export_writes_no_file_and_says_why(store: Store, out_dir: Path):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"nothingmatchesthis", "enter")
        await wait_for_listing(pilot, "nothingmatchesthis")
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert "No report to export: no reports match" in notifications(app)
        # The reports go while the dialog is open (another program deletes them): still no empty file.
        await pilot.press("ctrl+u")
        await wait_for_listing(pilot, "")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        with sqlite3.connect(store.path) as conn:
            conn.execute("DELETE FROM reports")
        await pilot.press("enter")
        await settle(pilot)
        assert list(out_dir.iterdir()) == []
        assert any(n.startswith("Nothing exported: no reports to export") for n in notifications(app))


async def test_marks_are_copied_and_exported_in_the_listings_order_not_by_id(
    store: Store, out_dir: Path, clipboard: list[str]
):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # by title: RPT-1279, RPT-1045, RPT-363, RPT-280
        await settle(pilot)
        await pilot.press("home", "space", "space", "down", "space")  # all but RPT-363
        await settle(pilot)
        assert report_table(app).marked == {"RPT-1279", "RPT-1045", "RPT-280"}
        await pilot.press("y")
        await settle(pilot)
        assert clipboard[-1] == "RPT-1279\nRPT-1045\nRPT-280"  # by ID it would be 1045, 1279, 280
        await export_from_app(app, pilot, "by-title.csv")
        rows = list(csv.DictReader((out_dir / "by-title.csv").open(encoding="utf-8")))
        assert [row["id"] for row in rows] == ["RPT-1279", "RPT-1045", "RPT-280"]
        # Another sort and a search: the listing's order first, then a mark it does not list.
        await pilot.press("S")  # titles Z to A
        await settle(pilot)
        await pilot.press("slash", *"Decisive", "enter")  # RPT-1045 and RPT-1279 only
        await wait_for_listing(pilot, "Decisive")
        await pilot.press("y")
        await settle(pilot)
        assert clipboard[-1] == "RPT-1045\nRPT-1279\nRPT-280"
        await export_from_app(app, pilot, "searched.json", ("json",))
        data = json.loads((out_dir / "searched.json").read_text(encoding="utf-8"))
        assert [report["id"] for report in data] == ["RPT-1045", "RPT-1279", "RPT-280"]


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
        # The format by keyboard: back to it, open its list, the next one (JSON); enter chooses and downloads.
        await pilot.press("shift+tab", "down", "down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert len(delivered) == 1
        data, options = delivered[0]
        assert [report["id"] for report in json.loads(data.decode("utf-8"))] == ["RPT-1045", "RPT-363"]
        assert options["save_filename"] == "reports.json"
        assert options["mime_type"].startswith("application/json")
        assert any("Exported 2 reports: your browser downloads reports.json" in m for m in notifications(app))
    assert sorted(tmp_path.rglob("*")) == before  # nothing written beside the archive, in the folder or home


# -- nothing copied carries a control character inside a value ----------------------------------

PASTE_TRAP = "X-1\ntouch /tmp/pwned\n#"
ESCAPING = "X-2\x1b]52;c;eA==\x07"
TRAPPED = [
    {"id": "A-1", "title": "plain", "date": "2024-01-04", "url": "https://example.com/a"},
    {"id": PASTE_TRAP, "title": "newline in its ID", "date": "2024-01-03", "url": "https://example.com/\nrm -rf ~"},
    {"id": ESCAPING, "title": "escape in its ID", "date": "2024-01-02", "url": "file:///etc/passwd\x1b[2J"},
    {"id": "A-2", "title": "plain too", "date": "2024-01-01"},
]
CONTROL = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)] + ["\u2028", "\u2029", "\u202e"]


@pytest.fixture
def out_dir(tmp_path: Path, monkeypatch) -> Path:
    """An empty folder of the test's own, made the current directory (the archive is in ``tmp_path``)."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    return out


@pytest.fixture
def trapped(tmp_path: Path):
    store = make_store(tmp_path / "trapped.db", TRAPPED)
    yield store
    store.close()


@pytest.fixture
def clipboard(monkeypatch) -> list[str]:
    """What reaches the system clipboard, and (after it fails) the terminal's through OSC 52."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    return copied


def values_in(copied: list[str]) -> list[str]:
    """The values copied: one per line (the line break between marked IDs is the only one allowed)."""
    return [value for text in copied for value in text.split("\n")]


async def test_marked_ids_with_control_characters_are_left_out_and_named(trapped: Store, clipboard: list[str]):
    app = ArchiveApp(trapped)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space", "space", "y")  # all four marked
        await pilot.pause()
        assert clipboard == ["A-1\nA-2"]
        message = notifications(app)[-1]
        assert "Copied 2 marked IDs" in message and "left out" in message
        assert "X-1␊touch /tmp/pwned␊#" in message and "X-2␛]52;c;eA==␇" in message
        assert not any(c in message for c in CONTROL)


@pytest.mark.parametrize("osc52", [False, True])
async def test_y_refuses_an_id_with_control_characters_and_names_it(
    trapped: Store, clipboard: list[str], monkeypatch, osc52: bool
):
    terminal: list[str] = []
    if osc52:  # no system clipboard, as over SSH: the text goes out in an escape sequence

        def no_clipboard(text: str) -> None:
            raise pyperclip.PyperclipException("no clipboard here")

        monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = ArchiveApp(trapped)
    monkeypatch.setattr(app, "copy_to_clipboard", terminal.append)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("down", "y")
        await pilot.pause()
        assert "Not copied: the ID X-1␊touch /tmp/pwned␊# has control characters" in notifications(app)[-1]
        await pilot.press("down", "y")
        await pilot.pause()
        assert "Not copied: the ID X-2␛]52;c;eA==␇ has control characters" in notifications(app)[-1]
        assert clipboard == [] and terminal == []
        await pilot.press("up", "space", "space", "y")  # only the two trapped IDs marked
        await pilot.pause()
        assert clipboard == [] and terminal == []
        assert "Not copied:" in notifications(app)[-1]
        await pilot.press("u", "home", "y")
        await pilot.pause()
        assert values_in(clipboard + terminal) == ["A-1"]


async def test_o_refuses_a_link_with_control_characters(trapped: Store, clipboard: list[str], monkeypatch):
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    app = ArchiveApp(trapped)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("down", "o")
            await pilot.pause()
            assert "Neither opened nor copied" in notifications(app)[-1]
        assert clipboard == [] and opened == []


@given(ids=st.lists(st.text(min_size=1), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_copy_never_puts_a_control_character_inside_a_value(ids: list[str]):
    copied: list[str] = []

    class FakeApp:
        is_web = False

        def copy_to_clipboard(self, text: str) -> None:
            copied.append(text)

    with patch.object(pyperclip, "copy", copied.append):
        actions.copy(FakeApp(), ids)  # type: ignore[arg-type]
    (text,) = copied
    assert len(text.split("\n")) == len(ids)
    assert not any(c in value for value in text.split("\n") for c in CONTROL)


async def test_e_after_one_or_two_letters_exports_the_reports_on_screen(tmp_path: Path):
    """The letters are searched as the commonest words starting so; the export holds those same reports."""
    titles = ["soda solar", "soda", "solar", "zebra"]
    words = make_store(tmp_path / "words.db", [{"id": f"W-{i}", "title": t} for i, t in enumerate(titles)])
    app = ArchiveApp(words)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "s", "o")
        await wait_for_listing(pilot, "so")
        table = app.screen.query_one(ReportTable)
        shown = sorted(table.report_at(row).id for row in range(table.row_count))
        assert shown == ["W-0", "W-1", "W-2"]
        await pilot.press("escape")
        await export_from_app(app, pilot, str(tmp_path / "so.json"), ("json",))
        data = json.loads((tmp_path / "so.json").read_text(encoding="utf-8"))
        assert sorted(report["id"] for report in data) == shown
    words.close()
