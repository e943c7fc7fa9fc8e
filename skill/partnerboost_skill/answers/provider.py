"""What the answers need from a platform, as one protocol: the records behind every question as frames
(records.frames' schemas), whatever platform they come from.

A provider adds to the answer's `Fetched` what it could not get (incomplete pages, a source it could not
read); the analysis never learns which platform the frames came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

import pandas as pd

from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.periods import Period

Platform = Literal["partnerboost", "openpartner"]
PLATFORMS: tuple[Platform, ...] = ("partnerboost", "openpartner")
BILLING_PLATFORMS: tuple[Platform, ...] = ("partnerboost",)
"""Platforms that issue bills (OpenPartner keeps a commission ledger instead: see HasCommissions)."""


@runtime_checkable
class Provider(Protocol):
    @property
    def platform(self) -> Platform: ...

    async def orders(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Orders placed in [start, end)."""
        ...

    async def orders_of_bill(self, bill_id: str, fetched: Fetched) -> pd.DataFrame:
        """Every order a bill covers (empty when the platform cannot tell)."""
        ...

    async def clicks(
        self, periods: list[Period], fetched: Fetched, group_by: str = "medium"
    ) -> pd.DataFrame | None:
        """Performance rows for every period, or None when the platform has no click data (then `fetched`
        says why)."""
        ...

    async def bills(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Bills created in [start, end)."""
        ...

    async def partners(self, status: str | None, fetched: Fetched) -> pd.DataFrame | None:
        """The partner list, or None when it cannot be read (the answers then derive media from activity)."""
        ...

    async def timezone(self) -> str | None:
        """The account's own time zone (IANA name or UTC offset), None when the platform does not say."""
        ...


@runtime_checkable
class HasCommissions(Protocol):
    """A provider that can give the commission ledger (records.commissions' schema)."""

    async def commissions(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """Commissions accrued in [start, end), with their current status."""
        ...
