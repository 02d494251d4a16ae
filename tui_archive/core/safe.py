"""The one way archive text reaches the screen, the terminal, pipes and the clipboard.

Archive text (titles, summaries, bodies, categories, IDs) comes from imports
and from other programs writing the file. It is data: never Rich/Textual
markup, never terminal control. The CLI, exports and the clipboard use
:func:`clean` and :func:`safe_json`; the UI turns cleaned text into Rich
``Text`` in :mod:`tui_archive.ui.text`, which calls :func:`clean` too.
"""

from __future__ import annotations

import json
import re
from typing import Any

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


def reveal(value: object) -> str:
    """Archive text made inert with every control character shown, line breaks too
    (``X-1␊touch``): for naming a value whose control characters are the point."""
    if value is None:
        return ""
    text = str(value).translate(_BIDI).replace("\u2028", "\u2424").replace("\u2029", "\u2424")
    return _CONTROL_ONE_LINE.sub(lambda m: _visible(m.group()), text)


_CONTROL_ANY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(map(chr, _BIDI)) + "]")


def has_controls(value: object) -> bool:
    """Whether ``value`` holds a character :func:`clean` would change: a control character
    (line breaks and tabs included), a line or paragraph separator, or a bidi control.

    Text copied for the user to paste (an ID, a link) must have none: a paste
    into a shell would act on a line break inside it.
    """
    return value is not None and _CONTROL_ANY.search(str(value)) is not None


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
