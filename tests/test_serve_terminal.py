"""``tui-archive serve`` as a process: the same app in a web browser, with textual-serve on 127.0.0.1,
for whoever has the URL it prints (with its token), and nobody else."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.terminal

CONSOLE_SCRIPT = Path(sys.executable).parent / "tui-archive"
ESCAPES = re.compile(r"\x1b\[[0-9;?:]*[A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:  # a refusal is an answer too
        return error.code, error.read().decode("utf-8")


class Served:
    """``tui-archive serve`` running in its own process on a free port."""

    def __init__(self, tmp_path: Path, db: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.url = ""
        """The URL it prints, with the token."""
        env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))  # history stays in the test's folder
        env.pop("TUI_ARCHIVE_DB", None)
        env.pop("TUI_ARCHIVE_TOKEN", None)  # a new token for each start
        self.log = (tmp_path / "serve.log").open("w+")
        self.process = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--port", str(self.port), "--db", str(db)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
            env=env,
        )

    def wait_until_up(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for the URL it prints, then open it."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"serve exited early:\n{self.output()}"
            found = re.search(rf"^({re.escape(self.base)}\?token=\S+)$", self.output(), re.MULTILINE)
            if found:
                self.url = found.group(1)
                try:
                    return get(self.url)
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing served on {self.base}:\n{self.output()}") from None
            time.sleep(0.2)

    @property
    def token(self) -> str:
        return self.url.split("?token=", 1)[1]

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        text = self.log.read()
        self.log.seek(0, os.SEEK_END)
        return text

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture
def served(tmp_path: Path, archive_path: Path):
    folder = tmp_path / "a folder with 'quotes' and spaces"
    folder.mkdir()
    db = folder / "archive.db"
    shutil.copyfile(archive_path, db)
    server = Served(tmp_path, db)
    yield server
    server.stop()


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
        status, page = get(url)
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
