"""What the benchmark modules share: the terminal size, the store's page, progress on stderr, memory."""

from __future__ import annotations

import sys

SIZE = (120, 32)
PAGE = 100  # rows per store window, as the app's table fetches them


def log(message: str) -> None:
    """Progress, on stderr (stdout is kept for the table)."""
    print(message, file=sys.stderr, flush=True)


def proc_status_mb(field: str, pid: int | str = "self") -> float:
    """VmRSS or VmHWM of this process (or of ``pid``), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")
