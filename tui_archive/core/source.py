"""One listing of one archive, as a table pages through it: the first page, the counts, any window.

A source is made for each new search, sort or category. Its first page and
counts are read on one connection that :meth:`ListingSource.cancel` interrupts,
so a search superseded by the next keystroke stops inside SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass

from .listing import Listing
from .model import Category, Report
from .store import Store


@dataclass(frozen=True)
class Counts:
    """How many reports a listing holds, out of how many in the archive, and its categories
    (None while they are still being counted: they take longest)."""

    total: int
    archive_total: int
    categories: list[Category] | None


@dataclass(frozen=True)
class Opening:
    """The rows a listing opens on: ``rows`` from row ``start``, the cursor on row ``cursor``."""

    start: int
    rows: list[Report]
    cursor: int


class ListingSource:
    """Reads one listing; each call blocks, so the UI calls it from a worker thread.

    Rows are brief (:func:`~.model.brief_columns`): a bounded prefix of each field, no body.
    """

    def __init__(self, store: Store, listing: Listing) -> None:
        self.store = store
        self.listing = listing
        self.total: int | None = None
        """The listing's size, once counted: windows past the middle then read from the far end."""
        self._session = store.session()

    def cancel(self) -> None:
        """Stop the first page or the counting, from any thread (they raise Interrupted)."""
        self._session.interrupt()

    def first_page(self, limit: int) -> list[Report]:
        with self._session as session:
            self.listing = session.complete(self.listing)
            return session.window(self.listing, 0, limit, brief=True)

    def opening(self, limit: int, keep: object = None) -> Opening:
        """The page holding the report with ID ``keep`` if it is listed, the cursor on it; else the first page.

        A partial word being typed (one or two letters) is first completed from
        the index (:meth:`~.listing.Reader.complete`): :attr:`listing` then holds
        the words searched.
        """
        if keep is not None:
            with self._session as session:
                self.listing = session.complete(self.listing)
            with self._session as session:
                row = session.position(self.listing, keep)
                if row is not None:
                    start = row - row % limit
                    return Opening(start, session.window(self.listing, start, limit), row)
        return Opening(0, self.first_page(limit), 0)

    def place_of(self, report_id: str) -> int | None:
        """The row of the report with ``report_id`` (in any case, when only one report has it), or None."""
        with self._session as session:
            return session.position(self.listing, session.resolve_id(report_id))

    def totals(self) -> Counts:
        """How many reports the listing holds, and the archive; the categories not yet."""
        listing = self.listing
        with self._session as session:
            total = session.count(listing)
            archive_total = session.count(Listing()) if listing.filtered else total
        self.total = total
        return Counts(total, archive_total, None)

    def counts(self) -> Counts:
        """The totals and the categories (the totals are remembered from :meth:`totals`)."""
        totals = self.totals()
        with self._session as session:
            categories = session.categories(self.listing)
        return Counts(totals.total, totals.archive_total, categories)

    def window(self, offset: int, limit: int) -> list[Report]:
        return self.store.window(self.listing, offset, limit, total=self.total, brief=True)
