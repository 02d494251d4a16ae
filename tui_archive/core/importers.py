"""Import files into the archive in one transaction: every record of every file lands, or none does.

Unless told to skip bad records, any problem means nothing is written, and
each problem is reported with its file and line. Reading and checking
(:mod:`.readers`) runs on a thread of its own beside the writing.
"""

from __future__ import annotations

import contextlib
import os
import queue
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import ArchiveError
from .readers import BadRecord, Problem, file_size, first_undecodable, normalise, read_file
from .store import Store
from .writer import add_to_batch


@dataclass
class ImportResult:
    written: int = 0
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ImportFailed(ArchiveError):
    """The import found problems and wrote nothing; ``problems`` says what and where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("nothing was imported; the archive is as it was")
        self.problems = problems


# -- the import -----------------------------------------------------------------------

Progress = Callable[[int, int], None]
"""Called now and then with (bytes read so far, bytes in all the files)."""

_BATCH = 20_000  # reports handed from the reading thread to the writing one at a time
_QUEUED_BATCHES = 2


@dataclass
class _Batch:
    """Reports ready to write (one per ID), the archive name if a file gave one, bytes read so far."""

    rows: list[dict[str, Any]]
    name: str | None
    done: int


class _Reading:
    """Reads and checks the files' records, in a thread of its own.

    Parsing, checking and merging records is Python work, while writing them
    is mostly SQLite work, which releases the GIL: on two cores the two
    overlap. Reports travel in batches through a bounded queue, so memory
    stays flat whatever the size of the import.
    """

    def __init__(
        self, files: list[tuple[Path, str]], result: ImportResult, fatal: list[Problem], skip_bad: bool
    ) -> None:
        self.files = files
        self.result = result
        self.fatal = fatal
        self.skip_bad = skip_bad
        self.total_bytes = sum(file_size(path) for path, _ in files)
        self.queue: queue.Queue[_Batch | BaseException | None] = queue.Queue(_QUEUED_BATCHES)
        self.stopped = threading.Event()
        self.running = threading.Event()  # cleared while the writer needs the GIL to itself
        self.running.set()
        self.thread = threading.Thread(target=self._run, name="import-reader", daemon=True)

    def __enter__(self) -> _Reading:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.running.set()
        while self.thread.is_alive():  # unblock a reader waiting on a full queue
            try:
                self.queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self.thread.join()

    def batches(self) -> Iterator[_Batch]:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _put(self, item: _Batch | BaseException | None) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def _run(self) -> None:
        try:
            done = 0
            batch: dict[str, dict[str, Any]] = {}
            name = None
            for path, label in self.files:
                for (kind, value), position in self._read(path, label):
                    self.running.wait()
                    if kind == "name":
                        name = value
                    elif self.skip_bad or not self.result.problems:  # once one is bad, only look for more
                        add_to_batch(batch, value)
                        if len(batch) >= _BATCH:
                            if not self._put(_Batch(list(batch.values()), name, done + position())):
                                return
                            batch, name = {}, None
                done += file_size(path)
            self._put(_Batch(list(batch.values()), name, done))
            self._put(None)
        except BaseException as error:  # handed to the writing thread, which raises it
            self._put(error)

    def _read(self, path: Path, label: str) -> Iterator[tuple[tuple[str, Any], Callable[[], int]]]:
        self.result.files.append(label)
        try:
            name, records, position = read_file(path)
            if name:
                yield ("name", name), position
            for where, raw in records:
                try:
                    yield ("record", normalise(raw)), position
                except BadRecord as error:
                    self.result.problems.append(Problem(label, where, str(error)))
        except FileNotFoundError:
            self.fatal.append(Problem(label, "", "no such file"))
        except IsADirectoryError:
            self.fatal.append(Problem(label, "", "is a directory, not a file"))
        except PermissionError:
            self.fatal.append(Problem(label, "", "permission denied"))
        except UnicodeDecodeError:
            self.fatal.append(Problem(label, *first_undecodable(path)))
        except BadRecord as error:
            self.fatal.append(Problem(label, "", str(error)))
        except Exception as error:  # a reader's own complaint (CSV dialect, bad JSON shape)
            self.fatal.append(Problem(label, "", f"cannot read it: {error}"))


STDIN = "-"
"""A file named so is standard input, as the command line takes it."""
MAX_PIPED = 2 << 30
"""The most bytes taken through standard input or a pipe (copied to a temporary file first, see
:func:`_readable`): a 1M-report archive is 0.6 GB as JSON Lines, and an endless pipe
(``yes |``) must not fill the disk."""


def _readable(paths: Iterable[str | Path], stack: contextlib.ExitStack) -> list[tuple[Path, str]]:
    """Each file to import, with the name its problems are told by.

    A file is read from its start more than once (for its format, then its records, and again
    to find where it stops being UTF-8), and a pipe gives its bytes only once: read straight,
    ``tui-archive import <(command)`` lost the first 4 KB, and a smaller input came to
    "imported 0 reports". So standard input (``-``), a pipe and a FIFO are first copied whole
    to a temporary file, removed once the import is over. Devices (``/dev/zero``) are read as
    files are: each opening reads them afresh, and the readers' own limits stop an endless one.
    """
    files = []
    for given in paths:
        label, path = str(given), Path(given)
        try:
            if label == STDIN:
                label = "standard input"
                stdin = getattr(sys.stdin, "buffer", None)
                if stdin is None:  # started with it closed
                    raise ImportFailed([Problem(label, "", "there is none to read")])
                path = _copied(stdin, label, "", stack)
            elif stat.S_ISFIFO(mode := _mode(path)) or stat.S_ISSOCK(mode):
                with path.open("rb") as source:
                    path = _copied(source, label, path.suffix, stack)
        except OSError as error:
            raise ImportFailed([Problem(label, "", f"cannot read it: {error.strerror or error}")]) from error
        files.append((path, label))
    return files


def _mode(path: Path) -> int:
    """The file's type and permissions; 0 when it cannot be looked at (the reader says why)."""
    try:
        return path.stat().st_mode
    except OSError:
        return 0


def _copied(source: IO[bytes], label: str, suffix: str, stack: contextlib.ExitStack) -> Path:
    handle, name = tempfile.mkstemp(prefix="tui-archive-import-", suffix=suffix)
    copy = Path(name)
    stack.callback(copy.unlink, missing_ok=True)
    copied = 0
    with os.fdopen(handle, "wb") as out:
        while chunk := source.read(1 << 20):
            copied += len(chunk)
            if copied > MAX_PIPED:
                limit = f"more than {MAX_PIPED >> 30} GB through a pipe: save it to a file and import that"
                raise ImportFailed([Problem(label, "", limit)])
            out.write(chunk)
    return copy


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import files into the archive in one transaction (``-`` is standard input).

    Raises :class:`ImportFailed` (and writes nothing) if any record is bad,
    unless ``skip_bad``: then the good records land and the bad ones are
    returned in ``problems``.
    """
    result = ImportResult()
    fatal: list[Problem] = []
    with contextlib.ExitStack() as stack:
        files = _readable(paths, stack)
        with store.writer() as writer, _Reading(files, result, fatal, skip_bad) as reading:
            for batch in reading.batches():
                if batch.name:
                    writer.set_name(batch.name)
                if not result.problems or skip_bad:
                    # Binding rows to SQL is Python work; parsing is too. Taking
                    # turns (rather than fighting over the GIL) lets parsing run
                    # while SQLite builds the full-text index, without the GIL.
                    reading.running.clear()
                    try:
                        writer.insert_rows(batch.rows)
                    finally:
                        reading.running.set()
                    writer.index_new_rows()
                if progress is not None:
                    progress(batch.done, reading.total_bytes)
            if fatal or (result.problems and not skip_bad):
                raise ImportFailed(fatal + result.problems)
            writer.flush()
            result.written = writer.written
    return result
