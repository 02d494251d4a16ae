"""Large blocks freed go back to the system, so one search for a very common word does not
leave a session holding tens of megabytes for the rest of its life."""

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
    memory.return_large_blocks()
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


def kept_after_free(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="the setting is glibc's"
)
def test_a_large_block_freed_is_given_back():
    assert kept_after_free("default") >= 20  # what glibc does on its own: the second block stays
    assert kept_after_free("set") < 5
