"""Escape typed before another key, in the bytes one read of the terminal brings.

Fast typing over SSH delivers ``Escape`` and the next key in the same read, the
same bytes as Alt and that key. The app binds no Alt keys, so it must read them
as typed slowly: Escape, then the key. Escape sequences, Alt+Backspace and
bracketed pastes must come through as before. Each case feeds raw terminal text
through the driver's :class:`EscapeKeys` and Textual's parser, read by read.
"""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from tui_archive.ui.driver import EscapeKeys

pytestmark = pytest.mark.unit


def keys_from(*reads: str) -> list[str]:
    """The keys (and other messages, by class name) the app gets from ``reads``, then a pause."""
    escapes, parser, got = EscapeKeys(), XTermParser(), []

    def hand_on(parts: list[str | None]) -> None:
        for part in parts:
            if part is None:
                got.append("escape")
            else:
                got.extend(
                    event.key if isinstance(event, events.Key) else type(event).__name__ for event in parser.feed(part)
                )

    for read in reads:
        hand_on(escapes.feed(read, 0.0))
    hand_on(escapes.flush())  # nothing more came within ESCDELAY
    got.extend(event.key if isinstance(event, events.Key) else type(event).__name__ for event in parser.feed(""))
    return got


@pytest.mark.parametrize(
    ("reads", "keys"),
    [
        (["\x1b/magnet\r"], ["escape", "slash", "m", "a", "g", "n", "e", "t", "enter"]),
        (["\x1bm"], ["escape", "m"]),
        (["\x1bq"], ["escape", "q"]),
        (["\x1b\r"], ["escape", "enter"]),
        (["\x1b\t"], ["escape", "tab"]),
        (["\x1b "], ["escape", "space"]),
        (["\x1bé"], ["escape", "é"]),
        (["\x1bf", "\x1bb"], ["escape", "f", "escape", "b"]),
        (["\x1b1"], ["escape", "1"]),
        (["\x1b\x1b/"], ["escape", "escape", "slash"]),
        (["ab\x1bcd"], ["a", "b", "escape", "c", "d"]),
        # a read that ends just after ESC: the next read's first key is still its own
        (["\x1b", "/x"], ["escape", "slash", "x"]),
        (["abc\x1b", "m"], ["a", "b", "c", "escape", "m"]),
        (["\x1b", "\r"], ["escape", "enter"]),
    ],
    ids=repr,
)
def test_escape_then_a_key_in_one_read_is_both_keys(reads: list[str], keys: list[str]):
    assert keys_from(*reads) == keys


def test_a_lone_escape_waits_for_escdelay_then_is_escape():
    escapes = EscapeKeys()
    assert escapes.feed("\x1b", 5.0) == []
    assert (escapes.held, escapes.held_at) == ("\x1b", 5.0)
    assert escapes.flush() == [None]
    assert escapes.held == ""


@pytest.mark.parametrize(
    ("reads", "keys"),
    [
        (["\x1b[B\x1b[A"], ["down", "up"]),
        (["\x1b[", "B"], ["down"]),  # an arrow cut by the read
        (["\x1bOA"], ["up"]),  # application cursor keys
        (["\x1b[1;5C"], ["ctrl+right"]),
        (["\x1b[3~"], ["delete"]),
        (["\x1b\x7f"], ["ctrl+w"]),  # Alt+Backspace: the search box deletes a word
        (["\x1b[<0;5;5M"], ["MouseDown"]),
        (["\x1b[I\x1b[O"], ["AppFocus", "AppBlur"]),
        (["\x1b\x1b[B\r"], ["escape", "down", "enter"]),
    ],
    ids=repr,
)
def test_escape_sequences_come_through_whole(reads: list[str], keys: list[str]):
    assert keys_from(*reads) == keys


def parsed_alone(text: str) -> list[str]:
    """What Textual's parser alone makes of ``text`` in one read."""
    parser = XTermParser()
    messages = [*parser.feed(text), *parser.feed("")]
    return [event.key if isinstance(event, events.Key) else type(event).__name__ for event in messages]


@pytest.mark.parametrize(
    "reads",
    [["\x1b[200~one two\x1b[201~"], ["\x1b[20", "0~one ", "two\x1b[2", "01~"]],  # markers cut by reads
    ids=repr,
)
def test_a_bracketed_paste_comes_as_one_paste(reads: list[str]):
    escapes, parser, pasted = EscapeKeys(), XTermParser(), []
    for read in reads:
        for part in escapes.feed(read, 0.0):
            assert part is not None
            pasted += [event.text for event in parser.feed(part) if isinstance(event, events.Paste)]
    assert pasted == ["one two"] and escapes.flush() == []


@pytest.mark.parametrize(
    "reads",
    [["\x1b[200~one\x1btwo\x1b[201~"], ["\x1b[200~one\x1b", "two\x1b[201~"]],
    ids=repr,
)
def test_escape_inside_a_paste_is_left_to_the_parser(reads: list[str]):
    """ESC inside a paste is the paste's: no Escape key is made of it here, and the parser
    gets the paste as the terminal sent it."""
    assert keys_from(*reads) == parsed_alone("".join(reads))


def test_after_a_paste_escape_then_a_key_is_both_keys_again():
    assert keys_from("\x1b[200~text\x1b[201~\x1bm") == ["Paste", "escape", "m"]
