"""Progress notifications for the analysis tools: a client wrapper that reports every fetched page, summed
over all the listings an answer reads at the same time."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.results import FetchResult, ProgressCallback, report_progress
from partnerboost_tools.base import Action

Report = Callable[[float, float | None, str], Awaitable[None]]


class ProgressClient:
    """Delegates to a PartnerBoostClient; `fetch_all` also reports records fetched so far to `report`."""

    def __init__(self, client: PartnerBoostClient, report: Report) -> None:
        self._client = client
        self._report = report
        self._ids = itertools.count()
        self._fetched: dict[int, int] = {}
        self._totals: dict[int, int | None] = {}
        self._last = 0.0
        if hasattr(client, "fetch_orders_frame"):
            self.fetch_orders_frame = self._fetch_orders_frame

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        fetch = self._client.fetch_all
        result = await self._tracked(action, on_progress, fetch, allow_partial, lambda r: len(r.records))
        return result

    async def _fetch_orders_frame(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> Any:
        """The caching client's orders-frame fetch (see skill/store), with the same progress relay."""
        fetch = self._client.fetch_orders_frame  # type: ignore[attr-defined]
        return await self._tracked(action, on_progress, fetch, allow_partial, lambda r: len(r.frame))

    async def _tracked(
        self,
        action: Action,
        on_progress: ProgressCallback | None,
        fetch: Callable[..., Awaitable[Any]],
        allow_partial: bool,
        count: Callable[[Any], int],
    ) -> Any:
        key = next(self._ids)
        self._fetched[key] = 0
        self._totals[key] = None

        async def relay(fetched: int, total: int | None) -> None:
            self._fetched[key] = fetched
            self._totals[key] = total
            await self._send(action.tool_name)
            await report_progress(on_progress, fetched, total)

        result = await fetch(action, relay, allow_partial=allow_partial)
        self._fetched[key] = self._totals[key] = count(result)
        await self._send(action.tool_name)
        return result

    async def _send(self, what: str) -> None:
        done = float(sum(self._fetched.values()))
        if done <= self._last:  # progress notifications must increase
            return
        self._last = done
        totals = list(self._totals.values())
        total = float(sum(t for t in totals if t is not None)) if all(t is not None for t in totals) else None
        if total is not None and total < done:
            total = None
        await self._report(done, total, f"fetched {int(done)} records ({what})")
