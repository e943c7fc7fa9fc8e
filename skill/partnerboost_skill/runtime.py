"""Open a client on the configured PartnerBoost account, or on the built-in sandbox when no credentials exist.

`Connection.source` is a `Source`: the live API, behind the local cache with `settings.use_cache` (the
default; see store/), which answers from stored data where it has settled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import ConfigError, Credentials, Settings
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.source import LiveSource, Source
from partnerboost_skill.store import cached_source

DEMO_NOTICE = "Demo data: no PartnerBoost credentials are configured, so this runs on the built-in sandbox."


@dataclass
class Connection:
    source: Source
    demo: bool
    now: datetime
    """The sandbox's frozen clock in demo mode; the time the connection opened otherwise."""
    clock: Callable[[], datetime] | None = None
    """The live clock: a connection kept open (by the HTTP server) answers relative to the present."""
    timezone: str | None = None
    """The account's own time zone when it differs from the server's settings (a hosted tenant's)."""

    def current(self) -> datetime:
        return self.clock() if self.clock is not None else self.now


def sandbox_credentials() -> Credentials:
    from partnerboost_skill.sandbox import credentials as sc

    return Credentials(
        api_key=sc.SANDBOX_API_KEY,
        brand_id=sc.SANDBOX_BRAND_ID,
        brand_token=sc.SANDBOX_BRAND_TOKEN,
        brand_secret=sc.SANDBOX_BRAND_SECRET,
        publisher_token=sc.SANDBOX_PUBLISHER_TOKEN,
        amazon_token=sc.SANDBOX_AMAZON_TOKEN,
        coupon_token=sc.SANDBOX_COUPON_TOKEN,
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def _with_cache(
    settings: Settings, client: PartnerBoostClient, *, demo: bool, now: Callable[[], datetime]
) -> AsyncIterator[Source]:
    live = LiveSource(client, Conventions.from_settings(settings.api_timezone, settings.fields))
    if not settings.use_cache:
        yield live
        return
    namespace = settings.cache_namespace
    async with cached_source(settings, live, demo=demo, now=now, namespace=namespace) as caching:
        yield caching


@asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[Connection]:
    if settings.has_any_credentials:
        async with (
            PartnerBoostClient(
                settings.credentials, base_url=settings.base_url, amazon_base_url=settings.amazon_base_url
            ) as client,
            _with_cache(settings, client, demo=False, now=_utc_now) as chosen,
        ):
            yield Connection(
                source=chosen, demo=False, now=datetime.now(UTC), clock=_utc_now, timezone=settings.timezone
            )
        return
    if settings.cache_namespace:
        raise ConfigError("this tenant has no PartnerBoost credentials; the sandbox is not served to tenants")
    from partnerboost_skill.sandbox import (
        SANDBOX_AMAZON_BASE_URL,
        SANDBOX_BASE_URL,
        default_world,
        sandbox_transport,
    )

    world = default_world()
    frozen = world.config.now
    async with (
        PartnerBoostClient(
            sandbox_credentials(),
            base_url=SANDBOX_BASE_URL,
            amazon_base_url=SANDBOX_AMAZON_BASE_URL,
            transport=sandbox_transport(world),
        ) as client,
        _with_cache(settings, client, demo=True, now=lambda: frozen) as chosen,
    ):
        yield Connection(source=chosen, demo=True, now=frozen)
