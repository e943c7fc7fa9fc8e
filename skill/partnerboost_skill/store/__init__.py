"""The cache: orders by day and small listings per query — a SQLite file per account, or one PostgreSQL
database shared by replicas when `settings.cache_url` is set.

`cached_source(settings, source, demo=..., now=...)` wraps an open Source; see caching_source.py for what is
cached and orders.py for how the recent window is kept current.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from partnerboost_skill.config import Settings
from partnerboost_skill.records.source import Source
from partnerboost_skill.store.backend import CacheBackend, account_key
from partnerboost_skill.store.caching_source import CachingSource
from partnerboost_skill.store.database import IN_MEMORY, AccountStore, account_file
from partnerboost_skill.store.freshness import SettlePolicy


def open_backend(settings: Settings, *, demo: bool = False, namespace: str = "") -> CacheBackend:
    """The cache of the account `settings` describes: its rows in the PostgreSQL database of
    `settings.cache_url`, or its file under `settings.cache_dir` (under `namespace/` for a hosted tenant).

    The demo's sandbox lives in this process and writes change it, so its cache is kept in memory for the
    connection only: a file would outlive the world it describes.
    """
    if demo:
        return AccountStore(IN_MEMORY)
    if settings.cache_url is not None:
        from partnerboost_skill.store.postgres import PostgresDatabase, PostgresStore

        database = PostgresDatabase.at(settings.cache_url.get_secret_value())
        return PostgresStore(database, account_key(settings.credentials, settings.base_url, namespace))
    folder = settings.cache_dir / namespace if namespace else settings.cache_dir
    return AccountStore(account_file(folder, settings.credentials, settings.base_url))


def cached_source(
    settings: Settings,
    source: Source,
    *,
    demo: bool,
    now: Callable[[], datetime],
    namespace: str = "",
) -> CachingSource:
    """`source` behind the cache described by `settings` (cache_url or cache_dir, settle_days, refresh)."""
    store = open_backend(settings, demo=demo, namespace=namespace)
    policy = SettlePolicy(timedelta(days=settings.settle_days))
    return CachingSource(source, store, policy=policy, refresh=settings.refresh, now=now)


__all__ = [
    "AccountStore", "CacheBackend", "CachingSource", "SettlePolicy", "account_file", "cached_source",
    "open_backend",
]
