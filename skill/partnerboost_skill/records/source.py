"""Where PartnerBoost data comes from, as one protocol: the live API (`LiveSource`), the local cache
(`partnerboost_skill.store.CachingSource`) and wrappers such as the MCP server's progress reporter all
implement `Source` explicitly, and everything above this layer (answers, commands, the server) depends on the
protocol only.

- `call(action)`: one request, the unwrapped `data`;
- `fetch_all(action)`: every page (and window) of a listing, as a `FetchResult`;
- `fetch_orders_frame(list4 query)`: the orders of a query as an orders frame (records.frames' schema) — the
  cache answers it from stored days without building records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import anyio
import pandas as pd

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.frames import orders_frame
from partnerboost_tools.base import Action
from partnerboost_tools.merchant import MerchantListTransactions


@dataclass
class OrdersFetch:
    """An orders frame and how it was obtained (`result.records` stays empty: the frame holds them)."""

    frame: pd.DataFrame
    result: FetchResult


class Source(Protocol):
    @property
    def credentials(self) -> Credentials: ...

    async def call(self, action: Action) -> Any: ...

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult: ...

    async def fetch_orders_frame(
        self,
        action: MerchantListTransactions,
        on_progress: ProgressCallback | None = None,
        *,
        allow_partial: bool = False,
    ) -> OrdersFetch: ...


def records_of(result: FetchResult) -> list[dict[str, Any]]:
    """The records of a listing that are objects (anything else a page carries is not a record)."""
    return [record for record in result.records if isinstance(record, dict)]


async def orders_fetch(result: FetchResult) -> OrdersFetch:
    """A listing's records as an orders frame (built in a worker thread: the event loop keeps serving)."""
    frame = await anyio.to_thread.run_sync(orders_frame, records_of(result))
    summary = FetchResult(
        [], len(frame), result.complete, result.missing, result.requests, result.windows, result.notes
    )
    return OrdersFetch(frame, summary)


class LiveSource:
    """The PartnerBoost API itself, through an open PartnerBoostClient (which its opener closes)."""

    def __init__(self, client: PartnerBoostClient) -> None:
        self.client = client

    @property
    def credentials(self) -> Credentials:
        return self.client.credentials

    async def call(self, action: Action) -> Any:
        return await self.client.call(action)

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        return await self.client.fetch_all(action, on_progress, allow_partial=allow_partial)

    async def fetch_orders_frame(
        self,
        action: MerchantListTransactions,
        on_progress: ProgressCallback | None = None,
        *,
        allow_partial: bool = False,
    ) -> OrdersFetch:
        return await orders_fetch(await self.fetch_all(action, on_progress, allow_partial=allow_partial))


def as_source(source: Source | PartnerBoostClient) -> Source:
    """A Source for either a Source or a bare client (tests and scripts often hold only the client)."""
    return LiveSource(source) if isinstance(source, PartnerBoostClient) else source
