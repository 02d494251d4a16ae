"""Open a report's link in a browser where there is one; copy it where there is not."""

from __future__ import annotations

import os
import sys
import webbrowser
from urllib.parse import urlsplit

from textual.app import App

from . import clipboard
from .safe import clean

WEB_SCHEMES = {"http", "https"}


def browser_available() -> bool:
    """Whether a graphical browser can be started from here.

    On Linux and the BSDs that needs a display (``DISPLAY`` or ``WAYLAND_DISPLAY``):
    over SSH without one, ``webbrowser`` would find a text browser such as lynx
    and run it on top of the app's own terminal.
    """
    if sys.platform not in ("darwin", "win32") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def is_web_address(url: str) -> bool:
    """Only http(s) links go to a browser; archive text is not trusted to name files or programs."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def open_link(app: App, url: str | None) -> tuple[str, str]:
    """Open ``url`` in a browser, or copy it; return a message for the user and its severity."""
    if not url or not url.strip():
        return "This report has no link", "warning"
    url = url.strip()
    shown = clean(url)
    if is_web_address(url) and app.is_web:  # served (tui-archive serve): the user's own browser opens it
        app.open_url(url)
        return f"Opened {shown} in a new browser tab", "information"
    if is_web_address(url) and browser_available():
        try:
            if webbrowser.open(url, new=2):
                return f"Opened {shown} in the browser", "information"
        except webbrowser.Error:
            pass
    where = clipboard.copy(app, shown)
    reason = "no browser here" if is_web_address(url) else "not a web address, so not opened"
    return f"Copied link {shown} to {where} ({reason})", "information"
