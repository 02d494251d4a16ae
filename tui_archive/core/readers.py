"""Read reports from files: archive pages, CSV, TSV, JSON and JSON Lines, each record checked.

Files are read as streams (except archive pages, which are small); each record
comes with where it was found, so a problem can name its file and line.
Whatever the file (``/dev/zero``, one endless line), memory stays bounded: a
line, a record or a page longer than its cap is refused with a message.
A line that cannot be read (not JSON, not UTF-8) is a bad record of its own,
so an import can skip it and go on. :mod:`.importers` writes what these read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, AnyStr

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

Located = tuple[str, Any]  # ("line 4", raw record, or Unreadable)

MAX_RECORD = 16 * 1024 * 1024
"""The longest line, CSV field or JSON record read (in characters): a longer one is refused."""
MAX_PAGE = 64 * 1024 * 1024
"""The largest archive page read (in bytes); pages are read whole."""
MAX_VIEWS = 2**63 - 1
"""The most views SQLite can store in a report."""

_MB = 1024 * 1024


@dataclass(frozen=True)
class Unreadable:
    """A record that could not be read at all (a line that is not JSON or not UTF-8)."""

    message: str


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


def _text(value: Any, name: str, *, trim: bool = False) -> str | None:
    """Text as written (so an export reads back exactly); ``trim`` for IDs and dates, which are
    compared, not read. A field that is empty or only spaces is no value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadRecord(f"{name} should be text, not {type(value).__name__}")
    text = str(value)
    if not text.strip():
        return None
    return text.strip() if trim else text


def _shown(value: Any) -> str:
    """A value in a message, cut short: a problem is one line, whatever the record held."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _views(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadRecord(f"views should be a whole number, not {_shown(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        digits = value.strip().lstrip("0") or "0"
        # Longer than the largest number is too large (and int() refuses thousands of digits).
        value = int(digits) if len(digits) <= len(str(MAX_VIEWS)) else MAX_VIEWS + 1
    if not isinstance(value, int) or value < 0:
        raise BadRecord(f"views should be a whole number of 0 or more, not {_shown(value)}")
    if value > MAX_VIEWS:
        raise BadRecord(f"views should be at most {MAX_VIEWS:,}, not {_shown(value)}")
    return value


def _date(value: Any) -> str | None:
    text = _text(value, "date", trim=True)
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise BadRecord(f"date should be a date like 2024-08-27, not {_shown(text)}") from None


def normalise(raw: Any) -> dict[str, Any]:
    """One record as the archive stores it; raises :class:`BadRecord` saying what is wrong."""
    if isinstance(raw, Unreadable):
        raise BadRecord(raw.message)
    if not isinstance(raw, dict):
        raise BadRecord(f"expected an object with id and title, not {type(raw).__name__}")
    record: dict[str, Any] = {}
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip().lower())
        if name is not None and name not in record:
            record[name] = value
    result = {
        "id": _text(record.get("id"), "id", trim=True),
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


def _lines(stream: IO[AnyStr], limit: int = MAX_RECORD) -> Iterator[AnyStr]:
    """The lines of ``stream``, text (ending in \\n, \\r or \\r\\n) or bytes, none longer than ``limit``:
    a file with no line break (/dev/zero) is refused, never read whole."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit:
            raise BadRecord(f"line {number}: longer than {limit // _MB} MB, so the file was not read")
        yield line


def _read_json_lines(fp: io.BufferedReader) -> Iterator[Located]:
    for number, line in enumerate(_lines(fp), start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            yield f"line {number}", Unreadable(f"not UTF-8 text (byte {error.start + 1} of the line)")
        except json.JSONDecodeError as error:
            yield f"line {number}", Unreadable(f"not valid JSON ({error.msg})")
        except RecursionError:
            yield f"line {number}", Unreadable("not valid JSON (nested too deeply)")
        except ValueError as error:  # a number of thousands of digits
            yield f"line {number}", Unreadable(f"not valid JSON ({error})")


# Bytes that are not UTF-8, as the error handler below decodes them (as surrogateescape does).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_decode_errors = [0]


def _count_decode_error(error: UnicodeError) -> tuple[str | bytes, int]:
    """surrogateescape that also counts: a file with no error skips the check of each record."""
    _decode_errors[0] += 1
    return codecs.lookup_error("surrogateescape")(error)


codecs.register_error("tui-archive-not-utf8", _count_decode_error)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _read_json(fp: io.BufferedReader) -> Iterator[Located]:
    """A JSON document: an array of records, read one record at a time; or one object."""
    text = io.TextIOWrapper(fp, encoding="utf-8-sig")
    decoder = json.JSONDecoder()
    buffer = text.read(1 << 16)
    pos = 0
    line = 1  # of buffer[pos]
    eof = not buffer

    def more(at_least: int) -> None:
        nonlocal buffer, pos, eof
        chunk = text.read(max(1 << 16, at_least))
        eof = not chunk
        buffer = buffer[pos:] + chunk
        pos = 0

    def skip_space() -> None:
        nonlocal pos, line
        while True:
            end = _JSON_SPACE.match(buffer, pos).end()  # type: ignore[union-attr]
            line += buffer.count("\n", pos, end)
            pos = end
            if pos < len(buffer) or eof:
                return
            more(0)

    def value(what: str) -> Any:
        nonlocal pos, line
        while True:
            try:
                found, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as error:
                # Stopped at the end of what has been read so far: the record goes on in the next chunk.
                cut_short = error.pos >= len(buffer) - 16 or error.msg.startswith("Unterminated string")
                if eof or not cut_short:
                    where = line + buffer.count("\n", pos, error.pos)
                    raise BadRecord(f"line {where}: not valid JSON ({error.msg})") from None
                if len(buffer) - pos > MAX_RECORD:
                    raise BadRecord(f"line {line}: {what} longer than {MAX_RECORD // _MB} MB") from None
                more(len(buffer) - pos)  # twice as much each time: a long record is parsed a few times, not many
                continue
            except RecursionError:
                raise BadRecord(f"line {line}: not valid JSON (nested too deeply)") from None
            except ValueError as error:  # a number of thousands of digits
                raise BadRecord(f"line {line}: not valid JSON ({error})") from None
            if end == len(buffer) and not eof:  # a number may go on in the next chunk
                more(0)
                continue
            if end - pos > MAX_RECORD:
                raise BadRecord(f"line {line}: {what} longer than {MAX_RECORD // _MB} MB")
            line += buffer.count("\n", pos, end)
            pos = end
            return found

    skip_space()
    if buffer[pos : pos + 1] != "[":  # one object, read whole (up to the cap)
        document = value("the document is")
        skip_space()
        if pos < len(buffer):
            raise BadRecord(f"line {line}: not valid JSON (more after the end of the document)")
        if not isinstance(document, dict):
            raise BadRecord("JSON should be a list of objects, or one object")
        yield "record 1", document
        return
    pos += 1
    number = 0
    while True:
        skip_space()
        if buffer[pos : pos + 1] == "]" and number == 0:
            pos += 1
            break
        number += 1
        yield f"record {number}", value(f"record {number} is")
        skip_space()
        separator = buffer[pos : pos + 1]
        pos += 1
        if separator == "]":
            break
        if separator != ",":
            raise BadRecord(f"line {line}: not valid JSON (expected , or ] after record {number})")
    skip_space()
    if pos < len(buffer):
        raise BadRecord(f"line {line}: not valid JSON (more after the end of the list)")


def _read_csv(fp: io.BufferedReader, kind: str) -> Iterator[Located]:
    # Read with csv directly: reader.line_num counts physical lines, so a record
    # after a quoted field spanning lines is still located right.
    csv.field_size_limit(MAX_RECORD)
    errors_before = _decode_errors[0]
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", errors="tui-archive-not-utf8", newline="")
    reader = csv.reader(_lines(text), dialect="excel-tab" if kind == "tsv" else "excel")
    try:
        header = next(reader, None)
        if header is None:
            return
        if _NOT_UTF8.search("".join(header)):
            raise BadRecord("line 1: not UTF-8 text")
        known = {ALIASES.get(cell.strip().lower()) for cell in header}
        if not known & {"id", "title"}:
            names = ", ".join(dict.fromkeys(ALIASES.values()))
            raise BadRecord(f"no reports found: the first line should name the columns ({names})")
        start = reader.line_num + 1
        for cells in reader:
            if _decode_errors[0] != errors_before and _NOT_UTF8.search("".join(cells)):
                yield f"line {start}", Unreadable("not UTF-8 text")
            elif cells:
                yield f"line {start}", dict(zip(header, cells, strict=False))  # short rows leave fields out
            start = reader.line_num + 1
    except csv.Error as error:
        raise BadRecord(f"line {reader.line_num}: {error}") from None


def detect_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    by_suffix = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
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
        with path.open("rb") as fp:
            data = fp.read(MAX_PAGE + 1)
        if len(data) > MAX_PAGE:
            raise BadRecord(f"an archive page larger than {MAX_PAGE // _MB} MB: import CSV or JSON Lines instead")
        name, records = read_page(data.decode("utf-8-sig"))
        if not records and data.strip():
            raise BadRecord("no reports found: an archive page needs a table with ID and Title columns")
        return name, iter(records), lambda: len(data)
    fp = path.open("rb")
    return None, _stream(fp, kind), fp.tell


def _stream(fp: io.BufferedReader, kind: str) -> Iterator[Located]:
    with fp:
        if kind == "jsonl":
            yield from _read_json_lines(fp)
        elif kind == "json":
            yield from _read_json(fp)
        else:
            yield from _read_csv(fp, kind)


def first_undecodable(path: Path) -> tuple[str, str]:
    """Where a file stops being UTF-8: ("line N", "not UTF-8 text (byte B of the file)").
    Read a chunk at a time, so a file without line breaks costs no more memory than one with."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the file before the chunk
    lines = 1  # the line the chunk starts in
    with path.open("rb") as fp:
        while chunk := fp.read(1 << 16):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                at = max(0, error.start - pending)  # within the chunk
                line = lines + chunk.count(b"\n", 0, at)
                return f"line {line}", f"not UTF-8 text (byte {offset + at} of the file)"
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return "", "not UTF-8 text"


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
