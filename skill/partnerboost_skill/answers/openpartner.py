"""The OpenPartner provider: partners from the partner list, orders and the commission ledger from the
commissions, nothing for clicks or bills (OpenPartner's API has neither), plus the webhook events received.

Reading every commission of a period. OpenPartner's commission lists have no cursor and no date filter:
each answers at most 500, newest accrual first. So:
1. `GET /commissions?limit=500`: fewer than 500 is everything; 500 whose oldest accrual is before the
   period's start hold every commission of the period (newest first, nothing of the period can be older).
2. Otherwise each partner's own list (`/partners/:id/commissions`, every partner of the partner list), and
   where one holds 500 that do not reach back to the start, that partner's list per status (four calls).
3. A list still full and short of the start is reported as missing (the commissions before its oldest one
   cannot be read through the API): the answer says `complete=False`, never a silently short total.
A key without admin rights on `/commissions` (403 forbidden, older OpenPartner versions) goes to step 2.

Webhook events (store/webhook_events.py) make answers fresher: a commission event newer than everything the
API said about a commission, announcing a later step of its lifecycle (approved → paid or reversed),
updates it; a commission known only from events is added when the API could not give the full period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

import anyio
import pandas as pd

from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.answers.provider import Platform
from partnerboost_skill.api.errors import ForbiddenScope, InvalidCredentials, PartnerBoostError
from partnerboost_skill.api.results import FetchResult
from partnerboost_skill.parsing import parse_time
from partnerboost_skill.periods import Period
from partnerboost_skill.records.commissions import COMMISSION_STATUSES, commissions_frame
from partnerboost_skill.records.frames import empty_bills, orders_frame
from partnerboost_skill.records.openpartner import (
    commission_rows,
    openpartner_partners_frame,
    orders_from_ledger,
)
from partnerboost_skill.records.source import Source, records_of
from partnerboost_skill.store.webhook_events import CommissionState, WebhookEvents, commission_states
from partnerboost_tools.openpartner import (
    COMMISSIONS_MAX_LIMIT,
    OpenpartnerListCommissions,
    OpenpartnerListPartners,
    OpenpartnerPartnerCommissions,
)

LACKS = frozenset({"sales", "clicks", "new_customers", "partner_attributes"})
"""What OpenPartner's API does not provide: order values, clicks, new-customer flags, and partner types,
channels, countries and devices."""
PLATFORM_NOTE = ("OpenPartner reports commissions, not orders: each commission (one attributed conversion "
                 "for one partner) counts as one order, and its API has no clicks or order values")
_ORDER = {"accrued": 0, "approved": 1, "paid": 2, "reversed": 2}
_STATUS_TIME = {"accrued": "accruedAt", "approved": "approvedAt", "paid": "paidAt", "reversed": "reversedAt"}


@dataclass
class _Ledger:
    """Every commission read for one range start, and what could not be read."""

    since: datetime
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    requests: int = 0
    refused: list[InvalidCredentials] = field(default_factory=list)
    """The key itself was refused: the answer is that error, not a list of partners that were missing."""

    def add(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            if isinstance(record, dict) and record.get("id"):
                self.records.setdefault(str(record["id"]), record)


def _accrued(record: dict[str, Any]) -> datetime | None:
    try:
        return parse_time(record.get("accruedAt"))
    except ValueError:
        return None


def _reaches(records: list[dict[str, Any]], since: datetime) -> bool:
    """Whether a full, newest-first list holds every commission accrued at or after `since`: it is sorted
    newest first and its oldest accrual is before `since`."""
    times = [t for t in (_accrued(r) for r in records) if t is not None]
    if len(times) != len(records):
        return False
    ordered = all(a >= b for a, b in pairwise(times))
    return ordered and bool(times) and times[-1] < since


class OpenPartnerProvider:
    """Answers' data from one OpenPartner instance, read through `source` (its OpenPartner actions)."""

    def __init__(self, source: Source, events: WebhookEvents | None = None) -> None:
        self.source = source
        self.events = events
        self._partners: list[dict[str, Any]] | None = None
        self._ledgers: list[_Ledger] = []
        self._lock = anyio.Lock()
        self._ledger_lock = anyio.Lock()

    @property
    def platform(self) -> Platform:
        return "openpartner"

    # ------------------------------------------------------------------------------------------ partners
    async def _partner_records(self, fetched: Fetched) -> list[dict[str, Any]]:
        async with self._lock:
            if self._partners is None:
                result = await self.source.fetch_all(OpenpartnerListPartners(), allow_partial=True)
                fetched.absorb(result, "OpenPartner partner list")
                self._partners = records_of(result)
            return self._partners

    async def partners(self, status: str | None, fetched: Fetched) -> pd.DataFrame | None:
        try:
            return openpartner_partners_frame(await self._partner_records(fetched))
        except PartnerBoostError as error:
            fetched.note(f"the partner list could not be read ({error.message}); media derived from activity")
            return None

    # ------------------------------------------------------------------------------------------ commissions
    async def _ledger(self, since: datetime, fetched: Fetched) -> _Ledger:
        """Every commission accrued at or after `since` (a ledger read for an earlier start serves too)."""
        async with self._ledger_lock:
            for ledger in self._ledgers:
                if ledger.since <= since:
                    return ledger
            ledger = _Ledger(since)
            await self._read_all(ledger, fetched)
            self._ledgers.append(ledger)
            return ledger

    async def _list(self, ledger: _Ledger, action: Any) -> list[dict[str, Any]]:
        data = await self.source.call(action)
        ledger.requests += 1
        records = data.get("commissions") if isinstance(data, dict) else None
        if not isinstance(records, list):
            raise PartnerBoostError(f"OpenPartner answered {action.tool_name} without a `commissions` list; "
                                    "the response shape has changed.", action=action.tool_name)
        return [record for record in records if isinstance(record, dict)]

    async def _read_all(self, ledger: _Ledger, fetched: Fetched) -> None:
        try:
            everything = await self._list(ledger, OpenpartnerListCommissions(limit=COMMISSIONS_MAX_LIMIT))
        except InvalidCredentials as refused:
            if isinstance(refused, ForbiddenScope) or refused.http_status != 403:
                raise
            everything = None  # 403 forbidden: this version lists every commission to admin keys only
        if everything is not None:
            ledger.add(everything)
            if len(everything) < COMMISSIONS_MAX_LIMIT or _reaches(everything, ledger.since):
                fetched.requests += ledger.requests
                return
        partners = await self._partner_records(fetched)
        async with anyio.create_task_group() as group:
            for partner in partners:
                group.start_soon(self._read_partner, ledger, str(partner.get("id") or ""),
                                 str(partner.get("name") or ""))
        if ledger.refused:
            raise ledger.refused[0]
        fetched.requests += ledger.requests
        if ledger.missing:
            fetched.absorb(FetchResult([], None, False, ledger.missing), "OpenPartner commissions")

    async def _read_partner(self, ledger: _Ledger, partner_id: str, name: str) -> None:
        if not partner_id:
            return
        who = f"{name or 'partner'} ({partner_id})"
        try:
            records = await self._list(ledger, OpenpartnerPartnerCommissions(
                partner_id=partner_id, limit=COMMISSIONS_MAX_LIMIT))
            ledger.add(records)
            if len(records) < COMMISSIONS_MAX_LIMIT or _reaches(records, ledger.since):
                return
            for status in COMMISSION_STATUSES:
                records = await self._list(ledger, OpenpartnerPartnerCommissions(
                    partner_id=partner_id, status=status, limit=COMMISSIONS_MAX_LIMIT))
                ledger.add(records)
                if len(records) >= COMMISSIONS_MAX_LIMIT and not _reaches(records, ledger.since):
                    oldest = records[-1].get("accruedAt")
                    ledger.missing.append(
                        f"{who}: more than {COMMISSIONS_MAX_LIMIT} {status} commissions; OpenPartner lists "
                        f"only the newest {COMMISSIONS_MAX_LIMIT}, so those accrued before {oldest} are "
                        "not included")
        except InvalidCredentials as error:
            ledger.refused.append(error)
        except PartnerBoostError as error:
            ledger.missing.append(f"{who}: {error.message}")

    async def _webhook_states(self) -> dict[str, CommissionState]:
        if self.events is None:
            return {}
        deliveries = await anyio.to_thread.run_sync(self.events.deliveries)  # the cache may block
        return commission_states(deliveries)

    async def commissions(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        """The commission ledger: commissions accrued in [start, end), webhook events applied."""
        ledger = await self._ledger(start, fetched)
        partners = {str(p.get("id")): p for p in await self._partner_records(fetched)}
        records = dict(ledger.records)
        states = await self._webhook_states()
        updated = added = 0
        for commission_id, state in states.items():
            if commission_id in records:
                newer = _newer(records[commission_id], state)
                if newer is not None:
                    records[commission_id] = newer
                    updated += 1
            elif ledger.missing and state.amount is not None and state.currency:
                records[commission_id] = _from_events(state)
                added += 1
        if updated:
            fetched.note(f"{updated} commission(s) updated from OpenPartner webhook events newer than the "
                         "API's records")
        if added:
            fetched.note(f"{added} commission(s) known only from OpenPartner webhook events added")
        rows = commission_rows(list(records.values()), partners)
        for row, record in zip(rows, records.values(), strict=True):
            row["source"] = record.get("_source", "api")
        frame = commissions_frame(rows)
        times = frame["accrued_at"]
        first, stop = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
        return frame[((times >= first) & (times < stop)).to_numpy()].reset_index(drop=True)

    # ------------------------------------------------------------------------------------------ Provider
    async def orders(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        fetched.lack(LACKS, PLATFORM_NOTE)
        return orders_from_ledger(await self.commissions(start, end, fetched))

    async def orders_of_bill(self, bill_id: str, fetched: Fetched) -> pd.DataFrame:
        return orders_frame([])

    async def clicks(
        self, periods: list[Period], fetched: Fetched, group_by: str = "medium"
    ) -> pd.DataFrame | None:
        fetched.lack(LACKS, PLATFORM_NOTE)
        return None

    async def bills(self, start: datetime, end: datetime, fetched: Fetched) -> pd.DataFrame:
        fetched.note("OpenPartner issues no bills: its commission ledger (accrued, approved, paid, "
                     "reversed) says what is owed")
        return empty_bills()

    async def timezone(self) -> str | None:
        """OpenPartner's API names no account time zone: periods are read in the configured zone or UTC."""
        return None


def _newer(record: dict[str, Any], state: CommissionState) -> dict[str, Any] | None:
    """The record with the events' status when they announce a later lifecycle step after everything the
    record says; None when the record stands."""
    later = _ORDER.get(state.status, -1) > _ORDER.get(str(record.get("status")), -1)
    if not later or state.status not in state.seen:
        return None
    known = [t for key in _STATUS_TIME.values() if (t := _time(record.get(key))) is not None]
    moment = state.seen[state.status]
    if known and moment <= max(known):
        return None
    return {**record, "status": state.status, _STATUS_TIME[state.status]: moment.isoformat(),
            "_source": "webhook"}


def _from_events(state: CommissionState) -> dict[str, Any]:
    accrued = state.seen.get("accrued", state.first_seen)
    return {
        "id": state.commission_id, "partnerId": state.partner_id, "amount": state.amount,
        "currency": state.currency, "status": state.status, "accruedAt": accrued.isoformat(),
        **{key: state.seen[status].isoformat() for status, key in _STATUS_TIME.items()
           if status != "accrued" and status in state.seen},
        "_source": "webhook",
    }


def _time(value: Any) -> datetime | None:
    try:
        return parse_time(value)
    except ValueError:
        return None


__all__ = ["LACKS", "PLATFORM_NOTE", "OpenPartnerProvider"]
