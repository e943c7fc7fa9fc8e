"""Fetching what each answer needs through PartnerBoostClient and building the frames.

Every fetch uses `fetch_all(..., allow_partial=True)`: when pages are missing the answer is still computed
but says `complete=False` and lists what is missing in its notes, never a silently short answer. Orders (and
bills for the bill check) are essential: when they cannot be fetched at all the answer is that error. Clicks
only feed conversion: when they cannot be fetched the answer goes on without them (clicks None, never zero),
says `complete=False` and notes that conversion figures are missing. The merchant API's time filters include
their end second, so a half-open period [start, end) is sent as start .. end − 1 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from partnerboost_skill.analysis.frames import (
    bills_frame,
    clicks_frame,
    concat_orders,
    empty_clicks,
    orders_frame,
    partners_frame,
)
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import MissingCredentials, PartnerBoostError
from partnerboost_skill.api.results import FetchResult
from partnerboost_skill.periods import Period
from partnerboost_tools.base import Action
from partnerboost_tools.brand import BrandListPublishers
from partnerboost_tools.merchant import MerchantListBills, MerchantListTransactions, MerchantPerformanceList

_LAST_SECOND = timedelta(seconds=1)


@dataclass
class Fetched:
    """Frames plus whether everything behind them arrived."""

    complete: bool = True
    notes: list[str] = field(default_factory=list)
    requests: int = 0

    def absorb(self, result: FetchResult, what: str) -> None:
        self.requests += result.requests
        self.notes.extend(note for note in result.notes if note not in self.notes)
        if not result.complete:
            self.complete = False
            missing = "; ".join(result.missing) or "some pages could not be fetched"
            self.notes.append(f"incomplete {what}: {missing}")


async def _fetch(client: PartnerBoostClient, action: Action, what: str, fetched: Fetched) -> list[dict]:
    result = await client.fetch_all(action, allow_partial=True)
    fetched.absorb(result, what)
    return [record for record in result.records if isinstance(record, dict)]


async def load_orders(
    client: PartnerBoostClient, start: datetime, end: datetime, fetched: Fetched
) -> pd.DataFrame:
    """Orders placed in [start, end); through the local cache when the client has one (skill.store)."""
    action = MerchantListTransactions(trans_time_start=start, trans_time_end=end - _LAST_SECOND)
    what = f"orders {start:%Y-%m-%d} .. {end:%Y-%m-%d}"
    from_cache = getattr(client, "fetch_orders_frame", None)
    if from_cache is not None:
        cached = await from_cache(action, allow_partial=True)
        fetched.absorb(cached.result, what)
        return cached.frame
    return orders_frame(await _fetch(client, action, what, fetched))


async def load_orders_of_bill(client: PartnerBoostClient, bill_id: int, fetched: Fetched) -> pd.DataFrame:
    """Every order that carries one bill id (list4 `payment_id`)."""
    records = await _fetch(
        client, MerchantListTransactions(payment_id=bill_id), f"orders of bill {bill_id}", fetched
    )
    return orders_frame(records)


async def load_clicks(
    client: PartnerBoostClient, period: Period, fetched: Fetched, group_by: str = "medium"
) -> pd.DataFrame:
    """Performance rows (clicks per medium, or per day) for one period."""
    action = MerchantPerformanceList(
        start_date=period.start,
        end_date=period.end - _LAST_SECOND,
        group_by=group_by,  # type: ignore[arg-type]
    )
    records = await _fetch(client, action, f"clicks {period.label}", fetched)
    if not records:
        return empty_clicks()
    return clicks_frame(records, start=period.start, end=period.end)


async def load_clicks_for(
    client: PartnerBoostClient, periods: list[Period], fetched: Fetched, group_by: str = "medium"
) -> pd.DataFrame | None:
    """Performance rows for every period, or None (no click data) when any of them cannot be fetched: clicks
    for one period and not the other would make a conversion change out of nothing."""
    frames = []
    for period in periods:
        try:
            frames.append(await load_clicks(client, period, fetched, group_by))
        except PartnerBoostError as error:
            fetched.complete = False
            fetched.notes.append(
                f"clicks could not be fetched ({error.message}): click counts and conversion figures "
                "are missing from this answer"
            )
            return None
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty_clicks()


async def load_bills(
    client: PartnerBoostClient, start: datetime, end: datetime, fetched: Fetched
) -> pd.DataFrame:
    """Bills created in [start, end)."""
    action = MerchantListBills(time_start=start, time_end=end - _LAST_SECOND)
    records = await _fetch(client, action, f"bills created {start:%Y-%m-%d} .. {end:%Y-%m-%d}", fetched)
    return bills_frame(records)


async def load_partners(
    client: PartnerBoostClient, status: str | None, fetched: Fetched
) -> pd.DataFrame | None:
    """The brand's publisher list, or None when brand credentials are missing or the list cannot be read."""
    if not client.credentials.has_family("brand"):
        return None
    try:
        wanted = None if status in (None, "", "all") else status
        records = await _fetch(client, BrandListPublishers(status=wanted), "partner list", fetched)
    except MissingCredentials:
        return None
    except PartnerBoostError as error:
        fetched.notes.append(
            f"the partner list could not be read ({error.message}); media derived from activity"
        )
        return None
    return partners_frame(records)


def merge_orders(*frames: pd.DataFrame) -> pd.DataFrame:
    """Orders from several fetches, each distinct record once (a repeated order_id with a different time or
    amount is a duplicate postback and stays)."""
    combined = concat_orders(list(frames))
    keys = ["order_id", "time", "amount_cents", "commission_cents"]
    return combined.drop_duplicates(subset=keys, ignore_index=True)
