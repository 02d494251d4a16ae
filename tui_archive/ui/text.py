"""Archive text for the screen: cleaned by :mod:`tui_archive.core.safe`, then made Rich ``Text``.

Never markup: ``[brackets]`` in a title stay brackets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from ..core.matches import Highlighter, Snippet, Span
from ..core.model import as_text
from ..core.safe import clean

if TYPE_CHECKING:  # markdown-it loads only when a report body is shown
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from textual.content import Content


SHOWN_LIMIT = 20_000
"""The most characters of one field drawn at once: longer text is cut with "…" (the report
screen shows the rest a part at a time), so a 10 MB field costs no more than a screenful."""


def bounded(value: object, limit: int = SHOWN_LIMIT) -> tuple[str, bool]:
    """The first ``limit`` characters of a value as text, and whether there was more."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return (text[:limit], True) if len(text) > limit else (text, False)


def safe_text(value: object, *, multiline: bool = False, style: str | Style = "", limit: int = SHOWN_LIMIT) -> Text:
    """A Rich ``Text`` showing archive text literally: ``[brackets]`` stay brackets.

    At most ``limit`` characters of it, then "…".
    """
    text, cut = bounded(value, limit)
    return Text(clean(text, multiline=multiline) + ("…" if cut else ""), style=style)


MATCH_STYLE = "bold underline"
"""How words that match the search are marked (the table draws its own, from its CSS)."""


def with_matches(text: Text, matches: Highlighter | None, *, style: str = MATCH_STYLE) -> Text:
    """``text`` (built by :func:`safe_text`, so its plain text is cleaned) with the search's words styled."""
    if matches:
        marked(text, matches.spans(text.plain), style=style)
    return text


def marked(text: Text, spans: tuple[Span, ...] | list[Span], *, style: str = MATCH_STYLE) -> Text:
    """``text`` with the spans (of its cleaned plain text) styled as matches: spans of style, never markup."""
    for start, end in spans:
        text.stylize(style, start, end)
    return text


def with_matches_content(content: Content, matches: Highlighter) -> Content:
    """Textual ``Content`` (a block of a report's Markdown body, built from cleaned text) with the
    search's words styled; the same content where none are in it."""
    for start, end in matches.spans(content.plain) if matches else ():
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def snippet_text(snippet: Snippet, matches: Highlighter) -> Text:
    """Words of a body around a match, made inert here, the matches marked."""
    shown = snippet.cleaned()
    return marked(Text(shown.text), shown.spans or matches.spans(shown.text))


LABEL_LIMIT = 200
"""Characters of a value shown as a label (a category in a menu, the status line)."""


def label(value: object, *, style: str = "") -> Text:
    """A stored value (of any type: a number, binary data) as a short inert label."""
    return safe_text(as_text(value), style=style, limit=LABEL_LIMIT)


def fit(value: object, width: int) -> str:
    """One line of archive text in exactly ``width`` cells, cut with an ellipsis if too long.

    Width is counted in terminal cells, so wide characters and emoji line up. Only
    a prefix of a long value is looked at (a cell is at least a character, but
    combining marks take none: four characters a cell is plenty).
    """
    if width <= 0:
        return ""
    prefix, cut = bounded(value, 4 * width + 16)
    text = clean(prefix)
    if cut or cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _clean_tokens(state: StateCore) -> None:
    """Clean what the Markdown parser made of the text, character references included.

    ``clean`` runs on the source first, but ``&#8238;`` or ``&rlm;`` only become
    bidi overrides once parsed, so every token's text and link target is
    cleaned again after parsing.
    """
    stack = list(state.tokens)
    while stack:
        token = stack.pop()
        multiline = token.type in ("fence", "code_block", "html_block")
        if token.content:
            token.content = clean(token.content, multiline=multiline)
        for name in ("href", "src", "title"):
            if isinstance(token.attrs.get(name), str):
                token.attrs[name] = clean(token.attrs[name])
        if token.children:
            stack.extend(token.children)


def markdown_parser() -> MarkdownIt:
    """The parser for report bodies: Textual's "gfm-like" Markdown, with its output cleaned."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like")
    parser.core.ruler.push("tui_archive_clean", _clean_tokens)
    return parser
