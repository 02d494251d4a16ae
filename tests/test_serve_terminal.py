"""``tui-archive serve`` as a process: the same app in a web browser, with textual-serve on 127.0.0.1,
for whoever has the URL it prints (with its token), and nobody else."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import CONSOLE_SCRIPT, Served, http_get

pytestmark = pytest.mark.terminal

ESCAPES = re.compile(r"\x1b\[[0-9;?:]*[A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the tui-archive console script is not installed")
def test_serve_answers_http_with_the_textual_page(served: Served):
    status, page = served.wait_until_up()
    assert status == 200
    assert "<html" in page.lower()
    assert "textual" in page.lower()
    assert f"ws://127.0.0.1:{served.port}/ws" in page  # the browser talks back to this server
    assert "archive.db" in served.output()
    assert len(served.token) >= 32
    # Without the token (or with another), nothing: not the page, not its scripts.
    for url in (served.base, served.base + "?token=" + "x" * 43, served.base + "static/js/textual.js"):
        status, page = http_get(url)
        assert (status, "<html" in page.lower()) == (403, False), url
        assert "token" in page
    assert served.stop() in (0, -signal.SIGTERM)


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the tui-archive console script is not installed")
def test_a_browser_session_runs_the_app_on_the_named_archive(served: Served):
    """What a browser tab does: open the websocket, see the app draw the archive, press keys."""
    aiohttp = pytest.importorskip("aiohttp")
    served.wait_until_up()

    async def session() -> str:
        seen = ""
        async with aiohttp.ClientSession() as client:
            # Without the token, the WebSocket is refused before any app starts.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=100&height=30")
            assert refused.value.status == 403
            url = f"ws://127.0.0.1:{served.port}/ws?width=100&height=30&token={served.token}"
            async with client.ws_connect(url) as ws:

                async def read_until(text: str, timeout: float = 30) -> bool:
                    nonlocal seen
                    loop = asyncio.get_running_loop()
                    deadline = loop.time() + timeout
                    while text not in ESCAPES.sub("", seen):
                        if loop.time() > deadline:
                            return False
                        try:
                            message = await ws.receive(timeout=deadline - loop.time())
                        except asyncio.TimeoutError:
                            return False
                        if message.type == aiohttp.WSMsgType.TEXT:
                            seen += message.data
                        elif message.type == aiohttp.WSMsgType.BINARY:
                            seen += message.data.decode("utf-8", "replace")
                        else:
                            return False
                    return True

                # The archive named with --db (in a folder whose name needs quoting), not another one.
                assert await read_until("Global Analysis Archive"), ESCAPES.sub("", seen)[-2000:]
                assert await read_until("RPT-1045")
                await ws.send_json(["stdin", "f"])  # keys reach the app: the facets panel opens
                assert await read_until("Categories"), ESCAPES.sub("", seen)[-2000:]
        return seen

    asyncio.run(session())


@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="the tui-archive console script is not installed")
def test_a_token_from_the_environment_or_the_option_is_the_one_printed_and_required(tmp_path: Path, archive_path: Path):
    for folder, args, env, token in (
        ("env", (), {"TUI_ARCHIVE_TOKEN": "kept-between-starts"}, "kept-between-starts"),
        ("option", ("--token", "given.on~the_command-line"), {}, "given.on~the_command-line"),
    ):
        (tmp_path / folder).mkdir()
        served = Served(tmp_path / folder, archive_path, *args, env=env)
        try:
            status, _ = served.wait_until_up()
            assert (status, served.token) == (200, token)
            assert http_get(served.base)[0] == 403
            assert token not in served.output().replace(served.url, "")  # printed once, in the URL
        finally:
            served.stop()


def test_serve_on_a_port_in_use_says_so(archive_path: Path):
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tui_archive", "serve", "--port", str(port), "--db", str(archive_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
