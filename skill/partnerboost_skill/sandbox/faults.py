"""Fault injection for the sandbox: latency, 5xx errors, hanging, trickling and malformed answers, rate
limits, drift, and upstreams that lie (ignore page_num, answer `data: null` or `{}`, echo rejected keys).

`Faults` is the configuration; `FaultMiddleware` applies it to every HTTP request in front of the app. Each
request draws the same number of random values from one `random.Random(seed)`, so a given seed and request
sequence always produces the same faults, whichever knobs are switched on.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerboost_skill.sandbox.fault_rewrites import (
    Echo,
    LyingData,
    echo_rejected_credentials,
    first_page_only,
    rewrite_data,
    trickle,
)
from partnerboost_skill.sandbox.handlers.wire import error_body, family_of_path

SleepFn = Callable[[float], Awaitable[None]]
DriftFn = Callable[[int], None]

SERVER_ERROR_STATUSES = (500, 502, 503)


@dataclass
class Faults:
    """What can go wrong, and how often. Rates are probabilities per request (0.0–1.0)."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    """Extra latency drawn uniformly from [0, jitter_ms) per request."""
    error_rate: float = 0.0
    """Share of requests answered with a 500, 502 or 503 instead of reaching the app."""
    hang_rate: float = 0.0
    """Share of requests held for `hang_seconds` and then answered with 504."""
    hang_seconds: float = 30.0
    malformed_rate: float = 0.0
    """Share of responses whose JSON body is cut in half (unparseable) after the app answered."""
    rate_limit_per_s: float | None = None
    """Token bucket refill rate; requests beyond it get HTTP 429, code 1002 and Retry-After."""
    rate_limit_burst: int | None = None
    """Bucket capacity; defaults to one second's worth of requests (at least 1)."""
    page_drift_orders_per_request: int = 0
    """New orders placed "now" before each request, so newest-first pages shift between calls."""
    trickle_bytes_per_s: float | None = None
    """Send every response body one byte at a time at this rate: a server that never stops sending, so a
    read timeout that restarts with each chunk never fires."""
    endless_rate_limit: float | None = None
    """Answer every request with HTTP 429, code 1002 and this Retry-After (seconds), for ever."""
    ignore_page_num: bool = False
    """Serve page 1 whatever page is asked for (a server or proxy that drops page_num / page)."""
    lying_data: LyingData | None = None
    """Replace the `data` of successful answers on `lying_paths` with null ("null") or {} ("empty")."""
    lying_paths: tuple[str, ...] = ("/a/transaction/list4",)
    echo_credentials: Echo | None = None
    """Quote the credentials of every rejected request (401/403, codes 1000/1001) back in the error message,
    transformed (upper, lower, base64, hex, url): what must never reach a user."""
    seed: int = 0
    sleep: SleepFn = field(default=asyncio.sleep, repr=False)
    """Injectable for tests (a fake sleep records the delays instead of waiting)."""
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    """Monotonic seconds, for the token bucket."""

    def __post_init__(self) -> None:
        for name in ("error_rate", "hang_rate", "malformed_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, got {value}")
        for name in ("latency_ms", "jitter_ms", "hang_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"Faults.{name} must not be negative")
        if self.rate_limit_per_s is not None and self.rate_limit_per_s <= 0:
            raise ValueError("Faults.rate_limit_per_s must be positive (or None for no limit)")
        if self.page_drift_orders_per_request < 0:
            raise ValueError("Faults.page_drift_orders_per_request must not be negative")
        for name in ("trickle_bytes_per_s", "endless_rate_limit"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"Faults.{name} must be a positive number (or None)")

    @property
    def active(self) -> bool:
        return any(
            (
                self.latency_ms,
                self.jitter_ms,
                self.error_rate,
                self.hang_rate,
                self.malformed_rate,
                self.rate_limit_per_s,
                self.page_drift_orders_per_request,
                self.trickle_bytes_per_s,
                self.endless_rate_limit,
                self.ignore_page_num,
                self.lying_data,
                self.echo_credentials,
            )
        )


class TokenBucket:
    """Classic token bucket: `rate` tokens per second, at most `capacity` stored."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self.tokens = capacity
        self.updated = clock()

    def take(self) -> float:
        """Take one token. Returns 0.0 when granted, else the seconds until a token is available."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass(frozen=True)
class _Draws:
    error: float
    hang: float
    malformed: float
    jitter: float
    status_pick: int


class FaultMiddleware:
    """ASGI middleware applying `Faults` to every HTTP request; `on_drift(n)` adds n new orders."""

    def __init__(self, app: ASGIApp, faults: Faults, on_drift: DriftFn | None = None) -> None:
        self.app = app
        self.faults = faults
        self.on_drift = on_drift
        self.rng = random.Random(faults.seed)
        self.bucket: TokenBucket | None = None
        if faults.rate_limit_per_s is not None:
            capacity = faults.rate_limit_burst or max(1.0, faults.rate_limit_per_s)
            self.bucket = TokenBucket(faults.rate_limit_per_s, float(capacity), faults.clock)

    def _draw(self) -> _Draws:
        rng = self.rng
        return _Draws(
            rng.random(), rng.random(), rng.random(), rng.random(), rng.randrange(len(SERVER_ERROR_STATUSES))
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = self.faults
        family = family_of_path(scope.get("path", ""))
        draws = self._draw()

        if faults.endless_rate_limit is not None:
            body = error_body(family, 1002, "call frequency too high (sandbox fault: endless rate limit)")
            await _send_json(send, 429, body, {"retry-after": f"{faults.endless_rate_limit:g}"})
            return

        if self.bucket is not None:
            wait = self.bucket.take()
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                body = error_body(family, 1002, "call frequency too high (sandbox rate limit)")
                await _send_json(send, 429, body, {"retry-after": str(retry_after)})
                return

        delay_ms = faults.latency_ms + draws.jitter * faults.jitter_ms
        if delay_ms > 0:
            await faults.sleep(delay_ms / 1000.0)

        if draws.hang < faults.hang_rate:
            await faults.sleep(faults.hang_seconds)
            await _send_text(send, 504, "gateway timeout (sandbox fault: hanging request)")
            return

        if draws.error < faults.error_rate:
            status = SERVER_ERROR_STATUSES[draws.status_pick]
            await _send_text(send, status, f"server error {status} (sandbox fault)")
            return

        if faults.page_drift_orders_per_request and self.on_drift is not None:
            self.on_drift(faults.page_drift_orders_per_request)

        if faults.ignore_page_num:
            scope, receive = await first_page_only(scope, receive)
        if faults.echo_credentials is not None:
            send = echo_rejected_credentials(scope, send, faults.echo_credentials)
        if faults.lying_data is not None and scope.get("path") in faults.lying_paths:
            send = rewrite_data(send, faults.lying_data)
        if faults.trickle_bytes_per_s is not None:
            send = trickle(send, faults.trickle_bytes_per_s, faults.sleep)
        if draws.malformed < faults.malformed_rate:
            await self.app(scope, receive, _Truncating(send))
            return
        await self.app(scope, receive, send)


class _Truncating:
    """Collects the response and sends only the first half of its body (invalid JSON)."""

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
        body = b"".join(self.chunks)
        cut = body[: max(1, len(body) // 2)]
        assert self.start is not None
        headers = [(k, v) for k, v in self.start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": cut})


async def _send_json(send: Send, status: int, payload: object, extra_headers: dict[str, str]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra_headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_text(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
