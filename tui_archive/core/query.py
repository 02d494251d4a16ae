"""The search language: what a user types, turned into a safe FTS5 expression and SQL conditions.

Whatever the input, the full-text part is either ``None`` (nothing to search
for) or an expression built only from double-quoted strings, so FTS5 syntax
characters in the input (``"``, ``(``, ``*``, ``:``, ``^``, ``-``, ``NEAR`` ...)
can never make the query invalid; field values are bound parameters.
:data:`SEARCH_SYNTAX` is the one description of the language: the help
screen, ``tui-archive search --help`` and the README all show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .stems import stable_prefix, stem

# What the unicode61 tokenizer keeps as a token: letters, digits and marks of any script.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


# The word being typed is searched as a prefix once it has this many characters.
# Shorter prefixes match a large part of the vocabulary (t* takes seconds on a
# million reports) and say little; an explicit * still searches them.
TYPING_PREFIX_MIN = 3


def _long_enough(tokens: tuple[str, ...]) -> bool:
    return len(tokens[-1]) >= TYPING_PREFIX_MIN


_STEMMED_SUFFIXES = (
    "s", "es", "ies", "sses", "ed", "eed", "ing", "ly", "ational", "tional", "enci", "anci", "izer", "abli",
    "alli", "entli", "eli", "ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness",
    "aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance",
    "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ous",
    "ive", "ize", "e", "y",
)  # fmt: skip
"""The endings the Porter stemmer takes off: a word being typed that has begun one of them
may be a stem with that ending begun ("processi" is "process" and "i" of "ing")."""


@dataclass(frozen=True)
class Term:
    """One search term: the tokens that must appear together, maybe as a prefix.

    The index keeps stems, and FTS5 stems a prefix as it stems a word, so ``malays*`` alone would
    look for ``malai*`` and miss "Malaysian". A prefix also looks for the longest start of its last
    word that stemming leaves as it is (``mala*``); and while the word is being typed (``typing``),
    for the stems of its shorter forms (``processi`` finds "processing", kept as ``process``).
    ``alternatives``: index terms any one of which will do (the words a partial
    word being typed may become); then ``tokens`` are not used.
    """

    tokens: tuple[str, ...]
    prefix: bool = False
    typing: bool = False
    alternatives: tuple[str, ...] = ()

    def to_fts(self) -> str:
        if self.alternatives:
            return "(" + " OR ".join('"' + term.replace('"', '""') + '"' for term in self.alternatives) + ")"
        quoted = '"' + " ".join(self.tokens) + '"'
        if not self.prefix:
            return quoted
        *head, last = self.tokens
        word, stemmed = last.lower(), stem(last)
        forms = [quoted + "*"]
        covered = stemmed  # the start of the terms found so far
        stable = stable_prefix(last)
        if len(stable) >= TYPING_PREFIX_MIN and not stable.startswith(stemmed):
            forms.append('"' + " ".join([*head, stable]) + '"*')
            covered = stable
        if self.typing and stemmed == word:  # a word being typed may be a longer word's stem and a letter or two
            for end in (len(word) - 1, len(word) - 2):
                shorter, typed_on = word[:end], word[end:]
                if (
                    len(shorter) > TYPING_PREFIX_MIN
                    and any(suffix.startswith(typed_on) for suffix in _STEMMED_SUFFIXES)
                    and stem(shorter) == shorter
                    and not shorter.startswith(covered)
                ):
                    forms.append('"' + " ".join([*head, shorter]) + '"')
        return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


# -- the query language -----------------------------------------------------------------

SEARCH_SYNTAX: tuple[tuple[str, str], ...] = (
    ("magnet supply", "reports with both words (in title, summary or body)"),
    ('"supply chain"', "the words together, as a phrase"),
    ("magn*", "words starting with magn (the word being typed counts as one; under 3 letters, its commonest words)"),
    ("cobalt OR nickel", "either word"),
    ("-china", "leave out reports with the word (also -category:energy)"),
    ("category:energy", 'category starts with "energy", any case; category:"rare earths"'),
    ("after:2024-01", "dated January 2024 or later (2024, 2024-01, 2024-01-31; today, yesterday, 7d, 2w)"),
    ("before:2025", "dated before 2025"),
    ("views:>100", "by view count: views:<10, views:>=5, views:7, views:5..20"),
    ("id:RPT-1*", "IDs like it; * stands for any characters"),
    ("related:RPT-1045", "reports like that one (its rarest words), best match first"),
)
"""Each thing the search box understands: an example of it, and what it finds."""

FIELDS = ("category", "after", "before", "views", "id", "related")

MAX_TERMS = 64
"""Words, phrases and fields used from one query; the rest are ignored, with a hint.
(SQLite refuses an expression about a thousand conditions deep, and no search needs 64.)"""

MAX_NUMBER = 2**63 - 1
"""The largest whole number SQLite stores; larger numbers in a query are read as this."""

# A well-formed date as the archive stores it (YYYY-MM-DD, a real day): rows whose
# date another program wrote as something else never match after: or before:.
# date() always answers in that form, so only a well-formed date equals its own
# date(); the bounds keep text and numbers out of the index range before it is asked.
_DATE_RANGE = "reports.date >= ? AND reports.date < ? AND date(reports.date, '+0 days') = reports.date"
_NO_START, _NO_END = "0000-01-01", "9999-12-32"

_QUERY_PIECE = re.compile(r'(?P<neg>-(?=[^\s-]))?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))?')
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RELATIVE_DATE = re.compile(r"(\d{1,5})([dw])", re.IGNORECASE)  # 7d: seven days ago; 2w: two weeks ago
_DATE_BEING_TYPED = re.compile(r"\d{0,4}|\d{4}-\d{0,2}|\d{4}-\d{1,2}-\d?|\d{1,5}[dw]?", re.IGNORECASE)
_VIEWS_BEING_TYPED = re.compile(r"(>=|<=|>|<|=)?\d*(\.\.?\d*)?")
_DAY_WORDS = ("today", "yesterday")
_VIEWS = re.compile(r"(?P<op>>=|<=|>|<|=)?(?P<a>\d+)(?:\.\.(?P<b>\d+))?")


@dataclass(frozen=True)
class Query:
    """Search text parsed: a full-text part and SQL conditions on ``reports``.

    ``match`` is the FTS5 expression reports must match (None: no text);
    ``exclude`` one that they must not match; ``where`` SQL conditions with
    ``?`` placeholders for ``params``; ``hints`` say what was not understood;
    ``terms`` are the words and phrases searched for (not those left out), to show where they match;
    ``partial`` is the word being typed when it is too short to search as a
    prefix (as the index holds it: lower case, no accents); the words it may
    become are looked up in the index and given back as ``completions``.
    """

    match: str | None = None
    exclude: str | None = None
    where: tuple[str, ...] = ()
    params: tuple[object, ...] = ()
    hints: tuple[str, ...] = ()
    related: str | None = None
    """The ID in ``related:ID``: list reports like that one (the archive says which words those are)."""
    terms: tuple[Term, ...] = ()
    partial: str | None = None

    @property
    def empty(self) -> bool:
        return self.match is None and self.exclude is None and not self.where and self.related is None


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _date_bound(value: str, *, end: bool) -> str | None:
    """The first day of a partial date, or (end=True) the first day after it.

    Also a day counted back from today (local time): ``today``, ``yesterday``,
    ``7d`` (seven days ago), ``2w`` (two weeks ago).
    """
    from datetime import date, timedelta

    relative = _RELATIVE_DATE.fullmatch(value)
    if value.lower() in _DAY_WORDS or relative:
        back = _DAY_WORDS.index(value.lower()) if not relative else int(relative[1]) * (7 if relative[2] in "wW" else 1)
        try:
            since = date.today() - timedelta(days=back)
        except OverflowError:
            since = date.min
        return (since + timedelta(days=1) if end else since).isoformat()
    m = _PARTIAL_DATE.fullmatch(value)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)

    try:
        start = date(year, month, day)
    except ValueError:
        return None
    if not end:
        return start.isoformat()
    following: date | None
    try:  # the day, month or year after it; none after 9999
        if m[3]:
            following = start + timedelta(days=1)
        elif m[2]:
            following = date(year + month // 12, month % 12 + 1, 1)
        else:
            following = date(year + 1, 1, 1)
    except (OverflowError, ValueError):
        following = None
    return following.isoformat() if following else "9999-99"


def parse_query(text: str | None, *, typing: bool = False, completions: tuple[str, ...] | None = None) -> Query:
    """Parse what was typed in the search box (or given to ``tui-archive search``).

    Never raises: whatever cannot be understood becomes words to search for,
    with a hint. With ``typing``, the last word (no space after it yet) is
    searched as a prefix, so results follow the keystrokes; one or two letters
    are searched as any of ``completions`` (the commonest index terms starting
    so), or left out if no term starts so.
    """
    if not text:
        return Query()
    still_typing = typing and text == text.rstrip()
    pieces = [m for m in _QUERY_PIECE.finditer(text) if m.group(0)]
    groups: list[list[Term]] = [[]]
    excluded: list[Term] = []
    where: list[str] = []
    params: list[object] = []
    hints: list[str] = []
    pending_or = False
    used = 0
    dates: list[str] = []  # [start, end) of the dates asked for
    related: str | None = None
    partial: str | None = None
    for index, m in enumerate(pieces):
        last = index == len(pieces) - 1
        negative, field, phrase, word = bool(m["neg"]), m["field"], m["phrase"], m["word"]
        value = phrase if phrase is not None else (word or "")
        if used == MAX_TERMS and (field is not None or _TOKEN.search(value) and value != "OR"):
            hints.append(f"only the first {MAX_TERMS} words and fields were used; the rest were ignored")
            break
        if field is not None and field.lower() == "related" and value.strip():
            used += 1
            related = value.strip()  # the last one counts
            continue
        if field is not None and field.lower() in FIELDS:
            used += 1
            clause = _field_clause(field.lower(), value, prefix=last and still_typing and phrase is None, hints=hints)
            if clause is not None and clause[0] == _DATE_RANGE and not negative:
                # All date bounds as one range, so the date index is read from the latest start to the earliest end.
                start, end = (str(bound) for bound in clause[1])
                dates = [max(dates[0], start), min(dates[1], end)] if dates else [start, end]
            elif clause is not None:
                sql, values = clause
                where.append(f"NOT coalesce(({sql}), 0)" if negative else sql)
                params.extend(values)
            continue
        if field is not None and not value.strip():
            value, field = field, None  # "note:" is a word followed by a colon
        if field is not None:
            hints.append(f"no field {_shown(field)}:, so its words were searched (fields: {' '.join(FIELDS)})")
        if phrase is None and value == "OR" and not negative and field is None:
            pending_or = True
            continue
        tokens = tuple(_TOKEN.findall(value))
        if not tokens:
            continue
        used += 1
        typed = phrase is None and last and still_typing and _long_enough(tokens) and not value.endswith("*")
        prefix = phrase is None and (value.endswith("*") or typed)
        term = Term(tokens, prefix=prefix, typing=typed and not negative)
        if last and still_typing and phrase is None and not prefix and not negative and len(tokens) == 1:
            partial = _index_form(tokens[0])
            if completions is not None and not completions:
                hints.append(f"no word starts with {_shown(tokens[0])}; keep typing…")
                continue
            if completions:
                term = Term(tokens, alternatives=completions)
                hints.append(f"words starting {_shown(tokens[0])}: {', '.join(completions[:3])}…; keep typing…")
        if negative:
            excluded.append(term)
            continue
        if pending_or and groups[-1]:
            groups.append([])
        pending_or = False
        groups[-1].append(term)
    if dates:
        where.append(_DATE_RANGE)
        params.extend(dates)
    groups = [group for group in groups if group]
    match = None
    if groups:
        parts = [" AND ".join(term.to_fts() for term in group) for group in groups]
        match = parts[0] if len(parts) == 1 else " OR ".join(f"({part})" for part in parts)
    exclude = " OR ".join(term.to_fts() for term in excluded) or None
    terms = tuple(term for group in groups for term in group)
    return Query(
        match, exclude, tuple(where), tuple(params), tuple(hints), related=related, terms=terms, partial=partial
    )


def related_text(report_id: str) -> str | None:
    """The search text for reports like the one with ``report_id`` (None: an ID with a ``"`` cannot be written)."""
    if '"' in report_id or not report_id or report_id != report_id.strip():
        return None
    plain = re.fullmatch(r"[^\s\"]+", report_id) is not None
    return f"related:{report_id}" if plain else f'related:"{report_id}"'


def _index_form(token: str) -> str:
    """A token as unicode61 with remove_diacritics holds it: lower case, accents dropped."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _shown(value: str, most: int = 20) -> str:
    """Something typed, quoted back in a hint: at most ``most`` characters."""
    return value if len(value) <= most else value[: most - 1] + "…"


def _field_clause(field: str, value: str, *, prefix: bool, hints: list[str]) -> tuple[str, list[object]] | None:
    value = value.strip()
    if not value:
        return None  # "category:" while it is being typed
    if field == "category":
        return "reports.category LIKE ? ESCAPE '\\'", [_like_escape(value) + "%"]
    if field == "id":
        pattern = _like_escape(value).replace("*", "%")
        if prefix and not pattern.endswith("%"):
            pattern += "%"
        return "reports.id LIKE ? ESCAPE '\\'", [pattern]
    if field in ("after", "before"):
        bound = _date_bound(value, end=False)
        if bound is None:
            if not (prefix and (_DATE_BEING_TYPED.fullmatch(value) or _begins_day_word(value))):
                hints.append(f"{field}:{_shown(value)} was not used: dates look like 2024-05-01, 2024-05 or 7d")
            return None
        return _DATE_RANGE, [bound, _NO_END] if field == "after" else [_NO_START, bound]
    m = _VIEWS.fullmatch(value.replace(" ", ""))
    if m is None:
        if not (prefix and _VIEWS_BEING_TYPED.fullmatch(value)):
            hints.append(f"views:{_shown(value)} was not used: try views:>100, views:<10 or views:5..20")
        return None
    a = _number(m["a"], hints)
    if m["b"] is not None:
        b = _number(m["b"], hints)
        return "reports.views BETWEEN ? AND ?", [min(a, b), max(a, b)]
    op = m["op"] or "="
    return f"reports.views {op} ?", [a]


def _begins_day_word(value: str) -> bool:
    return any(word.startswith(value.lower()) for word in _DAY_WORDS)


def _number(digits: str, hints: list[str]) -> int:
    """A number typed in a query, at most :data:`MAX_NUMBER` (a hint says when it was more)."""
    significant = "".join(str(int(digit)) for digit in digits).lstrip("0") or "0"  # any script's digits
    # Checked by length first: int() refuses strings of thousands of digits.
    if len(significant) > len(str(MAX_NUMBER)) or int(significant) > MAX_NUMBER:
        hint = f"views: numbers stop at {MAX_NUMBER:,}, so a larger one was read as that"
        if hint not in hints:
            hints.append(hint)
        return MAX_NUMBER
    return int(significant)
