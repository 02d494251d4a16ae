"""Why a report matched: where the words of a search are in a text, found as the full-text index finds them.

A word matches when it stems to a search term (or, for a prefix, to a word beginning with it), and a
phrase where its words stand together: "Supply Chains" for ``"supply chain"``. Python's stemmers do not
stem as FTS5's Porter tokenizer does (snowballstemmer's Porter leaves "technology" as "technologi",
FTS5 makes it "technolog"; about one word in 200 differs), so the spans come from FTS5 itself: the
text goes into an in-memory FTS5 table made with the archive's tokenizer, and ``highlight()`` marks
what the search's terms match in it. Nothing here reads or writes the archive.

Spans are found in text already made inert by :func:`.safe.clean`, whose output never holds the
control characters used as markers, so what comes back is exactly that text and where to style it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .query import Term
from .safe import clean
from .schema import TOKENIZE

START, END = "\x02", "\x03"
"""The marks ``highlight()`` and ``snippet()`` put around matched words; :func:`.safe.clean` turns
any such character in archive text into a visible symbol, so in cleaned text they are only marks."""

Span = tuple[int, int]
"""Where a match is in a text: [start, end) in characters."""

_SAFE_TOKENIZE = re.compile(r"[a-z0-9_ ]+")
_local = threading.local()


def expression(terms: Iterable[Term]) -> str | None:
    """The FTS5 expression matching any of the terms (None for none): each is highlighted where it is,
    whichever others the text holds."""
    return " OR ".join(term.to_fts() for term in terms) or None


@dataclass(frozen=True)
class Highlighter:
    """A search's terms and the archive's tokenizer: where they match in any text shown."""

    terms: tuple[Term, ...] = ()
    tokenize: str = TOKENIZE

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[Span]:
        """See :func:`match_spans`."""
        return match_spans(text, self.terms, self.tokenize)


def match_spans(text: str, terms: tuple[Term, ...], tokenize: str = TOKENIZE) -> list[Span]:
    """Where in ``text`` (cleaned archive text) the search's terms match, in order, not overlapping.

    ``tokenize`` is the archive's tokenizer (:attr:`.store.Store.tokenize`), so that an archive whose
    index does not stem gets highlights that do not stem either.
    """
    match = expression(terms)
    if not text or match is None:
        return []
    if len(text) > _CACHED_UP_TO:  # a summary or a body's part: asked for once, not kept
        return list(_find_spans(text, match, tokenize))
    return list(_spans(text, match, tokenize))


_CACHED_UP_TO = 1000
"""The longest text whose spans are kept for the next time it is drawn (a title is drawn at every scroll)."""


@lru_cache(maxsize=4096)
def _spans(text: str, match: str, tokenize: str) -> tuple[Span, ...]:
    return _find_spans(text, match, tokenize)


def _find_spans(text: str, match: str, tokenize: str) -> tuple[Span, ...]:
    marked = _highlight(text, match, tokenize)
    return () if marked is None else tuple(marked_spans(marked)[1])


def marked_spans(marked: str) -> tuple[str, list[Span]]:
    """Text with :data:`START` and :data:`END` marks around matches: the text without them, and the spans."""
    plain: list[str] = []
    spans: list[Span] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{START}{END}])", marked):
        if piece == START:
            start = length
        elif piece == END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), spans


SNIPPET_TOKENS = 24
"""Words of a body shown around its match (FTS5 allows at most 64)."""


@dataclass(frozen=True)
class Snippet:
    """Words of a report's body around a match, as stored (``…`` where cut), and where the match is in them."""

    text: str
    spans: tuple[Span, ...]

    def cleaned(self) -> Snippet:
        """Made inert for a screen or terminal, on one line (:func:`.safe.clean`), the spans moved to match."""
        return Snippet(*clean_spans(self.text, self.spans))


def snippet(plain: str | None, marked: str | None) -> Snippet | None:
    """From FTS5 ``snippet()`` without marks and with :data:`START` and :data:`END`: None when nothing is
    marked (the body does not match). Where the stored text holds those characters itself, the marks
    cannot be told apart: the words are given with no spans."""
    if plain is None or marked is None:  # no body
        return None
    if START in plain or END in plain:
        return Snippet(plain, ()) if START in marked or END in marked else None
    text, spans = marked_spans(marked)
    return Snippet(text, tuple(spans)) if spans else None


def clean_spans(text: str, spans: Iterable[Span], *, multiline: bool = False) -> tuple[str, tuple[Span, ...]]:
    """``text`` made inert with :func:`.safe.clean`, and the spans moved to where their text is in it
    (cleaning drops some characters and turns a line break into a space)."""
    pieces: list[str] = []
    moved: list[Span] = []
    length = at = 0
    for start, end in spans:
        before = clean(text[at:start], multiline=multiline)
        inside = clean(text[start:end], multiline=multiline)
        pieces += [before, inside]
        length += len(before)
        if inside:
            moved.append((length, length + len(inside)))
        length += len(inside)
        at = end
    pieces.append(clean(text[at:], multiline=multiline))
    return "".join(pieces), tuple(moved)


def _highlight(text: str, match: str, tokenize: str) -> str | None:
    if START in text or END in text:  # not cleaned text: no marks can be told apart in it
        return None
    conn = _connection(tokenize)
    if conn is None:
        return None
    try:
        conn.execute("INSERT INTO words (rowid, text) VALUES (1, ?)", [text])
        row = conn.execute(
            "SELECT highlight(words, 0, ?, ?) FROM words WHERE words MATCH ? AND rowid = 1", [START, END, match]
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.execute("DELETE FROM words")
    return None if row is None else str(row[0])


def _connection(tokenize: str) -> sqlite3.Connection | None:
    """This thread's in-memory FTS5 table with the tokenizer (None where this SQLite lacks it)."""
    connections: dict[str, sqlite3.Connection | None] = getattr(_local, "connections", None) or {}
    _local.connections = connections
    if tokenize not in connections:
        # Another program's tokenizer option is not put into SQL: words are found as this app would.
        option = tokenize if _SAFE_TOKENIZE.fullmatch(tokenize) else TOKENIZE
        conn: sqlite3.Connection | None = sqlite3.connect(":memory:", isolation_level=None)
        assert conn is not None
        try:
            conn.execute(f"CREATE VIRTUAL TABLE words USING fts5 (text, tokenize='{option}')")
        except sqlite3.Error:
            conn.close()
            conn = None
        connections[tokenize] = conn
    return connections[tokenize]
