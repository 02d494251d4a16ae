"""Which archive file to open when none is named."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .importers import import_files
from .resources import SAMPLE_PAGE
from .store import Store

ENV_VAR = "TUI_ARCHIVE_DB"


@dataclass(frozen=True)
class Location:
    path: Path
    note: str = ""
    """Said in the status line when the archive is not the one the user named."""


def user_archive() -> Path:
    return Path(platformdirs.user_data_dir("tui-archive")) / "archive.db"


def resolve(db: str | os.PathLike[str] | None) -> Location:
    """``--db`` (or ``$TUI_ARCHIVE_DB``), else ``./archive.db``, else the per-user archive.

    The per-user archive is made from the bundled sample the first time.
    """
    if db:
        return Location(Path(db))
    local = Path("archive.db")
    if local.exists():
        return Location(local)
    path = user_archive()
    if path.exists():
        return Location(path, f"archive: {_short(path)}")
    _create_from_sample(path)
    return Location(path, f"new archive {_short(path)}, made from the sample")


def _short(path: Path) -> str:
    """The path with the home directory written as ``~``."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _create_from_sample(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    store = Store(partial)
    try:
        import_files(store, [SAMPLE_PAGE])
    finally:
        store.close()
    # WAL side files belong to the temporary name; a checkpoint on close emptied them.
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.replace(path)
