"""What the server shares between calls: the settings and the open PartnerBoost connection a call uses.

Single-merchant mode (the default) opens one connection for the server's lifetime (per stdio session; once for
HTTP) — the sandbox when no credentials are configured. Hosted mode opens none of its own: each HTTP request
is authenticated as a tenant, and server/hosted.py puts that tenant's connection in `CURRENT_CONNECTION` for
the request (every tool, resource and prompt of it reads `state.connection`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import DEMO_NOTICE, Connection, connect
from partnerboost_skill.store.webhook_events import WebhookEvents

ConnectFactory = Callable[[Settings], AbstractAsyncContextManager[Connection]]

CURRENT_CONNECTION: ContextVar[Connection | None] = ContextVar("partnerboost_connection", default=None)
"""The connection of the tenant whose request is being served (hosted mode)."""


class Pool(Protocol):
    async def aclose(self) -> None: ...


@dataclass
class ServerState:
    settings: Settings
    connect: ConnectFactory = connect
    hosted: Pool | None = None
    """Hosted mode: the tenants' connections (server.hosted.TenantConnections), closed with the server."""
    _open: list[Connection] = field(default_factory=list)

    @asynccontextmanager
    async def lifespan(self, _server: Any) -> AsyncIterator[ServerState]:
        if self.hosted is not None:
            try:
                yield self
            finally:
                await self.hosted.aclose()
            return
        async with self.connect(self.settings) as connection:
            self._open.append(connection)
            try:
                yield self
            finally:
                self._open.remove(connection)

    @property
    def connection(self) -> Connection:
        current = CURRENT_CONNECTION.get()
        if current is not None:
            return current
        if self.hosted is not None:
            raise RuntimeError("hosted mode: this request was not authenticated as a tenant")
        if not self._open:
            raise RuntimeError("the PartnerBoost connection is not open (the server is not running)")
        return self._open[-1]

    @property
    def demo(self) -> bool:
        return self.connection.demo

    def notice(self) -> str | None:
        return DEMO_NOTICE if self.demo else None

    def webhook_events(self) -> WebhookEvents | None:
        """The open connection's OpenPartner event store (None before the server runs)."""
        return self._open[-1].events if self._open else None
