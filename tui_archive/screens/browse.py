"""The main screen: search box, report table, detail pane, status line."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, Select, Static
from textual.worker import get_current_worker

from .. import clipboard, export, links
from ..messages import ListingCounted, ListingLoaded, PageLoaded, ReportAccessed, StoreFailed, StoreRecovered
from ..safe import clean, safe_text
from ..store import RELEVANCE, SORT_LABELS, SORTS, ArchiveError, Interrupted, Listing, Report, Session, Store
from ..widgets.detail import DetailPane
from ..widgets.facets import FacetPanel
from ..widgets.report_table import PAGE_SIZE, ReportTable
from ..widgets.search_input import SearchInput
from .export import ExportScreen
from .history import HistoryScreen
from .goto import GotoScreen
from .report import ReportScreen

ALL = "__all__"
SEARCH_DEBOUNCE = 0.04  # seconds: one query per pause in typing, not per key (a new one interrupts the last)


VIEW_RETRY_SECONDS = 600.0  # how long a view waits for a busy archive before it is given up
VIEW_RETRY_PAUSE = 0.5


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def describe_failure(error: Exception) -> str:
    if isinstance(error, ArchiveError):
        return str(error)
    if isinstance(error, sqlite3.OperationalError) and _busy(error):
        return "the archive is busy (locked by another program); try again"
    if isinstance(error, sqlite3.Error):
        return f"archive error: {error}"
    return f"{type(error).__name__}: {error}"


class BrowseScreen(Screen):
    """Browse, search, sort and filter the archive."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "leave_search", "To list", show=False),
        Binding("enter", "access", "Access"),
        Binding("y", "copy_id", "Copy ID"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
        Binding("c", "choose_category", "Category"),
        Binding("colon", "goto_row", "Go to row", show=False),
        Binding("f", "toggle_facets", "Facets: category counts", show=False),
        Binding("o", "open_link", "Open link", show=False),
        Binding("h", "history", "History", show=False),
        Binding("space", "toggle_mark", "Mark / unmark", show=False),
        Binding("u", "unmark_all", "Unmark all", show=False),
        Binding("e", "export", "Export", show=False),
    ]

    def __init__(self, store: Store, note: str = "") -> None:
        super().__init__()
        self.store = store
        self.note = note
        self.listing = Listing(typing=True)
        self.generation = 0
        self.total: int | None = None
        self.archive_total: int | None = None
        self._search_timer: Timer | None = None
        self._session: Session | None = None
        self._failure = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="toolbar"):
            yield SearchInput(placeholder="Search titles, summaries, bodies", id="search")
            yield Select(
                [(label, key) for key, label in SORT_LABELS.items() if key != RELEVANCE],
                value="date",
                allow_blank=False,
                id="sort",
                compact=True,
            )
            yield Select([("All categories", ALL)], value=ALL, allow_blank=False, id="category", compact=True)
        with Horizontal(id="main"):
            yield ReportTable(id="reports")
            yield DetailPane(id="detail")
            yield FacetPanel(id="facets")  # in the detail pane's place while open
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReportTable).focus()
        self.reload()

    @property
    def table(self) -> ReportTable:
        return self.query_one(ReportTable)

    # -- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Query the archive again for the current listing."""
        self.generation += 1
        table = self.table
        table.sort_column = None if self.listing.effective_sort == RELEVANCE else self.listing.effective_sort
        table.sort_descending = self._descending()
        # The query for the last keystroke is of no use now: stop it in SQLite.
        if self._session is not None:
            self._session.interrupt()
        self._session = self.store.session()
        self._load_listing(self.listing, self.generation, self._session)

    def _descending(self) -> bool:
        sort = self.listing.effective_sort
        natural = True if sort == RELEVANCE else SORTS[sort][1]
        return natural != self.listing.reverse

    @work(thread=True, exclusive=True, group="listing")
    def _load_listing(self, listing: Listing, generation: int, session: Session) -> None:
        """First page first, so rows show at once; then the count and the categories."""
        try:
            with session:
                rows = session.window(listing, 0, PAGE_SIZE)
                self.post_message(ListingLoaded(generation, listing, rows))
                total = session.count(listing)
                archive_total = session.count(Listing()) if listing.filtered else total
                categories = session.categories(listing)
            self.post_message(ListingCounted(generation, total, archive_total, categories))
        except Interrupted:
            return
        except Exception as error:  # shown in the status line; the app keeps running
            self.post_message(StoreFailed(describe_failure(error)))

    @work(thread=True, group="pages")
    def _load_page(self, listing: Listing, generation: int, offset: int, limit: int, total: int | None) -> None:
        try:
            rows = self.store.window(listing, offset, limit, total=total)
        except Exception as error:
            self.post_message(StoreFailed(describe_failure(error)))
            return
        self.post_message(PageLoaded(generation, offset, rows))

    @on(ListingLoaded)
    def _listing_loaded(self, message: ListingLoaded) -> None:
        if message.generation != self.generation:
            return
        self._failure = ""
        self.total = None
        self.table.reset(message.generation, message.rows)
        if not message.rows:
            self.query_one(DetailPane).show(None)
        self._update_status()

    @on(ListingCounted)
    def _listing_counted(self, message: ListingCounted) -> None:
        if message.generation != self.generation:
            return
        self.total = message.total
        self.archive_total = message.archive_total
        self.table.set_row_count(message.generation, message.total)
        self._update_categories(message)
        self.query_one(FacetPanel).show_categories(message.categories, self.listing.category)
        self._update_status()

    @on(ReportTable.RowsWanted)
    def _rows_wanted(self, message: ReportTable.RowsWanted) -> None:
        if message.generation == self.generation:
            self._load_page(self.listing, message.generation, message.offset, message.limit, self.total)

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        self.table.add_page(message.generation, message.offset, message.rows)

    @on(StoreFailed)
    def _store_failed(self, message: StoreFailed) -> None:
        self._failure = message.reason
        self._update_status()
        self.notify(clean(message.reason), severity=message.severity, markup=False)

    @on(StoreRecovered)
    def _store_recovered(self) -> None:
        self._failure = ""
        self._update_status()

    # -- status and widgets ------------------------------------------------------------

    def _update_categories(self, message: ListingCounted) -> None:
        select = self.query_one("#category", Select)
        if select.expanded:
            return
        options = [(f"All categories ({message.total if self.listing.category is None else '…'})", ALL)]
        if self.listing.category is not None:
            options[0] = ("All categories", ALL)
        options += [
            (Text.assemble(safe_text(category.name), f" ({category.count})"), category.name)
            for category in message.categories
            if category.name is not None
        ]
        current = self.listing.category or ALL
        if current not in {value for _, value in options}:
            options.append((safe_text(current), current))
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current

    def _update_status(self) -> None:
        listing = self.listing
        parts: list[Text | str] = []
        if self._failure:
            parts.append(Text(clean(self._failure), style="bold red"))
        elif self.total is None:
            parts.append("counting…" if self.table.row_count else "searching…" if listing.filtered else "loading…")
        else:
            noun = "report" if self.total == 1 else "reports"
            if not listing.filtered:
                parts.append(f"{self.total:,} {noun}")
            else:
                text = Text(f"{self.total:,} of {self.archive_total:,}")
                if listing.category is not None:
                    text.append(" in ")
                    text.append(safe_text(listing.category))
                if not listing.query.empty:
                    text.append(" match '")
                    text.append(safe_text(listing.text.strip()))
                    text.append("'")
                parts.append(text)
                if self.total == 0 and listing.match is not None:
                    parts.append(Text("try fewer words, or a prefix like magn*", style="dim"))
        for hint in listing.query.hints:
            parts.append(Text(clean(hint), style="yellow"))
        sort = SORT_LABELS[listing.effective_sort]
        parts.append(f"sorted by {sort} {'▼' if self._descending() else '▲'}")
        if self.table.marked:
            parts.append(Text(f"{len(self.table.marked)} marked", style="bold"))
        if self.store.readonly:
            parts.append(Text("read-only: views are not counted", style="yellow"))
        if self.note:
            parts.append(Text(clean(self.note), style="dim"))
        self.query_one("#status", Static).update(Text("  ·  ").join(Text(p) if isinstance(p, str) else p for p in parts))

    # -- events ------------------------------------------------------------------------

    @on(ReportTable.RowHighlighted)
    def _row_highlighted(self, message: ReportTable.RowHighlighted) -> None:
        if message.report is not None or self.table.row_count == 0:
            self.query_one(DetailPane).show(message.report)

    @on(ReportTable.RowSelected)
    def _row_selected(self, message: ReportTable.RowSelected) -> None:
        self.open_report(message.report)

    @on(ReportTable.HeaderSelected)
    def _header_selected(self, message: ReportTable.HeaderSelected) -> None:
        if self.listing.effective_sort == message.column:
            self.action_reverse_sort()
        else:
            self._set_sort(message.column)

    @on(Input.Changed, "#search")
    def _search_changed(self, message: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self._apply_search(message.value))

    def _apply_search(self, text: str) -> None:
        listing = replace(self.listing, text=text)
        had_text = self.listing.match is not None
        has_text = listing.match is not None
        if has_text and not had_text and listing.sort in (None, "date") and not listing.reverse:
            listing = replace(listing, sort=RELEVANCE)
        elif had_text and not has_text and listing.sort == RELEVANCE:
            listing = replace(listing, sort="date", reverse=False)
        if listing != self.listing:
            self.listing = listing
            self._show_sort()
            self.reload()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    @on(Select.Changed, "#sort")
    def _sort_chosen(self, message: Select.Changed) -> None:
        if isinstance(message.value, str) and message.value != self.listing.effective_sort:
            self._set_sort(message.value)

    @on(Select.Changed, "#category")
    def _category_chosen(self, message: Select.Changed) -> None:
        self.set_category(None if message.value == ALL else str(message.value))
        self.table.focus()

    @on(FacetPanel.Chosen)
    def _facet_chosen(self, message: FacetPanel.Chosen) -> None:
        self.set_category(message.category)

    def set_category(self, category: str | None) -> None:
        """Narrow the list to one category (``None``: all), from the category control or the facets panel.

        Both show the choice when the new listing is counted (``_listing_counted``).
        """
        if category != self.listing.category:
            self.listing = replace(self.listing, category=category)
            self.reload()

    @on(Button.Pressed, "#access")
    def _access_pressed(self) -> None:
        self.action_access()

    # -- actions -----------------------------------------------------------------------

    def _set_sort(self, sort: str) -> None:
        self.listing = replace(self.listing, sort=sort, reverse=False)
        self._show_sort()
        self.reload()

    def _show_sort(self) -> None:
        """Show the listing's sort in the sort control, without it counting as a choice."""
        select = self.query_one("#sort", Select)
        sort = self.listing.effective_sort
        options = [(label, key) for key, label in SORT_LABELS.items() if key != RELEVANCE or self.listing.match]
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = sort

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        self.table.focus()

    def action_access(self) -> None:
        report = self.table.highlighted
        if report is not None:
            self.open_report(report)

    # -- marks and export ------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        """Mark the highlighted report (or unmark it), then move to the next."""
        report = self.table.highlighted
        if report is None:
            return
        self.table.marked.symmetric_difference_update({report.id})
        self.table.cursor_row += 1
        self.table.refresh()
        self._update_status()

    def action_unmark_all(self) -> None:
        self.table.marked.clear()
        self.table.refresh()
        self._update_status()

    def action_export(self) -> None:
        marked = sorted(self.table.marked)
        if marked:
            what = f"the {len(marked)} marked report" + ("" if len(marked) == 1 else "s")
        else:
            what = "the reports listed" if self.total is None else f"the {self.total:,} reports listed"

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                self._export(answer[0], answer[1], self.listing, marked)

        self.app.push_screen(ExportScreen(what), chosen)

    @work(thread=True, group="export")
    def _export(self, fmt: str, path: Path, listing: Listing, marked: list[str]) -> None:
        reports = self.store.iter_ids(marked) if marked else self.store.iter_listing(listing)
        created = False
        try:
            with path.open("x", encoding="utf-8", newline="") as out:
                created = True
                count = export.write(reports, fmt, out)
        except FileExistsError:
            message, severity = f"{clean(path)} exists already: choose another name", "warning"
        except Exception as error:  # no room, no permission, or the archive failed while reading
            if created:  # no half-written export left behind
                path.unlink(missing_ok=True)
            reason = clean(error.strerror or error) if isinstance(error, OSError) else describe_failure(error)
            message, severity = f"not exported to {clean(path)}: {reason}", "error"
        else:
            noun = "report" if count == 1 else "reports"
            message, severity = f"Exported {count:,} {noun} to {clean(path)}", "information"
        self.app.call_from_thread(self.notify, message, severity=severity, markup=False)

    def action_history(self) -> None:
        history = getattr(self.app, "history", None)
        visits = history.visits() if history is not None else []
        self.app.push_screen(HistoryScreen(visits), self._history_chosen)

    def _history_chosen(self, report_id: str | None) -> None:
        if report_id is not None:
            self._open_by_id(report_id)

    @work(thread=True, group="access")
    def _open_by_id(self, report_id: str) -> None:
        try:
            report = self.store.get(report_id)
        except Exception as error:
            self.post_message(StoreFailed(describe_failure(error)))
            return
        if report is None:
            self.app.call_from_thread(
                self.notify, f"{clean(report_id)} is no longer in the archive", severity="warning", markup=False
            )
            return
        self.app.call_from_thread(self.open_report, report)

    def action_open_link(self) -> None:
        report = self.table.highlighted
        if report is None:
            self.notify("No report highlighted", severity="warning")
            return
        open_report_link(self, report)

    def action_copy_id(self) -> None:
        if self.table.marked:
            ids = sorted(self.table.marked)
            where = clipboard.copy(self.app, "\n".join(ids), multiline=True)
            noun = "ID" if len(ids) == 1 else "IDs"
            self.notify(f"Copied {len(ids)} marked {noun} to {where}", markup=False)
            return
        report = self.table.highlighted
        if report is None:
            self.notify("No report highlighted", severity="warning")
            return
        copy_report_id(self, report)

    def action_cycle_sort(self) -> None:
        keys = [key for key in SORT_LABELS if key != RELEVANCE or self.listing.match]
        current = self.listing.effective_sort
        self._set_sort(keys[(keys.index(current) + 1) % len(keys)])

    def action_reverse_sort(self) -> None:
        self.listing = replace(self.listing, reverse=not self.listing.reverse)
        self.reload()

    def action_goto_row(self) -> None:
        """Jump to a row by its number; the table fetches just the rows there."""
        table = self.table
        if table.row_count == 0:
            return

        def jump(row: int | None) -> None:
            if row is not None:
                table.cursor_row = row
            table.focus()

        self.app.push_screen(GotoScreen(table.row_count), jump)

    def action_choose_category(self) -> None:
        select = self.query_one("#category", Select)
        select.focus()
        select.expanded = True

    def action_toggle_facets(self) -> None:
        """Show the facets panel in the detail pane's place and move into it, or close it."""
        panel = self.query_one(FacetPanel)
        if panel.display:
            self._close_facets()
        else:
            self.query_one(DetailPane).display = False
            panel.display = True
            panel.focus()

    @on(FacetPanel.CloseRequested)
    def _close_facets(self) -> None:
        self.query_one(FacetPanel).display = False
        self.query_one(DetailPane).display = True
        self.table.focus()

    # -- ACCESS --------------------------------------------------------------------------

    def open_report(self, report: Report) -> None:
        """Open the report screen and count one view in the file."""
        self.app.push_screen(ReportScreen(report))
        self._remember(report)
        if self.store.readonly:
            return
        self._count_view(report.id)

    def _remember(self, report: Report) -> None:
        """Put the report at the top of the per-user history."""
        history = getattr(self.app, "history", None)
        if history is None:
            return
        try:
            history.add(report.id, report.title)
        except OSError as error:
            self.notify(f"history not saved: {clean(error.strerror or error)}", severity="warning", markup=False)

    @work(thread=True, group="access")
    def _count_view(self, report_id: str) -> None:
        """Count the view; while another program (an import) holds the archive, keep trying."""
        worker = get_current_worker()
        deadline = time.monotonic() + VIEW_RETRY_SECONDS
        said = False
        while True:
            try:
                report = self.store.access(report_id)
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline or worker.is_cancelled:
                    self.post_message(StoreFailed(f"view not counted: {describe_failure(error)}"))
                    return
                if not said:
                    said = True
                    self.post_message(
                        StoreFailed(
                            f"archive busy (an import?): the view of {report_id} will be counted when it is free",
                            severity="warning",
                        )
                    )
                time.sleep(VIEW_RETRY_PAUSE)
                continue
            except Exception as error:  # disk full, damaged: the app keeps running
                self.post_message(StoreFailed(f"view not counted: {describe_failure(error)}"))
                return
            break
        if report is not None:
            self.post_message(ReportAccessed(report))
            if said:
                self.post_message(StoreRecovered())

    @on(ReportAccessed)
    def _report_accessed(self, message: ReportAccessed) -> None:
        report = message.report
        self.table.update_report(report)
        highlighted = self.table.highlighted
        if highlighted is not None and highlighted.id == report.id:
            self.query_one(DetailPane).show(report)
        for screen in self.app.screen_stack:
            if isinstance(screen, ReportScreen) and screen.report.id == report.id:
                screen.show(report)


def open_report_link(screen: Screen, report: Report) -> None:
    """Open a report's link in a browser, or copy it where there is none, and say which."""
    message, severity = links.open_link(screen.app, report.url)
    screen.notify(message, severity=severity, markup=False)


def copy_report_id(screen: Screen, report: Report) -> None:
    """Copy a report's ID and say so."""
    where = clipboard.copy(screen.app, report.id)
    screen.notify(f"Copied {clean(report.id)} to {where}", markup=False)
