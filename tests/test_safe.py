"""Archive text made inert for the screen (tui_archive.safe)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from tui_archive.core.safe import clean
from tui_archive.ui.text import fit, safe_text

pytestmark = pytest.mark.unit


def rendered(text: Text) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, force_terminal=False).print(text)
    return out.getvalue()


# -- clean --------------------------------------------------------------------------------


def test_escape_becomes_a_visible_symbol():
    assert clean("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert clean("\x1b]52;c;cGF3bmVk\x07") == "␛]52;c;cGF3bmVk␇"


def test_other_controls_become_visible():
    assert clean("a\x00b") == "a␀b"
    assert clean("a\x7fb") == "a␡b"
    assert clean("a\x9b31mb") == "a\ufffd31mb"  # 8-bit CSI
    assert clean("a\x9db") == "a\ufffdb"  # 8-bit OSC


def test_no_control_survives():
    text = clean("".join(map(chr, range(0, 0xA0))), multiline=False)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    multi = clean("".join(map(chr, range(0, 0xA0))), multiline=True)
    assert not any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in multi)


def test_bidi_overrides_are_dropped():
    assert clean("abc\u202edef") == "abcdef"
    assert clean("\u2066x\u2069\u200f") == "x"
    # Right-to-left letters themselves stay.
    assert clean("שלום") == "שלום"


def test_single_line_turns_breaks_into_spaces():
    assert clean("first\nsecond") == "first second"
    assert clean("first\r\nsecond") == "first second"
    assert clean("a\tb\rc") == "a b c"
    assert "\n" not in clean("x\n\ny")


def test_multiline_keeps_lines():
    assert clean("first\r\nsecond\n\tthird", multiline=True) == "first\nsecond\n\tthird"
    assert clean("a\x1bb\nc", multiline=True) == "a␛b\nc"


def test_none_and_non_text():
    assert clean(None) == ""
    assert clean(42) == "42"


def test_plain_text_is_unchanged():
    for text in ("Rare Earths in 2023: China’s Processing Grip", "[draft] 日本語 😀 café", "a & b < c"):
        assert clean(text) == text


# -- safe_text ---------------------------------------------------------------------------------


def test_brackets_stay_literal():
    text = safe_text("[draft] Cobalt [bold]outlook[/bold] [link=https://evil]x[/link]")
    assert text.plain == "[draft] Cobalt [bold]outlook[/bold] [link=https://evil]x[/link]"
    assert text.spans == []
    assert rendered(text).rstrip("\n") == "[draft] Cobalt [bold]outlook[/bold] [link=https://evil]x[/link]"


def test_safe_text_never_emits_escapes():
    text = safe_text("\x1b[2J\x1b]0;pwned\x07title\u202e")
    assert "\x1b" not in text.plain and "\x07" not in text.plain and "\u202e" not in text.plain
    assert "\x1b" not in rendered(text)


def test_safe_text_single_and_multiline():
    assert safe_text("a\nb").plain == "a b"
    assert safe_text("a\nb", multiline=True).plain == "a\nb"


def test_safe_text_style():
    assert str(safe_text("x", style="bold").style) == "bold"


# -- fit --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, width, expected",
    [
        ("abc", 5, "abc  "),
        ("abcde", 5, "abcde"),
        ("abcdef", 5, "abcd…"),
        ("abcdef", 1, "…"),
        ("", 3, "   "),
        (None, 2, "  "),
        ("line\nbreak", 10, "line break"),
    ],
)
def test_fit_ascii(value, width, expected):
    assert fit(value, width) == expected


@pytest.mark.parametrize("width", [0, -3])
def test_fit_no_room(width):
    assert fit("anything", width) == ""


@pytest.mark.parametrize("value", ["日本語のレポート", "😀😀😀😀", "a😀b日c", "Café 東京 report", "ｆｕｌｌｗｉｄｔｈ"])
@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 6, 7, 20])
def test_fit_wide_characters_fill_exactly_the_width(value, width):
    result = fit(value, width)
    assert cell_len(result) == width
    if cell_len(value) > width:
        assert result.endswith("…")
    else:
        assert result == value + " " * (width - cell_len(value))


def test_fit_wide_examples():
    assert fit("日本語", 6) == "日本語"
    assert fit("日本語", 5) == "日本…"
    assert fit("日本語", 4) == "日 …"
    assert fit("😀😀😀", 5) == "😀😀…"


def test_fit_cleans_before_measuring():
    result = fit("\x1b[31mred", 20)
    assert "\x1b" not in result
    assert result.startswith("␛[31mred")
    assert cell_len(result) == 20


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(), st.integers(min_value=1, max_value=40))
def test_fit_is_always_exactly_the_width(text, width):
    result = fit(text, width)
    assert cell_len(result) == width
    cleaned = clean(text)
    if cell_len(cleaned) > width:
        assert result.endswith("…")
    else:
        assert result == cleaned + " " * (width - cell_len(cleaned))
