"""The search box: an Input whose text is cleaned like archive text."""

from __future__ import annotations

from textual.widgets import Input

from ...core.safe import clean


class SearchInput(Input):
    """An ``Input`` that never holds a control character or bidi override.

    Keys cannot type ESC into it, but a paste (or a program setting the value)
    can; the Input would draw it raw, straight to the terminal.
    """

    DEFAULT_CSS = """
    SearchInput {
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    SearchInput:focus {
        border: none;
        background: $primary 20%;
    }
    """

    def validate_value(self, value: str) -> str:
        return clean(value)
