"""The main screen: it composes the toolbar, report table, detail pane, facets and status line, and wires them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from ...core import views
from ...core.errors import ArchiveError, FileFailed
from ...core.history import History
from ...core.listing import RELEVANCE, Listing
from ...core.model import BRIEF_LIMITS, Report
from ...core.query import related_text
from ...core.safe import clean
from ...core.source import ListingSource
from ...core.store import Store
from ...core.views import ViewCounter
from ...core.watch import Fresh, newest_row, read_fresh
from .. import actions
from ..messages import ArchiveChanged, CatchesUp, ViewHeard
from ..widgets.chrome import TitleHeader
from ..widgets.detail import DetailPane
from ..widgets.facets import FacetPanel
from ..widgets.footer import KeysFooter
from ..widgets.report_table import ReportTable
from ..widgets.status_line import StatusLine
from ..widgets.toolbar import Toolbar
from ..workers import run_blocking
from .goto import GotoScreen
from .history import HistoryScreen
from .report import ReportScreen


class BrowseScreen(CatchesUp, Screen[None]):
    """Browse, search, sort and filter the archive."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("escape", "leave_search", "To list / clear search", show=False, id="to-list"),
        Binding("down", "to_list", "To list", show=False, id="down-to-list"),
        Binding("ctrl+u", "clear_search", "Clear search", show=False, id="clear-search"),
        Binding("enter", "access", "Access", id="access"),
        Binding("y", "copy_id", "Copy ID", id="copy-id"),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="reverse-sort"),
        Binding("c", "choose_category", "Category", id="category"),
        Binding("colon", "goto_row", "Go to row", show=False, id="goto-row"),
        Binding("f", "toggle_facets", "Facets: category counts", show=False, id="facets"),
        Binding("o", "open_link", "Open link", show=False, id="open-link"),
        Binding("h", "history", "History", show=False, id="history"),
        Binding("space", "toggle_mark", "Mark / unmark", show=False, id="mark"),
        Binding("u", "unmark_all", "Unmark all", show=False, id="unmark-all"),
        Binding("e", "export", "Export", show=False, id="export"),
        Binding("r", "related", "Related reports", show=False, id="related"),  # (the footer keeps Quit at 80 columns)
        Binding("R", "reload", "Reload (show new reports)", show=False, id="reload"),
    ]

    class _Newest(Message, bubble=False):
        """The newest row of the archive when ``listing`` was asked for."""

        def __init__(self, listing: Listing, newest: int) -> None:
            super().__init__()
            self.listing = listing
            self.newest = newest

    class _Refreshed(Message, bubble=False):
        """The rows held, read again (None: the read failed, and the app's failure handler says why)."""

        def __init__(self, listing: Listing, fresh: Fresh | None, asked: list[int]) -> None:
            super().__init__()
            self.listing = listing
            self.fresh = fresh
            self.asked = asked

    def __init__(self, store: Store, history: History, counter: ViewCounter, note: str = "") -> None:
        super().__init__()
        self.store = store
        self.history = history
        self.counter = counter
        self.note = note
        self.listing = Listing(typing=True)

        self.table = ReportTable(id="reports")
        self.status = StatusLine(readonly=store.readonly, note=note, id="status")
        self._newest: int | None = None
        """The newest row of the archive when the list was read: reports after it are new."""
        self._last_fresh: Fresh | None = None
        """The last reading again of the list's rows, whose count of new reports the next goes on from."""
        self._refreshing = False
        self._refresh_again = False
        self._report_screen: ReportScreen | None = None
        """The screen reports open in, made at the first and kept (see :class:`ReportScreen`)."""

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield Toolbar(id="toolbar")
        with Horizontal(id="main"):
            yield self.table
            yield DetailPane(self.store, id="detail")
            yield FacetPanel(id="facets")  # in the detail pane's place while open
        yield self.status
        yield KeysFooter()

    def on_mount(self) -> None:
        self.table.focus()
        self.show_listing(self.listing)

    def show_listing(self, listing: Listing, keep_place: bool = False) -> None:
        """List ``listing``: the table reads it, the toolbar and status line follow.

        With ``keep_place`` (another sort or category), the highlighted report
        stays highlighted wherever the new listing puts it, if it holds it.
        """
        self.listing = listing
        self.query_one(Toolbar).show_sort(listing)
        self.status.listing = listing
        self.status.total = None
        self.status.added = 0
        self._newest = None
        self._last_fresh = None
        store = self.store

        def newest() -> None:
            self.post_message(self._Newest(listing, newest_row(store)))

        run_blocking(self, newest, group="newest")
        self.table.with_categories = self._categories_wanted()
        self.table.show(ListingSource(self.store, listing), keep_place=keep_place)

    def _categories_wanted(self) -> bool:
        """Are the category counts to be seen (the facets panel, or the category control in use)?"""
        return bool(self.query_one(FacetPanel).display) or self.query_one(Toolbar).categories_wanted

    def _count_categories(self) -> None:
        """The counts are about to be seen: count them for the listing shown, if not yet."""
        self.table.with_categories = True
        self.table.count_categories()

    def show_failure(self, error: ArchiveError) -> None:
        """An archive error from a worker: in a notification, and (unless it was a file) the status line."""
        if not isinstance(error, FileFailed):
            self.status.failure = error.sentence
            self.table.forget_waiting()
            self.query_one(Toolbar).give_up_opening()
        self.notify(clean(error.sentence), severity=error.severity, markup=False)  # type: ignore[arg-type]

    # -- what the table and the other widgets say ------------------------------------

    @on(ReportTable.Shown)
    def _shown(self, message: ReportTable.Shown) -> None:
        self.status.failure = ""
        self.status.listing = message.listing  # with the words a partial word was searched as
        self.status.total = None
        self.status.has_rows = bool(message.rows)
        if not message.rows:
            self.query_one(DetailPane).show(None)

    @on(ReportTable.Counted)
    def _counted(self, message: ReportTable.Counted) -> None:
        counts = message.counts
        self.status.archive_total = counts.archive_total
        self.status.total = counts.total
        if counts.categories is not None:  # they follow the count, when wanted
            self.query_one(Toolbar).show_categories(message.listing, counts)
            self.query_one(FacetPanel).show_categories(counts.categories, message.listing.category)
        elif not self.table.with_categories:
            self.query_one(Toolbar).uncounted_categories(message.listing)
            self.query_one(FacetPanel).uncounted(message.listing.category)

    @on(ReportTable.RowHighlighted)
    def _row_highlighted(self, message: ReportTable.RowHighlighted) -> None:
        self.status.row = message.row
        if message.report is not None or self.table.row_count == 0:
            self.query_one(DetailPane).show(message.report, self.table.matches)

    @on(ReportTable.RowSelected)
    def _row_selected(self, message: ReportTable.RowSelected) -> None:
        self.open_report(message.report)

    @on(ReportTable.HeaderSelected)
    def _header_selected(self, message: ReportTable.HeaderSelected) -> None:
        if self.listing.effective_sort == message.column:
            self.action_reverse_sort()
        else:
            self.rearrange(lambda listing: listing.sorted_by(message.column))

    @on(Toolbar.SearchChanged)
    def _search_changed(self, message: Toolbar.SearchChanged) -> None:
        self._search_for(message.text)

    def _search_for(self, text: str) -> None:
        listing = self.listing.with_text(text)
        if listing != self.listing:
            self.show_listing(listing)

    def typed_search(self) -> None:
        """Search for the text as typed now, without waiting for the pause in typing.

        Every key after typing acts on the results of the text typed, however
        fast it follows: the keys that change the listing build on it, and the
        keys that act on rows wait for its rows (:meth:`after_typing`).
        """
        text = self.query_one(Toolbar).take_search()
        if text is not None:
            self._search_for(text)

    def after_typing(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the rows of the search as typed, once they are shown."""
        self.typed_search()
        self.table.when_shown(action)

    def rearrange(self, change: Callable[[Listing], Listing]) -> None:
        """Another sort or category of the search as typed, keeping the report highlighted in its rows.

        It waits for those rows, as typed slowly: the report to keep is the one
        highlighted once they are shown.
        """
        self.after_typing(lambda: self.show_listing(change(self.listing), keep_place=True))

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.typed_search()
        self.table.focus()

    @on(Toolbar.SortChosen)
    def _sort_chosen(self, message: Toolbar.SortChosen) -> None:
        self.rearrange(lambda listing: listing.sorted_by(message.sort))

    @on(Toolbar.CategoryChosen)
    @on(FacetPanel.Chosen)
    def _category_chosen(self, message: Toolbar.CategoryChosen | FacetPanel.Chosen) -> None:
        """From the category control or the facets panel; both show the choice once counted."""
        if message.category != self.listing.category:
            self.rearrange(lambda listing: listing.in_category(message.category))
        if isinstance(message, Toolbar.CategoryChosen):
            self.table.focus()

    @on(ViewHeard)
    def _view_heard(self, message: ViewHeard) -> None:
        event = message.event
        if isinstance(event, views.Counted):
            self.table.update_report(event.report)
            highlighted = self.table.highlighted
            if highlighted is not None and (highlighted.rowid, highlighted.id) == (event.report.rowid, event.report.id):
                self.query_one(DetailPane).show(event.report, self.table.matches)
        self.status.heard(event)

    # -- changes other sessions and programs make ------------------------------------

    @on(_Newest)
    def _newest_read(self, message: _Newest) -> None:
        if message.listing is self.listing:
            self._newest = message.newest

    @on(ArchiveChanged)
    def _archive_changed(self) -> None:
        """Read the rows on screen again, and count the reports added since the list was read."""
        self._read_again(self.table.rows_to_read_again())

    @on(ReportTable.StaleShown)
    def _stale_shown(self) -> None:
        """Rows held from before a change came on screen (a scroll, a page down): read them again."""
        self._read_again(self.table.stale_on_screen())

    def _read_again(self, rowids: list[int]) -> None:
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._refresh_again = False
        store, listing, since, before = self.store, self.listing, self._newest, self._last_fresh

        def work() -> None:
            fresh = None
            try:
                fresh = read_fresh(store, rowids, since, before)
            finally:
                self.post_message(self._Refreshed(listing, fresh, rowids))

        run_blocking(self, work, group="refresh")

    @on(_Refreshed)
    def _refreshed(self, message: _Refreshed) -> None:
        """Views and fields change in place (the rows do not move); new reports are announced."""
        self._refreshing = False
        fresh = message.fresh
        if fresh is not None and message.listing is self.listing:
            self._last_fresh = fresh
            highlighted = self.table.highlighted
            changed = self.table.renew(fresh.reports, message.asked)
            now = self.table.highlighted
            if now is not None and highlighted is not None and now is not highlighted and now in changed:
                self.query_one(DetailPane).show(now, self.table.matches)
            if self._newest is None:  # read before the list's own newest row came: count from now on
                self._newest = fresh.newest
            elif fresh.added != self.status.added:
                if fresh.added and not self.status.added:
                    noun, them = ("report", "it") if fresh.added == 1 else ("reports", "them")
                    self.notify(f"{fresh.added:,} new {noun} in the archive: press R to show {them}")
                self.status.added = fresh.added
        if self._refresh_again:
            self._archive_changed()

    def action_reload(self) -> None:
        """Read the list again (new reports included), keeping the highlighted report highlighted."""
        self.after_typing(lambda: self.show_listing(self.listing, keep_place=True))

    def action_related(self) -> None:
        self.after_typing(lambda: self._related(self.table.highlighted))

    def show_related(self, report: Report) -> None:
        """List the reports like ``report`` (from the report screen)."""
        self.after_typing(lambda: self._related(report))

    def _related(self, report: Report | None) -> None:
        """Search for ``related:ID``: the reports like this one, best match first."""
        if report is None:
            self._say_empty("to find reports like")
            return
        text = None if report.id_problem else related_text(report.id)
        if text is None:
            why = report.id_problem or "its ID has a double quote in it"
            self.notify(f"Cannot list reports like this one: {why}", severity="warning", markup=False)
            return
        self.query_one(Toolbar).show_search(text)
        self.show_listing(self.listing.with_text(text).sorted_by(RELEVANCE))
        self.table.focus()

    # -- actions -----------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(Toolbar).focus_search()

    def action_leave_search(self) -> None:
        """From the search box to the list; in the list, clear the search (once there is none, nothing)."""
        if self.focused is self.table and self.listing.text:
            self.action_clear_search()
        else:
            self.action_to_list()

    def action_to_list(self) -> None:
        self.typed_search()
        self.table.focus()

    def action_clear_search(self) -> None:
        """Show the whole list again (in its sort and category), keeping the highlighted report."""
        toolbar = self.query_one(Toolbar)
        toolbar.clear_search()
        listing = self.listing.with_text("")
        if listing != self.listing:
            self.show_listing(listing, keep_place=True)

    def action_access(self) -> None:
        self.after_typing(self._access)

    def _access(self) -> None:
        report = self.table.highlighted
        if report is not None:
            self.open_report(report)
        else:
            self._say_empty("to open")

    def _say_empty(self, what: str) -> None:
        """Why a key that acts on rows did nothing: the list is empty."""
        if self.table.row_count == 0:
            self.notify(f"No report {what}: no reports match", severity="warning", markup=False)

    def action_cycle_sort(self) -> None:
        self.rearrange(Listing.next_sort)

    def action_reverse_sort(self) -> None:
        self.rearrange(Listing.reversed)

    def action_choose_category(self) -> None:
        self.typed_search()
        counted = self.table.categories_counted
        self._count_categories()
        self.query_one(Toolbar).open_categories(counted=counted)

    def action_toggle_facets(self, show: bool | None = None) -> None:
        self.after_typing(partial(self._toggle_facets, show))

    def _toggle_facets(self, show: bool | None = None) -> None:
        """Show the facets panel in the detail pane's place and move into it, or close it."""
        panel = self.query_one(FacetPanel)
        panel.open(not panel.display if show is None else show)
        self.query_one(DetailPane).display = not panel.display
        (panel if panel.display else self.table).focus()
        if panel.display:
            self._count_categories()

    @on(events.DescendantFocus, "#category")
    def _category_control_focused(self) -> None:
        """Tab or a click reached the category control: its counts are about to be seen."""
        self._count_categories()

    @on(FacetPanel.CloseRequested)
    def _close_facets(self) -> None:
        self._toggle_facets(show=False)

    def action_toggle_mark(self) -> None:
        self.after_typing(self._toggle_mark)

    def _toggle_mark(self) -> None:
        """Mark the highlighted report (or unmark it), then move to the next.

        Marks are by row: two reports another program left with no ID (or with the
        same one) are marked each on its own.
        """
        self.status.marked = self.table.toggle_mark()

    def action_unmark_all(self) -> None:
        self.status.marked = self.table.unmark_all()

    def action_copy_id(self) -> None:
        self.after_typing(self._copy_id)

    def _copy_id(self) -> None:
        if self.table.marks:
            actions.copy_marked(self, self.store, self.listing, self.table.marks.values())
        else:
            actions.copy_report_id(self, self.table.highlighted)

    def action_open_link(self) -> None:
        self.after_typing(lambda: actions.open_report_link(self, self.table.highlighted))

    def action_goto_row(self) -> None:
        self.after_typing(self._goto_row)

    def _goto_row(self) -> None:
        """Jump to a row by its number; the table fetches just the rows there."""
        if self.table.row_count:
            self.app.push_screen(GotoScreen(self.table.row_count), self.table.go_to)
        else:
            self._say_empty("to go to")

    def action_export(self) -> None:
        self.after_typing(self._export)

    def _export(self) -> None:
        if self.table.row_count == 0 and not self.table.marks:
            self._say_empty("to export")
            return
        # The table's listing: the one on screen, with the words a partial word was searched as.
        actions.ask_and_export(self, self.store, list(self.table.marks.values()), self.table.listing, self.status.total)

    def action_history(self) -> None:
        def chosen(report_id: str | None) -> None:
            if report_id is not None:
                actions.open_by_id(self, self.store, report_id, self.open_report)

        self.app.push_screen(HistoryScreen(self.history.visits()), chosen)

    # -- ACCESS --------------------------------------------------------------------------

    def _report_screen_for(self, report: Report) -> ReportScreen:
        """The kept report screen, showing ``report``; a new one if it is open already (under another)."""
        screen = self._report_screen
        if screen is not None and screen not in self.app.screen_stack:
            screen.open(report, self.table.matches)
            return screen
        screen = ReportScreen(report, self.store, self.show_related, self.table.matches)
        if self._report_screen is None:
            self._report_screen = screen
            self.app.install_screen(screen, f"report-{id(self)}")  # installed: kept when closed
        return screen

    def open_report(self, report: Report) -> None:
        """Open the report screen, put it in the history, and count one view in the file.

        The view is counted in the very row shown (its rowid), whatever its ID;
        a report whose ID cannot be looked up again is not put in the history.
        """
        self.app.push_screen(self._report_screen_for(report))
        if report.id_problem:
            self.notify(f"Not kept in the history: {report.id_problem}", severity="information", markup=False)
        else:
            try:
                self.history.add(report.id, report.title[: BRIEF_LIMITS["title"]])
            except ArchiveError as error:
                self.notify(clean(error.sentence), severity="warning", markup=False)
        if not self.store.readonly:
            self.counter.count(report.id, report.rowid)
