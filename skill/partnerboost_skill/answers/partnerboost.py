"""The PartnerBoost provider: what each answer needs, fetched through a `Source` and built into frames.

Every fetch uses `fetch_all(..., allow_partial=True)`: when pages are missing the answer is still computed
but says `complete=False` and lists what is missing in its notes, never a silently short answer. Orders (and
bills for the bill check) are essential: when they cannot be fetched at all the answer is that error. Clicks
only feed conversion: when they cannot be fetched the answer goes on without them (clicks None, never zero),
says `complete=False` and notes that conversion figures are missing. The merchant API's time filters include
their end second, so a half-open period [start, end) is sent as start .. end − 1 s.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import pandas as pd

from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.answers.provider import Platform
from partnerboost_skill.api.errors import MissingCredentials, PartnerBoostError
from partnerboost_skill.periods import Period
from partnerboost_skill.records.frames import (
    bills_frame,
    clicks_frame,
    concat_orders,
    empty_clicks,
    orders_frame,
    partners_frame,
)
from partnerboost_skill.records.source import Source, records_of
from partnerboost_tools.base import Action
from partnerboost_tools.brand import BrandListPublishers
from partnerboost_tools.merchant import MerchantListBills, MerchantListTransactions, MerchantPerformanceList

_LAST_SECOND = timedelta(seconds=1)
ClicksBy = Literal["day", "week", "month", "medium", "channel"]


class PartnerBoostProvider:
    """PartnerBoost's merchant API (and the brand API's partner list when brand credentials exist)."""

    def __init__(self, source: Source) -> None:
        self.source = source

    @property
    def platform(self) -> Platform:
        return "partnerboost"

    async def _fetch(self, action: Action, what: str, fetched: Fetched) -> list[dict[str, Any]]:
        result = await self.source.fetch_all(action, allow_partial=True)
        fetched.absorb(result, what)
        return records_of(result)

    async def orders(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Orders placed in [start, end); through the local cache when the source has one (store/)."""
        action = MerchantListTransactions(trans_time_start=start, trans_time_end=end - _LAST_SECOND)
        got = await self.source.fetch_orders_frame(action, allow_partial=True)
        fetched.absorb(got.result, f"orders {start:%Y-%m-%d} .. {end:%Y-%m-%d}")
        return got.frame

    async def orders_of_bill(self, bill_id: str, fetched: Fetched) -> pd.DataFrame:
        """Every order that carries one bill id (list4 `payment_id`); none for an id that is not a number."""
        if not bill_id.isdigit():
            return orders_frame([])
        action = MerchantListTransactions(payment_id=int(bill_id))
        return orders_frame(await self._fetch(action, f"orders of bill {bill_id}", fetched))

    async def _clicks(self, period: Period, fetched: Fetched, group_by: ClicksBy) -> pd.DataFrame:
        action = MerchantPerformanceList(
            start_date=period.start, end_date=period.end - _LAST_SECOND, group_by=group_by
        )
        records = await self._fetch(action, f"clicks {period.label}", fetched)
        if not records:
            return empty_clicks()
        return clicks_frame(records, start=period.start, end=period.end)

    async def clicks(
        self, periods: list[Period], fetched: Fetched, group_by: str = "medium"
    ) -> pd.DataFrame | None:
        """Performance rows (clicks per medium, or per day) for every period, or None (no click data) when any
        of them cannot be fetched: clicks for one period and not the other would make a conversion change out
        of nothing."""
        by: ClicksBy = "day" if group_by == "day" else "medium"
        frames = []
        for period in periods:
            try:
                frames.append(await self._clicks(period, fetched, by))
            except PartnerBoostError as error:
                fetched.complete = False
                fetched.note(
                    f"clicks could not be fetched ({error.message}): click counts and conversion figures "
                    "are missing from this answer"
                )
                return None
        frames = [frame for frame in frames if not frame.empty]
        return pd.concat(frames, ignore_index=True) if frames else empty_clicks()

    async def bills(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Bills created in [start, end)."""
        action = MerchantListBills(time_start=start, time_end=end - _LAST_SECOND)
        what = f"bills created {start:%Y-%m-%d} .. {end:%Y-%m-%d}"
        return bills_frame(await self._fetch(action, what, fetched))

    async def partners(self, status: str | None, fetched: Fetched) -> pd.DataFrame | None:
        """The brand's publisher list, or None when brand credentials are missing or the list cannot be
        read."""
        if not self.source.credentials.has_family("brand"):
            return None
        wanted = None if status in (None, "", "all") else status
        try:
            records = await self._fetch(BrandListPublishers(status=wanted), "partner list", fetched)
        except MissingCredentials:
            return None
        except PartnerBoostError as error:
            fetched.note(f"the partner list could not be read ({error.message}); media derived from activity")
            return None
        return partners_frame(records)


def merge_orders(*frames: pd.DataFrame) -> pd.DataFrame:
    """Orders from several fetches, each distinct record once (a repeated order_id with a different time or
    amount is a duplicate postback and stays)."""
    combined = concat_orders(list(frames))
    keys = ["order_id", "time", "amount_cents", "commission_cents"]
    return combined.drop_duplicates(subset=keys, ignore_index=True)
