"""Noticing changes other sessions and programs make to the archive, and reading what changed.

A :class:`Watcher` asks SQLite's ``PRAGMA data_version`` on a connection of its
own, on a thread of its own, and calls its listener when another connection has
committed (a view counted in another session, an import, a row written by
sqlite-utils). It asks when the archive's files are written, as Linux reports
it (inotify on their directory), so a change is heard at once and an idle
session does not wake at all; where there are no such reports (another system,
or no inotify instances left), it asks every 2 seconds. While the archive keeps
changing, it asks at most every 2 seconds, up to 4; while a long write goes on
(an import writes for seconds before it commits), it looks a few times, further
and further apart up to 2 seconds, not at each write. Asking costs a few
microseconds and never waits for a busy archive. Each wait is drawn a little
longer at random (:data:`SPREAD`), so that the sessions on one archive, which all
hear each commit at once, do not all look and read again at once. The screen then
reads what it holds again with :func:`read_fresh`.
"""

from __future__ import annotations

import json
import os
import random
import select
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ArchiveError
from .model import Report, brief_columns
from .store import Store

if TYPE_CHECKING:
    from inotify_simple import INotify

WATCH_INTERVAL = 2.0
"""Seconds between two looks at the archive where its files' writes are not reported, and the least
between two changes heard while it keeps changing. A look is microseconds of SQLite, but a thread
waking costs more on a shared virtual machine (0.03 to 0.5 ms of CPU here): fifty idle sessions
looking once a second used 8% of a core between them, every 2 seconds 3.4%."""
BUSY_INTERVAL = 4.0
"""The most seconds between two looks while the archive keeps changing: each look that finds a
change doubles the wait up to this, and one that finds none goes back to :data:`WATCH_INTERVAL`.
Reading the rows held again costs a session a few milliseconds; with fifty sessions open while
others count views every moment, looking every second cost a quarter of a core."""
SAFETY_INTERVAL = 120.0
"""Seconds between two looks all the same where writes are reported. One finding a change that no
report announced (another machine writing the file over a network filesystem, a container's
volume) means the reports miss this archive's writers: from then on the watcher looks every
:data:`WATCH_INTERVAL`. Rare, because a look after a long sleep is dear here (10 to 40 ms of CPU
on the machine in the README, against 0.4 ms after 2 seconds)."""
SETTLE = 0.05
"""Seconds from a reported write to the look: a commit writes its pages, then marks them committed.
Not waited after the pause that follows a change (the writes it reports are mostly long done; a
look that comes too soon is taken again :data:`WATCH_INTERVAL` later): a thread that wakes twice
for one look pays twice what waking costs on a shared virtual machine, 3 to 9 ms of CPU here."""
UNSURE_FIRST = 0.1
"""Seconds from a look that found no commit after a reported write to the next look, doubling up to
:data:`WATCH_INTERVAL` while writes go on and no commit is seen: an import writes for seconds
before it commits, and fifty sessions looking at each of its writes (every 50 ms) used about a
core between them. The commit is then heard at most an interval late."""
SPREAD = 0.5
"""Up to this many seconds, drawn at random for each, added to the pause from a reported write to
the look; and each wait between looks is drawn between once and 1.5 times its length. Every
session on one archive hears each commit at the same moment: without this, fifty sessions looked
and read their rows again together (73 threads waiting for the two cores at an import's commit,
then every 4 seconds in step, since each waits as long after a change), and a search typed at
those moments waited behind them. Spread, the same work keeps out of each other's way."""
REPORTS_AFTER = 0.5
"""Seconds from the watcher's start to setting up the reports of writes (see :meth:`Watcher._run`)."""


@dataclass(frozen=True)
class Fresh:
    """The archive as it stands now, for the rows a screen holds."""

    reports: list[Report]
    """The rows asked for, as the list shows them (rows no longer in the archive are left out)."""
    newest: int
    """The newest row in the archive (its rowid)."""
    added: int
    """How many reports were added after the row asked about."""
    since: int | None = None
    """The row asked about (None: not known, none counted)."""


def newest_row(store: Store) -> int:
    """The newest row in the archive: reports added later have a larger rowid."""
    with store.connection() as conn:
        return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0])


def read_fresh(store: Store, rowids: Iterable[int], since: int | None, before: Fresh | None = None) -> Fresh:
    """The rows ``rowids`` as they now stand, and how many reports came after row ``since``
    (None: not known, none counted), as one snapshot.

    ``before``, an earlier answer about the same ``since``, saves counting again the reports it
    counted: only those after its newest row are. Counting is a walk over the rows themselves
    (10 ms for 50,000 reports at 1M), and a screen reads again at each change heard, every few
    seconds while others count views: after an import, each of fifty sessions counted all of it
    again each time. A report deleted by another program among those already counted stays
    counted until the list is read again (R); were the newest rows deleted, all are counted again.
    """
    wanted = json.dumps(sorted(set(rowids)))
    with store.connection() as conn:
        conn.execute("BEGIN")
        rows = conn.execute(
            f"SELECT {brief_columns()} FROM reports WHERE rowid IN (SELECT value FROM json_each(?))", [wanted]
        ).fetchall()
        newest = int(conn.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0])
        added = 0
        if since is not None:
            start, added = since, 0
            if before is not None and before.since == since and since <= before.newest <= newest:
                start, added = before.newest, before.added
            if newest > start:
                added += int(conn.execute("SELECT count(*) FROM reports WHERE rowid > ?", [start]).fetchone()[0])
        conn.execute("COMMIT")
    return Fresh([Report.from_row(row, brief=True) for row in rows], newest, added, since)


class Writes:
    """Writes to the archive's files (the database, its ``-wal`` and ``-journal``) as Linux reports
    them: inotify on the directory that holds them. :meth:`open` gives None where there are no such
    reports (another system, or this user's inotify instances all in use)."""

    def __init__(self, inotify: INotify, names: frozenset[str], overflow: int, wake: int) -> None:
        self._inotify = inotify
        self._names = names
        self._overflow = overflow
        self._wake = wake
        self._poller = select.poll()
        self._poller.register(inotify.fileno(), select.POLLIN)
        self._poller.register(wake, select.POLLIN)
        self._wake_poller = select.poll()
        self._wake_poller.register(wake, select.POLLIN)

    @classmethod
    def open(cls, path: Path, wake: int) -> Writes | None:
        """Reports of writes to the archive at ``path``; a byte written to the pipe end ``wake``
        ends every :meth:`wait` from then on."""
        try:
            from inotify_simple import INotify, flags
        except (ImportError, OSError):  # not Linux
            return None
        path = path.resolve()  # SQLite names the -wal after the file a link points to
        try:
            inotify = INotify()
        except OSError:
            return None
        try:
            inotify.add_watch(
                path.parent, flags.MODIFY | flags.CLOSE_WRITE | flags.CREATE | flags.DELETE | flags.MOVED_TO
            )
        except OSError:
            inotify.close()
            return None
        names = frozenset(path.name + suffix for suffix in ("", "-wal", "-journal"))
        return cls(inotify, names, flags.Q_OVERFLOW, wake)

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds: True once the archive's files have been written, False
        when the time is up or the wake pipe has a byte. Writes to other files do not end the wait."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            ready = {fd for fd, _ in self._poller.poll(left * 1000)}
            if self._wake in ready:
                return False
            if ready and self._written():
                return True
        return False

    def collect(self, seconds: float) -> bool | None:
        """Sleep ``seconds`` whatever is written: whether the archive's files were written
        meanwhile, or None if the wake pipe ended the sleep."""
        if self._wake in {fd for fd, _ in self._wake_poller.poll(seconds * 1000)}:
            return None
        return self._written()

    def _written(self) -> bool:
        return any(
            event.name in self._names or event.mask & self._overflow  # events dropped: count as a write
            for event in self._inotify.read(timeout=0)
        )

    def close(self) -> None:
        self._inotify.close()


class Watcher:
    """Calls ``listener`` (from its own thread) once another connection has changed the archive.

    It looks when the archive's files are written (:class:`Writes`), and every
    ``safety`` seconds all the same; where writes are not reported (or with
    ``writes=False``, or once a ``safety`` look has found a change no report
    announced), every ``interval`` seconds. Once a look has found a change
    the next waits ``interval`` seconds, doubling up to ``busiest`` while every
    look finds one. :meth:`close` stops it. A look that fails (the archive busy
    or gone for a moment) is tried again next time.
    """

    def __init__(
        self,
        store: Store,
        listener: Callable[[], None],
        *,
        interval: float = WATCH_INTERVAL,
        busiest: float = BUSY_INTERVAL,
        safety: float = SAFETY_INTERVAL,
        writes: bool = True,
    ) -> None:
        self.listener = listener
        self.interval = interval
        self.busiest = max(interval, busiest)
        self.safety = safety
        self.ready = threading.Event()
        """Set once the thread has begun: changes committed after this are heard."""
        self._path = Path(store.path)
        self._want_writes = writes
        self._writes: Writes | None = None
        self._hearing = False
        self._reader = store.version_reader()
        self._version: int | None = None
        self._stopping = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._thread: threading.Thread | None = None
        self._random = random.Random()

    @property
    def hears_writes(self) -> bool:
        """Whether it looks when the archive's files are written (else every ``interval`` seconds);
        known once :attr:`ready` is set."""
        return self._hearing

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
        self.poll()  # where things stand as the app starts
        writes = None
        if self._want_writes:
            # Setting up the reports (loading inotify-simple, which runs ldconfig to find libc)
            # waits until the app's first rows are on screen: started with them, it cost the
            # first frame 15 to 20 ms. A change meanwhile is found by the look after it.
            if self._stopping.wait(REPORTS_AFTER):
                return
            writes = self._writes = Writes.open(self._path, self._wake_r)
            self._hearing = writes is not None
            if self.poll():
                self.listener()
        self.ready.set()
        gap = self.interval  # after a change heard: the least wait before the next look
        unsure = 0.0  # a write reported but its commit not seen: look again this much later regardless
        waited = False  # the last look found a change, and the wait after it is over
        while not self._stopping.is_set():
            heard: bool | None = False
            if not self._hearing or writes is None:
                if self._stopping.wait(self._spread(gap)):
                    return
            elif unsure:
                # A long write (an import) reports every write it makes: sleep through them, then look.
                heard = writes.collect(self._spread(unsure))
                if heard is None:
                    return
            else:
                heard = writes.wait(self.safety)
                # A write reported during the wait after a change is mostly long committed: look at
                # once. Waking again 50 ms later costs more than the look (see SETTLE).
                if self._stopping.wait(SETTLE + self._random.uniform(0, SPREAD) if heard and not waited else 0):
                    return
            waited = False
            if self.poll():
                if self._hearing and not heard and not unsure:  # a change no report announced
                    self._hearing = False
                self.listener()
                unsure = 0.0
                if self._hearing:
                    if self._stopping.wait(self._spread(gap)):
                        return
                    waited = True
                gap = min(gap * 2, self.busiest)
            else:
                unsure = min(max(unsure * 2, UNSURE_FIRST), self.interval) if heard else 0.0
                gap = self.interval

    def _spread(self, seconds: float) -> float:
        """A wait of ``seconds``, lengthened by up to half at random (see :data:`SPREAD`)."""
        return seconds * self._random.uniform(1.0, 1.5)

    def close(self) -> None:
        self._stopping.set()
        os.write(self._wake_w, b"!")
        if self._thread is not None:
            self._thread.join()
        if self._writes is not None:
            self._writes.close()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._reader.close()
