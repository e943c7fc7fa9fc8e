"""The PartnerBoost provider: what each answer needs, fetched through a `Source` and built into frames.

Every fetch uses `fetch_all(..., allow_partial=True)`: when pages are missing the answer is still computed
but says `complete=False` and lists what is missing in its notes, never a silently short answer. Orders (and
bills for the bill check) are essential: when they cannot be fetched at all the answer is that error. Clicks
only feed conversion: when they cannot be fetched the answer goes on without them (clicks None, never zero),
says `complete=False` and notes that conversion figures are missing. Records are read by records/read.py
(whatever their shape); what it could not read is in the answer's notes. A half-open period [start, end) is
asked for as start .. end − 1 s; the source widens order queries and cuts them on the parsed times, so the
API's own bound conventions do not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

import pandas as pd

from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.answers.provider import Platform
from partnerboost_skill.api.errors import MissingCredentials, PartnerBoostError
from partnerboost_skill.periods import Period
from partnerboost_skill.records.commissions import ledger_from_orders
from partnerboost_skill.records.conventions import iana_name, zone_named
from partnerboost_skill.records.frames import (
    RecordShapeError,
    empty_clicks,
    read_bills,
    read_clicks,
    read_orders,
    read_partners,
)
from partnerboost_skill.records.probe import settle
from partnerboost_skill.records.read import Read, missing_commission_note, read_account
from partnerboost_skill.records.source import Source, records_of
from partnerboost_tools.base import Action
from partnerboost_tools.brand import BrandListPublishers
from partnerboost_tools.merchant import (
    MerchantAccountInfo,
    MerchantListBills,
    MerchantListTransactions,
    MerchantPerformanceList,
)

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

    @staticmethod
    def _noted(read: Read, fetched: Fetched) -> pd.DataFrame:
        for note in read.report.notes:
            fetched.note(note)
        if read.report.dropped:
            fetched.complete = False
        return read.frame

    async def orders(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Orders placed in [start, end); through the local cache when the source has one (store/)."""
        action = MerchantListTransactions(trans_time_start=start, trans_time_end=end - _LAST_SECOND)
        got = await self.source.fetch_orders_frame(action, allow_partial=True)
        fetched.absorb(got.result, f"orders {start:%Y-%m-%d} .. {end:%Y-%m-%d}")
        if got.report is not None and got.report.dropped:
            fetched.complete = False
        if note := missing_commission_note(got.frame):
            fetched.note(note)
        return got.frame

    async def orders_of_bill(self, bill_id: str, fetched: Fetched) -> pd.DataFrame:
        """Every order that carries one bill id (list4 `payment_id`); none for an id that is not a number."""
        if not bill_id.isdigit():
            return read_orders([]).frame
        action = MerchantListTransactions(payment_id=int(bill_id))
        records = await self._fetch(action, f"orders of bill {bill_id}", fetched)
        return self._noted(read_orders(records, conventions=self.source.conventions), fetched)

    async def _last_second(self, end: datetime) -> datetime:
        """The end bound that makes an aggregated query cover [start, end): end − 1 s where the API includes
        its end second (or cannot tell), end itself where it excludes it (records/probe.py)."""
        await settle(self.source, end=True)
        return end if self.source.conventions.end_inclusive is False else end - _LAST_SECOND

    async def _settled(self, read: Callable[[], Read]) -> Read:
        """A read whose text times fit several zones is read again once the API has told which."""
        first = read()
        if first.report.zone is None or first.report.zone.settled:
            return first
        await settle(self.source, zone=True)
        return read() if self.source.conventions.detected is not None else first

    async def _clicks(self, period: Period, fetched: Fetched, group_by: ClicksBy) -> pd.DataFrame:
        action = MerchantPerformanceList(
            start_date=period.start, end_date=await self._last_second(period.end), group_by=group_by
        )
        records = await self._fetch(action, f"clicks {period.label}", fetched)
        if not records:
            return empty_clicks()
        read = read_clicks(records, start=period.start, end=period.end, conventions=self.source.conventions)
        return self._noted(read, fetched)

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
            except RecordShapeError as error:
                fetched.note(
                    f"no clicks could be read from the performance rows ({error.message}): click counts and "
                    "conversion figures are missing from this answer"
                )
                return None
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
        action = MerchantListBills(time_start=start, time_end=await self._last_second(end))
        what = f"bills created {start:%Y-%m-%d} .. {end:%Y-%m-%d}"
        records = await self._fetch(action, what, fetched)
        read = await self._settled(partial(read_bills, records, conventions=self.source.conventions))
        return self._noted(read, fetched)

    async def commissions(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """The orders of [start, end) read as a commission ledger (new → accrued, effective → approved, paid,
        void → reversed)."""
        return ledger_from_orders(await self.orders(start, end, fetched))

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
        try:
            read = await self._settled(partial(read_partners, records, conventions=self.source.conventions))
            return self._noted(read, fetched)
        except RecordShapeError as error:
            fetched.note(f"the partner list could not be read ({error.message}); media derived from activity")
            return None

    async def timezone(self) -> str | None:
        """The account's own time zone (account info), or None when it does not say or cannot be read. It
        is also the reader's prior for text times without an offset."""
        try:
            found = read_account(await self.source.call(MerchantAccountInfo()))
        except PartnerBoostError:
            return None
        zone = zone_named(found.get("timezone", ""))
        if zone is None:
            return None
        self.source.conventions.account_zone = zone
        return iana_name(zone)

