"""A `Source` with a local cache in front (itself a `Source`).

- `fetch_orders_frame(list4 query)` answers a plain time-range order query from the cache where the orders
  have settled and checks or refetches the rest (see orders.py); other order queries are fetched live.
- `fetch_all` serves the small listings in listings.py through the cache and passes everything else through.
- `call` passes through; after a write it forgets what the write may change: the day of a created order or
  bonus, every cached day holding a voided order number, and all cached listings. (Writes made elsewhere reach
  recent days through the statistics check; a write into a settled day made outside this client shows after
  `refresh`.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from partnerboost_skill.api.params import get_param
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.source import OrdersFetch, Source
from partnerboost_skill.store.backend import CacheBackend
from partnerboost_skill.store.freshness import SettlePolicy, day_of
from partnerboost_skill.store.guard import StoreSession
from partnerboost_skill.store.listings import ListingCache, cached_kind
from partnerboost_skill.store.memo import OrderMemo
from partnerboost_skill.store.orders import OrderSync, is_plain_range
from partnerboost_skill.store.remembered_conventions import learnt, recall, remember
from partnerboost_tools.base import Action
from partnerboost_tools.merchant import MerchantListTransactions

Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CachingSource:
    """Wraps an open Source (which its opener closes); closes only its own store."""

    def __init__(
        self,
        client: Source,
        store: CacheBackend | None,
        *,
        policy: SettlePolicy | None = None,
        refresh: bool = False,
        now: Now = _utc_now,
    ) -> None:
        self.client = client
        self.store = store
        self.policy = policy or SettlePolicy()
        self.refresh = refresh
        self.now = now
        self._recalled: dict[str, object] | None = None
        self.memo = OrderMemo()

    @property
    def credentials(self) -> Credentials:
        return self.client.credentials

    @property
    def conventions(self) -> Conventions:
        """The client's conventions, completed on first use with what the cache remembers of the API."""
        conventions = self.client.conventions
        if self._recalled is None:
            self._recalled = {}
            if self.store is not None and not self.refresh:
                self._recalled = recall(self.store, conventions, self._now())
        return conventions

    async def __aenter__(self) -> CachingSource:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.memo.forget()
        if self.store is None:
            return
        if self._recalled is not None:
            found = learnt(self.client.conventions)
            if found and found != self._recalled:
                remember(self.store, found, self._now())
        self.store.close()

    def _now(self) -> int:
        return int(self.now().timestamp())

    # ----------------------------------------------------------------------------------------- reading
    async def fetch_orders_frame(
        self,
        action: MerchantListTransactions,
        on_progress: ProgressCallback | None = None,
        *,
        allow_partial: bool = False,
    ) -> OrdersFetch:
        """The orders of a list4 query as an orders frame (records.frames.orders_frame's schema)."""
        start, end = action.trans_time_start, action.trans_time_end
        if start is not None and end is not None and is_plain_range(action):
            sync = OrderSync(
                self.client, StoreSession(self.store), self.policy, self._now(), refresh=self.refresh,
                memo=self.memo,
            )
            return await sync.orders(
                int(start.timestamp()), int(end.timestamp()), on_progress, allow_partial=allow_partial
            )
        return await self.client.fetch_orders_frame(action, on_progress, allow_partial=allow_partial)

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        if cached_kind(action) is not None:
            cache = ListingCache(
                self.client, StoreSession(self.store), self.policy, self._now(), refresh=self.refresh
            )
            return await cache.fetch_all(action, on_progress, allow_partial=allow_partial)
        return await self.client.fetch_all(action, on_progress, allow_partial=allow_partial)

    # ----------------------------------------------------------------------------------------- writing
    async def call(self, action: Action) -> Any:
        if not action.writes:
            return await self.client.call(action)
        try:
            return await self.client.call(action)
        finally:
            await self._forget_after(action)

    async def _forget_after(self, action: Action) -> None:
        session = StoreSession(self.store)
        await session.run(lambda s: s.forget_listings(), None, writes=True)
        moment = get_param(action, "trans_time")
        if isinstance(moment, datetime):
            day = day_of(int(moment.timestamp()))
            await session.run(lambda s: s.forget_days([day]), None, writes=True)
        number = get_param(action, "order_number")
        if not isinstance(moment, datetime) and isinstance(number, str) and number:
            needle = json.dumps(number, ensure_ascii=False).encode()
            days: list[int] = await session.run(lambda s: s.days_holding(needle), [])
            if days:
                await session.run(lambda s: s.forget_days(days), None, writes=True)
