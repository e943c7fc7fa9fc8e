"""Where PartnerBoost data comes from, as one protocol: the live API (`LiveSource`), the local cache
(`partnerboost_skill.store.CachingSource`) and wrappers such as the MCP server's progress reporter all
implement `Source` explicitly, and everything above this layer (answers, commands, the server) depends on the
protocol only.

- `call(action)`: one request, the unwrapped `data`;
- `fetch_all(action)`: every page (and window) of a listing, as a `FetchResult`;
- `fetch_orders_frame(list4 query)`: the orders of a query as an orders frame (records.frames' schema) — the
  cache answers it from stored days without building records;
- `conventions`: what the reader learned about the API (its text times' zone, configured field names).

A time-range order query returns exactly the orders placed from its start to its end second, whatever the
API's bound conventions: the live source asks for `OVERLAP` more on both sides and cuts on the parsed times,
so an API whose end bound is exclusive (or start bound inclusive of the second before) gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

import anyio
import pandas as pd

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.probe import settle
from partnerboost_skill.records.read import ReadReport, read_orders
from partnerboost_tools.base import Action
from partnerboost_tools.merchant import MerchantListTransactions

OVERLAP = timedelta(minutes=1)
"""How much wider than asked a time-range order query is fetched before it is cut on the parsed times."""


@dataclass
class OrdersFetch:
    """An orders frame and how it was obtained (`result.records` stays empty: the frame holds them)."""

    frame: pd.DataFrame
    result: FetchResult
    report: ReadReport | None = None
    """How the records were read (None when the frame came from the cache)."""


class Source(Protocol):
    @property
    def credentials(self) -> Credentials: ...

    @property
    def conventions(self) -> Conventions: ...

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


async def orders_fetch(
    result: FetchResult,
    conventions: Conventions | None = None,
    window: tuple[datetime, datetime] | None = None,
    cut: tuple[datetime, datetime] | None = None,
) -> OrdersFetch:
    """A listing's records as an orders frame (built in a worker thread: the event loop keeps serving);
    `window` is the range the records were asked for (Unix seconds reveal the zone of text times), `cut` the
    range [start, end] (inclusive end second) the answer wants."""
    seconds = None if window is None else (window[0].timestamp(), window[1].timestamp())
    read = await anyio.to_thread.run_sync(
        partial(read_orders, records_of(result), conventions=conventions, window=seconds)
    )
    frame = read.frame
    if cut is not None and not frame.empty:
        first, last = pd.Timestamp(cut[0]).tz_convert("UTC"), pd.Timestamp(cut[1]).tz_convert("UTC")
        times = frame["time"]
        inside = ((times >= first) & (times < last + pd.Timedelta(seconds=1))).to_numpy()
        if not inside.all():
            frame = frame[inside].reset_index(drop=True)
    notes = list(result.notes)
    notes += [note for note in read.report.notes if note not in notes]
    summary = FetchResult(
        [], len(frame), result.complete, result.missing, result.requests, result.windows, notes
    )
    return OrdersFetch(frame, summary, read.report)


def widened(action: MerchantListTransactions) -> MerchantListTransactions | None:
    """The query with its time range OVERLAP wider on both sides; None without a closed range."""
    start, end = action.trans_time_start, action.trans_time_end
    if start is None or end is None:
        return None
    return action.model_copy(update={"trans_time_start": start - OVERLAP, "trans_time_end": end + OVERLAP})


class LiveSource:
    """The PartnerBoost API itself, through an open PartnerBoostClient (which its opener closes)."""

    def __init__(self, client: PartnerBoostClient, conventions: Conventions | None = None) -> None:
        self.client = client
        self._conventions = conventions or Conventions()

    @property
    def credentials(self) -> Credentials:
        return self.client.credentials

    @property
    def conventions(self) -> Conventions:
        return self._conventions

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
        wide = widened(action)
        result = await self.fetch_all(wide or action, on_progress, allow_partial=allow_partial)
        if wide is None:
            return await orders_fetch(result, self._conventions)
        window = (_given(wide.trans_time_start), _given(wide.trans_time_end))
        cut = (_given(action.trans_time_start), _given(action.trans_time_end))
        got = await orders_fetch(result, self._conventions, window=window, cut=cut)
        if got.report is not None and got.report.zone is not None and not got.report.zone.settled:
            await settle(self, zone=True)  # the records fit several zones: ask the API which
            if self._conventions.detected is not None:
                got = await orders_fetch(result, self._conventions, window=window, cut=cut)
        return got


def _given(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment


def as_source(source: Source | PartnerBoostClient) -> Source:
    """A Source for either a Source or a bare client (tests and scripts often hold only the client)."""
    return LiveSource(source) if isinstance(source, PartnerBoostClient) else source
