"""Why a report matched, on screen: the search's words marked in the table's titles, the detail pane and
the report screen, and for a match only in the body, the words of the body around it in the detail pane."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.widgets.detail import DetailPane

from .helpers import assert_inert, browse_screen, screen_text, search, settle, wait_for, wait_for_listing
from .samples import HARBOUR

pytestmark = pytest.mark.app


@pytest.fixture
def harbour(archive_path: Path):
    store = Store(archive_path)
    with store.writer() as writer:
        writer.upsert(dict(HARBOUR))
        writer.upsert({"id": "X-1", "title": "Assay [bold]notes[/bold]", "body": "\x1b[31m refiners \x07"})
    yield store
    store.close()


def marked_words(app: ArchiveApp, where: str | None = None) -> list[str]:
    """The underlined runs of text on screen (how matches are marked), top to bottom; ``where``: only
    those inside that widget ("#reports", the table; "#detail", the detail pane), wherever the
    layout puts it (beside the table on a wide screen, under it on a narrower one)."""
    region = app.screen.query_one(where).region if where is not None else None
    words: list[str] = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        column, run = 0, ""
        for segment in strip:
            inside = region is None or region.contains(column, y)
            if segment.style is not None and segment.style.underline and inside:
                run += segment.text
            elif run:
                words.append(run)
                run = ""
            column += segment.cell_length
        if run:
            words.append(run)
    return [word.strip() for word in words if word.strip()]


TABLE = "#reports"
PANE = "#detail"


async def test_the_words_found_are_marked_in_the_titles_and_the_detail_pane(harbour: Store):
    app = ArchiveApp(harbour)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        assert marked_words(app) == []  # no search, no marks
        await search(pilot, "supply chain")
        # The titles' words are marked, also a word the cell cuts ("Supply Chai…"); the report found
        # only in its body is listed too, with nothing to mark in its title.
        assert "RPT-9001" in screen_text(app)
        assert marked_words(app, TABLE) == ["Supply", "Chains", "Supply", "Chai"]
        # The detail pane shows the highlighted report: its title and summary are marked, or where
        # neither matches (the first, found by its body), the body's words around the match.
        ids = [line.split()[1] for line in screen_text(app).splitlines()[6:9]]
        assert ids == ["RPT-9001", "RPT-363", "RPT-1279"]
        await wait_for(pilot, lambda: marked_words(app, PANE) == ["supply", "chains"], what="the snippet")
        await pilot.press("escape", "down")
        await settle(pilot)
        assert marked_words(app, PANE)[:2] == ["Supply", "Chains"]
        await search(pilot, '"rare earth supply"')
        assert marked_words(app, TABLE) == ["Rare Earth Supply"]


async def test_a_match_in_the_body_only_shows_the_words_around_it(harbour: Store):
    app = ArchiveApp(harbour)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "refiner cargo")
        pane = browse_screen(app).query_one(DetailPane)
        await wait_for(pilot, lambda: pane.part("snippet") != "", what="the body's words around the match")
        text = screen_text(app)
        assert "In the body:" in text and "refiners" in text
        assert marked_words(app, PANE) == ["refiners", "cargo"]
        # Another report, matched in its title: no snippet.
        await search(pilot, "harbour logistics")
        await settle(pilot)
        assert pane.part("snippet") == "" and "In the body:" not in screen_text(app)
        assert marked_words(app, PANE) == ["Harbour", "logistics"]


async def test_archive_text_stays_inert_where_it_is_marked(harbour: Store):
    app = ArchiveApp(harbour)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "id:X-1 refiners")
        await wait_for(pilot, lambda: "In the body:" in screen_text(app), what="the snippet")
        text = screen_text(app)
        assert_inert(text)
        assert "Assay [bold]notes[/bold]" in text  # markup in a title stays text
        assert "␛[31m" in text
        assert marked_words(app, PANE) == ["refiners"]


async def test_the_report_screen_marks_the_words_found(harbour: Store):
    app = ArchiveApp(harbour)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "processes supply")
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert "Rare Earth Supply Chains" in screen_text(app)
        words = marked_words(app)
        assert words[:2] == ["Supply", "Processing"]  # the title
        assert "processing" in words  # and the summary


async def test_the_report_screen_marks_the_words_in_the_markdown_body(harbour: Store):
    with harbour.writer() as writer:
        writer.upsert(
            {
                "id": "MD-1",
                "title": "Notes",
                "body": "# Refining today\n\nSome **bold** words, then *refiners* and\n\n- a list of refineries\n",
            }
        )
    app = ArchiveApp(harbour)
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for_listing(pilot)
        await search(pilot, "id:MD-1 refine")
        await pilot.press("escape", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Refining today" in text and "refineries" in text and "**" not in text
        assert marked_words(app) == ["Refining", "refiners", "refineries"]
