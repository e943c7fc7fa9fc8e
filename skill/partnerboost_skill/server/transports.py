"""Running the server: stdio (logs on stderr only) or streamable HTTP with /health, a bearer token, a
request body limit, a bound on sessions and DNS-rebinding checks.

Binding HTTP to anything but loopback requires PARTNERBOOST_MCP_TOKEN of at least 32 characters; when a token
is set, every request except GET /health and OpenPartner's signed webhook deliveries (POST
/webhooks/openpartner, authenticated by their signature: server/webhooks.py) must carry `Authorization: Bearer
<token>` (401 otherwise). On loopback — any 127.x address, localhost or ::1 — the Host and Origin headers must
name a loopback address, so a web page on another domain cannot reach the server through DNS rebinding (the
SDK does this only for 127.0.0.1, localhost and ::1). Sessions are capped and expire when idle
(session_limit.py).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import sys
from collections.abc import Sequence
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from partnerboost_skill.config import DEFAULT_MCP_MAX_SESSIONS, DEFAULT_MCP_SESSION_IDLE_SECONDS
from partnerboost_skill.server.session_limit import SessionLimiter
from partnerboost_skill.server.webhooks import WEBHOOK_PATH

TOKEN_ENV = "PARTNERBOOST_MCP_TOKEN"
MIN_REMOTE_TOKEN_LENGTH = 32
MAX_BODY_BYTES = 1_000_000
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
HEALTH_PATH = "/health"
MCP_PATH = "/mcp"

logger = logging.getLogger("partnerboost.server")


class ServeError(ValueError):
    """The server cannot start as asked (e.g. a public bind without a token); the message says what to do."""


def log_to_stderr(level: int = logging.WARNING) -> None:
    """stdout belongs to the stdio protocol: every log line goes to stderr."""
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(stream=sys.stderr, level=level, format=log_format)


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def required_token(host: str, token: str | None) -> str | None:
    """The token to enforce, or None on loopback without one; refuses a public bind without a token or with
    one shorter than 32 characters."""
    token = (token or "").strip() or None
    if is_loopback(host):
        return token
    if token is None:
        raise ServeError(
            f"refusing to serve on {host} without a token: set {TOKEN_ENV} to a long random value (clients "
            "then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1."
        )
    if len(token) < MIN_REMOTE_TOKEN_LENGTH:
        raise ServeError(
            f"refusing to serve on {host} with a {len(token)}-character {TOKEN_ENV}: off loopback it must be "
            f"at least {MIN_REMOTE_TOKEN_LENGTH} random characters, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )
    return token


def _host_name(host: str) -> str:
    """A bind address as it appears in a Host header: IPv6 in brackets, lower case."""
    name = host.strip().lower().strip("[]")
    return f"[{name}]" if ":" in name else name


def rebinding_guard(host: str) -> TransportSecuritySettings | None:
    """Host/Origin checks for a loopback bind (None off loopback, where the token protects the server and
    proxies send their own Host): only loopback names, with any port, pass."""
    if not is_loopback(host):
        return None
    names = dict.fromkeys((_host_name(host), *LOOPBACK_NAMES))
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[form for name in names for form in (name, f"{name}:*")],
        allowed_origins=[form for name in names for form in (f"http://{name}", f"http://{name}:*")],
    )


class BearerTokenMiddleware:
    """401 for any HTTP request without `Authorization: Bearer <token>`, except the open paths."""

    def __init__(self, app: ASGIApp, token: str, open_paths: tuple[str, ...] = (HEALTH_PATH,)) -> None:
        self.app = app
        self.token = token.encode()
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.open_paths:
            await self.app(scope, receive, send)
            return
        scheme, _, credential = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), self.token):
            response = JSONResponse(
                {"error": "unauthorized", "message": "send Authorization: Bearer <PARTNERBOOST_MCP_TOKEN>"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="partnerboost"'},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def http_app(
    server: Server[Any],
    *,
    host: str = "127.0.0.1",
    token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_sessions: int = DEFAULT_MCP_MAX_SESSIONS,
    session_idle_seconds: float = DEFAULT_MCP_SESSION_IDLE_SECONDS,
    routes: Sequence[Route] = (),
) -> ASGIApp:
    """The streamable HTTP app (MCP at /mcp, GET /health open, plus `routes`, e.g. the webhook route of
    server.app.build_http_server): sessions bounded, Host/Origin checked on loopback, behind the bearer
    check if a token is set (the webhook authenticates by its signature instead)."""
    token = required_token(host, token)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "server": server.name})

    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH, host=host, max_request_body_size=max_body_bytes,
        transport_security=rebinding_guard(host), max_sessions=max_sessions,
        session_idle_timeout=session_idle_seconds,
        custom_starlette_routes=[Route(HEALTH_PATH, health, methods=["GET"]), *routes],
    )
    app = SessionLimiter(app, max_sessions=max_sessions, idle_seconds=session_idle_seconds, path=MCP_PATH)
    return BearerTokenMiddleware(app, token, open_paths=(HEALTH_PATH, WEBHOOK_PATH)) if token else app


async def serve_stdio(server: Server[Any]) -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def run_stdio(server: Server[Any]) -> None:
    """Serve on stdin/stdout until the client closes (call log_to_stderr() before building the server)."""
    anyio.run(serve_stdio, server)


def run_http(
    server: Server[Any],
    *,
    host: str,
    port: int,
    token: str | None,
    max_sessions: int = DEFAULT_MCP_MAX_SESSIONS,
    session_idle_seconds: float = DEFAULT_MCP_SESSION_IDLE_SECONDS,
    routes: Sequence[Route] = (),
) -> None:
    import uvicorn

    app = http_app(server, host=host, token=token, max_sessions=max_sessions,
                   session_idle_seconds=session_idle_seconds, routes=routes)
    logging.getLogger("mcp").setLevel(logging.WARNING)  # one INFO line per session would flood stderr
    logger.info("PartnerBoost MCP server on http://%s:%d%s (health: %s)%s", host, port, MCP_PATH, HEALTH_PATH,
                "; bearer token required" if token else "")
    uvicorn.run(app, host=host, port=port, log_level="warning")
