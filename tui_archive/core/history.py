"""Reports you opened recently: a per-user list, newest first, for each archive.

History is personal, so it is not kept in the archive (which others may share,
and which may be read-only) but in one small JSON file in the user's data
directory (``~/.local/share/tui-archive/history.json`` on Linux), keyed by the
archive's absolute path. Each report appears once, at the time it was last
opened.

Several sessions may add to it at once: each addition reads, merges and writes
the file under a lock (``history.json.lock`` beside it, ``fcntl.flock``; where
there is no ``fcntl`` the file is still replaced whole, without the lock), and
writes a new file renamed over the old, so it is never half written. A damaged
file of any shape (not JSON, the wrong shape, too large, too deeply nested)
never stops the app: history starts over, and the damaged file is kept beside
it as ``history.json.bad``. The file's size is bounded: at most
:data:`ARCHIVES` archives of :data:`LIMIT` reports, with titles cut short.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import locations
from .errors import from_os

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a write still replaces the file whole
    fcntl = None  # type: ignore[assignment]

LIMIT = 100  # reports remembered per archive
ARCHIVES = 50  # archives remembered, the most recently used
MAX_BYTES = 1_000_000
"""A history file larger than this is not read (it cannot have been written by us): history starts over."""
MAX_ID = 1_000  # characters; a longer ID is not remembered
MAX_TITLE = 300  # characters kept of a title, for the list


@dataclass(frozen=True)
class Visit:
    id: str
    title: str
    at: str  # local time, ISO 8601 to the second


class History:
    """The recently opened reports of one archive. ``path=None`` keeps them in memory only."""

    def __init__(self, archive: str | os.PathLike[str], path: Path | None = None, limit: int = LIMIT) -> None:
        self.archive = str(Path(archive).resolve())
        self.path = path
        self.limit = limit
        self._memory: list[Visit] = []

    @classmethod
    def for_user(cls, archive: str | os.PathLike[str]) -> History:
        return cls(archive, locations.history_file())

    def visits(self) -> list[Visit]:
        """Newest first."""
        if self.path is None:
            return list(self._memory)
        return _read(self.path)[0].get(self.archive, [])

    def add(self, report_id: object, title: object, when: datetime | None = None) -> None:
        """Put a report at the top (once: an earlier visit of it is dropped).

        An ID may be any value another program stored: text is kept as it is, a
        number as its text (``42``), which opens the same report again; an ID
        with no text form (a BLOB, NULL) or over :data:`MAX_ID` characters is not
        remembered. Raises :class:`~.errors.FileFailed` when the file cannot be written.
        """
        key = _id_text(report_id)
        if key is None:
            return
        at = (when or datetime.now()).isoformat(timespec="seconds")
        visit = Visit(key, _title_text(title), at)
        if self.path is None:
            self._memory = _push(self._memory, visit, self.limit)
            return
        try:
            with _locked(self.path):
                everything, damaged = _read(self.path)
                if damaged:
                    _keep_damaged(self.path)
                everything[self.archive] = _push(everything.get(self.archive, []), visit, self.limit)
                self._write(_most_recent_first(everything, self.archive))
        except OSError as error:
            raise from_os(error, "history not saved") from error

    def clear(self) -> None:
        if self.path is None:
            self._memory = []
            return
        try:
            with _locked(self.path):
                everything, _ = _read(self.path)
                everything.pop(self.archive, None)
                self._write(everything)
        except OSError as error:
            raise from_os(error, "history not cleared") from error

    # -- the file --------------------------------------------------------------

    def _write(self, everything: dict[str, list[Visit]]) -> None:
        """Write to a temporary file and rename it over the old one: never half a file."""
        assert self.path is not None
        text = _fitting(everything)
        fd, temporary = tempfile.mkstemp(prefix=".history-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(text)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the history's lock (a file beside it) while reading, merging and writing it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _read(path: Path) -> tuple[dict[str, list[Visit]], bool]:
    """Every archive's visits, and whether the file was damaged (then: nothing, to start over).

    A missing or unreadable file is no history yet, not damage. Entries of the
    wrong shape are left out; a file of the wrong shape, or too large, or
    nested too deep to parse, is damage.
    """
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError:
        return {}, False
    if len(raw) > MAX_BYTES:
        return {}, True
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested deeper than Python recurses
        return {}, bool(raw)
    archives = data.get("archives") if isinstance(data, dict) else None
    if not isinstance(archives, dict):
        return {}, True
    everything: dict[str, list[Visit]] = {}
    for archive, visits in list(archives.items())[:ARCHIVES]:
        if isinstance(visits, list):
            everything[archive] = [visit for visit in map(_visit, visits[:LIMIT]) if visit is not None]
    return everything, False


def _visit(entry: Any) -> Visit | None:
    if not isinstance(entry, dict):
        return None
    report_id, title, at = entry.get("id"), entry.get("title"), entry.get("at")
    if not isinstance(report_id, str) or not report_id or len(report_id) > MAX_ID:
        return None
    return Visit(report_id, title[:MAX_TITLE] if isinstance(title, str) else "", at if isinstance(at, str) else "")


def _keep_damaged(path: Path) -> None:
    """Keep the damaged file as ``.bad`` (replacing an older one), for whoever wants to look."""
    try:
        os.replace(path, path.with_name(path.name + ".bad"))
    except OSError:
        pass  # it is written over instead


def _id_text(report_id: object) -> str | None:
    if isinstance(report_id, bool):
        return None
    if isinstance(report_id, (int, float)):
        return str(report_id)
    if isinstance(report_id, str) and report_id and len(report_id) <= MAX_ID:
        return report_id
    return None


def _title_text(title: object) -> str:
    if isinstance(title, bytes):
        text = title.decode("utf-8", errors="replace")
    elif title is None:
        text = ""
    else:
        text = str(title)
    return text[:MAX_TITLE]


def _fitting(everything: dict[str, list[Visit]]) -> bytes:
    """The file's text, within :data:`MAX_BYTES` (so it is read back): the least recently
    used archives are left out first, then the oldest visits."""
    archives = {archive: list(visits) for archive, visits in everything.items()}
    while True:
        data = {"archives": {archive: [asdict(v) for v in visits] for archive, visits in archives.items()}}
        text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        if len(text) <= MAX_BYTES or not archives:
            return text
        last = list(archives)[-1]
        if len(archives) > 1 or len(archives[last]) <= 1:
            del archives[last]
        else:
            archives[last] = archives[last][: len(archives[last]) // 2]


def _push(visits: list[Visit], visit: Visit, limit: int) -> list[Visit]:
    return [visit, *(v for v in visits if v.id != visit.id)][:limit]


def _most_recent_first(everything: dict[str, list[Visit]], archive: str) -> dict[str, list[Visit]]:
    """The archive just used first, then the others in their order, at most :data:`ARCHIVES`."""
    ordered = {archive: everything[archive]}
    for name, visits in everything.items():
        if len(ordered) >= ARCHIVES:
            break
        ordered.setdefault(name, visits)
    return ordered
