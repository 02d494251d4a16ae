"""The terminal driver: Textual's, with an input thread that sleeps while no key comes.

Textual's Linux driver reads the terminal on a thread that wakes ten times a
second whether or not a key has come, to tell a lone escape from the start of
an escape sequence. An idle session at 1M used 5.7 ms of CPU a second that way,
and fifty idle sessions in tmux 18.7% of a core between them (on the machine in
the README; 0.0% with this driver). This driver's thread wakes on that beat only for
``ESCDELAY`` after a key (then the escape has been told apart), and otherwise
sleeps until a key comes or the app stops reading.
"""

from __future__ import annotations

import os
import selectors
import threading
import time
from codecs import getincrementaldecoder
from typing import Any

from textual import constants
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

BEAT = 0.1
"""Seconds between two looks at the parser's clock while a key may still be part of a sequence
(Textual's own beat)."""


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
        decode = getincrementaldecoder("utf-8")().decode
        wake = self._stop.wake_r
        settled = 0.0  # until then, a key read may still wait on the parser's clock
        with selectors.SelectSelector() as selector:
            selector.register(self.fileno, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self.exit_event.is_set():
                for key, _ in selector.select(BEAT if time.monotonic() < settled else None):
                    if key.fd == wake:
                        os.read(wake, 64)
                        continue
                    data = os.read(self.fileno, 4096)
                    if not data:  # the terminal has gone
                        return
                    text = decode(data)  # empty while a character's bytes are still coming
                    for event in parser.feed(text) if text else ():
                        self.process_message(event)
                    settled = time.monotonic() + constants.ESCAPE_DELAY + BEAT
                for event in parser.tick():
                    self.process_message(event)
        try:
            for event in parser.feed(""):
                self.process_message(event)
        except (EOFError, ParseError):
            pass

    def close(self) -> None:
        super().close()
        self._stop.close()
