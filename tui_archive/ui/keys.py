"""Keys one at a time: a key is handled to the end before the next one goes anywhere.

Over SSH keys arrive together: ``/cobalt⏎y`` can reach the app in one read.
Textual hands each key to the focused widget's queue and goes straight on to
the next, so every key of a burst goes to whichever widget had the focus when
the burst arrived: ``/`` moves the focus to the search box a moment later, and
``cobalt`` has already gone to the list as shortcuts. Typed slowly, the same
keys do what they say.

:class:`OneKeyAtATime` makes a burst behave like slow typing. It holds back
every key (and paste) while an earlier one is still on its way through the
widgets, and lets the next one go once the earlier one has been handled,
stopped, or reached the app's bindings, after the focus changes it asked for.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

KEY_PATIENCE = 2.0
"""Seconds after which a key that never comes back (its widget went away) stops holding back the next."""

KEY_SETTLE = 1.0
"""Seconds a key waits at most for the messages the last key set off (a screen that is never quiet)."""

Typed = events.Key | events.Paste


class HoldsKeys(Protocol):
    """A widget that may put off what a key asked (until rows it waits for are shown, say).

    While it is ``holding_keys``, the next key waits too, and goes once
    :meth:`when_ready` calls back, after what was put off has been done.
    """

    @property
    def holding_keys(self) -> bool: ...

    def when_ready(self, callback: Callable[[], None]) -> None: ...


def holding_keys(node: object) -> HoldsKeys | None:
    """``node``, while it is a :class:`HoldsKeys` widget holding keys; else None.

    Asked by name: ``isinstance`` with the runtime-checkable Protocol costs 11 us a widget, a
    millisecond for a screen's worth, and :meth:`OneKeyAtATime._busy_node` walks the screen
    several times for each key.
    """
    return cast(HoldsKeys, node) if getattr(node, "holding_keys", False) else None


class WaitingKeys:
    """What a :class:`HoldsKeys` widget owes the keys it holds: their callbacks, called in order
    once it lets them go (at once for a key that comes while it holds nothing)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def hold(self, callback: Callable[[], None], holding: bool) -> None:
        if holding:
            self._callbacks.append(callback)
        else:
            callback()

    def let_go(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class OneKeyAtATime(App[None]):
    """An App that handles typed keys and pastes strictly one after another."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._typed_waiting: deque[Typed] = deque()
        self._typed_in_hand: Typed | None = None
        self._typed_released: Typed | None = None
        self._typed_since = 0.0

    @property
    def keys_waiting(self) -> int:
        """How many typed keys are held back behind the one being handled."""
        return len(self._typed_waiting) + (self._typed_in_hand is not None)

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            await super().on_event(event)
            return
        if event is not self._typed_released and (self._typed_in_hand is not None or self._typed_waiting):
            self._typed_waiting.append(event)  # behind the key being handled
            return
        self._typed_released = None
        self._typed_in_hand = event
        self._typed_since = time.monotonic()
        self.set_timer(KEY_PATIENCE, partial(self._typed_done, event))
        await super().on_event(event)
        if event.is_forwarded:
            self._follow(event, self.focused or self.screen)
        else:  # taken by a priority binding (or not taken at all): done once what it asked for has run
            self.call_later(self._typed_done, event)

    def _busy_node(self) -> MessagePump | None:
        """The app, or a widget of its screen still mounting or with messages to handle, if any."""
        if not self._message_queue.empty():
            return self
        if not self.screen_stack:
            return None
        for node in self.screen.walk_children(with_self=True):
            if not node.is_mounted or not node._message_queue.empty():
                return node
            if holding_keys(node):
                return node
        return None

    def _follow(self, event: Typed, node: MessagePump) -> None:
        """Once ``node`` has handled ``event``: done if it stopped there, else follow it to the parent."""

        def handled() -> None:
            parent = node._parent
            if event._stop_propagation or node is self or parent is None:
                self.call_later(self._typed_done, event)  # after the focus changes its handler asked for
            else:
                self._follow(event, parent)

        if not node.call_later(handled):  # the widget has gone: nothing more will happen to the key
            self.call_later(self._typed_done, event)

    def _typed_done(self, event: Typed) -> None:
        """``event`` has been handled: let the next key go once what it set off has been handled too.

        That is, once every message it caused (an ``Input.Submitted``, a screen
        that opened and focused its input, say) has been handled: a node still
        holding messages is visited after them, until none is left.
        """
        if self._typed_in_hand is not event:
            return
        node = self._busy_node()
        if holder := holding_keys(node):  # it acts once rows come: the next key waits too
            holder.when_ready(partial(self._typed_done, event))
            return
        if node is not None and time.monotonic() - self._typed_since < KEY_SETTLE:
            if node.call_later(self._typed_done, event):
                return
        self._typed_in_hand = None
        if self._typed_waiting:
            self._typed_released = self._typed_waiting.popleft()
            self.post_message(self._typed_released)
