"""The footer of every screen: its keys, with Quit and Help always in sight.

Textual's footer lists the keys in the order they are bound (the focused
widget's, the screen's, then the app's), so on a small terminal the app's own
keys, Quit and Help, are the ones cut off. Here they stay at the right, beside
the command palette's key, and the screen's keys fill the room left, from the
first: a key that would not fit whole is left out (all are in the help screen
and the palette).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = frozenset({"quit", "app.quit", "help", "app.help"})
"""The actions whose keys are always shown."""


class KeysFooter(Footer):
    DEFAULT_CSS = """
    KeysFooter {
        .footer-always {
            dock: right;
            width: auto;
            height: 1;
            background: $footer-background;
        }
        .footer-always FooterKey.-command-palette {
            dock: none;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._composed: tuple[object, ...] | None = None
        """The keys the footer shows now (as :meth:`_keys` gives them), to compose again only when they change."""

    def _keys(self) -> tuple[object, ...] | None:
        """What the footer would show: each key's binding, whether it is enabled and its tooltip (none: not yet)."""
        if not self._bindings_ready or not self.is_attached:
            return None
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if self.show_command_palette else None
        keys = tuple((binding, enabled, tooltip) for (_, binding, enabled, tooltip) in active.values() if binding.show)
        return keys, palette[1:] if palette is not None else None, self.app.ENABLE_COMMAND_PALETTE

    def compose(self) -> ComposeResult:
        self._composed = self._keys()
        shown: list[FooterKey] = []
        always: list[FooterKey] = []
        palette: list[FooterKey] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # The footer's ``compact`` never changes here: each key gets its look as it is made
                # rather than bound to it, which restyled every key twice as it mounted (and kept each
                # key as a watcher of the footer until ``compact`` changed). The keys Textual binds
                # take the footer's value; the palette's keeps its own, compact (the key's default).
                compact = self.compact if widget._reactive_connect else True
                widget._reactive_connect = None
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            if isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                palette.append(widget)
            elif isinstance(widget, FooterKey) and widget.action in ALWAYS:
                always.append(widget)
            elif isinstance(widget, FooterKey):
                shown.append(widget)
            else:  # (a group of keys: this app binds none, so it is shown as it comes)
                yield widget
        yield from shown
        if always or palette:
            yield HorizontalGroup(*always, *palette, classes="footer-always")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        """Compose the keys again, only if they changed: focus moving within a screen, or a screen
        opened over it or closed, announces the keys again (some ten times when a report is opened
        and closed), and building the footer anew each time was most of what those cost."""
        if not self.is_attached or self._keys() == self._composed:
            return
        await super().recompose()
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Show the screen's keys, from the first, while each fits whole beside Quit, Help and ^p."""
        if not self.is_attached:
            return
        room = self.size.width
        for group in list(self.query(".footer-always"))[:1]:  # (two, for a moment, while keys change)
            room -= sum(_width(key) for key in group.query(FooterKey))
        fits = True
        for key in self.query(FooterKey):
            if key.parent is not self:
                continue
            width = _width(key)
            fits = fits and width <= room
            room -= width
            key.display = fits


def _width(key: FooterKey) -> int:
    """The cells a key takes in the footer: its text, border and margins."""
    return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width
