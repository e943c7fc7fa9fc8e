"""Helpers for the cache tests: a small sandbox world behind a request-counting app, clients on it."""

from __future__ import annotations

import json
import struct
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2

from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL
from partnerboost_skill.sandbox.app import create_app
from partnerboost_skill.sandbox.world import DEFAULT_NOW, World, WorldConfig
from partnerboost_skill.store import AccountStore, CacheBackend, CachingSource, SettlePolicy, account_file
from partnerboost_skill.store.codec import MAGIC

NOW = DEFAULT_NOW
LIST4 = "/a/transaction/list4"
STATS = "/a/transaction/list_stats"


def small_world() -> World:
    return World.generate(WorldConfig(orders_per_day=40))


class CountingApp:
    """The sandbox app, counting requests per path."""

    def __init__(self, world: World) -> None:
        self.app = create_app(world)
        self.paths: Counter[str] = Counter()
        self.down: set[str] = set()
        """Paths answered with HTTP 503 (an outage)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths[scope["path"]] += 1
            if scope["path"] in self.down:
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b"service unavailable"})
                return
        await self.app(scope, receive, send)


@dataclass
class Sandbox:
    app: CountingApp
    transport: httpx2.ASGITransport

    @classmethod
    def over(cls, world: World) -> Sandbox:
        app = CountingApp(world)
        return cls(app, httpx2.ASGITransport(app=app))

    def client(self, **options: Any) -> PartnerBoostClient:
        return PartnerBoostClient(
            sandbox_credentials(),
            base_url=SANDBOX_BASE_URL,
            amazon_base_url=SANDBOX_AMAZON_BASE_URL,
            transport=self.transport,
            **options,
        )


def store_path(cache_dir: Path) -> Path:
    return account_file(cache_dir, sandbox_credentials(), SANDBOX_BASE_URL)


@asynccontextmanager
async def caching(
    sandbox: Sandbox,
    cache_dir: Path,
    *,
    refresh: bool = False,
    settle_days: int = 90,
    lock_timeout: float = 0.2,
    store: CacheBackend | None = None,
    **options: Any,
) -> AsyncIterator[CachingSource]:
    """A caching source on the sandbox: the account's SQLite file under `cache_dir`, or `store`."""
    async with sandbox.client(**options) as inner:
        if store is None:
            store = AccountStore(store_path(cache_dir), lock_timeout=lock_timeout)
        async with CachingSource(
            LiveSource(inner), store, policy=SettlePolicy(timedelta(days=settle_days)), refresh=refresh,
            now=lambda: NOW,
        ) as client:
            yield client


def without_notes(answer: Answer) -> dict[str, Any]:
    dumped = answer.model_dump()
    dumped.pop("notes")
    return dumped


def flip_first_amount(body: bytes) -> bytes:
    """The stored day with bit 12 of its first order's amount_cents flipped (+/- 40.96 in money)."""
    start = len(MAGIC) + 4
    (head_length,) = struct.unpack_from("<I", body, len(MAGIC))
    header = json.loads(body[start : start + head_length])
    offset = start + head_length
    for entry in header["columns"]:
        if entry["name"] == "amount_cents":
            break
        offset += entry["bytes"]
    flipped = bytearray(body)
    flipped[offset + 1] ^= 0x10
    return bytes(flipped)
