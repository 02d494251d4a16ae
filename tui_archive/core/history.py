"""Reports you opened recently: a per-user list, newest first, for each archive.

History is personal, so it is not kept in the archive (which others may share,
and which may be read-only) but in one small JSON file in the user's data
directory (``~/.local/share/tui-archive/history.json`` on Linux), keyed by the
archive's absolute path. Each report appears once, at the time it was last
opened. A damaged or unreadable file never stops the app: history starts over.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from . import locations
from .errors import from_os

LIMIT = 100  # reports remembered per archive


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
        return self._read_all().get(self.archive, [])

    def add(self, report_id: str, title: str, when: datetime | None = None) -> None:
        """Put a report at the top (once: an earlier visit of it is dropped).

        Raises :class:`~.errors.FileFailed` when the file cannot be written.
        """
        at = (when or datetime.now()).isoformat(timespec="seconds")
        visit = Visit(report_id, title, at)
        if self.path is None:
            self._memory = _push(self._memory, visit, self.limit)
            return
        everything = self._read_all()
        everything[self.archive] = _push(everything.get(self.archive, []), visit, self.limit)
        try:
            self._write_all(everything)
        except OSError as error:
            raise from_os(error, "history not saved") from error

    def clear(self) -> None:
        if self.path is None:
            self._memory = []
            return
        everything = self._read_all()
        everything.pop(self.archive, None)
        self._write_all(everything)

    # -- the file --------------------------------------------------------------

    def _read_all(self) -> dict[str, list[Visit]]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                str(archive): [Visit(str(v["id"]), str(v.get("title") or ""), str(v.get("at") or "")) for v in visits]
                for archive, visits in data["archives"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}  # no file yet, or a damaged one: start over

    def _write_all(self, everything: dict[str, list[Visit]]) -> None:
        """Write to a temporary file and rename it over the old one: never half a file."""
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"archives": {archive: [asdict(v) for v in visits] for archive, visits in everything.items()}}
        fd, temporary = tempfile.mkstemp(prefix=".history-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, indent=1)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _push(visits: list[Visit], visit: Visit, limit: int) -> list[Visit]:
    return [visit, *(v for v in visits if v.id != visit.id)][:limit]
