"""Keep a session's memory flat: large blocks go back to the system when freed, and the
app's threads share one heap.

A search for a word in nearly every report makes SQLite build lists of a million
entries; glibc serves blocks that large with mmap and returns them when freed, but
after the first such free it raises its threshold (up to 32 MB) and serves the next
ones from the heap, which it keeps. One such search left a session holding 21 MB
more for the rest of its life (45 MB became 80 MB at 1M reports). A fixed threshold
keeps the first behaviour: with it the same session stays at 56 MB.

glibc also gives each thread that allocates while another does a heap (an arena)
of its own, up to eight per core. The app's searches run in worker threads while
SQLite reads in others, and each arena keeps the free space its thread left. One
arena for all: a session at 1M held 64 MB after eight searches, 60 MB with it (the
threads hold the GIL most of the time, so they seldom wait on its lock). Only the app
asks for it: an import tokenizes in SQLite, without the GIL, while another thread
parses the file, and on one heap they waited on its lock (10% slower at 200,000).

Only glibc has the knob; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import sys

_M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter; setting it also turns off the threshold's growth."""
_M_ARENA_MAX = -8
"""glibc's mallopt parameter: the most heaps its threads may spread over."""
MMAP_THRESHOLD = 128 * 1024
"""glibc's own starting value: blocks from this size on are mapped, and unmapped when freed."""


def keep_flat(*, one_heap: bool = False) -> bool:
    """Keep glibc's mmap threshold fixed at its starting value, and with ``one_heap`` the threads
    started after on one heap (the app); whether it could be set."""
    if not _glibc():
        return False
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)  # glibc's name on Linux
        done = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
        return done and (not one_heap or bool(libc.mallopt(_M_ARENA_MAX, 1)))
    except (OSError, AttributeError):
        return False


def _glibc() -> bool:
    """Is this process on glibc? Asked of the C library itself: ``platform.libc_ver()`` reads
    the Python executable, and ``ctypes.util.find_library`` runs ``ldconfig``, a few ms at
    every start of every command."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):  # a C library that does not know the name (musl)
        return False
