"""The ASGI rewrites behind the lying and stuck upstream faults (see faults.py): a request's page forced to
the first, a response's `data` replaced, a body trickled out byte by byte, rejected credentials echoed."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import Message, Receive, Scope, Send

LyingData = Literal["null", "empty"]
Echo = Literal["upper", "lower", "base64", "hex", "url"]
SleepFn = Callable[[float], Awaitable[None]]

PAGE_KEYS = ("page_num", "page")
AUTH_CODES = (1000, 1001)


def _first_page(params: dict[str, Any]) -> dict[str, Any]:
    return {key: (1 if key in PAGE_KEYS else value) for key, value in params.items()}


async def first_page_only(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """The request with its page number (query or JSON body) replaced by 1."""
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    scope = {**scope, "query_string": urlencode(
        [(key, "1" if key in PAGE_KEYS else value) for key, value in query]).encode("latin-1")}
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(chunks)
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        body = json.dumps(_first_page(payload)).encode()
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        scope["headers"] = [*headers, (b"content-length", str(len(body)).encode())]
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, replay


class _Buffered:
    """Collects a response; `finish(start, body)` sends it (possibly changed) once the body is complete."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        assert self.start is not None
        await self.finish(self.start, b"".join(self.chunks))

    async def finish(self, start: Message, body: bytes) -> None:
        await self.send_whole(start, body)

    async def send_whole(self, start: Message, body: bytes) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


def _envelope_code(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    status = payload.get("status")
    code = status.get("code") if isinstance(status, dict) else payload.get("code")
    return code if isinstance(code, int) else None


class _DataRewrite(_Buffered):
    def __init__(self, send: Send, lie: LyingData) -> None:
        super().__init__(send)
        self.lie = lie

    async def finish(self, start: Message, body: bytes) -> None:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if start.get("status") == 200 and _envelope_code(payload) == 0:
            payload["data"] = None if self.lie == "null" else {}
            body = json.dumps(payload).encode()
        await self.send_whole(start, body)


def rewrite_data(send: Send, lie: LyingData) -> Send:
    """A send that replaces a successful answer's `data` with null or {}."""
    return _DataRewrite(send, lie)


class _Trickle(_Buffered):
    def __init__(self, send: Send, bytes_per_s: float, sleep: SleepFn) -> None:
        super().__init__(send)
        self.interval = 1.0 / bytes_per_s
        self.sleep = sleep

    async def finish(self, start: Message, body: bytes) -> None:
        await self.send(start)
        for index in range(len(body)):
            await self.send({"type": "http.response.body", "body": body[index:index + 1], "more_body": True})
            await self.sleep(self.interval)
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})


def trickle(send: Send, bytes_per_s: float, sleep: SleepFn) -> Send:
    """A send that delivers the body one byte every 1/bytes_per_s seconds."""
    return _Trickle(send, bytes_per_s, sleep)


def transform(value: str, how: Echo) -> str:
    if how == "upper":
        return value.upper()
    if how == "lower":
        return value.lower()
    if how == "base64":
        return base64.b64encode(value.encode()).decode()
    if how == "hex":
        return value.encode().hex()
    return quote(value, safe="")


def _credentials(scope: Scope) -> list[str]:
    found = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-api-key"]
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    found += [value for key, value in query if key in ("token", "bid")]
    return [value for value in found if value]


class _Echo(_Buffered):
    def __init__(self, send: Send, secrets: list[str], how: Echo) -> None:
        super().__init__(send)
        self.secrets = secrets
        self.how = how

    async def finish(self, start: Message, body: bytes) -> None:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        rejected = start.get("status") in (401, 403) or _envelope_code(payload) in AUTH_CODES
        if rejected and isinstance(payload, dict) and self.secrets:
            quoted = ", ".join(transform(secret, self.how) for secret in self.secrets)
            status = payload.get("status")
            where = status if isinstance(status, dict) else payload
            key = "msg" if isinstance(status, dict) else "message"
            where[key] = f"{where.get(key) or 'rejected'} (received {quoted})"
            body = json.dumps(payload).encode()
        await self.send_whole(start, body)


def echo_rejected_credentials(scope: Scope, send: Send, how: Echo) -> Send:
    """A send that quotes the request's credentials (transformed) in any authentication error."""
    return _Echo(send, _credentials(scope), how)
