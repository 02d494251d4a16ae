"""The rows a table holds: a few pages of a listing, least recently used first out."""

from __future__ import annotations

from collections.abc import Iterable

from textual.cache import LRUCache

from ...core.model import Report

PAGE_SIZE = 100
MAX_PAGES = 40  # at most 4,000 rows held, whatever the archive's size


class Pages:
    """Pages of ``PAGE_SIZE`` rows by number, and which ones have been asked for."""

    def __init__(self) -> None:
        self._cache: LRUCache[int, list[Report]] = LRUCache(MAX_PAGES)
        self._pending: set[int] = set()
        self._stale: set[int] = set()
        """Rows (by rowid) held from before the last change made elsewhere, not read since."""

    def clear(self) -> None:
        self._cache.clear()
        self._pending.clear()
        self._stale.clear()

    def put(self, page: int, rows: list[Report]) -> None:
        self._pending.discard(page)
        self._cache.set(page, rows)
        self._stale.difference_update(report.rowid for report in rows)

    def mark_stale(self) -> None:
        """The archive changed elsewhere: every row held may be out of date until read again."""
        self._stale = set(self.rowids())

    def is_stale(self, report: Report) -> bool:
        return report.rowid in self._stale

    def report_at(self, row: int) -> Report | None:
        """The report at ``row`` if it is held, else None."""
        rows = self._cache.get(row // PAGE_SIZE)
        if rows is None:
            return None
        index = row % PAGE_SIZE
        return rows[index] if index < len(rows) else None

    def wanted(self, row: int) -> int | None:
        """The page to read for ``row``, unless it has been asked for already."""
        page = row // PAGE_SIZE
        if page in self._pending:
            return None
        self._pending.add(page)
        return page

    def update(self, report: Report) -> list[int]:
        """Hold the new version of a report (a new view count, say) wherever it is held; return those rows."""
        changed = []
        for page in list(self._cache.keys()):
            rows = self._cache.get(page) or []
            for index, held in enumerate(rows):
                same = held.rowid == report.rowid if report.rowid is not None else held.id == report.id
                if same:
                    rows[index] = report
                    changed.append(page * PAGE_SIZE + index)
        return changed

    def renew(self, fresh: dict[int, Report], asked: Iterable[int]) -> list[Report]:
        """Hold the reports in ``fresh`` (by rowid) where they differ from those held; return the ones that did.

        The rows ``asked`` for are up to date from now (those not in ``fresh`` are no longer in the archive)."""
        self._stale.difference_update(asked)
        changed: list[Report] = []
        for page in list(self._cache.keys()):
            rows = self._cache.get(page) or []
            for index, held in enumerate(rows):
                new = fresh.get(held.rowid) if held.rowid is not None else None
                if new is not None and new != held:
                    rows[index] = new
                    changed.append(new)
        return changed

    def rowids(self) -> list[int]:
        """The rows of the file the held reports are in."""
        return [
            report.rowid
            for page in list(self._cache.keys())
            for report in self._cache.get(page) or []
            if report.rowid is not None
        ]

    @property
    def held(self) -> int:
        """How many rows are held in memory."""
        return sum(len(self._cache.get(page) or []) for page in list(self._cache.keys()))
