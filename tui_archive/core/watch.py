"""Noticing changes other sessions and programs make to the archive, and reading what changed.

A :class:`Watcher` asks SQLite's ``PRAGMA data_version`` on a connection of its
own every 2 seconds (up to 4 while the archive keeps changing), on
a thread of its own, and calls its listener when another connection has committed
(a view counted in another session, an import, a row written by sqlite-utils). Asking costs a few microseconds and
never waits for a busy archive, so many idle sessions cost next to nothing.
The screen then reads what it holds again with :func:`read_fresh`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import ArchiveError
from .model import Report, brief_columns
from .store import Store

WATCH_INTERVAL = 2.0
"""Seconds between two looks at the archive. A look is microseconds of SQLite, but a thread waking
costs more on a shared virtual machine (0.03 to 0.5 ms of CPU here): fifty idle sessions looking
once a second used 8% of a core between them, every 2 seconds 3.4%."""
BUSY_INTERVAL = 4.0
"""The most seconds between two looks while the archive keeps changing: each look that finds a
change doubles the wait up to this, and one that finds none goes back to :data:`WATCH_INTERVAL`.
Reading the rows held again costs a session a few milliseconds; with fifty sessions open while
others count views every moment, looking every second cost a quarter of a core."""


@dataclass(frozen=True)
class Fresh:
    """The archive as it stands now, for the rows a screen holds."""

    reports: list[Report]
    """The rows asked for, as the list shows them (rows no longer in the archive are left out)."""
    newest: int
    """The newest row in the archive (its rowid)."""
    added: int
    """How many reports were added after the row asked about."""


def newest_row(store: Store) -> int:
    """The newest row in the archive: reports added later have a larger rowid."""
    with store.connection() as conn:
        return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0])


def read_fresh(store: Store, rowids: Iterable[int], since: int | None) -> Fresh:
    """The rows ``rowids`` as they now stand, and how many reports came after row ``since``
    (None: not known, none counted), as one snapshot."""
    wanted = json.dumps(sorted(set(rowids)))
    with store.connection() as conn:
        conn.execute("BEGIN")
        rows = conn.execute(
            f"SELECT {brief_columns()} FROM reports WHERE rowid IN (SELECT value FROM json_each(?))", [wanted]
        ).fetchall()
        newest = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0])
        added = 0
        if since is not None:
            added = int(conn.execute("SELECT count(*) FROM reports WHERE rowid > ?", [since]).fetchone()[0])
        conn.execute("COMMIT")
    return Fresh([Report.from_row(row, brief=True) for row in rows], newest, added)


class Watcher:
    """Calls ``listener`` (from its own thread) once another connection has changed the archive.

    ``interval`` seconds between looks, up to ``busiest`` while every look finds
    a change; :meth:`close` stops it. A look that fails (the archive busy or gone
    for a moment) is tried again next time.
    """

    def __init__(
        self,
        store: Store,
        listener: Callable[[], None],
        *,
        interval: float = WATCH_INTERVAL,
        busiest: float = BUSY_INTERVAL,
    ) -> None:
        self.listener = listener
        self.interval = interval
        self.busiest = max(interval, busiest)
        self._reader = store.version_reader()
        self._version: int | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="archive-watcher", daemon=True)
            self._thread.start()

    def poll(self) -> bool:
        """Look once: has the archive changed since the last look? (The first look says no.)"""
        try:
            version = self._reader.version()
        except ArchiveError:  # busy, or gone for now: look again next time
            return False
        changed = self._version is not None and version != self._version
        self._version = version
        return changed

    def _run(self) -> None:
        self.poll()
        wait = self.interval
        while not self._stopping.wait(wait):
            if self.poll():
                self.listener()
                wait = min(wait * 2, self.busiest)
            else:
                wait = self.interval

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        self._reader.close()
