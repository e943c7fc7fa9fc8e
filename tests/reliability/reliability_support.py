"""Helpers for the reliability tests: fake time, failing transports, the questions, their figures. No tests.

Imported by name (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio
import anyio.lowlevel
import httpx2
from hypothesis import HealthCheck, settings

from partnerboost_skill import answers
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.openpartner import OpenPartnerClient
from partnerboost_skill.cli import build_parser
from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import Connection
from partnerboost_skill.sandbox import (
    SANDBOX_AMAZON_BASE_URL,
    SANDBOX_BASE_URL,
    SANDBOX_OPENPARTNER_BASE_URL,
    sandbox_transport,
)
from partnerboost_skill.sandbox import credentials as sandbox
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.world import World, WorldConfig


def fuzz_settings(examples: int) -> settings:
    """Hypothesis settings for the suite: the same examples on every run (CI stays reproducible), no example
    database written into the checkout, no per-example deadline (the machine is shared)."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


RELIABILITY_WORLD = WorldConfig(seed=11, days=200, orders_per_day=60, n_partners=40)
"""Small enough to answer in well under a second, big enough for several pages per month of orders."""
NOW = RELIABILITY_WORLD.now

MERCHANT_AND_BRAND = Credentials(
    api_key=sandbox.SANDBOX_API_KEY,
    brand_id=sandbox.SANDBOX_BRAND_ID,
    brand_token=sandbox.SANDBOX_BRAND_TOKEN,
    brand_secret=sandbox.SANDBOX_BRAND_SECRET,
)

Question = Callable[[PartnerBoostClient], Awaitable[Answer]]

QUESTIONS: dict[str, Question] = {
    "review": lambda c: answers.review(c, "last month", "channel_type", now=NOW),
    "monitor": lambda c: answers.monitor(c, "last month", now=NOW),
    "bills": lambda c: answers.bills(c, "last month", now=NOW),
    "media": lambda c: answers.media(c, "last two months", status="all", now=NOW),
    "compare": lambda c: answers.compare(c, "last month", "previous", "partner", now=NOW),
}
"""Each merchant question over a period that ends before the world's `now` (drift cannot reach it)."""


class FakeTime:
    """A clock that only moves when someone sleeps: retries and Retry-After waits cost no real time.

    Sleeping yields to the event loop, so concurrent fetches still interleave.
    """

    def __init__(self, start: float | None = None) -> None:
        self.now = NOW.timestamp() if start is None else start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds > 0 and math.isfinite(seconds):
            self.now += seconds
        await anyio.lowlevel.checkpoint()


class Counting(httpx2.AsyncBaseTransport):
    """Records the requests that reach the inner transport and the statuses it answered."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx2.Request] = []
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


class Deadline(httpx2.AsyncBaseTransport):
    """Enforces the client's read timeout the way a socket would (ASGITransport ignores timeouts); counts the
    requests cut short, by that timeout or by the client's own bound on the whole request."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.timeouts = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        limit = (request.extensions.get("timeout") or {}).get("read")
        if limit is None:
            return await self.inner.handle_async_request(request)
        try:
            with anyio.move_on_after(limit) as scope:
                return await self.inner.handle_async_request(request)
        except anyio.get_cancelled_exc_class():
            self.timeouts += 1
            raise
        if scope.cancelled_caught:
            self.timeouts += 1
        raise httpx2.ReadTimeout("timed out waiting for the response", request=request)


class DiesAfter(httpx2.AsyncBaseTransport):
    """A server that answers `alive` requests and then is gone: every later request cannot connect."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, alive: int) -> None:
        self.inner = inner
        self.alive = alive
        self.seen = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen += 1
        if self.seen > self.alive:
            raise httpx2.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


class Burst(httpx2.AsyncBaseTransport):
    """Requests number `first`..`last` (1-based, inclusive) answer 503: one sustained burst of errors."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, first: int, last: int) -> None:
        self.inner = inner
        self.first, self.last = first, last
        self.seen = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen += 1
        if self.first <= self.seen <= self.last:
            return httpx2.Response(503, text="service unavailable (burst)")
        return await self.inner.handle_async_request(request)


class DeepPagesFail(httpx2.AsyncBaseTransport):
    """Every order-list request for page `from_page` or later answers 503: the first pages arrive, the rest
    never do."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, from_page: int) -> None:
        self.inner = inner
        self.from_page = from_page

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/transaction/list4"):
            body = json.loads(await request.aread() or b"{}")
            if int(body.get("page_num") or 1) >= self.from_page:
                return httpx2.Response(503, text="service unavailable (deep page)")
        return await self.inner.handle_async_request(request)


def faulty_transport(world: World, faults: Faults | None, time: FakeTime) -> httpx2.AsyncBaseTransport:
    """The sandbox on `world` with `faults`, its brand-date check on the fake clock."""
    return sandbox_transport(world, faults, clock=time.utc)


def client_on(
    transport: httpx2.AsyncBaseTransport, time: FakeTime, *, max_retries: int = 4, timeout: float = 30.0,
    credentials: Credentials = MERCHANT_AND_BRAND,
) -> PartnerBoostClient:
    return PartnerBoostClient(
        credentials,
        base_url=SANDBOX_BASE_URL,
        amazon_base_url=SANDBOX_AMAZON_BASE_URL,
        transport=transport,
        max_retries=max_retries,
        timeout=timeout,
        clock=time.clock,
        sleep=time.sleep,
        jitter=lambda: 0.5,
    )


def openpartner_on(
    transport: httpx2.AsyncBaseTransport, time: FakeTime, *, max_retries: int = 4,
    key: str = sandbox.OPENPARTNER_ADMIN_KEY,
) -> OpenPartnerClient:
    """An OpenPartner client on the sandbox's hosted tenant, with fake time."""
    return OpenPartnerClient(Credentials(openpartner_api_key=key), base_url=SANDBOX_OPENPARTNER_BASE_URL,
                             transport=transport, max_retries=max_retries, clock=time.clock,
                             sleep=time.sleep, jitter=lambda: 0.5)


@asynccontextmanager
async def both_platforms(
    transport: httpx2.AsyncBaseTransport, time: FakeTime, *, max_retries: int = 4,
    credentials: Credentials = MERCHANT_AND_BRAND,
) -> AsyncIterator[PlatformSource]:
    """One source over both platforms' clients on `transport` (the sandbox, possibly failing), fake time."""
    async with (
        client_on(transport, time, max_retries=max_retries, credentials=credentials) as client,
        openpartner_on(transport, time, max_retries=max_retries) as openpartner,
    ):
        yield PlatformSource(LiveSource(client), openpartner)


def figures(answer: Answer) -> dict[str, Any]:
    """Everything an answer reports except whether it is complete and its notes (exact: Decimals stay)."""
    return answer.model_dump(exclude={"complete", "notes"})


def incomplete_notes(answer: Answer) -> list[str]:
    return [note for note in answer.notes if note.startswith("incomplete ")]


def connect_with(
    build: Callable[[FakeTime], httpx2.AsyncBaseTransport], *, max_retries: int = 4
) -> Callable[[Settings], AbstractAsyncContextManager[Connection]]:
    """A server connection factory on the transport `build` makes, with fake time."""

    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        time = FakeTime()
        async with both_platforms(build(time), time, max_retries=max_retries) as source:
            yield Connection(source=source, demo=True, now=NOW, platforms=("partnerboost", "openpartner"))

    return connect


LONG_RUNNING = {"serve", "sandbox"}
"""They start a server and block until interrupted: their argument handling is tested in their own suites."""


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {name: sub for name, sub in action.choices.items() if name not in LONG_RUNNING}
    raise AssertionError("the CLI has no subcommands")
