"""Which links go to a browser, and whether there is one to go to (tui_archive.ui.actions)."""

from __future__ import annotations

import webbrowser

import pytest

from tui_archive.ui import actions as links

pytestmark = pytest.mark.unit


def test_no_browser_without_a_display_on_linux(monkeypatch):
    monkeypatch.setattr(links.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "get", lambda *args: object())  # a text browser would be found
    assert not links.browser_available()


def test_browser_with_a_display(monkeypatch):
    monkeypatch.setattr(links.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda *args: object())
    assert links.browser_available()

    def none_found(*args):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none_found)
    assert not links.browser_available()


def test_macos_needs_no_display_variable(monkeypatch):
    monkeypatch.setattr(links.sys, "platform", "darwin")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "get", lambda *args: object())
    assert links.browser_available()


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://example.org/x", True),
        ("HTTP://example.org", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("--new-window", False),
        ("example.org", False),
        ("https://", False),
    ],
)
def test_only_web_addresses_go_to_a_browser(url: str, web: bool):
    assert links.is_web_address(url) is web
