"""The local cache: orders by day and small listings per query, in one SQLite file per account.

`cached_source(settings, source, demo=..., now=...)` wraps an open Source; see caching_source.py for what is
cached and orders.py for how the recent window is kept current.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from partnerboost_skill.config import Settings
from partnerboost_skill.records.source import Source
from partnerboost_skill.store.caching_source import CachingSource
from partnerboost_skill.store.database import IN_MEMORY, AccountStore, account_file
from partnerboost_skill.store.freshness import SettlePolicy


def cached_source(
    settings: Settings, source: Source, *, demo: bool, now: Callable[[], datetime]
) -> CachingSource:
    """`source` behind the cache described by `settings` (cache_dir, settle_days, refresh).

    The demo's sandbox lives in this process and writes change it, so its cache is kept in memory for the
    connection only: a file would outlive the world it describes.
    """
    store = AccountStore(
        IN_MEMORY if demo else account_file(settings.cache_dir, settings.credentials, settings.base_url)
    )
    policy = SettlePolicy(timedelta(days=settings.settle_days))
    return CachingSource(source, store, policy=policy, refresh=settings.refresh, now=now)


__all__ = ["AccountStore", "CachingSource", "SettlePolicy", "account_file", "cached_source"]
