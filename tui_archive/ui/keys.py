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

from collections import deque
from functools import partial

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

KEY_PATIENCE = 2.0
"""Seconds after which a key that never comes back (its widget went away) stops holding back the next."""

KEY_SETTLE = 0.25
"""Seconds a key waits at most for the messages the last key set off (a screen that is never quiet)."""
KEY_TURN = 0.002
"""Seconds between looks at whether the messages the last key set off have been handled."""

Typed = events.Key | events.Paste


class OneKeyAtATime(App[None]):
    """An App that handles typed keys and pastes strictly one after another."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._typed_waiting: deque[Typed] = deque()
        self._typed_in_hand: Typed | None = None
        self._typed_released: Typed | None = None

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
        self.set_timer(KEY_PATIENCE, partial(self._typed_done, event))
        await super().on_event(event)
        if event.is_forwarded:
            self._follow(event, self.focused or self.screen)
        else:  # taken by a priority binding (or not taken at all): done once what it asked for has run
            self.call_later(self._typed_done, event)

    def _quiet(self) -> bool:
        """Whether the app and every widget of its screen have handled all the messages posted to them."""
        return self._message_queue.empty() and all(
            node._message_queue.empty() for node in self.screen.walk_children(with_self=True)
        )

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
        """``event`` has been handled: let the next key go once the screen is ready for it.

        A key that opened a screen is done once that screen has mounted and
        focused what takes its keys; any other key, after one turn of the
        screen's queue.
        """
        if self._typed_in_hand is event and not self.screen.call_later(self._release, event):
            self._release(event)

    def _release(self, event: Typed, waited: float = 0.0) -> None:
        """Let the next typed key go once what the last one set off has been handled."""
        if self._typed_in_hand is not event:
            return
        if not self._quiet() and waited < KEY_SETTLE:  # messages it posted (Input.Submitted, say) still on their way
            self.set_timer(KEY_TURN, partial(self._release, event, waited + KEY_TURN))
            return
        self._typed_in_hand = None
        if self._typed_waiting:
            self._typed_released = self._typed_waiting.popleft()
            self.post_message(self._typed_released)
