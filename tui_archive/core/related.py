"""Reports like one report: its most distinctive words, searched against the full-text index.

``related:ID`` in the search language (and ``tui-archive related ID``) lists
the reports that share the rarest words of that report's title and summary,
best match (bm25) first, the report itself left out. How the words are chosen:

- The title and summary are split into words by the archive's own tokenizer:
  they are put into a one-row FTS5 table in the ``temp`` schema, with the
  tokenizer read from the archive's index, and read back through an
  ``fts5vocab`` table there. Nothing is written to the archive itself, so this
  works on a read-only file and leaves the file as other tools see it.
- Each word's rarity is how many reports hold it, counted in the index up to
  :data:`RARE_BELOW` (a word more common than that, or held by over half the
  reports, says little about a report; and counting a word in every report
  would take a second at a million).
  ``fts5vocab`` over the whole index would count every common word in full.
- The words are weighted by how often the report uses them (the title counts
  twice) times their rarity (idf), and the best are taken while the reports
  holding any of them stay under :data:`HOLDING` (fewer than the listing's
  best-match ranking covers, so it ranks them all). A word only this report
  holds is left out: it finds nothing else.
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

from . import stems

RELATED_TERMS = 12
"""The most of a report's words one search for reports like it uses."""

RARE_BELOW = 2000
"""A word held by this many reports or more is too common to say what a report is about."""

HOLDING = 2000
"""The most reports the chosen words may find between them (fewer than the best-match listing ranks,
so the ranking is exact; the fewer, the faster: ranking 2,000 takes about 30 ms at a million reports)."""

_DEFAULT_TOKENIZER = "'unicode61 remove_diacritics 2'"
_TOKENIZE = re.compile(r"""tokenize\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*")""", re.IGNORECASE)


@dataclass(frozen=True)
class Related:
    """What ``related:ID`` stands for, as read from the archive: the report's row (left out of
    the listing), and its most distinctive words as an FTS5 expression (None: no such report,
    or no word it shares with another report)."""

    rowid: int | None
    match: str | None
    terms: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    """The terms as the report writes them (``refineries`` for the stem ``refineri``), to show people."""


def read_related(conn: sqlite3.Connection, report_id: str) -> Related:
    """The report with ``report_id`` (the first, should there be two) and its most distinctive words."""
    row = conn.execute(
        "SELECT rowid, title, summary FROM reports WHERE id = ? ORDER BY rowid LIMIT 1", [report_id]
    ).fetchone()
    if row is None:
        return Related(None, None)
    rowid, title, summary = row[0], _text(row[1]), _text(row[2])
    terms = distinctive_terms(conn, f"{title}\n{title}\n{summary}")
    if not terms:
        return Related(rowid, None)
    match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return Related(rowid, match, tuple(terms), _as_written(f"{title}\n{summary}", terms))


def _as_written(text: str, terms: list[str]) -> tuple[str, ...]:
    """Each term as a word of ``text`` that the index keeps as that term (the term itself where none is)."""
    wanted, found = set(terms), {}
    for word in re.findall(r"\w+", text):
        lower = word.lower()
        term = lower if lower in wanted else stems.stem(word)
        if term in wanted and term not in found:
            found[term] = lower
    return tuple(found.get(term, term) for term in terms)


def distinctive_terms(conn: sqlite3.Connection, text: str) -> list[str]:
    """The words of ``text`` that best tell it apart, most telling first (see the module's notes)."""
    counts = _words(conn, text)
    newest = conn.execute("SELECT max(rowid) FROM reports").fetchone()[0] or 0
    reports = max(1, int(newest))
    scored: list[tuple[float, str, int]] = []
    for term, count in counts.items():
        held = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM reports_fts WHERE reports_fts MATCH ? LIMIT ?)",
            ['"' + term.replace('"', '""') + '"', RARE_BELOW],
        ).fetchone()[0]
        if held <= 1 or held >= RARE_BELOW or held * 2 > reports:  # only it, or too common to tell
            continue
        rarity = math.log(1 + (reports - held + 0.5) / (held + 0.5))
        scored.append((count * rarity, term, held))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[str] = []
    holding = 0
    for _, term, held in scored:
        if len(chosen) == RELATED_TERMS:
            break
        if holding + held <= HOLDING or not chosen:
            chosen.append(term)
            holding += held
    return chosen


def _words(conn: sqlite3.Connection, text: str) -> dict[str, int]:
    """Each word of ``text`` as the archive's index holds words, with how often it occurs."""
    tokenizer = _tokenizer(conn)
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.related_text USING fts5(text, tokenize={tokenizer})")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.related_words USING fts5vocab(temp, related_text, 'row')")
    conn.execute("DELETE FROM temp.related_text")
    try:
        conn.execute("INSERT INTO temp.related_text (text) VALUES (?)", [text])
        return {str(term): int(count) for term, count in conn.execute("SELECT term, cnt FROM temp.related_words")}
    finally:
        conn.execute("DELETE FROM temp.related_text")


def _tokenizer(conn: sqlite3.Connection) -> str:
    """The tokenize= option of the archive's full-text index, as written in its CREATE statement."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_fts'").fetchone()
    found = _TOKENIZE.search(str(row[0])) if row is not None else None
    return found.group(1) if found else _DEFAULT_TOKENIZER


def _text(value: object) -> str:
    """A title or summary as text (another program may have stored a number, a blob or nothing)."""
    if value is None or isinstance(value, bytes):
        return ""
    return str(value)
