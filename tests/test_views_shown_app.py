"""A view counted redraws the line of facts in the report screen and in the detail pane.

The count's line is drawn again without laying the screen out when only its
digits change (12 to 13 views); when it grows (9 to 10, 99 to 100) the screen is
laid out again, so a line that now wraps differently pushes the summary down
rather than covering it. Each case is read from the screen, at two sizes: the
detail pane under the list, and beside it (narrow enough for the line to wrap).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.report import ReportScreen

from .helpers import make_store, screen_lines, settle, views_in_file, wait_for

pytestmark = pytest.mark.app

LONG_CATEGORY = "Critical Minerals, Strategic Stockpiles and Supply"


def line_with(lines: list[str], text: str) -> int:
    found = [i for i, line in enumerate(lines) if text in line]
    assert found, f"{text!r} not on screen:\n" + "\n".join(lines)
    return found[0]


async def shows_new_count(pilot, views: int, where: str) -> None:
    """``views + 1`` views on screen (not ``views``), above the summary."""
    after = f"{views + 1} views"
    await wait_for(pilot, lambda: after in "\n".join(screen_lines(pilot.app)), what=f"{after} in {where}")
    await settle(pilot)
    lines = screen_lines(pilot.app)
    assert line_with(lines, "SUMMARY-START") > line_with(lines, after)
    assert f" {views} views" not in "\n".join(lines)


@pytest.mark.parametrize("size", [(120, 32), (160, 40)], ids=["pane-under", "pane-beside"])
@pytest.mark.parametrize("views", [12, 9, 99, 999])
async def test_a_view_counted_shows_the_new_count_and_moves_nothing_over_the_summary(
    tmp_path: Path, views: int, size: tuple[int, int]
):
    path = tmp_path / "views.db"
    store = make_store(
        path,
        [
            {
                "id": "V-1",
                "title": "Vanadium flows",
                "category": LONG_CATEGORY,
                "date": "2024-05-01",
                "views": views,
                "summary": "SUMMARY-START vanadium redox batteries drive demand.",
            }
        ],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: "SUMMARY-START" in "\n".join(screen_lines(app)), what="the detail pane")
        app.screen.query_one("#reports").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report screen")
        await shows_new_count(pilot, views, "the report screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), what="the list")
        await shows_new_count(pilot, views, "the detail pane")
    store.close()
    assert views_in_file(path, "V-1") == views + 1


def counted_elsewhere(path: Path, report_id: str) -> None:
    """Another session (its own connection) counts one view."""
    with Store(path, create=False) as other:
        other.access(report_id)


async def meta_width(size: tuple[int, int], tmp_path: Path) -> int:
    """How many columns the detail pane's line of facts has at ``size``."""
    store = make_store(tmp_path / "width.db", [{"id": "W-1", "title": "Width"}])
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        width = app.screen.query_one("#detail-text").scrollable_content_region.width
    store.close()
    return width


async def test_a_view_counted_elsewhere_that_makes_the_line_wrap_pushes_the_summary_down(tmp_path: Path):
    """With the detail pane beside the list, a line of facts that fits its width exactly at 99
    views wraps at 100: the summary moves a line down, and stays whole."""
    size = (160, 40)
    width = await meta_width(size, tmp_path)
    fixed = len("X-1 ·  · 2024-05-01 · 99 views")
    category = ("Critical minerals and supply chains " * 5)[: width - fixed]
    category = category[:-1] + "s" if category.endswith(" ") else category
    assert len(f"X-1 · {category} · 2024-05-01 · 99 views") == width
    path = tmp_path / "wrap.db"
    store = make_store(
        path,
        [
            {
                "id": "X-1",
                "title": "Wrapping",
                "category": category,
                "date": "2024-05-01",
                "views": 99,
                "summary": "SUMMARY-START and the rest of it.",
            }
        ],
    )
    app = ArchiveApp(store, watch=0.05)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: "99 views" in "\n".join(screen_lines(app)), what="99 views")
        await settle(pilot)
        before = line_with(screen_lines(app), "SUMMARY-START")
        counted_elsewhere(path, "X-1")
        await wait_for(pilot, lambda: "2024-05-01 · 100" in "\n".join(screen_lines(app)), what="100 views")
        await settle(pilot)
        lines = screen_lines(app)
        meta = line_with(lines, "2024-05-01 · 100")
        assert lines[meta + 1].split("▊")[-1].strip(" ▎") == "views"  # the line wraps now
        assert line_with(lines, "SUMMARY-START") == before + 1  # and the summary moved down, whole
        counted_elsewhere(path, "X-1")  # 101: the same shape, drawn in place
        await wait_for(pilot, lambda: "2024-05-01 · 101" in "\n".join(screen_lines(app)), what="101 views")
        await settle(pilot)
        assert line_with(screen_lines(app), "SUMMARY-START") == before + 1
    store.close()
