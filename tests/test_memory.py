"""Large blocks freed go back to the system, so one search for a very common word does not
leave a session holding tens of megabytes for the rest of its life; and what one thread frees,
the next can use."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

PROGRAM = """
import sys
from tui_archive.core import memory
if sys.argv[1] == "set":
    memory.keep_flat()
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
first = bytearray(30 << 20)  # as SQLite's list of a million matches: made, used, freed
del first
before = rss_mb()
second = bytearray(29 << 20)
pinned = bytearray(4096)  # anything allocated after it, as a session goes on
del second
print(rss_mb() - before)
"""


THREADS = """
import sys, threading
from tui_archive.core import memory
if sys.argv[1] == "set":
    memory.keep_flat(one_heap=True)
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
before = rss_mb()
together = threading.Barrier(8)
kept = []
def search():  # as worker threads reading pages at once: 2 MB each, freed when done but one
    pages = [bytearray(4000) for _ in range(500)]
    together.wait()
    kept.append(pages[-1])
threads = [threading.Thread(target=search) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
rows = [bytearray(4000) for _ in range(4000)]  # 16 MB of later work on the main thread
print(rss_mb() - before)
"""


def kept_after_free(mode: str, program: str = PROGRAM) -> int:
    done = subprocess.run([sys.executable, "-c", program, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_a_large_block_freed_is_given_back():
    assert kept_after_free("default") >= 20  # what glibc does on its own: the second block stays
    assert kept_after_free("set") < 5


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="the setting is glibc's")
def test_what_worker_threads_free_is_used_again():
    assert kept_after_free("default", THREADS) >= 26  # each thread's heap keeps its 2 MB: 16 + 16
    assert kept_after_free("set", THREADS) < 22  # the 16 MB freed is the 16 MB used next
