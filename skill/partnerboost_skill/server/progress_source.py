"""Progress notifications for the analysis tools: a Source wrapper that reports every fetched page, summed
over all the listings an answer reads at the same time."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from partnerboost_skill.api.results import FetchResult, ProgressCallback, report_progress
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.source import OrdersFetch, Source
from partnerboost_tools.base import Action
from partnerboost_tools.merchant import MerchantListTransactions

Report = Callable[[float, float | None, str], Awaitable[None]]


class ProgressSource:
    """Delegates to a Source; its fetches also report the records fetched so far to `report`."""

    def __init__(self, inner: Source, report: Report) -> None:
        self._inner = inner
        self._report = report
        self._ids = itertools.count()
        self._fetched: dict[int, int] = {}
        self._totals: dict[int, int | None] = {}
        self._last = 0.0

    @property
    def credentials(self) -> Credentials:
        return self._inner.credentials

    @property
    def conventions(self) -> Conventions:
        return self._inner.conventions

    async def call(self, action: Action) -> Any:
        return await self._inner.call(action)

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        result: FetchResult = await self._tracked(
            action, on_progress, self._inner.fetch_all, allow_partial, lambda r: len(r.records)
        )
        return result

    async def fetch_orders_frame(
        self,
        action: MerchantListTransactions,
        on_progress: ProgressCallback | None = None,
        *,
        allow_partial: bool = False,
    ) -> OrdersFetch:
        result: OrdersFetch = await self._tracked(
            action, on_progress, self._inner.fetch_orders_frame, allow_partial, lambda r: len(r.frame)
        )
        return result

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
