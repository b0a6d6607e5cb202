"""Serving: over stdio (the default, for clients that spawn ``naetra-tui mcp``) or over
streamable HTTP (``--http [HOST:]PORT``).

HTTP is safe by default: it binds 127.0.0.1; a request with an ``Origin`` header (a web page,
the DNS-rebinding attack the MCP spec warns of) is refused unless the origin is in
``mcp.allowed_origins``; and any address beyond loopback needs a bearer token — from
``NAETRA_MCP_TOKEN`` or the secret store, else generated, kept there and printed once.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ..core.errors import ConfigurationError

if TYPE_CHECKING:
    from ..config import LoadedConfig

TOKEN_ENV = "NAETRA_MCP_TOKEN"
TOKEN_REFERENCE = "NAETRA_SECRET_MCP_HTTP_TOKEN"
DEFAULT_PORT = 8765
#: Request bodies larger than this are refused by the transport (a 200,000-character
#: ``check_figures`` text fits; 5 MB does not).
MAX_REQUEST_BYTES = 1_000_000

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def parse_address(text: str) -> tuple[str, int]:
    """``8765`` / ``127.0.0.1:8765`` / ``[::1]:8765`` / ``0.0.0.0:8765`` -> (host, port).

    Raises: ConfigurationError (with the forms it takes).
    """
    host, _, port_text = text.strip().rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ConfigurationError(f"--http '{text}': give [HOST:]PORT, e.g. 8765 or 127.0.0.1:8765")
    return host, port


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_token() -> tuple[str, bool]:
    """The bearer token and whether it was made just now (then it is shown once)."""
    from ..config.secret_store import keep, lookup

    token = os.environ.get(TOKEN_ENV) or lookup(TOKEN_REFERENCE)
    if token:
        return token, False
    token = secrets.token_urlsafe(32)
    keep(TOKEN_REFERENCE, token)
    return token, True


class Guard:
    """ASGI middleware: refuses browser origins not allowed, and requests without the token."""

    def __init__(self, app: ASGIApp, token: str | None, allowed_origins: list[str]) -> None:
        self.app = app
        self.token = token
        self.allowed_origins = set(allowed_origins)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            origin = headers.get("origin")
            if origin is not None and origin not in self.allowed_origins:
                await _refuse(
                    send, 403, "requests from a web page are refused (add its origin to mcp.allowed_origins)"
                )
                return
            if self.token is not None:
                given = headers.get("authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
                    await _refuse(send, 401, "a bearer token is required (Authorization: Bearer TOKEN)")
                    return
        await self.app(scope, receive, send)


def _say(message: str) -> None:
    """One line on stderr (stdout is the protocol's, over stdio)."""
    from ..core.secrets import redact
    from ..core.text import clean_line

    print(f"naetra-tui: {redact(clean_line(message))}", file=sys.stderr, flush=True)


async def _refuse(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def serve(loaded: LoadedConfig, http: str | None) -> int:
    """Run the server until the client goes (stdio) or the process is stopped (HTTP)."""
    from ..services.session import session_for
    from .server import build_server

    address = parse_address(http) if http is not None else None
    async with session_for(loaded, notify=_say) as session:
        server = build_server(session)
        if address is None:
            await server.run_stdio_async()
            return 0
        host, port = address
        token = None
        if not is_loopback(host):
            token, new = http_token()
            if new:
                _say(f"the bearer token for this server (shown once; kept in the secret store): {token}")
        await _serve_http(server, host, port, token, loaded.config.mcp.allowed_origins)
    return 0


async def _serve_http(server: Any, host: str, port: int, token: str | None, origins: list[str]) -> None:
    import uvicorn

    app = server.streamable_http_app(host=host, max_request_body_size=MAX_REQUEST_BYTES)
    shown = f"[{host}]" if ":" in host else host
    access = "loopback only" if token is None else "bearer token required"
    _say(f"MCP server on http://{shown}:{port}/mcp ({access}); Ctrl+C stops it")
    config = uvicorn.Config(Guard(app, token, origins), host=host, port=port, log_level="warning")
    await uvicorn.Server(config).serve()
