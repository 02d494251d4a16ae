"""Read reports from files into the archive: archive pages, CSV, JSON and JSON Lines.

Files are read as streams and written in one transaction: either every record
of every file lands, or (on any problem, unless told to skip bad records)
nothing does, and each problem is reported with its file and line.
"""

from __future__ import annotations

import csv
import io
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any


from .store import Store, add_to_batch

# Column names as they appear in files, mapped to the archive's fields.
ALIASES = {
    "id": "id",
    "report id": "id",
    "title": "title",
    "category": "category",
    "date": "date",
    "views": "views",
    "summary": "summary",
    "body": "body",
    "url": "url",
    "link": "url",
}

Located = tuple[str, dict[str, Any]]  # ("line 4", raw record)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record (or a whole file)."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


@dataclass
class ImportResult:
    written: int = 0
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ImportFailed(Exception):
    """The import found problems and wrote nothing."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


class BadRecord(ValueError):
    pass


# -- normalising one record ---------------------------------------------------------


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadRecord(f"{name} should be text, not {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _views(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadRecord(f"views should be a whole number, not {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise BadRecord(f"views should be a whole number of 0 or more, not {value!r}")
    return value


def _date(value: Any) -> str | None:
    text = _text(value, "date")
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise BadRecord(f"date should be a date like 2024-08-27, not {text!r}") from None


def normalise(raw: Any) -> dict[str, Any]:
    """One record as the archive stores it; raises :class:`BadRecord` saying what is wrong."""
    if not isinstance(raw, dict):
        raise BadRecord(f"expected an object with id and title, not {type(raw).__name__}")
    record: dict[str, Any] = {}
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip().lower())
        if name is not None and name not in record:
            record[name] = value
    result = {
        "id": _text(record.get("id"), "id"),
        "title": _text(record.get("title"), "title"),
        "category": _text(record.get("category"), "category"),
        "date": _date(record.get("date")),
        "views": _views(record.get("views")),
        "summary": _text(record.get("summary"), "summary"),
        "body": _text(record.get("body"), "body"),
        "url": _text(record.get("url"), "url"),
    }
    missing = [name for name in ("id", "title") if not result[name]]
    if missing:
        raise BadRecord(f"missing {' and '.join(missing)}")
    return result


# -- reading files --------------------------------------------------------------------


def _split_row(line: str) -> list[str]:
    """Cells of one Markdown table row; ``\\|`` is a literal pipe."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def read_page(text: str) -> tuple[str | None, list[Located]]:
    """An archive page: a ``// Name`` line, summary paragraphs and a Markdown table.

    The page repeats summary paragraphs; repeats are collapsed, and the
    distinct summaries pair with the table's rows in order.
    """
    name = None
    summaries: list[str] = []
    header: list[str | None] | None = None
    rows: list[Located] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("//"):
            name = name or stripped.lstrip("/").strip() or None
        elif stripped.startswith("|"):
            cells = _split_row(stripped)
            if header is None:
                header = [ALIASES.get(cell.lower()) for cell in cells]
            elif all(re.fullmatch(r":?-*:?", cell) for cell in cells):
                continue
            else:
                record = {key: cell for key, cell in zip(header, cells) if key}
                rows.append((f"line {number}", record))
        elif stripped not in summaries:
            summaries.append(stripped)
    if len(summaries) > len(rows):
        raise BadRecord(f"{len(summaries)} distinct summaries but only {len(rows)} reports in the table")
    for (_, record), summary in zip(rows, summaries):
        record.setdefault("summary", summary)
    return name, rows


def _read_json_lines(fp: io.BufferedReader) -> Iterator[Located]:
    for number, line in enumerate(fp, start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip():
            try:
                yield f"line {number}", json.loads(line)
            except UnicodeDecodeError as error:
                raise BadRecord(f"line {number}: not UTF-8 text (byte {error.start} of the line)") from None
            except json.JSONDecodeError as error:
                raise BadRecord(f"line {number}: not valid JSON ({error.msg})") from None


def detect_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    by_suffix = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    start = head.lstrip()[:1]
    if start == b"[":
        return "json"
    if start == b"{":
        return "jsonl"
    if suffix in (".txt", ".md") or b"|" in head and re.search(rb"\|\s*ID\s*\|", head, re.I):
        return "page"
    return "csv"


def read_file(path: Path) -> tuple[str | None, Iterator[Located], Callable[[], int]]:
    """The archive name a file declares (if any), its records with their locations,
    and a function telling how many bytes of the file have been read."""
    with path.open("rb") as probe:
        head = probe.read(4096)
    kind = detect_format(path, head)
    if kind == "page":
        size = _size(path)
        name, records = read_page(path.read_text(encoding="utf-8-sig"))
        return name, iter(records), lambda: size
    fp = path.open("rb")
    return None, _stream(fp, kind), fp.tell


def _stream(fp: io.BufferedReader, kind: str) -> Iterator[Located]:
    from sqlite_utils.utils import Format, rows_from_file  # loaded only when importing

    with fp:
        if kind == "jsonl":
            yield from _read_json_lines(fp)
            return
        if kind == "json":
            try:
                rows, _ = rows_from_file(fp, Format.JSON)
            except json.JSONDecodeError as error:
                raise BadRecord(f"line {error.lineno}: not valid JSON ({error.msg})") from None
            except ValueError as error:
                raise BadRecord(str(error)) from None
            for number, row in enumerate(rows, start=1):
                yield f"record {number}", row
            return
        # Read with csv directly, not rows_from_file: reader.line_num counts physical
        # lines, so a record after a quoted field spanning lines is still located right.
        text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, dialect="excel-tab" if kind == "tsv" else "excel")
        header = next(reader, None)
        if header is None:
            return
        start = reader.line_num + 1
        for cells in reader:
            if cells:
                yield f"line {start}", dict(zip(header, cells))
            start = reader.line_num + 1


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

    def __init__(self, paths: list[Path], result: ImportResult, fatal: list[Problem], skip_bad: bool) -> None:
        self.paths = paths
        self.result = result
        self.fatal = fatal
        self.skip_bad = skip_bad
        self.total_bytes = sum(_size(path) for path in paths)
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
            for path in self.paths:
                for (kind, value), position in self._read(path):
                    self.running.wait()
                    if kind == "name":
                        name = value
                    elif self.skip_bad or not self.result.problems:  # once one is bad, only look for more
                        add_to_batch(batch, value)
                        if len(batch) >= _BATCH:
                            if not self._put(_Batch(list(batch.values()), name, done + position())):
                                return
                            batch, name = {}, None
                done += _size(path)
            self._put(_Batch(list(batch.values()), name, done))
            self._put(None)
        except BaseException as error:  # handed to the writing thread, which raises it
            self._put(error)

    def _read(self, path: Path) -> Iterator[tuple[tuple[str, Any], Callable[[], int]]]:
        label = str(path)
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
            self.fatal.append(Problem(label, *_first_undecodable(path)))
        except BadRecord as error:
            self.fatal.append(Problem(label, "", str(error)))
        except Exception as error:  # a reader's own complaint (CSV dialect, bad JSON shape)
            self.fatal.append(Problem(label, "", f"cannot read it: {error}"))


def _first_undecodable(path: Path) -> tuple[str, str]:
    """Where a file stops being UTF-8: ("line N", "not UTF-8 text (byte B of the file)")."""
    offset = 0
    with path.open("rb") as fp:
        for number, line in enumerate(fp, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return f"line {number}", f"not UTF-8 text (byte {offset + error.start} of the file)"
            offset += len(line)
    return "", "not UTF-8 text"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import files into the archive in one transaction.

    Raises :class:`ImportFailed` (and writes nothing) if any record is bad,
    unless ``skip_bad``: then the good records land and the bad ones are
    returned in ``problems``.
    """
    result = ImportResult()
    fatal: list[Problem] = []
    with store.writer() as writer, _Reading([Path(p) for p in paths], result, fatal, skip_bad) as reading:
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
