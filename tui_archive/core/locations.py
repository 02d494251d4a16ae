"""Every file path the app uses, in one place: the archive to open, the per-user files and settings, the sample.

Nothing else in the package calls platformdirs, and it loads only when a per-user path is
asked for (a command given ``--db`` goes without it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import from_os

APP_NAME = "tui-archive"
ENV_VAR = "TUI_ARCHIVE_DB"
SAMPLE_PAGE = Path(__file__).resolve().parent.parent / "data" / "global-analysis-archive.txt"
"""The sample archive page that ships with the package."""


def data_dir() -> Path:
    """The user's data directory (``~/.local/share/tui-archive`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def user_archive() -> Path:
    """The per-user archive, used when no archive is named and there is no ``./archive.db``."""
    return data_dir() / "archive.db"


def log_dir() -> Path:
    """The user's log directory (``~/.local/state/tui-archive/log`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME))


def crash_log() -> Path:
    """Where an unexpected error's traceback is written, instead of on the terminal."""
    return log_dir() / "crash.log"


def history_file() -> Path:
    """The per-user list of recently opened reports, for every archive."""
    return data_dir() / "history.json"


def config_dir() -> Path:
    """The user's config directory (``$XDG_CONFIG_HOME/tui-archive``, ``~/.config/tui-archive`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def settings_file() -> Path:
    """The user's settings for the app (the theme chosen)."""
    return config_dir() / "settings.json"


@dataclass(frozen=True)
class Location:
    path: Path
    note: str = ""
    """Said in the status line when the archive is not the one the user named."""


def resolve(db: str | os.PathLike[str] | None) -> Location:
    """``--db`` (or ``$TUI_ARCHIVE_DB``), else ``./archive.db``, else the per-user archive.

    The per-user archive is made from the bundled sample the first time.
    """
    try:
        return _resolve(db)
    except OSError as error:
        raise from_os(error, "cannot open the archive") from error


def _resolve(db: str | os.PathLike[str] | None) -> Location:
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
    from .importers import import_files  # only the first time, when there is no archive yet
    from .store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    with Store(partial) as store:
        import_files(store, [SAMPLE_PAGE])
    # WAL side files belong to the temporary name; a checkpoint on close emptied them.
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.replace(path)
