"""The detail pane: the highlighted report's text wrapped to the pane, read from its first line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.widgets.detail import DetailPane

from .helpers import make_store, screen_lines, settle, wait_for, wait_for_listing

pytestmark = pytest.mark.app

WORDS = [f"word{i:02d}" for i in range(80)]
LONG = {"id": "L-1", "title": "Long summary", "date": "2025-01-02", "summary": " ".join(WORDS)}
SHORT = {"id": "S-1", "title": "Short summary", "date": "2025-01-01", "summary": "Only a line."}


def pane_lines(app: ArchiveApp) -> list[str]:
    """The lines inside the detail pane's border, as on screen."""
    region = app.screen.query_one(DetailPane).content_region
    lines = screen_lines(app)[region.y : region.bottom]
    return [line[region.x : region.right].rstrip() for line in lines]


def words_in(lines: list[str]) -> list[str]:
    return [word for line in lines for word in line.split() if word.startswith("word")]


@pytest.fixture
def store(tmp_path: Path):
    store = make_store(tmp_path / "pane.db", [LONG, SHORT])
    yield store
    store.close()


@pytest.mark.parametrize(
    ("size", "resized"), [((160, 40), (140, 40)), ((100, 40), (130, 40))], ids=["beside the table", "under it"]
)
async def test_the_summary_wraps_to_the_pane_and_again_when_the_terminal_is_resized(store, size, resized):
    app = ArchiveApp(store)
    async with app.run_test(size=size) as pilot:
        await wait_for_listing(pilot)
        await settle(pilot)
        shown: list[tuple[int, int]] = []  # (the pane's width, the lines the summary takes)
        for _ in range(2):
            lines = pane_lines(app)
            width = app.screen.query_one(DetailPane).content_region.width
            assert words_in(lines) == WORDS  # whole, in order, every line inside the pane
            assert all(len(line) <= width for line in lines)
            shown.append((width, sum("word" in line for line in lines)))
            await pilot.resize_terminal(*resized)
            await settle(pilot)
        (before, lines_before), (after, lines_after) = shown
        assert before != after
        assert (lines_after < lines_before) == (after > before)  # wider, fewer lines; narrower, more


async def test_another_report_is_read_from_its_first_line_a_view_keeps_the_place(store, tmp_path: Path):
    app = ArchiveApp(store, watch=0.05)
    async with app.run_test(size=(100, 24)) as pilot:  # a short pane: the summary needs scrolling
        await wait_for_listing(pilot)
        await settle(pilot)
        assert pane_lines(app)[0] == "Long summary"
        app.screen.query_one("#detail-text").focus()
        await pilot.press("down", "down", "down")
        await settle(pilot)
        scrolled = pane_lines(app)
        assert scrolled[0] != "Long summary" and "word" in scrolled[0]
        # A view counted by another session: the line of facts changes, the reader's place does not.
        with make_store(tmp_path / "pane.db", []) as other:
            other.access("L-1")
        pane = app.screen.query_one(DetailPane)
        await wait_for(pilot, lambda: pane.part("meta").endswith("· 1 view"), what="the view counted elsewhere")
        await settle(pilot)
        assert pane_lines(app) == scrolled
        app.screen.query_one("#reports").focus()
        await pilot.press("down")
        await settle(pilot)
        assert pane_lines(app)[:2] == ["Short summary", "S-1 · no category · 2025-01-01 · 0 views"]
        await pilot.press("up")
        await settle(pilot)
        assert pane_lines(app)[0] == "Long summary"
