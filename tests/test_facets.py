"""The facets panel (f): category counts for the current search; choosing one narrows the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tui_archive.core.store import Store
from tui_archive.ui.app import ArchiveApp
from tui_archive.ui.screens.browse import BrowseScreen
from tui_archive.ui.screens.help import HelpScreen
from tui_archive.ui.widgets.detail import DetailPane
from tui_archive.ui.widgets.facets import FacetPanel
from tui_archive.ui.widgets.report_table import ReportTable
from tui_archive.ui.widgets.toolbar import ALL

from .helpers import make_store, screen_text, settle, shown_ids, status
from .helpers import search as type_search

pytestmark = pytest.mark.app

RECORDS = [
    {"id": "E-1", "title": "Oil supply outlook", "category": "Energy", "date": "2024-01-01"},
    {"id": "E-2", "title": "Gas supply outlook", "category": "Energy", "date": "2024-02-01"},
    {"id": "E-3", "title": "Grid demand", "category": "Energy", "date": "2024-03-01"},
    {"id": "M-1", "title": "Copper supply", "category": "Metals", "date": "2024-04-01"},
    {"id": "M-2", "title": "Nickel demand", "category": "Metals", "date": "2024-05-01"},
    {"id": "R-1", "title": "Magnet supply", "category": "Rare Earths", "date": "2024-06-01"},
    {"id": "X-1", "title": "Unfiled supply note", "date": "2024-07-01"},
]


@pytest.fixture
def several(tmp_path: Path):
    store = make_store(tmp_path / "several.db", RECORDS)
    yield store
    store.close()


def panel(app: ArchiveApp) -> FacetPanel:
    return app.screen.query_one(FacetPanel)


def facet_lines(app: ArchiveApp) -> list[str]:
    """The panel's entries as shown, marker included."""
    return [str(option.prompt) for option in panel(app).options]


async def opened_facet_lines(pilot, app: ArchiveApp) -> list[str]:
    """The panel's entries as ``f`` shows them (the panel fills as it opens), then closed again."""
    await pilot.press("f")
    await settle(pilot)  # (counted as it opens)
    assert panel(app).display
    lines = facet_lines(app)
    await pilot.press("escape")
    await pilot.pause()
    return lines


async def search(pilot, text: str) -> None:
    await type_search(pilot, text)
    await pilot.press("escape")
    await pilot.pause()


async def test_f_opens_the_panel_with_the_seed_counts(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(160, 32)) as pilot:
        await settle(pilot)
        assert not panel(app).display  # hidden until asked for
        await pilot.press("f")
        await pilot.pause()
        assert panel(app).display
        assert app.focused is panel(app)
        assert facet_lines(app) == ["● All categories (4)", "  Rare Earths (4)"]
        text = screen_text(app)
        assert "Rare Earths (4)" in text and "Categories" in text
        # It takes the detail pane's place, beside the table, which keeps its width.
        assert not app.screen.query_one(DetailPane).display
        assert panel(app).region.x >= app.screen.query_one(ReportTable).region.right


async def test_counts_follow_the_search(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert facet_lines(app) == [
            "● All categories (7)",
            "  Energy (3)",
            "  Metals (2)",
            "  Rare Earths (1)",
        ]
        await pilot.press("escape")
        await search(pilot, "supply")
        await pilot.press("f")
        await pilot.pause()
        # Five reports mention supply, one of them uncategorised: it counts under "All" only.
        assert facet_lines(app) == [
            "● All categories (5)",
            "  Energy (2)",
            "  Metals (1)",
            "  Rare Earths (1)",
        ]


async def test_choosing_narrows_the_table_like_the_category_control(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f", "down", "down", "enter")  # All, Energy, Metals
        await settle(pilot)
        assert shown_ids(app) == ["M-2", "M-1"]
        assert "2 of 7 in Metals" in status(app)
        assert app.screen.listing.category == "Metals"
        assert app.screen.query_one("#category", Select).value == "Metals"  # the two stay in step
        assert facet_lines(app)[2] == "● Metals (2)"
        assert panel(app).highlighted == 2
        assert app.focused is panel(app)  # still choosing; escape goes back to the list
        # Another choice, then back to all.
        await pilot.press("up", "enter")
        await settle(pilot)
        assert shown_ids(app) == ["E-3", "E-2", "E-1"]
        assert "3 of 7 in Energy" in status(app)
        await pilot.press("home", "enter")
        await settle(pilot)
        assert len(shown_ids(app)) == 7
        assert app.screen.query_one("#category", Select).value is ALL
        assert facet_lines(app)[0] == "● All categories (7)"


async def test_a_choice_with_the_category_control_shows_in_the_panel(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the control opens once its categories are counted
        await settle(pilot)
        select = app.screen.query_one("#category", Select)
        assert select.expanded
        await pilot.press(*["down"] * [value for _, value in select._options].index("Rare Earths"), "enter")
        await settle(pilot)
        assert shown_ids(app) == ["R-1"]
        await pilot.press("f")
        await pilot.pause()
        assert facet_lines(app) == [
            "  All categories (7)",
            "  Energy (3)",
            "  Metals (2)",
            "● Rare Earths (1)",
        ]
        assert panel(app).highlighted == 3


async def test_search_within_a_chosen_category_keeps_it_marked(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f", "down", "enter", "escape")  # Energy
        await settle(pilot)
        await search(pilot, "demand")
        assert shown_ids(app) == ["E-3"]
        assert "1 of 7 in Energy match 'demand'" in status(app)
        assert facet_lines(app) == ["  All categories", "● Energy"]  # closed: not counted until opened
        assert await opened_facet_lines(pilot, app) == ["  All categories (2)", "● Energy (1)", "  Metals (1)"]
        # A search that leaves nothing in the chosen category still shows it, at 0.
        await search(pilot, "magnet")
        assert shown_ids(app) == []
        assert await opened_facet_lines(pilot, app) == ["  All categories (1)", "  Rare Earths (1)", "● Energy (0)"]


async def test_clicking_an_entry_chooses_it(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        region = panel(app).content_region
        await pilot.click(offset=(region.x + 3, region.y + 1))  # second line: Energy
        await settle(pilot)
        assert shown_ids(app) == ["E-3", "E-2", "E-1"]
        assert "3 of 7 in Energy" in status(app)


@pytest.mark.parametrize("key", ["escape", "f"])
async def test_escape_or_f_closes_the_panel_and_goes_back_to_the_table(store: Store, key: str):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert app.focused is panel(app)
        await pilot.press(key)
        await pilot.pause()
        assert not panel(app).display
        assert app.screen.query_one(DetailPane).display
        assert app.focused is app.screen.query_one(ReportTable)
        assert isinstance(app.screen, BrowseScreen)  # escape did not leave the screen
        # f from the table toggles it again, even after a search.
        await pilot.press("f")
        await pilot.pause()
        assert panel(app).display and app.focused is panel(app)
        await pilot.press("f")
        await pilot.pause()
        assert not panel(app).display
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)


async def test_works_at_80x24(several: Store):
    app = ArchiveApp(several)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        table = app.screen.query_one(ReportTable)
        facets = panel(app)
        # Under the table, in the detail pane's place; the table keeps its full width.
        assert facets.region.y >= table.region.bottom
        assert table.region.width > 70
        assert facets.region.bottom <= 22  # above the status line and footer
        assert facets.region.height >= 5
        text = screen_text(app)
        for line in ("All categories (7)", "Energy (3)", "Metals (2)", "Rare Earths (1)"):
            assert line in text, line
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert shown_ids(app) == ["R-1"]
        assert "1 of 7 in Rare Earths" in status(app)
        assert "1 of 7 in Rare Earths" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not facets.display
        assert app.screen.query_one(DetailPane).region.y >= table.region.bottom


async def test_category_names_are_shown_literally(tmp_path: Path):
    store = make_store(
        tmp_path / "odd.db",
        [
            {"id": "B-1", "title": "One", "category": "[bold]Loud[/bold]", "date": "2024-01-01"},
            {"id": "B-2", "title": "Two", "category": "Bell\x07\x1b[2J", "date": "2024-01-02"},
        ],
    )
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]Loud[/bold] (1)" in text
        assert "Bell␇␛[2J (1)" in text
        assert "\x1b" not in "".join(facet_lines(app))
        await pilot.press("down", "enter")  # markup is a name like any other
        await settle(pilot)
        assert shown_ids(app) == ["B-1"]
        assert "1 of 2 in [bold]Loud[/bold]" in status(app)
    store.close()


async def test_help_and_command_palette_offer_the_panel(store: Store):
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Facets: category counts" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Facets: category counts" in text


async def test_without_categories_there_is_only_all(empty_store: Store):
    app = ArchiveApp(empty_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert facet_lines(app) == ["● All categories (0)"]
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(app) == []
        assert app.is_running


@pytest.mark.parametrize("name", ["__all__", "All categories", "None", ""])
async def test_a_category_named_like_all_can_be_chosen(tmp_path: Path, name: str):
    records = [
        {"id": "S-1", "title": "Named oddly", "category": name, "date": "2024-03-01"},
        {"id": "S-2", "title": "Named oddly too", "category": name, "date": "2024-02-01"},
        {"id": "E-1", "title": "Energy note", "category": "Energy", "date": "2024-01-01"},
        {"id": "X-1", "title": "Unfiled", "date": "2023-01-01"},
    ]
    store = make_store(tmp_path / "odd.db", records)
    app = ArchiveApp(store)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        # The category control (c): move to the category and choose it, as a user would.
        select = app.screen.query_one("#category", Select)
        await pilot.press("c")
        await settle(pilot)
        values = [value for _, value in select._options]
        await pilot.press(*["down"] * values.index(name), "enter")
        await settle(pilot)
        assert app.screen.listing.category == name
        assert shown_ids(app) == ["S-1", "S-2"]
        # "All categories" still shows them all.
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.screen.listing.category is None
        assert shown_ids(app) == ["S-1", "S-2", "E-1", "X-1"]
        # The same through the facets panel.
        await pilot.press("f")
        await pilot.pause()
        entry = next(i for i, line in enumerate(facet_lines(app)) if line.startswith(f"  {name} (2)"))
        await pilot.press(*["down"] * entry, "enter")
        await settle(pilot)
        assert shown_ids(app) == ["S-1", "S-2"]
        await pilot.press("home", "enter")
        await settle(pilot)
        assert shown_ids(app) == ["S-1", "S-2", "E-1", "X-1"]
    store.close()


async def test_c_and_a_choice_typed_in_one_burst_after_a_search_choose_as_typed_slowly(several: Store):
    """The categories are counted only once wanted: keys after c wait for the control to open with
    the search's counts, so a burst chooses what slow typing would."""
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"magnet", "enter", "c", "down", "enter")
        await settle(pilot)
        assert app.screen.listing.category == "Rare Earths"  # All, Rare Earths (1): not the whole list's Energy
        assert shown_ids(app) == ["R-1"]
        await pilot.press("slash", "ctrl+u", *"supply", "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert [str(prompt) for prompt, _ in app.screen.query_one("#category", Select)._options] == [
            "All categories",
            "Energy (2)",
            "Metals (1)",
            "Rare Earths (1)",
        ]


def category_options(app: ArchiveApp) -> list[str]:
    return [str(prompt) for prompt, _ in app.screen.query_one("#category", Select)._options]


async def test_the_category_control_never_keeps_an_earlier_searchs_counts(several: Store):
    """Counts in the category control are the search's own: after a search, until the control is
    opened again, it offers no counts at all, however many searches follow (each its own)."""
    app = ArchiveApp(several)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"supply", "enter", "c")
        await settle(pilot)
        assert category_options(app) == [
            "All categories (5)",
            "Energy (2)",
            "Metals (1)",
            "Rare Earths (1)",
        ]
        await pilot.press("escape")
        await settle(pilot)
        for word in ("demand", "nickel", "outlook"):
            await pilot.press("slash", "ctrl+u", *word, "enter")
            await settle(pilot)
            assert category_options(app) == ["All categories"], word
        await pilot.press("c")
        await settle(pilot)
        assert category_options(app) == ["All categories (2)", "Energy (2)"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert sorted(shown_ids(app)) == ["E-1", "E-2"]
        for word in ("oil", "gas"):  # within the chosen category: it stays chosen, uncounted
            await pilot.press("slash", "ctrl+u", *word, "enter")
            await settle(pilot)
            assert category_options(app) == ["All categories", "Energy"], word
            assert app.screen.query_one("#category", Select).value == "Energy"
