"""The one way archive text reaches the screen or the terminal.

Archive text (titles, summaries, bodies, categories, IDs) comes from imports
and from other programs writing the file. It is data: never Rich/Textual
markup, never terminal control. Every view and the CLI pass it through here.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text

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
    text = str(value).translate(_BIDI)
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
