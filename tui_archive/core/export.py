"""Write reports to CSV, JSON or Markdown, one at a time (never the whole listing in memory).

CSV and JSON keep every field exactly as stored (``tui-archive import`` reads
them back); JSON escapes the characters a terminal would act on. Markdown is
for reading: a table of ID, title, category, date, views and link, with the
text made inert and ``|`` escaped.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable
from operator import attrgetter
from pathlib import Path
from typing import TextIO, cast

from .errors import ArchiveError, FileExists, FileFailed, from_os
from .model import COLUMNS, Report
from .safe import clean, safe_json

FORMATS = {"csv": "CSV", "json": "JSON", "md": "Markdown"}


def write(
    reports: Iterable[Report],
    fmt: str,
    out: TextIO,
    *,
    inert: bool = False,
    extra: Callable[[Report], dict[str, object]] | None = None,
) -> int:
    """Write ``reports`` to ``out`` in ``fmt`` (csv, json or md); return how many.

    ``inert`` (for a terminal rather than a file) makes CSV's control characters
    visible, as everywhere else archive text reaches a terminal. ``extra`` gives
    more fields for each report in JSON (a search's snippet).
    """
    if fmt == "csv":
        return _csv(reports, out, inert)
    if fmt == "json":
        return _json(reports, out, extra)
    if fmt == "md":
        return _markdown(reports, out)
    raise ValueError(f"unknown export format {fmt!r} (choose csv, json or md)")


def to_file(reports: Iterable[Report], fmt: str, path: Path) -> int:
    """Export to a new file at ``path`` (never over an existing one); return how many reports.

    On any failure (no room, no permission, the archive failing while read)
    no half-written file is left behind, and the error says what happened.
    """
    where = clean(path)
    try:
        out = path.open("x", encoding="utf-8", newline="")
    except FileExistsError:
        raise FileExists(f"{where} exists already: choose another name") from None
    except OSError as error:
        raise from_os(error, f"not exported to {where}") from error
    try:
        with out:
            return write(reports, fmt, out)
    except BaseException as error:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # the error that stopped the export is the one to tell
        if isinstance(error, OSError):
            raise from_os(error, f"not exported to {where}") from error
        # The archive failing while read, or a value another program stored that the format cannot hold.
        if isinstance(error, (ArchiveError, TypeError, ValueError)):
            raise FileFailed(f"not exported to {where}: {error}") from error
        raise


def free_path(path: Path) -> Path:
    """``path`` if nothing is there, else the first free name beside it: reports-2.csv, reports-3.csv...

    (A name that ends in a small number already counts on from it: reports-2.csv
    taken suggests reports-3.csv, not reports-2-2.csv.)
    """
    if not os.path.lexists(path):
        return path
    base, number = path.stem, 1
    counted = re.fullmatch(r"(.+)-(\d{1,3})", base)
    if counted:
        base, number = counted.group(1), int(counted.group(2))
    for n in range(number + 1, number + 10_000):
        candidate = path.with_name(f"{base}-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    return path  # nothing free among ten thousand: the caller says the name is taken


DOWNLOAD_LIMIT = 256 * 1024 * 1024
"""The most an export held in memory (for a browser's download) may take, in bytes of UTF-8."""


class _Capped(io.TextIOBase):
    """UTF-8 text gathered in memory, up to ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.buffer = io.BytesIO()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        if self.buffer.tell() + len(data) > self.limit:
            raise OverflowError
        self.buffer.write(data)
        return len(text)


def to_bytes(reports: Iterable[Report], fmt: str, *, limit: int = DOWNLOAD_LIMIT) -> tuple[bytes, int]:
    """The export as UTF-8 bytes in memory (nothing written to disk) and how many reports it holds.

    For a download to a browser; an export larger than ``limit`` bytes is refused
    rather than filling the memory of the machine that serves it.
    """
    out = _Capped(limit)
    try:
        count = write(reports, fmt, cast(TextIO, out))
    except OverflowError:
        raise FileFailed(
            f"not exported: over {limit // (1024 * 1024)} MB, too large to download;"
            " narrow the search, or mark the reports to export"
        ) from None
    except (TypeError, ValueError) as error:  # a value another program stored that the format cannot hold
        raise FileFailed(f"not exported: {error}") from error
    return out.buffer.getvalue(), count


def _csv(reports: Iterable[Report], out: TextIO, inert: bool) -> int:
    # Every field quoted: a bare carriage return (or any line break) inside a value
    # then reads back as part of the value, whatever the reader's idea of a line end.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    count = 0
    fields = attrgetter(*COLUMNS)
    for report in reports:
        values = fields(report)  # (the csv module writes None as an empty field)
        writer.writerow(
            [clean("" if value is None else value, multiline=True) for value in values] if inert else values
        )
        count += 1
    return count


def _json(reports: Iterable[Report], out: TextIO, extra: Callable[[Report], dict[str, object]] | None = None) -> int:
    count = 0
    out.write("[")
    for report in reports:
        out.write(",\n  " if count else "\n  ")
        out.write(safe_json(report.fields() if extra is None else {**report.fields(), **extra(report)}))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _cell(value: object) -> str:
    return clean(value).replace("\\", "\\\\").replace("|", "\\|")


def _markdown(reports: Iterable[Report], out: TextIO) -> int:
    out.write("| ID | Title | Category | Date | Views | Link |\n")
    out.write("|---|---|---|---|---:|---|\n")
    count = 0
    for report in reports:
        cells = [report.id, report.title, report.category, report.date, report.views, report.url]
        out.write("| " + " | ".join(_cell(cell) for cell in cells) + " |\n")
        count += 1
    return count
