"""An unexpected error (a fault in the program, not a problem with the archive): its traceback
goes to a log file, and the user gets one line saying where.

Both the app and the commands for scripts end this way: exit status 1, never a
traceback on the terminal.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from . import locations
from .safe import clean

LOG_LIMIT = 1_000_000  # bytes: past this the log starts over
LINE_LIMIT = 2_000  # characters of any one line of a traceback (a value in a message may be huge)


def write_log(error: BaseException, path: Path | None = None) -> Path | None:
    """Append ``error``'s traceback to the crash log; return its path (None: it could not be written)."""
    path = path or locations.crash_log()
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = "".join(line if len(line) <= LINE_LIMIT else line[:LINE_LIMIT] + "…\n" for line in lines)
    stamp = datetime.now().isoformat(timespec="seconds")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_LIMIT:
            path.unlink()
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(f"--- {stamp} (pid {os.getpid()})\n{text}\n")
    except OSError:
        return None
    return path


def sentence(error: BaseException, path: Path | None) -> str:
    """The one line the user sees."""
    kind = type(error).__name__
    if path is None:
        return f"tui-archive stopped on an unexpected error ({kind}); its details could not be written to a log"
    return f"tui-archive stopped on an unexpected error ({kind}); the details are in {clean(path)}"
