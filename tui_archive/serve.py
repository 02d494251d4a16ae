"""``tui-archive serve``: the app in web browsers, for whoever holds the token, on this archive only.

textual-serve runs one copy of the app per browser tab, as a process of the
person who started the server. Everyone who can reach the port could drive
those copies (on a shared machine, every local user can reach a loopback
port), so every request passes :class:`Guard` first, as Jupyter's server does:

- the token: ``?token=`` in the URL that ``serve`` prints, then a cookie that
  the first good request sets, so that the page's own requests (its scripts,
  its WebSocket, a download) carry it without putting it in their URLs;
- the ``Host`` header names this server (the address it is bound to, the
  loopback names when bound to loopback, or a name ``--allow-host`` gives), so
  a page on another site whose name was made to resolve here (DNS rebinding)
  is refused;
- an ``Origin`` header, which browsers send with every WebSocket, names the
  same host, so a page on another site cannot open a session in a browser that
  holds the cookie.

Anything else gets 403. This module is the only one that imports aiohttp and
textual-serve (the ``serve`` extra); the app itself runs in its own process.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import socket
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int
from yarl import URL

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    """A token for one start of the server: 256 random bits, safe in a URL."""
    return secrets.token_urlsafe(32)


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


def _normal(name: str) -> str:
    """A host name as compared: lower case, no trailing dot, an IP address in its one spelling."""
    name = name.strip().lower().rstrip(".")
    address = _ip(name)
    return str(address) if address is not None else name


def is_loopback(host: str) -> bool:
    address = _ip(host)
    return host.lower() == "localhost" if address is None else address.is_loopback


def _host_and_port(value: str, default_port: int) -> tuple[str, int] | None:
    """``name``, ``name:port``, ``[v6]:port`` as a browser sends them in ``Host`` or ``Origin``; None if malformed."""
    try:
        url = URL(value if "://" in value else f"http://{value}")
        if url.host is None or url.user or url.path not in ("", "/") or url.query_string or url.fragment:
            return None
        return _normal(url.host), url.explicit_port if url.explicit_port is not None else default_port
    except ValueError:
        return None


@dataclass(frozen=True)
class Guard:
    """Who may use the server: the token holder, through this server's own names."""

    token: str
    host: str
    """The address the server is bound to."""
    port: int
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    """Names given with ``--allow-host`` (say, a reverse proxy's), allowed with any port."""

    @property
    def cookie(self) -> str:
        """The cookie's name: a browser keeps cookies per host, not per port, so two servers on one host keep two."""
        return f"tui-archive-token-{self.port}"

    def host_allowed(self, host_header: str | None) -> bool:
        """Whether ``Host`` names this server (DNS rebinding sends another site's name)."""
        parsed = _host_and_port(host_header or "", 80)
        if parsed is None:
            return False
        name, port = parsed
        if name in {_normal(allowed) for allowed in self.allowed_hosts}:
            return True
        if port != self.port:
            return False
        bound = _normal(self.host)
        if name == bound:
            return True
        if bound in WILDCARDS:  # any address of this machine, as typed (an address cannot be rebound)
            return _ip(name) is not None or name in {"localhost", _normal(socket.gethostname())}
        return is_loopback(bound) and name in LOOPBACK_NAMES

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """An ``Origin`` (sent by browsers with every WebSocket) must be the page this server served."""
        if origin is None:  # not a browser: the token is what counts
            return True
        if not origin.lower().startswith(("http://", "https://")):  # "null", a file, another scheme
            return False
        scheme_port = 443 if origin.lower().startswith("https://") else 80
        page = _host_and_port(origin, scheme_port)
        served = _host_and_port(host_header or "", scheme_port)
        return page is not None and page == served

    def token_given(self, request: web.Request) -> str | None:
        """The token the request carries: in the URL, else in the cookie."""
        return request.query.get("token", request.cookies.get(self.cookie))

    def token_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def refusal(self, request: web.Request) -> str | None:
        """Why the request is refused, or None when it may go on."""
        if not self.host_allowed(request.headers.get("Host")):
            return (
                "this server does not answer to that host name; use the address tui-archive serve printed"
                " (or start it with --allow-host NAME)"
            )
        if not self.origin_allowed(request.headers.get("Origin"), request.headers.get("Host")):
            return "this server does not answer pages from another site"
        if not self.token_ok(self.token_given(request)):
            return "this server needs the token: open the full URL tui-archive serve printed (…/?token=…)"
        return None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = self.refusal(request)
        if reason is not None:
            return web.Response(status=403, text=f"403 Forbidden: {reason}\n")
        response = await handler(request)
        if "token" in request.query and not response.prepared:  # a WebSocket or a download is under way already
            # Session cookie: the page's own requests carry it from here on, and only to this host.
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        return response


async def _safe_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The token stays out of other sites' logs (Referer), and no other site can frame the app."""
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
    response.headers.setdefault("Cache-Control", "no-store")


class _HideToken(logging.Filter):
    """Request logs show ``token=…``, never the token."""

    PATTERN = re.compile(r"(token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:
            record.msg, record.args = self.PATTERN.sub(r"\1…", message), ()
        return True


def url_host(host: str) -> str:
    """The host as it goes in a URL: this machine's loopback address for a wildcard, brackets for IPv6."""
    if _normal(host) in WILDCARDS:
        return "127.0.0.1"
    return f"[{host.strip('[]')}]" if ":" in host else host


class GuardedServer(Server):
    """textual-serve's server with :class:`Guard` in front of every request."""

    def __init__(self, command: str, guard: Guard, *, title: str, announce: Callable[[], None]) -> None:
        super().__init__(command, host=guard.host, port=guard.port, title=title)
        self.public_url = f"http://{url_host(guard.host)}:{guard.port}"
        self.guard = guard
        self.announce = announce

    @property
    def url(self) -> str:
        """The URL to open: with the token, the only one that works."""
        return f"{self.public_url}/?token={quote(self.guard.token, safe='')}"

    async def _make_app(self) -> web.Application:
        access_log = logging.getLogger("aiohttp.access")
        if not any(isinstance(existing, _HideToken) for existing in access_log.filters):
            access_log.addFilter(_HideToken())
        app: web.Application = await super()._make_app()
        app.middlewares.append(self.guard.middleware)
        app.on_response_prepare.append(_safe_headers)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Listening now: say where (textual-serve's banner would show the URL without its token)."""
        self.announce()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with its scripts and WebSocket on the host the browser used (checked by the guard),
        so a page opened as ``localhost`` or through an allowed name talks back to the same host,
        with the same cookie."""
        base = f"{request.scheme}://{request.host}"
        socket_base = ("wss://" if request.scheme == "https" else "ws://") + request.host
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": socket_base + str(request.app.router["websocket"].url_for()),
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)


def check_token(token: str) -> str:
    """A token given with ``--token`` or the environment: it has to survive a URL and a cookie unchanged."""
    if not token or not re.fullmatch(r"[A-Za-z0-9._~-]+", token):
        raise ValueError("the token may hold only letters, digits and . _ ~ - (and may not be empty)")
    return token


def serve(
    command: str,
    *,
    host: str,
    port: int,
    token: str,
    allowed_hosts: Iterable[str],
    title: str,
    announce: Callable[[str], None],
) -> None:
    """Serve ``command`` (the app on one archive) until Ctrl+C; ``announce`` gets the URL once listening."""
    guard = Guard(token=token, host=host, port=port, allowed_hosts=frozenset(allowed_hosts))
    server: GuardedServer

    def listening() -> None:
        announce(server.url)
        sys.stdout.flush()

    server = GuardedServer(command, guard, title=title, announce=listening)
    server.serve()
