"""Who ``tui-archive serve`` answers: the token holder, through this server's own names, from its own page.

The guarded aiohttp application runs in the test's event loop on a free port
of 127.0.0.1, and each request is one a browser, a local user without the
token, or another site's page (DNS rebinding, a cross-site WebSocket) would send.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import AsyncIterator

import pytest

pytest.importorskip("textual_serve")

import aiohttp  # noqa: E402  (after the skip: the serve extra brings it)
from aiohttp import test_utils  # noqa: E402

from tui_archive.serve import Guard, GuardedServer, check_token, new_token  # noqa: E402

from .helpers import free_port  # noqa: E402

pytestmark = pytest.mark.unit

TOKEN = new_token()
# What a browser tab would start: here a process that ends at once (the tests are about who gets this far).
COMMAND = f"{sys.executable} -c pass"


async def client_for(guard: Guard) -> test_utils.TestClient:
    announced: list[bool] = []
    server = GuardedServer(COMMAND, guard, title="tui-archive: test", announce=lambda: announced.append(True))
    client = test_utils.TestClient(test_utils.TestServer(await server._make_app(), host="127.0.0.1", port=guard.port))
    await client.start_server()
    assert announced == [True]  # the URL is printed once listening
    return client


@pytest.fixture
async def client() -> AsyncIterator[test_utils.TestClient]:
    client = await client_for(Guard(token=TOKEN, host="127.0.0.1", port=free_port()))
    yield client
    await client.close()


def host(client: test_utils.TestClient, name: str = "127.0.0.1") -> dict[str, str]:
    return {"Host": f"{name}:{client.port}"}


async def test_the_page_needs_the_token(client: test_utils.TestClient):
    assert (await client.get("/", headers=host(client))).status == 403
    assert (await client.get("/", params={"token": "x" * len(TOKEN)}, headers=host(client))).status == 403
    assert (await client.get("/", params={"token": TOKEN[:-1]}, headers=host(client))).status == 403
    refused = await client.get("/", headers=host(client))
    assert "token" in await refused.text()
    response = await client.get("/", params={"token": TOKEN}, headers=host(client))
    assert response.status == 200
    assert "textual" in (await response.text()).lower()


async def test_the_first_good_request_sets_a_cookie_that_the_pages_own_requests_carry(client: test_utils.TestClient):
    # Before: the page's scripts are refused like the page.
    assert (await client.get("/static/js/textual.js", headers=host(client))).status == 403
    response = await client.get("/", params={"token": TOKEN}, headers=host(client))
    cookie = response.cookies[f"tui-archive-token-{client.port}"]
    assert cookie.value == TOKEN
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token stays out of other sites' logs
    assert response.headers["X-Frame-Options"] == "DENY"
    # After: the cookie (the client keeps it, as a browser does) is enough, with no token in the URL.
    assert (await client.get("/static/js/textual.js", headers=host(client))).status == 200
    # A cookie holding another token is no better than none.
    client.session.cookie_jar.clear()
    cookies = {f"tui-archive-token-{client.port}": "x" * len(TOKEN)}
    assert (await client.get("/static/js/textual.js", headers=host(client), cookies=cookies)).status == 403


async def test_another_host_name_is_refused_even_with_the_token(client: test_utils.TestClient):
    """DNS rebinding: another site's name, made to resolve to 127.0.0.1, arrives in ``Host``."""
    token = {"token": TOKEN}
    for name in ("evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "127.0.0.2", ""):
        assert (await client.get("/", params=token, headers=host(client, name))).status == 403, name
    # The right address on another port is another server.
    assert (await client.get("/", params=token, headers={"Host": f"127.0.0.1:{client.port + 1}"})).status == 403
    # Bound to loopback, the loopback names are this server.
    for name in ("127.0.0.1", "localhost", "LOCALHOST", "[::1]"):
        assert (await client.get("/", params=token, headers=host(client, name))).status == 200, name


async def test_the_page_talks_back_to_the_host_it_was_opened_as(client: test_utils.TestClient):
    page = await (await client.get("/", params={"token": TOKEN}, headers=host(client, "localhost"))).text()
    assert f'data-session-websocket-url="ws://localhost:{client.port}/ws"' in page
    assert f"http://localhost:{client.port}/static/js/textual.js" in page


async def test_allow_host_adds_a_name():
    guard = Guard(token=TOKEN, host="127.0.0.1", port=free_port(), allowed_hosts=frozenset({"Archive.Example.org"}))
    client = await client_for(guard)
    try:
        for value in ("archive.example.org", f"archive.example.org:{guard.port}", "ARCHIVE.example.org."):
            response = await client.get("/", params={"token": TOKEN}, headers={"Host": value})
            assert response.status == 200, value
        assert (await client.get("/", params={"token": TOKEN}, headers=host(client, "example.org"))).status == 403
    finally:
        await client.close()


async def test_a_websocket_from_another_sites_page_is_refused(client: test_utils.TestClient):
    url = f"/ws?width=80&height=24&token={TOKEN}"
    for origin in ("http://evil.example", f"http://evil.example:{client.port}", "null", "file://", "http://127.0.0.1"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(url, headers={**host(client), "Origin": origin})
        assert refused.value.status == 403, origin
    # Without the token, not even from the server's own page.
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={**host(client), "Origin": f"http://127.0.0.1:{client.port}"})
    assert refused.value.status == 403
    # From the served page, with the token, it opens.
    ws = await client.ws_connect(url, headers={**host(client), "Origin": f"http://127.0.0.1:{client.port}"})
    assert not ws.closed
    await ws.close()
    await asyncio.sleep(1)  # the server stops the process it started for this session


async def test_downloads_need_the_token_too(client: test_utils.TestClient):
    # A download key is a random name, but the guard does not rely on it being secret.
    assert (await client.get("/download/0123456789abcdef", headers=host(client))).status == 403
    with_token = await client.get("/download/0123456789abcdef", params={"token": TOKEN}, headers=host(client))
    assert with_token.status == 404  # past the guard: no such download


def test_bound_to_every_address_it_answers_addresses_and_the_machines_name_but_not_other_names():
    guard = Guard(token=TOKEN, host="0.0.0.0", port=8000)
    for value in ("192.0.2.7:8000", "127.0.0.1:8000", "[2001:db8::1]:8000", "localhost:8000"):
        assert guard.host_allowed(value), value
    assert guard.host_allowed(f"{socket.gethostname()}:8000")
    for value in ("evil.example:8000", "192.0.2.7:8001", "192.0.2.7", None, "a@192.0.2.7:8000", "x:y:z"):
        assert not guard.host_allowed(value), value


def test_the_token_is_new_at_each_start_and_a_given_one_must_survive_a_url():
    assert new_token() != new_token()
    assert len(new_token()) >= 43  # 256 bits
    assert check_token("my-token_1.2~") == "my-token_1.2~"
    for bad in ("", "a b", "a;b", "a&b", "ä"):
        with pytest.raises(ValueError):
            check_token(bad)


async def test_request_logs_never_show_the_token(client: test_utils.TestClient, caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        await client.get("/", params={"token": TOKEN}, headers=host(client))
        logging.getLogger("aiohttp.access").info('"GET /?token=%s HTTP/1.1" 200', TOKEN)
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert any("token=…" in record.getMessage() for record in caplog.records)
