"""Words as the full-text index keeps them: SQLite's own FTS5 tokenizer, asked in memory (never the archive).

Python's Porter stemmers differ from FTS5's on about one word in 200, so the stem of a word is
the term FTS5 makes of it, from an in-memory table per thread.
"""

from __future__ import annotations

import sqlite3
import threading
from functools import lru_cache

from .schema import TOKENIZE

_local = threading.local()


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The term the index keeps for one word (``processing`` → ``process``); the word itself, lower-cased,
    where it is not one word to FTS5."""
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE VIRTUAL TABLE words USING fts5 (text, tokenize='{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE terms USING fts5vocab (words, row)")
    try:
        conn.execute("INSERT INTO words (rowid, text) VALUES (1, ?)", [word])
        terms = [row[0] for row in conn.execute("SELECT term FROM terms")]
    finally:
        conn.execute("DELETE FROM words")
    return terms[0] if len(terms) == 1 else word.lower()


def stable_prefix(word: str) -> str:
    """The longest start of ``word`` that the stemmer leaves as it is (``malays`` → ``mala``: ``malays``
    is stemmed to ``malai``, which ``malaysian`` does not begin with)."""
    prefix = word.lower()
    while len(prefix) > 1 and stem(prefix) != prefix:
        prefix = prefix[:-1]
    return prefix
