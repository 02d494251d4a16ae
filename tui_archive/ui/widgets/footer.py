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

    def compose(self) -> ComposeResult:
        shown: list[FooterKey] = []
        always: list[FooterKey] = []
        palette: list[FooterKey] = []
        for widget in super().compose():
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

    _composed_from: object = None
    """What the keys on show were composed from (see :meth:`_keys_wanted`)."""

    def _keys_wanted(self) -> object:
        """All that :meth:`compose` reads: the bindings active on the screen, each enabled or not,
        with its tooltip, and whether the palette's key is shown."""
        bindings = self.screen.active_bindings
        return (
            self._bindings_ready,
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE,
            tuple((key, binding, enabled, tooltip) for key, (_, binding, enabled, tooltip) in bindings.items()),
        )

    async def recompose(self) -> None:
        # Textual composes the footer again at every change of focus or of the bindings, about ten
        # times in the app's first second (15 ms each, two of them before the first frame); most
        # change no key. Those are left out.
        wanted = self._keys_wanted() if self.is_attached else None
        if wanted is not None and wanted == self._composed_from:
            return
        await super().recompose()
        self._composed_from = wanted
        # Each key composed is a watcher of the footer's ``compact``, and Textual prunes those
        # only when it changes (never, here): announcing the same value again lets go of the
        # keys just replaced, or every focus change kept about 16 of them for the session.
        self.mutate_reactive(Footer.compact)
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
