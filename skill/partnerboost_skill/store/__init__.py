"""The local cache: orders by day and small listings per query, in one SQLite file per account.

`cached_client(settings, client, demo=..., now=...)` wraps an open PartnerBoostClient; see caching_client.py
for what is cached and orders.py for how the recent window is kept current.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import Settings
from partnerboost_skill.store.caching_client import CachingClient
from partnerboost_skill.store.database import IN_MEMORY, AccountStore, account_file
from partnerboost_skill.store.freshness import SettlePolicy
from partnerboost_skill.store.orders import OrdersFetch


def cached_client(
    settings: Settings, client: PartnerBoostClient, *, demo: bool, now: Callable[[], datetime]
) -> CachingClient:
    """`client` behind the cache described by `settings` (cache_dir, settle_days, refresh).

    The demo's sandbox lives in this process and writes change it, so its cache is kept in memory for the
    connection only: a file would outlive the world it describes.
    """
    store = AccountStore(
        IN_MEMORY if demo else account_file(settings.cache_dir, settings.credentials, settings.base_url)
    )
    policy = SettlePolicy(timedelta(days=settings.settle_days))
    return CachingClient(client, store, policy=policy, refresh=settings.refresh, now=now)


__all__ = ["AccountStore", "CachingClient", "OrdersFetch", "SettlePolicy", "account_file", "cached_client"]
