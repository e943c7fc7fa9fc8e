"""Open clients on the configured accounts (PartnerBoost, OpenPartner), or on the built-in sandbox when no
credentials exist at all.

`Connection.source` is a `Source` over both platforms (records.platform_source): PartnerBoost's side is the
live API behind the local cache with `settings.use_cache` (the default; see store/), which answers from stored
data where it has settled; OpenPartner's side is its client. `Connection.platforms` lists the platforms with
credentials, PartnerBoost first (the answers' default); `Connection.events` keeps OpenPartner's webhook
deliveries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.openpartner import OpenPartnerClient
from partnerboost_skill.config import ConfigError, Credentials, Settings
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource, Source
from partnerboost_skill.store import cached_source
from partnerboost_skill.store.caching_source import CachingSource
from partnerboost_skill.store.webhook_events import BackendWebhookEvents, WebhookEvents, memory_events
from partnerboost_tools.base import PARTNERBOOST_FAMILIES

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
    platforms: tuple[str, ...] = ("partnerboost",)
    """The platforms with credentials (partnerboost, openpartner), PartnerBoost first; both in demo mode."""
    events: WebhookEvents | None = field(default=None)
    """OpenPartner's verified webhook deliveries, kept in the account's cache."""

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
        openpartner_api_key=sc.OPENPARTNER_ADMIN_KEY,
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def configured_platforms(credentials: Credentials) -> tuple[str, ...]:
    """The platforms with credentials, PartnerBoost first."""
    chosen = []
    if any(credentials.has_family(family) for family in PARTNERBOOST_FAMILIES):
        chosen.append("partnerboost")
    if credentials.has_family("openpartner"):
        chosen.append("openpartner")
    return tuple(chosen)


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
        platforms = configured_platforms(settings.credentials)
        async with AsyncExitStack() as stack:
            client = await stack.enter_async_context(PartnerBoostClient(
                settings.credentials, base_url=settings.base_url, amazon_base_url=settings.amazon_base_url
            ))
            chosen = await stack.enter_async_context(_with_cache(settings, client, demo=False, now=_utc_now))
            openpartner = None
            if "openpartner" in platforms:
                openpartner = await stack.enter_async_context(OpenPartnerClient.from_settings(settings))
            yield Connection(source=PlatformSource(chosen, openpartner), demo=False, now=datetime.now(UTC),
                             clock=_utc_now, timezone=settings.timezone, platforms=platforms,
                             events=events_of(chosen))
        return
    if settings.cache_namespace:
        raise ConfigError("this tenant has no PartnerBoost credentials; the sandbox is not served to tenants")
    from partnerboost_skill.sandbox import default_world, sandbox_transport

    world = default_world()
    frozen = world.config.now
    async with (
        sandbox_clients(sandbox_transport(world)) as (client, openpartner),
        _with_cache(settings, client, demo=True, now=lambda: frozen) as chosen,
    ):
        yield Connection(source=PlatformSource(chosen, openpartner), demo=True, now=frozen,
                         platforms=("partnerboost", "openpartner"), events=events_of(chosen))


def events_of(source: Source) -> WebhookEvents:
    """Webhook events kept in the source's cache (the account's file or database rows; in memory for the
    demo), or in memory for this connection when it runs without a cache."""
    if isinstance(source, CachingSource) and source.store is not None:
        return BackendWebhookEvents(source.store)
    return memory_events()


@asynccontextmanager
async def sandbox_clients(
    transport: Any, **options: Any
) -> AsyncIterator[tuple[PartnerBoostClient, OpenPartnerClient]]:
    """Both platforms' clients on a sandbox transport, with the sandbox's credentials (the demo, tests and
    benchmarks); `options` are the clients' (max_retries, clock, ...)."""
    from partnerboost_skill.sandbox import (
        SANDBOX_AMAZON_BASE_URL,
        SANDBOX_BASE_URL,
        SANDBOX_OPENPARTNER_BASE_URL,
    )

    credentials = sandbox_credentials()
    async with (
        PartnerBoostClient(credentials, base_url=SANDBOX_BASE_URL, amazon_base_url=SANDBOX_AMAZON_BASE_URL,
                           transport=transport, **options) as client,
        OpenPartnerClient(credentials, base_url=SANDBOX_OPENPARTNER_BASE_URL, transport=transport,
                          **options) as openpartner,
    ):
        yield client, openpartner
