"""The one way archive text reaches the screen or the terminal.

Archive text (titles, summaries, bodies, categories, IDs) comes from imports
and from other programs writing the file. It is data: never Rich/Textual
markup, never terminal control. Every view and the CLI pass it through here.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

if TYPE_CHECKING:  # markdown-it loads only when a report body is shown
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore

# Bidirectional embeddings, overrides and isolates: they could reorder the
# interface drawn around the text, so they are dropped. (Plain right-to-left
# letters are left alone.)
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC shows as ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls, including the 8-bit CSI and OSC introducers


_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object, *, multiline: bool = False) -> str:
    """Archive text made inert: controls shown as visible symbols, bidi overrides dropped.

    With ``multiline`` newlines and tabs survive (CRLF becomes a newline);
    otherwise line breaks become spaces, so one field stays one line.
    """
    if value is None:
        return ""
    text = str(value).translate(_BIDI).replace("\u2028", "\n").replace("\u2029", "\n")
    if multiline:
        text = text.replace("\r\n", "\n")
        return _CONTROL_MULTILINE.sub(lambda m: _visible(m.group()), text)
    text = re.sub(r"\r\n|[\n\r\t]", " ", text)
    return _CONTROL_ONE_LINE.sub(lambda m: _visible(m.group()), text)


def safe_text(value: object, *, multiline: bool = False, style: str = "") -> Text:
    """A Rich ``Text`` showing archive text literally: ``[brackets]`` stay brackets."""
    return Text(clean(value, multiline=multiline), style=style)


def fit(value: object, width: int) -> str:
    """One line of archive text in exactly ``width`` cells, cut with an ellipsis if too long.

    Width is counted in terminal cells, so wide characters and emoji line up.
    """
    text = clean(value)
    if width <= 0:
        return ""
    if cell_len(text) > width:
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


# Characters ``json.dumps`` leaves raw that a terminal would act on (DEL, the
# C1 controls) or that reorder the line (bidi controls); escaped as ``\uXXXX``
# they decode to the same string.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(map(chr, _BIDI)) + "]")


def safe_json(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` whose output is inert on a terminal and decodes to exactly ``value``.

    (``json.dumps`` escapes C0 controls such as ESC itself, but not C1 controls
    like the 8-bit CSI ``\x9b`` nor bidi overrides.)
    """
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
