"""``tui-archive serve``: its options, messages and quoting, and copy and links as served to a browser."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_archive.cli import cli, serve_message, served_command

pytestmark = pytest.mark.unit


def test_serve_help_says_who_can_reach_it_and_how_the_token_works():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    output = " ".join(result.output.split())
    for words in (
        "web browser",
        "--host",
        "127.0.0.1",
        "--port",
        "8000",
        "--db",
        "--token",
        "TUI_ARCHIVE_TOKEN",
        "--allow-host",
        "?token=",
        "Every user of this machine can connect",
        "anyone who sees the URL can drive the app",
        "refused (403)",
        "never as a file on this machine",
    ):
        assert words in output, words


@pytest.mark.parametrize("token", ["", "has space", "semi;colon", 'quote"', "nön-ascii"])
def test_a_token_that_would_not_survive_a_url_or_cookie_is_refused(archive_path: Path, token: str):
    result = CliRunner().invoke(cli, ["serve", "--db", str(archive_path), "--token", token])
    assert result.exit_code == 2
    assert "token" in result.output
    assert "Traceback" not in result.output


def test_served_command_quotes_the_archive_path():
    path = '/tmp/it\'s a "folder"; rm -rf ~/$HOME/archive.db'
    command = served_command(path)
    if os.name != "nt":
        assert shlex.split(command) == [sys.executable, "-X", "utf8", "-m", "tui_archive", "--db", path]


def test_serve_warns_when_listening_beyond_this_machine():
    assert "warning" not in serve_message("/a/archive.db", "127.0.0.1", 8000)
    message = serve_message("/a/archive.db", "0.0.0.0", 8000)
    assert "warning" in message and "0.0.0.0" in message and "8000" in message
    assert "this machine's address or name" in message  # the printed URL says 127.0.0.1


def test_serve_without_an_archive_says_so(tmp_path: Path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1
    assert "Error" in result.output
    assert "Traceback" not in result.output


def test_serve_without_textual_serve_says_how_to_install_it(monkeypatch, archive_path: Path):
    import tui_archive

    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails as if not installed
    monkeypatch.delitem(sys.modules, "tui_archive.serve", raising=False)  # as if never imported
    monkeypatch.delattr(tui_archive, "serve", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(archive_path)])
    assert result.exit_code == 1
    assert "pip install 'tui-archive[serve]'" in result.output


class WebApp:
    """Stands in for the app as served: Textual's web driver says ``is_web``."""

    is_web = True

    def __init__(self) -> None:
        self.copied: list[str] = []
        self.opened: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)

    def open_url(self, url: str) -> None:
        self.opened.append(url)


def test_served_copy_goes_to_the_browser_not_the_servers_clipboard(monkeypatch):
    import pyperclip

    from tui_archive.ui import actions as clipboard

    monkeypatch.setattr(pyperclip, "copy", lambda text: pytest.fail("copied on the server"))
    app = WebApp()
    assert clipboard.copy(app, "RPT-1045\x1b[2J") == clipboard.BROWSER == "the browser's clipboard"
    assert app.copied == ["RPT-1045␛[2J"]


def test_served_link_opens_in_the_users_browser(monkeypatch):
    import webbrowser

    from tui_archive.ui import actions as links

    monkeypatch.setattr(webbrowser, "open", lambda *args, **kwargs: pytest.fail("opened on the server"))
    app = WebApp()
    message, _ = links.open_link(app, " https://example.org/report ")
    assert app.opened == ["https://example.org/report"]
    assert "new browser tab" in message
    # Anything but a web address is still only copied.
    copied = links.open_link(app, "file:///etc/passwd")
    assert copied == links.Copied("link file:///etc/passwd", links.BROWSER, " (not a web address, so not opened)")
    assert app.opened == ["https://example.org/report"]
    assert app.copied == ["file:///etc/passwd"]
