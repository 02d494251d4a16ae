"""Every way the archive can fail, each with the sentence the user sees.

The CLI and the UI catch :class:`ArchiveError` and nothing else: ``str(error)``
is what they show. SQLite's own errors become one of these in one place,
:func:`from_sqlite`, called where the store hands out connections; files the
core writes beside the archive (exports, history) fail through :func:`from_os`.
"""

from __future__ import annotations

import os
import re
import sqlite3


class ArchiveError(Exception):
    """A problem with the archive or a file beside it, worded for the person using the app."""

    severity = "error"
    """How the UI shows it: "error", or "warning" for what the user can simply try again."""

    def __init__(self, sentence: str, *, path: os.PathLike[str] | str | None = None) -> None:
        self.sentence = sentence
        self.path = path
        super().__init__(f"{path}: {sentence}" if path is not None else sentence)


class NoArchive(ArchiveError):
    """The file (or its folder) is not there."""


class NotAnArchive(ArchiveError):
    """The file is not an SQLite database, or is damaged."""


class ArchiveDamaged(NotAnArchive):
    """An SQLite database whose pages are corrupt."""


class ArchiveTooNew(ArchiveError):
    """Written by a newer tui-archive."""


class ArchiveBroken(ArchiveError):
    """Its structure was taken apart by another program (a view for the reports table, a dropped
    table or column) in a way that cannot be repaired here; the sentence says what to do."""


class ArchiveReadOnly(ArchiveError):
    """The archive can be browsed but not written."""


class ArchiveBusy(ArchiveError):
    """Another program (an import, say) holds the archive's write lock."""


class ArchiveFull(ArchiveError):
    """No room left on the disk for a write."""


class ViewRefused(ArchiveError):
    """A view that cannot be counted: the count is at its maximum, or is not a whole number."""

    severity = "warning"


class Interrupted(ArchiveError):
    """A read was cancelled (a newer search superseded it); nobody needs to be told."""

    def __init__(self) -> None:
        super().__init__("the query was interrupted")


class FileFailed(ArchiveError):
    """A file the core writes for the user (an export, the history) could not be written."""


class FileExists(FileFailed):
    """The file chosen for an export exists already; it is never overwritten."""

    severity = "warning"


def from_sqlite(error: sqlite3.Error, path: os.PathLike[str] | str | None = None) -> ArchiveError:
    """The family member for an error SQLite raised, with a user sentence that says what to do.

    SQLite's own words reach the user only for an error this does not know,
    and then after a sentence of ours.
    """
    message = str(error)
    lowered = message.lower()
    kind: type[ArchiveError] = ArchiveError
    where = path if path is not None else "ARCHIVE"
    if "interrupted" in lowered:
        return Interrupted()
    if "not a database" in lowered or "file is encrypted" in lowered:
        kind, sentence = NotAnArchive, "not an SQLite archive (or the file is damaged): name an archive file with --db"
    elif "malformed" in lowered or "corrupt" in lowered:
        kind, sentence = (
            ArchiveDamaged,
            f"the archive file is damaged: restore it from a backup (sqlite3 {where} .recover may save what is"
            " still readable)",
        )
    elif "locked" in lowered or "busy" in lowered:
        kind, sentence = ArchiveBusy, "the archive is busy (locked by another program); try again in a moment"
    elif "readonly" in lowered or "read-only" in lowered:
        kind, sentence = ArchiveReadOnly, "the archive is read-only: you may not write to the file or its folder"
    elif "disk is full" in lowered or "database or disk is full" in lowered:
        kind, sentence = ArchiveFull, "no room left on the disk to write the archive: free some space, then try again"
    elif "disk i/o" in lowered:
        kind, sentence = ArchiveError, "the disk failed while reading or writing the archive: check the disk"
    elif "unable to open" in lowered:
        kind, sentence = (
            NoArchive,
            "the archive file cannot be opened: check that it exists and that you may read it and its folder",
        )
    elif (changed := _changed_structure(lowered)) is not None:
        kind, sentence = (
            ArchiveBroken,
            f"{changed} (another program changed the archive): start tui-archive again to repair it,"
            f" or run tui-archive repair --db {where}",
        )
    else:
        sentence = f"the archive could not be used (SQLite said: {message})"
    failure = kind(sentence, path=path)
    failure.__cause__ = error
    return failure


_CHANGED = (
    (re.compile(r"no such table: (?:main\.)?(\S+)"), "its table {} is missing"),
    (re.compile(r"no such column: (\S+)"), "its column {} is missing"),
    (re.compile(r"has no column named (\S+)"), "its column {} is missing"),
    (re.compile(r"cannot modify (\S+) because it is a view"), "its {} is a view, not a table"),
    (re.compile(r"no such (?:index|trigger): (\S+)"), "its {} is missing"),
)


def _changed_structure(lowered: str) -> str | None:
    """What is missing, if the error says the tables are not as tui-archive made them."""
    for pattern, sentence in _CHANGED:
        match = pattern.search(lowered)
        if match is not None:
            return sentence.format(match.group(1)[:80])
    return None


def from_os(error: OSError, what: str) -> FileFailed:
    """``what`` (``"not exported to out.csv"``) could not be done, and why, in the OS's words."""
    reason = error.strerror or str(error)
    failure = FileFailed(f"{what}: {reason}")
    failure.__cause__ = error
    return failure
