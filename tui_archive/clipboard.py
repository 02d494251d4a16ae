"""Copy text where the user can paste it, locally or over SSH."""

from __future__ import annotations

import pyperclip
from textual.app import App

from .safe import clean


def copy(app: App, text: str, *, multiline: bool = False) -> str:
    """Copy ``text`` and say where it went.

    The system clipboard (pyperclip) where there is one; otherwise, as over
    SSH with no X display, the terminal's own clipboard through an OSC 52
    escape sequence, which the terminal (or tmux) on the user's side receives.
    """
    # Archive text: no control character reaches the clipboard, where a later
    # paste into a shell or editor would act on it.
    # (``multiline`` keeps line breaks, as between the marked IDs.)
    text = clean(text, multiline=multiline)
    if app.is_web:  # served to a browser (tui-archive serve): its clipboard, not the server's
        app.copy_to_clipboard(text)
        return "the browser's clipboard"
    try:
        pyperclip.copy(text)
    except Exception:  # pyperclip raises its own exception, or an OS error from xclip/xsel
        app.copy_to_clipboard(text)
        return "the terminal clipboard"
    return "the clipboard"
