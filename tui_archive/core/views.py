"""The one writer of views: a thread that counts them in order, waiting out a busy archive.

The app and ``tui-archive show`` both count views here. While another program
(an import, say) holds the archive's write lock, the view at the head of the
queue is retried every ``pause`` seconds for up to ``patience`` seconds, and
the views behind it wait their turn: one thread, one queue, however many
reports are opened meanwhile.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import ArchiveBusy, ArchiveError
from .model import Report
from .store import Store

PATIENCE = 600.0  # seconds a view waits for a busy archive before it is given up
PAUSE = 0.5


@dataclass(frozen=True)
class Counted:
    """A view landed; ``report`` is as it now stands in the file."""

    report: Report
    after_waiting: bool


@dataclass(frozen=True)
class Waiting:
    """The archive is busy: the view of ``report_id`` will be counted when it is free."""

    report_id: str


@dataclass(frozen=True)
class NotCounted:
    """The view of ``report_id`` was given up; ``error`` says why."""

    report_id: str
    error: ArchiveError
    fault: Exception | None = None
    """Not a problem with the archive but a fault in the program (the app ends on it)."""


ViewEvent = Counted | Waiting | NotCounted

T = TypeVar("T")


class Answer(Generic[T]):
    """What a queued view comes to, when it comes: the report, or the error that kept it from being
    counted. As much of ``concurrent.futures.Future`` as the counter needs: that module loads
    ``logging``, a tenth of what ``tui-archive show`` costs to start."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    def set_result(self, value: T) -> None:
        self._value = value
        self._done.set()

    def set_exception(self, error: BaseException) -> None:
        self._error = error
        self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> T:
        """The answer, waiting up to ``timeout`` seconds (forever with None); TimeoutError if none came."""
        if not self._done.wait(timeout):
            raise TimeoutError("no answer yet")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]  # set_result was called: a T

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The error that came instead of a report (None if a report came), waiting as :meth:`result` does."""
        if not self._done.wait(timeout):
            raise TimeoutError("no answer yet")
        return self._error


@dataclass
class _Request:
    report_id: str
    rowid: int | None
    future: Answer[Report | None]


class ViewCounter:
    """Counts views of one store on a thread of its own; ``listener`` hears what happens, from that thread."""

    def __init__(
        self,
        store: Store,
        listener: Callable[[ViewEvent], None] | None = None,
        *,
        patience: float | None = None,
        pause: float | None = None,
    ) -> None:
        self.store = store
        self.listener = listener
        self.patience = PATIENCE if patience is None else patience
        self.pause = PAUSE if pause is None else pause
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def count(self, report_id: str, rowid: int | None = None) -> Answer[Report | None]:
        """Queue one view; the answer gives the report as it now stands (None: no such report).

        ``rowid`` names the very row counted (see :meth:`Store.access`).
        """
        request = _Request(report_id, rowid, Answer())
        if self._stopping.is_set():
            self._closed(request)
            return request.future
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="view-counter", daemon=True)
                self._thread.start()
        self._queue.put(request)
        return request.future

    def close(self) -> None:
        """Stop after the view being counted; views still waiting for a busy archive are given up."""
        self._stopping.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join()
        while not self._queue.empty():  # queued behind the stop: given up, never left hanging
            request = self._queue.get_nowait()
            if request is not None:
                self._closed(request)

    def _tell(self, event: ViewEvent) -> None:
        if self.listener is not None:
            self.listener(event)

    def _run(self) -> None:
        while True:
            request = self._queue.get()
            if request is None:
                return
            if self._stopping.is_set():
                self._closed(request)
                continue
            self._serve(request)

    def _serve(self, request: _Request) -> None:
        deadline = time.monotonic() + self.patience
        waited = False
        while True:
            try:
                report = self.store.access(request.report_id, request.rowid)
            except ArchiveBusy as error:
                if time.monotonic() > deadline or self._stopping.is_set():
                    self._give_up(request, error)
                    return
                if not waited:
                    waited = True
                    self._tell(Waiting(request.report_id))
                self._stopping.wait(self.pause)
                continue
            except ArchiveError as error:
                self._give_up(request, error)
                return
            except Exception as error:  # a fault: the view is given up, never left waiting forever
                request.future.set_exception(error)
                failure = ArchiveError("view not counted: an unexpected error")
                self._tell(NotCounted(request.report_id, failure, fault=error))
                return
            request.future.set_result(report)
            if report is not None:
                self._tell(Counted(report, after_waiting=waited))
            return

    def _closed(self, request: _Request) -> None:
        """A view asked for once the counter is stopping: given up at once, never left hanging."""
        self._give_up(request, ArchiveError("the app closed: the view was not counted"))

    def _give_up(self, request: _Request, error: ArchiveError) -> None:
        request.future.set_exception(error)
        self._tell(NotCounted(request.report_id, error))
