"""Running the server: stdio (logs on stderr only) or streamable HTTP with /health, a bearer token and a
request body limit.

Binding HTTP to anything but loopback requires PARTNERBOOST_MCP_TOKEN; when a token is set, every request
except GET /health must carry `Authorization: Bearer <token>` (401 otherwise).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import sys
from typing import Any

from mcp.server.mcpserver import MCPServer
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

TOKEN_ENV = "PARTNERBOOST_MCP_TOKEN"
MAX_BODY_BYTES = 1_000_000
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
    """The token to enforce, or None on loopback without one; refuses a public bind without a token."""
    token = (token or "").strip() or None
    if token is None and not is_loopback(host):
        raise ServeError(
            f"refusing to serve on {host} without a token: set {TOKEN_ENV} to a long random value (clients "
            "then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1."
        )
    return token


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


def http_app(server: MCPServer[Any], *, host: str = "127.0.0.1", token: str | None = None,
             max_body_bytes: int = MAX_BODY_BYTES) -> ASGIApp:
    """The streamable HTTP app (MCP at /mcp, GET /health open), behind the bearer check if a token is set."""
    token = required_token(host, token)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "server": server.name})

    server.custom_route(HEALTH_PATH, methods=["GET"])(health)
    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH, host=host, max_request_body_size=max_body_bytes
    )
    return BearerTokenMiddleware(app, token) if token else app


def run_stdio(server: MCPServer[Any]) -> None:
    """Serve on stdin/stdout until the client closes (call log_to_stderr() before building the server)."""
    server.run("stdio")


def run_http(server: MCPServer[Any], *, host: str, port: int, token: str | None) -> None:
    import uvicorn

    app = http_app(server, host=host, token=token)
    logger.info("PartnerBoost MCP server on http://%s:%d%s (health: %s)%s", host, port, MCP_PATH, HEALTH_PATH,
                "; bearer token required" if token else "")
    uvicorn.run(app, host=host, port=port, log_level="warning")
