"""Read reports from files: archive pages, CSV, TSV, JSON and JSON Lines, each record checked.

Files are read as streams (except archive pages, which are small); each record
comes with where it was found, so a problem can name its file and line.
:mod:`.importers` writes what these read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

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
                # A short row leaves fields out.
                record = {key: cell for key, cell in zip(header, cells, strict=False) if key}
                rows.append((f"line {number}", record))
        elif stripped not in summaries:
            summaries.append(stripped)
    if len(summaries) > len(rows):
        raise BadRecord(f"{len(summaries)} distinct summaries but only {len(rows)} reports in the table")
    for (_, record), summary in zip(rows, summaries, strict=False):  # fewer summaries than rows: some have none
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
        size = file_size(path)
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
                yield f"line {start}", dict(zip(header, cells, strict=False))  # short rows leave fields out
            start = reader.line_num + 1


def first_undecodable(path: Path) -> tuple[str, str]:
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


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
