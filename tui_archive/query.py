"""Turn what a user types into a safe FTS5 MATCH expression.

Whatever the input, the result is either ``None`` (nothing to search for) or an
expression built only from double-quoted strings, so FTS5 syntax characters in
the input (``"``, ``(``, ``*``, ``:``, ``^``, ``-``, ``NEAR`` ...) can never make
the query invalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quoted phrase (the closing quote may be missing while the user types) or a bare word.
_PIECE = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
# What the unicode61 tokenizer keeps as a token: letters, digits and marks of any script.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    """One search term: the tokens that must appear together, maybe as a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def to_fts(self) -> str:
        quoted = '"' + " ".join(self.tokens) + '"'
        return quoted + "*" if self.prefix else quoted


def parse_terms(text: str) -> list[Term]:
    """Split search text into terms.

    Bare words must all match (in any order); ``"quoted phrases"`` must match
    as written; a word ending in ``*`` matches as a prefix, and so does the last
    word while it is still being typed (no space after it yet), so results
    follow the keystrokes.
    """
    terms: list[Term] = []
    stripped = text.rstrip()
    still_typing = bool(stripped) and stripped == text
    matches = list(_PIECE.finditer(text))
    for index, match in enumerate(matches):
        phrase, word = match.group("phrase"), match.group("word")
        if phrase is not None:
            tokens = tuple(_TOKEN.findall(phrase))
            if tokens:
                terms.append(Term(tokens))
            continue
        tokens = tuple(_TOKEN.findall(word))
        if not tokens:
            continue
        last = index == len(matches) - 1
        prefix = word.endswith("*") or (last and still_typing)
        terms.append(Term(tokens, prefix=prefix))
    return terms


def fts_expression(text: str | None) -> str | None:
    """The FTS5 MATCH expression for ``text``, or ``None`` if it holds no searchable word."""
    if not text:
        return None
    terms = parse_terms(text)
    if not terms:
        return None
    return " ".join(term.to_fts() for term in terms)
