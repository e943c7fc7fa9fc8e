"""A bound on MCP sessions over streamable HTTP that a flood of `initialize` calls cannot turn into a
lock-out.

The SDK's session manager already refuses new sessions at `max_sessions` and ends a session after
`session_idle_timeout`; at its defaults (10,000 sessions, 30 minutes) ~10,000 initialize calls in 30 s filled
the table, every new client got 503 for half an hour and memory grew from 199 to 546 MiB. `SessionLimiter`
sits in front of the SDK's app (no fork, no private API): it learns each session from the `mcp-session-id`
header of the answer that opened it, tracks requests in flight and the time of the last one, and when the
cap is reached closes the longest-idle session through the protocol's own DELETE to admit the newcomer.
Sessions with a request in flight (an open GET stream included) are never closed; only when every session is
busy does a newcomer get 503.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_HEADER = "mcp-session-id"
VERSION_HEADER = "mcp-protocol-version"
logger = logging.getLogger("partnerboost.server")


@dataclass
class _Session:
    last_used: float
    host: bytes
    in_flight: int = 0


class SessionLimiter:
    """ASGI middleware: at most `max_sessions` MCP sessions on `path`, each closed after `idle_seconds`
    without a request; at the cap the longest-idle one makes room for a new client."""

    def __init__(self, app: ASGIApp, *, max_sessions: int, idle_seconds: float, path: str = "/mcp",
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_sessions < 1 or idle_seconds <= 0:
            raise ValueError("max_sessions must be at least 1 and idle_seconds positive")
        self.app = app
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.path = path
        self.clock = clock
        self.sessions: dict[str, _Session] = {}
        self.opening = 0
        self.closed = 0
        """Sessions this limiter closed (idle or evicted), for logs and benchmarks."""
        self._lock = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        session_id = headers.get(SESSION_HEADER)
        if session_id is not None:
            await self._existing(session_id, scope, receive, send)
            return
        version = headers.get(VERSION_HEADER)
        sessionless = version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS
        if scope.get("method") != "POST" or sessionless:
            await self.app(scope, receive, send)  # opens no session (refused, or the sessionless era)
            return
        async with self._lock:
            admitted = await self._make_room(scope)
            if admitted:
                self.opening += 1
        if not admitted:
            await self._busy(scope, receive, send)
            return
        opened: list[str] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                opened.extend(v.decode("latin-1") for k, v in message.get("headers", [])
                              if k.lower() == SESSION_HEADER.encode())
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self.opening -= 1
            for new in opened:
                self.sessions[new] = _Session(self.clock(), Headers(scope=scope).get("host", "").encode())

    async def _existing(self, session_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        session = self.sessions.get(session_id)
        if session is not None:
            session.in_flight += 1
            session.last_used = self.clock()
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            if session is not None:
                session.in_flight -= 1
                session.last_used = self.clock()
        ended = status and (status[0] == 404 or (scope.get("method") == "DELETE" and status[0] < 300))
        if ended:
            self.sessions.pop(session_id, None)

    async def _make_room(self, scope: Scope) -> bool:
        """Close idle sessions, then the longest-idle ones while at the cap; False when all are busy."""
        now = self.clock()
        for session_id, session in list(self.sessions.items()):
            if session.in_flight == 0 and now - session.last_used >= self.idle_seconds:
                await self._close(session_id, scope, "idle")
        while len(self.sessions) + self.opening >= self.max_sessions:
            idle = [(s.last_used, sid) for sid, s in self.sessions.items() if s.in_flight == 0]
            if not idle:
                return False
            await self._close(min(idle)[1], scope, "evicted for a new client")
        return True

    async def _close(self, session_id: str, trigger: Scope, why: str) -> None:
        """DELETE the session through the SDK's own app, as its client would."""
        session = self.sessions.pop(session_id)
        headers = [(b"host", session.host), (SESSION_HEADER.encode(), session_id.encode())]
        scope: dict[str, Any] = {**trigger, "method": "DELETE", "headers": headers, "query_string": b""}
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                await anyio.sleep_forever()
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(_: Message) -> None:
            return

        await self.app(scope, receive, discard)
        self.closed += 1
        logger.info("closed MCP session %s… (%s); %d open", session_id[:8], why, len(self.sessions))

    async def _busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        logger.warning("refused a new MCP session: all %d sessions have requests in flight",
                       self.max_sessions)
        body = {"jsonrpc": "2.0", "id": None, "error": {
            "code": -32603, "message": f"All {self.max_sessions} MCP sessions are busy; try again shortly."}}
        await JSONResponse(body, status_code=503, headers={"Retry-After": "5"})(scope, receive, send)
