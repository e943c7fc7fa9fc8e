"""What the server shares between calls: the settings and one open PartnerBoost connection per running session
(the sandbox when no credentials are configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import DEMO_NOTICE, Connection, connect

ConnectFactory = Callable[[Settings], AbstractAsyncContextManager[Connection]]


@dataclass
class ServerState:
    settings: Settings
    connect: ConnectFactory = connect
    _open: list[Connection] = field(default_factory=list)

    @asynccontextmanager
    async def lifespan(self, _server: Any) -> AsyncIterator[ServerState]:
        """Open the connection for the server's lifetime (per stdio session; once for HTTP)."""
        async with self.connect(self.settings) as connection:
            self._open.append(connection)
            try:
                yield self
            finally:
                self._open.remove(connection)

    @property
    def connection(self) -> Connection:
        if not self._open:
            raise RuntimeError("the PartnerBoost connection is not open (the server is not running)")
        return self._open[-1]

    @property
    def demo(self) -> bool:
        return self.connection.demo

    def notice(self) -> str | None:
        return DEMO_NOTICE if self.demo else None
