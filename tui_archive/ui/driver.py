"""The terminal driver: Textual's, with an input thread that sleeps while no key comes.

Textual's Linux driver reads the terminal on a thread that wakes ten times a
second whether or not a key has come, to tell a lone escape from the start of
an escape sequence. An idle session at 1M used 5.7 ms of CPU a second that way,
and fifty idle sessions in tmux 18.7% of a core between them (on the machine in
the README; 0.0% with this driver). This driver's thread wakes on that beat only for
``ESCDELAY`` after a key (then the escape has been told apart), and otherwise
sleeps until a key comes or the app stops reading.

It also tells Escape typed before another key from the start of an escape
sequence when both come in one read, as fast typing over SSH brings them (see
:class:`EscapeKeys`).
"""

from __future__ import annotations

import os
import selectors
import threading
import time
from codecs import getincrementaldecoder
from typing import Any

from textual import constants, events
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

BEAT = 0.1
"""Seconds between two looks at the parser's clock while a key may still be part of a sequence
(Textual's own beat)."""


ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
STARTS_A_SEQUENCE = frozenset("[O]P_\\\x7f")
"""What may follow ESC to make one key or message: CSI, SS3, OSC, DCS, APC, the string
terminator, and DEL (Alt+Backspace, which the search box takes as "delete a word")."""


class EscapeKeys:
    """Splits Escape typed before another key from what follows it in the same read.

    A terminal sends Alt+M as ESC then ``m``, and Escape then ``m`` as the same two bytes.
    Textual takes them as Alt+M when they come in one read, which is what fast typing over
    SSH gives: ``Escape / magnet`` in one burst lost its Escape (``\\x1b/`` read as a
    slash). The app binds no Alt keys, so here ESC followed in the same read by anything
    that starts no escape sequence is Escape, and the next key is read on its own, as when
    typed slowly. Escape sequences (arrows, mouse, focus, the terminal's replies) and
    Alt+Backspace pass through whole; so does everything inside a bracketed paste.

    :meth:`feed` gives the text to hand the parser and ``None`` for each Escape, in order.
    A lone ESC at the end of a read, or the start of a paste marker cut by the read, waits
    for the next read or :meth:`flush` (after ``ESCDELAY``).
    """

    def __init__(self) -> None:
        self.held = ""
        self.held_at = 0.0
        self.pasting = False

    def feed(self, text: str, now: float) -> list[str | None]:
        text, self.held = self.held + text, ""
        out: list[str | None] = []
        start = at = 0
        cut = len(text)  # where what is cut by the read, and held, begins
        while at < len(text):
            if self.pasting:
                end = text.find(PASTE_END, at)
                if end < 0:
                    cut = _cut_marker(text, PASTE_END, at)
                    break
                self.pasting = False
                at = end + len(PASTE_END)
                continue
            esc = text.find(ESC, at)
            if esc < 0:
                break
            after = text[esc + 1 : esc + 2]
            if after == "" or (after == "[" and PASTE_START.startswith(text[esc:])):
                cut = esc  # wait for what follows
                break
            if after in STARTS_A_SEQUENCE:
                if text.startswith(PASTE_START, esc):
                    self.pasting = True
                    at = esc + len(PASTE_START)
                else:
                    at = esc + 2
                continue
            out += [text[start:esc], None]  # Escape, then the next key on its own
            start = at = esc + 1
        out.append(text[start:cut])
        if cut < len(text):
            self.held, self.held_at = text[cut:], now
        return [part for part in out if part != ""]

    def flush(self) -> list[str | None]:
        """What is held, once nothing more came: a lone ESC is Escape; anything else goes to the parser."""
        held, self.held = self.held, ""
        if held == ESC and not self.pasting:
            return [None]
        return [held] if held else []


def _cut_marker(text: str, marker: str, start: int) -> int:
    """Where a start of ``marker`` cut off by the end of ``text`` begins (``len(text)`` if none)."""
    for size in range(min(len(marker) - 1, len(text) - start), 0, -1):
        if marker.startswith(text[-size:]):
            return len(text) - size
    return len(text)


class _Stop(threading.Event):
    """The driver's stop signal, which also wakes the input thread from its sleep (through a pipe)."""

    def __init__(self) -> None:
        super().__init__()
        self.wake_r, wake_w = os.pipe()
        self._wake_w: int | None = wake_w

    def set(self) -> None:
        super().set()
        if self._wake_w is not None:
            os.write(self._wake_w, b"!")

    def close(self) -> None:
        wake_w, self._wake_w = self._wake_w, None
        if wake_w is not None:
            os.close(wake_w)
            os.close(self.wake_r)


class QuietLinuxDriver(LinuxDriver):
    """:class:`LinuxDriver` whose input thread does not wake while no key comes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = self._stop = _Stop()

    def run_input_thread(self) -> None:
        parser = XTermParser(self._debug)
        escapes = EscapeKeys()
        decode = getincrementaldecoder("utf-8")().decode
        wake = self._stop.wake_r
        settled = 0.0  # until then, a key read may still wait on the parser's clock

        def hand_on(parts: list[str | None]) -> None:
            for part in parts:
                if part is None:
                    self.process_message(events.Key("escape", ESC))
                else:
                    for event in parser.feed(part):
                        self.process_message(event)

        with selectors.SelectSelector() as selector:
            selector.register(self.fileno, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self.exit_event.is_set():
                now = time.monotonic()
                wait = BEAT if now < settled else None
                if escapes.held:
                    wait = max(0.0, min(BEAT, escapes.held_at + constants.ESCAPE_DELAY - now))
                for key, _ in selector.select(wait):
                    if key.fd == wake:
                        os.read(wake, 64)
                        continue
                    data = os.read(self.fileno, 4096)
                    if not data:  # the terminal has gone
                        return
                    now = time.monotonic()
                    text = decode(data)  # empty while a character's bytes are still coming
                    hand_on(escapes.feed(text, now) if text else [])
                    settled = now + constants.ESCAPE_DELAY + BEAT
                if escapes.held and time.monotonic() >= escapes.held_at + constants.ESCAPE_DELAY:
                    hand_on(escapes.flush())
                    settled = time.monotonic() + constants.ESCAPE_DELAY + BEAT  # the parser's own wait, if any
                for event in parser.tick():
                    self.process_message(event)
        try:
            hand_on(escapes.flush())
            for event in parser.feed(""):
                self.process_message(event)
        except (EOFError, ParseError):
            pass

    def close(self) -> None:
        super().close()
        self._stop.close()
