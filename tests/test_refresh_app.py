"""The app keeps up with the archive: other sessions' views show, new reports are announced, R reloads,
and r lists the reports like one."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tui_archive.core.store import Store
from tui_archive.core.watch import read_fresh
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens import browse
from tui_archive.ui.screens.report import ReportScreen
from tui_archive.ui.widgets.detail import DetailPane

from .helpers import (
    SEED_IDS,
    browse_screen,
    browse_status,
    make_store,
    notifications,
    report_table,
    screen_text,
    settle,
    shown_ids,
    wait_for,
    wait_for_listing,
)

pytestmark = pytest.mark.app

WATCH = 0.05
"""Seconds between the app's looks at the archive in these tests (a second in use)."""

NEW = [
    {"id": "RPT-9001", "title": "Cobalt refinery opens", "category": "Battery Metals", "date": "2026-03-01"},
    {"id": "RPT-9002", "title": "Nickel prices slide", "category": "Battery Metals", "date": "2026-03-02"},
]


def highlighted_id(app: ArchiveApp) -> str | None:
    report = report_table(app).highlighted
    return report.id if report is not None else None


def views_shown(app: ArchiveApp, report_id: str) -> object:
    table = report_table(app)
    return next(table.report_at(row).views for row in range(table.row_count) if table.report_at(row).id == report_id)


def other_session(path: Path, *report_ids: str) -> None:
    """Another session (its own connection) counts one view of each report."""
    with Store(path, create=False) as other:
        for report_id in report_ids:
            other.access(report_id)


def other_import(path: Path, records: list[dict]) -> None:
    with Store(path, create=False) as other, other.writer() as writer:
        for record in records:
            writer.upsert(record)


async def open_on_second_row(pilot) -> None:
    await wait_for_listing(pilot)
    await pilot.press("down")
    await settle(pilot)
    assert highlighted_id(pilot.app) == SEED_IDS[1]


async def test_views_counted_elsewhere_show_in_place_and_the_highlight_stays(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await open_on_second_row(pilot)
        other_session(archive_path, "RPT-280", "RPT-280", "RPT-1279")
        await wait_for(pilot, lambda: views_shown(app, "RPT-280") == 3, what="the other session's views")
        await wait_for(pilot, lambda: views_shown(app, "RPT-1279") == 1, what="the highlighted report's view")
        assert shown_ids(app) == SEED_IDS
        assert highlighted_id(app) == "RPT-1279"
        assert "1 view" in browse_screen(app).query_one(DetailPane).part("meta")
        assert "new report" not in browse_status(app)
        assert "row 2 of 4 reports" in browse_status(app)


async def test_new_reports_are_announced_and_r_shows_them_keeping_the_highlight(archive_path: Path):
    """Reports imported elsewhere are announced, counted on across a view and a second import
    (never counted twice), shown by R, and counted from there afresh."""
    app = ArchiveApp(Store(archive_path), watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await open_on_second_row(pilot)
        other_import(archive_path, NEW)
        await wait_for(pilot, lambda: "2 new reports: R shows them" in browse_status(app), what="the announcement")
        assert any("2 new reports in the archive: press R" in note for note in notifications(app))
        assert shown_ids(app) == SEED_IDS  # not shown until asked for
        assert highlighted_id(app) == "RPT-1279"
        other_session(archive_path, "RPT-280")  # a change that adds none
        await wait_for(pilot, lambda: views_shown(app, "RPT-280") == 1, what="the view")
        assert "2 new reports: R shows them" in browse_status(app)
        other_import(archive_path, [{"id": f"RPT-95{i:02}", "title": f"report {i}"} for i in range(3)])
        await wait_for(pilot, lambda: "5 new reports: R shows them" in browse_status(app), what="the second import")
        await pilot.press("R")
        await wait_for_listing(pilot)
        assert shown_ids(app)[:6] == ["RPT-9002", "RPT-9001", *SEED_IDS]  # then the three with no date
        assert sorted(shown_ids(app)[6:]) == ["RPT-9500", "RPT-9501", "RPT-9502"]
        assert highlighted_id(app) == "RPT-1279"
        assert "row 4 of 9 reports" in browse_status(app)
        assert "new report" not in browse_status(app)
        other_import(archive_path, [{"id": "RPT-9600", "title": "one more"}])
        await wait_for(pilot, lambda: "1 new report: R shows it" in browse_status(app), what="an import after R")


async def test_new_reports_in_a_search_are_shown_by_r_too(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("slash", *"cobalt OR processing", "enter")
        await wait_for_listing(pilot, "cobalt OR processing")
        before = shown_ids(app)
        assert "RPT-9001" not in before
        other_import(archive_path, NEW)
        await wait_for(pilot, lambda: "2 new reports" in browse_status(app), what="the announcement")
        await pilot.press("R")
        await wait_for_listing(pilot, "cobalt OR processing")
        assert set(shown_ids(app)) == {*before, "RPT-9001"}


async def test_r_reloads_by_hand_keeping_the_highlighted_report(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=None)  # nothing noticed by itself: only R
    async with app.run_test(size=(120, 32)) as pilot:
        await open_on_second_row(pilot)
        other_import(archive_path, NEW)
        other_session(archive_path, "RPT-1279")
        await pilot.pause(0.2)
        assert shown_ids(app) == SEED_IDS
        await pilot.press("R")
        await wait_for_listing(pilot)
        assert shown_ids(app)[:2] == ["RPT-9002", "RPT-9001"]
        assert highlighted_id(app) == "RPT-1279"
        assert views_shown(app, "RPT-1279") == 1


async def open_first_report(pilot):
    """Enter on the first row (RPT-1045, counted once here); the report screen's line of facts."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportScreen))
    return pilot.app.screen.query_one("#report-meta")


async def test_the_open_report_shows_views_counted_elsewhere(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        meta = await open_first_report(pilot)
        await wait_for(pilot, lambda: "1 view" in str(meta.render()), what="this session's view")
        other_session(archive_path, "RPT-1045", "RPT-1045")
        await wait_for(pilot, lambda: "3 views" in str(meta.render()), what="the other session's views")


async def test_the_list_under_an_open_report_catches_up_once_shown_again(archive_path: Path):
    """Views counted elsewhere while a report is open (the list under it is not read meanwhile)
    show in the list as soon as Escape brings it back."""
    app = ArchiveApp(Store(archive_path), watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        before = views_shown(app, "RPT-280")
        meta = await open_first_report(pilot)
        other_session(archive_path, "RPT-280", "RPT-280", "RPT-1045")
        await wait_for(pilot, lambda: "2 views" in str(meta.render()), what="the open report's views")
        assert views_shown(app, "RPT-280") == before  # the list under it waits
        await pilot.press("escape")
        await wait_for(pilot, lambda: views_shown(app, "RPT-280") == before + 2, what="the list catching up")
        assert views_shown(app, "RPT-1045") == 2
        assert highlighted_id(app) == "RPT-1045"


# -- related reports -----------------------------------------------------------------------


async def test_r_lists_the_reports_like_the_highlighted_one_and_escape_clears_it(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=None)
    async with app.run_test(size=(120, 32)) as pilot:
        await open_on_second_row(pilot)
        await pilot.press("r")
        await wait_for_listing(pilot, "related:RPT-1279")
        assert app.screen.query_one("#search", Input).value == "related:RPT-1279"
        related = shown_ids(app)
        assert "RPT-1279" not in related
        assert related and set(related) <= set(SEED_IDS) - {"RPT-1279"}
        assert "sorted by Best match" in browse_status(app)
        assert f"{len(related)} of 4 match 'related:RPT-1279'" in browse_status(app)
        await pilot.press("escape")
        await wait_for_listing(pilot, "")
        assert shown_ids(app) == SEED_IDS
        assert app.screen.query_one("#search", Input).value == ""


async def test_r_on_the_report_screen_goes_back_to_the_list_of_reports_like_it(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=None)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("end", "enter")  # RPT-280
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
        await pilot.press("r")
        await wait_for_listing(pilot, "related:RPT-280")
        assert not isinstance(app.screen, ReportScreen)
        assert "RPT-280" not in shown_ids(app)
        assert shown_ids(app)


async def test_related_reports_of_an_unknown_id_typed_list_nothing(archive_path: Path):
    app = ArchiveApp(Store(archive_path), watch=None)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await pilot.press("slash", *"related:RPT-99999", "enter")
        await wait_for_listing(pilot, "related:RPT-99999")
        assert report_table(app).row_count == 0
        assert "0 of 4 match" in browse_status(app)


def shown_line(app: ArchiveApp, report_id: str) -> str | None:
    """The line of the screen showing the report's row, if it is on screen."""
    return next((line for line in screen_text(app).splitlines() if f" {report_id} " in line), None)


async def test_rows_held_off_screen_are_read_again_once_they_come_on_screen(tmp_path: Path, monkeypatch):
    """A change heard reads again only the rows on screen; a row held further down shows its new
    view count as soon as it is scrolled into view, and one in a part of the list not yet read
    comes as it stands."""
    store = make_store(
        tmp_path / "held.db",
        [
            {"id": f"R-{i:03}", "title": f"report {i}", "date": f"2024-{i % 12 + 1:02}-{i % 28 + 1:02}"}
            for i in range(300)
        ],
    )
    asked: list[int] = []

    def counting_read_fresh(store, rowids, since, before=None):
        asked.append(len(rowids))
        return read_fresh(store, rowids, since, before)

    monkeypatch.setattr(browse, "read_fresh", counting_read_fresh)
    app = ArchiveApp(store, watch=WATCH)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        table = report_table(app)
        rows = store.window(table.listing, 0, 300)
        first, below, last = rows[0].id, rows[60].id, rows[299].id
        assert table.report_at(60) is not None  # held, though not on screen
        assert shown_line(app, first) is not None and shown_line(app, below) is None
        other_session(tmp_path / "held.db", first, below, below, last, last, last)
        await wait_for(pilot, lambda: table.report_at(0).views == 1, what="the view of the row on screen")
        await settle(pilot)
        assert asked and max(asked) <= 32  # a screenful, not every row held
        assert shown_line(app, first).rstrip(" ▎").endswith(" 1")
        for _ in range(10):  # page down until row 61 is on screen
            await pilot.press("pagedown")
            await settle(pilot)
            if shown_line(app, below) is not None:
                break
        await wait_for(pilot, lambda: (shown_line(app, below) or "").rstrip(" ▎").endswith(" 2"), what="row 61's views")
        await pilot.press("end")
        await wait_for(
            pilot, lambda: (shown_line(app, last) or "").rstrip(" ▎").endswith(" 3"), what="the last row's views"
        )
