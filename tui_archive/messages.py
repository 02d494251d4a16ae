"""Messages that carry results from store workers back to the screens."""

from __future__ import annotations

from textual.message import Message

from .store import Category, Listing, Report


class ListingLoaded(Message):
    """The first page of a listing, before it is counted."""

    def __init__(self, generation: int, listing: Listing, rows: list[Report]) -> None:
        super().__init__()
        self.generation = generation
        self.listing = listing
        self.rows = rows


class ListingCounted(Message):
    """How many reports a listing holds, out of how many, and its categories."""

    def __init__(
        self, generation: int, total: int, archive_total: int, categories: list[Category]
    ) -> None:
        super().__init__()
        self.generation = generation
        self.total = total
        self.archive_total = archive_total
        self.categories = categories


class PageLoaded(Message):
    def __init__(self, generation: int, offset: int, rows: list[Report]) -> None:
        super().__init__()
        self.generation = generation
        self.offset = offset
        self.rows = rows


class ReportAccessed(Message):
    """A view was counted; ``report`` is as it now stands in the file."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


class StoreFailed(Message):
    """A store call failed (or, as a warning, is waiting); ``reason`` is worded for the user."""

    def __init__(self, reason: str, severity: str = "error") -> None:
        super().__init__()
        self.reason = reason
        self.severity = severity


class StoreRecovered(Message):
    """What a StoreFailed warning said is over: the status line can stop saying it."""
