"""Textual's stock DataTable in a real terminal: ``python -m benchmarks.stock ARCHIVE ROWS``.

The baseline for the terminal figures: the same rows the app lists first (newest
first), read at once and given to ``DataTable.add_rows``, as a straightforward app
would. ``q`` quits.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui_archive.core.listing import Listing
from tui_archive.core.store import Store


class StockTable(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, rows: list[tuple]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "Title", "Category", "Date", "Views")
        table.add_rows(self.rows)
        table.focus()


def main() -> None:
    path, limit = sys.argv[1], int(sys.argv[2])
    with Store(path, create=False) as store:
        rows = [(r.id, r.title, r.category or "", r.date or "", r.views) for r in store.window(Listing(), 0, limit)]
    StockTable(rows).run()


if __name__ == "__main__":
    main()
