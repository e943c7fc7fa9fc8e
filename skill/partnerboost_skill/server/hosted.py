"""Hosted mode: many merchants on one HTTP endpoint, each MCP client with its own bearer token.

`HostedAuth` (ASGI) maps the token to a tenant (tenants.Registry: hashes compared in constant time), opens or
reuses that tenant's connection (`TenantConnections`) and serves the request with it in
`state.CURRENT_CONNECTION`; a request without a valid token gets 401 and touches nothing. The MCP transport
runs stateless, so any replica can answer any request; a tenant's connection (client + cache) is pooled per
replica, at most `limit` of them open, closed after `idle` seconds unused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from partnerboost_skill import runtime
from partnerboost_skill.config import ConfigError, Settings
from partnerboost_skill.runtime import Connection
from partnerboost_skill.server.state import CURRENT_CONNECTION, ConnectFactory
from partnerboost_skill.server.transports import HEALTH_PATH, MAX_BODY_BYTES, MCP_PATH
from partnerboost_skill.tenants import Registry, Sealer, SealError, Tenant
from partnerboost_skill.tenants.accounts import tenant_settings

logger = logging.getLogger("partnerboost.server")

MAX_OPEN_TENANTS = 64
IDLE_SECONDS = 600.0


@dataclass
class _Entry:
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    stack: AsyncExitStack | None = None
    connection: Connection | None = None
    users: int = 0
    last_used: float = 0.0


class TenantConnections:
    """One open connection per tenant on this replica, shared by that tenant's concurrent requests only."""

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        sealer: Sealer,
        connect: ConnectFactory,
        *,
        limit: int = MAX_OPEN_TENANTS,
        idle: float = IDLE_SECONDS,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.sealer = sealer
        self.connect = connect
        self.limit = limit
        self.idle = idle
        self._entries: dict[str, _Entry] = {}

    def authenticate(self, token: str) -> Tenant | None:
        return self.registry.find(token) if token else None

    @asynccontextmanager
    async def lease(self, tenant: Tenant) -> AsyncIterator[Connection]:
        entry = self._entries.setdefault(tenant.id, _Entry())
        entry.users += 1
        try:
            async with entry.lock:
                if entry.connection is None:
                    settings = tenant_settings(self.settings, tenant, self.sealer)
                    stack = AsyncExitStack()
                    try:
                        entry.connection = await stack.enter_async_context(self.connect(settings))
                    except BaseException:
                        await stack.aclose()
                        raise
                    entry.stack = stack
            connection = entry.connection
            assert connection is not None
            yield connection
        finally:
            entry.users -= 1
            entry.last_used = time.monotonic()
            await self._trim()

    async def _trim(self) -> None:
        now = time.monotonic()
        idle = [
            (entry.last_used, tenant_id)
            for tenant_id, entry in self._entries.items()
            if entry.users == 0 and entry.connection is not None
        ]
        idle.sort()
        opened = sum(1 for entry in self._entries.values() if entry.connection is not None)
        for last_used, tenant_id in idle:
            if opened <= self.limit and now - last_used < self.idle:
                break
            await self._close(tenant_id)
            opened -= 1

    async def _close(self, tenant_id: str) -> None:
        entry = self._entries.pop(tenant_id, None)
        if entry is not None and entry.stack is not None:
            with anyio.CancelScope(shield=True):
                await entry.stack.aclose()

    async def aclose(self) -> None:
        for tenant_id in list(self._entries):
            await self._close(tenant_id)

    @property
    def open_tenants(self) -> list[str]:
        return [tenant_id for tenant_id, entry in self._entries.items() if entry.connection is not None]


def _refuse(status: int, error: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="partnerboost"'} if status == 401 else None
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


class HostedAuth:
    """Every request except the open paths is served as the tenant its bearer token names, or refused."""

    def __init__(self, app: ASGIApp, tenants: TenantConnections, open_paths: tuple[str, ...]) -> None:
        self.app = app
        self.tenants = tenants
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.open_paths:
            await self.app(scope, receive, send)
            return
        scheme, _, credential = Headers(scope=scope).get("authorization", "").partition(" ")
        token = credential.strip() if scheme.lower() == "bearer" else ""
        try:
            tenant = await anyio.to_thread.run_sync(self.tenants.authenticate, token)
        except ConfigError as error:
            logger.error("tenants registry: %s", error)
            await _refuse(503, "unavailable", "the tenants registry cannot be read; try again")(
                scope, receive, send
            )
            return
        if tenant is None:
            await _refuse(401, "unauthorized", "send Authorization: Bearer <your tenant token>")(
                scope, receive, send
            )
            return
        async with AsyncExitStack() as stack:
            try:
                connection = await stack.enter_async_context(self.tenants.lease(tenant))
            except (ConfigError, SealError) as error:
                logger.error("tenant %s cannot be served: %s", tenant.id, error)
                message = "this account cannot be served now; ask the operator"
                refusal = _refuse(503, "tenant_unavailable", message)
                await refusal(scope, receive, send)
                return
            bound = CURRENT_CONNECTION.set(connection)
            try:
                await self.app(scope, receive, send)
            finally:
                CURRENT_CONNECTION.reset(bound)


def hosted_server(
    settings: Settings,
    *,
    toolsets: str | None = None,
    allow_writes: bool | None = None,
    connect: ConnectFactory | None = None,
    limit: int = MAX_OPEN_TENANTS,
    idle: float = IDLE_SECONDS,
) -> tuple[Server[Any], TenantConnections]:
    """The MCP server in hosted mode and its tenants' connections (settings.tenants and tenants_key)."""
    from partnerboost_skill.server.app import build_server
    from partnerboost_skill.tenants import open_registry

    if settings.tenants is None or settings.tenants_key is None:
        raise ConfigError(
            "hosted mode needs PARTNERBOOST_TENANTS (a tenants file or a postgresql:// URL) and "
            "PARTNERBOOST_TENANTS_KEY (create one with `partnerboost tenants new-key`)"
        )
    registry = open_registry(settings.tenants.get_secret_value())
    sealer = Sealer(settings.tenants_key.get_secret_value())
    pool = TenantConnections(settings, registry, sealer, connect or runtime.connect, limit=limit, idle=idle)
    server = build_server(settings, toolsets=toolsets, allow_writes=allow_writes, hosted=pool)
    return server, pool


def hosted_app(
    server: Server[Any], pool: TenantConnections, *, host: str = "127.0.0.1",
    max_body_bytes: int = MAX_BODY_BYTES,
) -> ASGIApp:
    """Streamable HTTP, stateless (any replica answers any request), every request but GET /health as a
    tenant."""

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "server": server.name, "mode": "hosted"})

    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=MCP_PATH, host=host, max_request_body_size=max_body_bytes, stateless_http=True,
        custom_starlette_routes=[Route(HEALTH_PATH, health, methods=["GET"])],
    )
    return HostedAuth(app, pool, (HEALTH_PATH,))


def run_hosted(server: Server[Any], pool: TenantConnections, *, host: str, port: int) -> None:
    import uvicorn

    logger.info("PartnerBoost MCP server (hosted: a bearer token per tenant, %s) on http://%s:%d%s",
                pool.registry.label, host, port, MCP_PATH)
    uvicorn.run(hosted_app(server, pool, host=host), host=host, port=port, log_level="warning")
