"""The four merchant questions (plus period comparison) end to end: phrase → period → fetch → frames → answer.

Each entry point resolves the period phrase at `now` (default: the current time; the sandbox passes its frozen
now) in timezone `tz` (callers read PARTNERBOOST_TIMEZONE), fetches exactly what the answer needs, and returns
the typed result with `complete` and `notes` telling whether every page arrived.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

import anyio
import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.billing import BILL_MONTH, check_bill, month_period
from partnerboost_skill.analysis.commissions import check_commissions
from partnerboost_skill.analysis.compare import compare_periods
from partnerboost_skill.analysis.monitor import monitor_orders
from partnerboost_skill.analysis.partners import partner_media
from partnerboost_skill.analysis.results import (
    Answer,
    BillCheck,
    CommissionCheck,
    OrderMonitor,
    PartnerMedia,
    PerformanceReview,
    PeriodComparison,
)
from partnerboost_skill.analysis.review import review_performance
from partnerboost_skill.analysis.unavailable import withhold
from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.answers.partnerboost import PartnerBoostProvider
from partnerboost_skill.answers.provider import BILLING_PLATFORMS, HasCommissions, Provider
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.periods import Period, PeriodError, resolve_period
from partnerboost_skill.records.frames import empty_orders, merge_orders
from partnerboost_skill.records.identity import align_clicks, fill_partner_ids
from partnerboost_skill.records.source import Source, as_source

DEFAULT_REVIEW_PERIOD = "last three months"
DEFAULT_MONITOR_PERIOD = "last 7 days"
DEFAULT_BILL_MONTH = "last month"
DEFAULT_MEDIA_PERIOD = "last 30 days"
DEFAULT_COMMISSION_PERIOD = "last month"
MAX_BILL_FOLLOW_UPS = 10
"""Bills that do not reconcile are re-checked against every order carrying their id, up to this many."""
_MARGIN = timedelta(days=1)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""No PartnerBoost data is older; earlier periods are refused before anything is fetched."""

ResultT = TypeVar("ResultT", bound=Answer)


Data = Provider | Source | PartnerBoostClient
"""What an answer reads: a platform's provider, or a PartnerBoost source or bare client (read through the
PartnerBoost provider)."""


def provider_of(data: Data) -> Provider:
    if isinstance(data, Provider):
        return data
    return PartnerBoostProvider(as_source(data))


async def period_timezone(data: Data, configured: str | None) -> str:
    """The zone periods are read in: PARTNERBOOST_TIMEZONE when set, else the account's own, else UTC."""
    if configured:
        return configured
    return await provider_of(data).timezone() or "UTC"


def _period(phrase: str, now: datetime | None, tz: str) -> Period:
    return resolve_period(phrase, now=now or datetime.now(UTC), tz=tz)


def _on_record(*periods: Period) -> None:
    for period in periods:
        if period.start < EARLIEST:
            raise PeriodError(f"{period.label} is before 2000; PartnerBoost keeps no data that old. "
                              "Ask about a recent period, e.g. 'last month' or '上个月'.")


def _finish(result: ResultT, fetched: Fetched, provider: Provider) -> ResultT:
    result.complete = result.complete and fetched.complete
    result.notes = [*fetched.notes, *result.notes]
    result.platform = provider.platform
    return withhold(result, fetched.lacking)


def default_group_by(provider: Provider) -> str:
    """OpenPartner knows partners but not their channels, types or countries: it groups by partner."""
    return "partner" if provider.platform == "openpartner" else "channel_type"


def _identities(
    orders: pd.DataFrame, clicks: pd.DataFrame | None, partners: pd.DataFrame | None, fetched: Fetched
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One identity per partner across orders and performance rows (records/identity.py), said in notes."""
    orders, filled = fill_partner_ids(orders)
    clicks, aligned = align_clicks(clicks, orders, partners)
    for note in (filled, aligned):
        if note:
            fetched.note(note)
    return orders, clicks


async def _both(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    """Run two fetches concurrently."""
    results: list[Any] = [None, None]

    async def run(index: int, job: Awaitable[Any]) -> None:
        results[index] = await job

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(run, 0, first)
            group.start_soon(run, 1, second)
    except BaseExceptionGroup as failed:
        raise _first_leaf(failed) from None
    return results[0], results[1]


def _first_leaf(error: BaseException) -> BaseException:
    """The error callers handle (a PartnerBoostError, a PeriodError) instead of the task group's wrapper."""
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def review(
    data: Data,
    phrase: str = DEFAULT_REVIEW_PERIOD,
    group_by: str | None = None,
    *,
    now: datetime | None = None,
    tz: str = "UTC",
) -> PerformanceReview:
    """ "Review the last three months": ROI per channel (or partner, type, country, device, month), advice.
    group_by None: channel_type (partner on OpenPartner)."""
    provider = provider_of(data)
    group_by = metrics.check_group_by(group_by or default_group_by(provider))
    period = _period(phrase, now, tz)
    previous = period.comparison()
    _on_record(period, previous)
    fetched = Fetched()
    orders, clicks = await _both(
        provider.orders(previous.start, period.end, fetched),
        provider.clicks([period, previous], fetched, "day" if group_by == "month" else "medium"),
    )
    orders, clicks = _identities(orders, clicks, None, fetched)
    return _finish(review_performance(orders, clicks, period, group_by), fetched, provider)


async def monitor(
    data: Data,
    phrase: str = DEFAULT_MONITOR_PERIOD,
    *,
    now: datetime | None = None,
    tz: str = "UTC",
) -> OrderMonitor:
    """ "How are recent orders doing": metrics vs the previous period, best channels, abnormal orders."""
    provider = provider_of(data)
    period = _period(phrase, now, tz)
    previous = period.comparison()
    _on_record(period, previous)
    fetched = Fetched()
    orders, clicks = await _both(
        provider.orders(previous.start, period.end, fetched),
        provider.clicks([period, previous], fetched),
    )
    orders, clicks = _identities(orders, clicks, None, fetched)
    return _finish(monitor_orders(orders, period, clicks=clicks), fetched, provider)


async def bills(
    data: Data,
    month: str = DEFAULT_BILL_MONTH,
    *,
    now: datetime | None = None,
    tz: str = "UTC",
    by: Literal["period", "issued"] = "period",
) -> BillCheck:
    """ "Check my bill from last month": the month's bills, exact totals, reconciliation against orders."""
    provider = provider_of(data)
    if provider.platform not in BILLING_PLATFORMS:
        raise metrics.AnalysisError(
            f"{provider.platform} issues no bills; its commission check (accrued, approved, paid, reversed "
            "and what is owed) answers this: `commissions` on the command line, check_commissions over MCP")
    period = _period(month, now, tz)
    if period.unit != "month" or period.count != 1 or period.to_date:
        raise metrics.AnalysisError(
            f"a bill check needs one complete calendar month, e.g. 'last month', '2026-10' or '上个月'; "
            f"{month!r} means {period.label}"
        )
    _on_record(period)
    fetched = Fetched()
    if by == "period":
        issued_until = (pd.Timestamp(period.end) + pd.DateOffset(months=1)).to_pydatetime()
        bill_frame, orders = await _both(
            provider.bills(period.start, issued_until, fetched),
            provider.orders(period.start - _MARGIN, period.end + _MARGIN, fetched),
        )
    else:
        # Bills issued in the month cover earlier months: reconcile them against the orders of those months.
        bill_frame = await provider.bills(period.start, period.end, fetched)
        orders = await _orders_of_months(provider, bill_frame, period, fetched)
    result = check_bill(bill_frame, orders, period, by=by)
    follow_ups = [d.bill_id for d in result.discrepancies][:MAX_BILL_FOLLOW_UPS]
    if follow_ups:
        extra = [await provider.orders_of_bill(bill_id, fetched) for bill_id in follow_ups]
        result = check_bill(bill_frame, merge_orders(orders, *extra), period, by=by)
    if by == "period" and period.as_of is not None:
        result.notes.append(f"{result.month} is not over yet: its bills are issued after the month ends")
    return _finish(result, fetched, provider)


async def _orders_of_months(
    provider: Provider, bill_frame: pd.DataFrame, issued: Period, fetched: Fetched
) -> pd.DataFrame:
    """The orders of every month the bills cover (their `period`), or none when there are no bills."""
    months = sorted({m for m in bill_frame["month"].astype(str) if BILL_MONTH.fullmatch(m)})
    if not months:
        return empty_orders()
    first = month_period(months[0], issued.timezone)
    last = month_period(months[-1], issued.timezone)
    return await provider.orders(first.start - _MARGIN, last.end + _MARGIN, fetched)


async def media(
    data: Data,
    phrase: str = DEFAULT_MEDIA_PERIOD,
    status: str | None = "joined",
    *,
    now: datetime | None = None,
    tz: str = "UTC",
) -> PartnerMedia:
    """ "Which media am I partnering with": every partnered medium, the portfolio's structure, activity."""
    provider = provider_of(data)
    period = _period(phrase, now, tz)
    _on_record(period)
    fetched = Fetched()
    partners: pd.DataFrame | None
    (orders, clicks), partners = await _both(
        _both(
            provider.orders(period.start, period.end, fetched), provider.clicks([period], fetched)
        ),
        provider.partners(status, fetched),
    )
    orders, clicks = _identities(orders, clicks, partners, fetched)
    return _finish(partner_media(partners, orders, clicks, period, status=status), fetched, provider)


async def compare(
    data: Data,
    phrase: str = "last month",
    against: Literal["previous", "year_before"] = "previous",
    group_by: str | None = None,
    *,
    now: datetime | None = None,
    tz: str = "UTC",
) -> PeriodComparison:
    """Month-on-month (against="previous") or year-on-year (against="year_before") comparison; group_by None:
    channel_type (partner on OpenPartner)."""
    provider = provider_of(data)
    group_by = metrics.check_group_by(group_by or default_group_by(provider))
    if against not in ("previous", "year_before"):
        raise metrics.AnalysisError(f"against must be 'previous' or 'year_before'; got {against!r}")
    period = _period(phrase, now, tz)
    other = period.comparison(against)
    _on_record(period, other)
    fetched = Fetched()
    clicks_by = "day" if group_by == "month" else "medium"
    (orders_a, orders_b), clicks = await _both(
        _both(
            provider.orders(period.start, period.end, fetched),
            provider.orders(other.start, other.end, fetched),
        ),
        provider.clicks([period, other], fetched, clicks_by),
    )
    orders, clicks = _identities(merge_orders(orders_a, orders_b), clicks, None, fetched)
    return _finish(compare_periods(orders, clicks, period, other, group_by), fetched, provider)


async def commissions(
    data: Data,
    phrase: str = DEFAULT_COMMISSION_PERIOD,
    *,
    now: datetime | None = None,
    tz: str = "UTC",
) -> CommissionCheck:
    """ "What do I owe my partners": the period's commissions by status and currency, owed and reversed, per
    partner, with reversal spikes and commissions after a partner was revoked."""
    provider = provider_of(data)
    if not isinstance(provider, HasCommissions):
        raise metrics.AnalysisError(f"{provider.platform} has no commission ledger")
    period = _period(phrase, now, tz)
    _on_record(period)
    fetched = Fetched()
    ledger = await provider.commissions(period.start, period.end, fetched)
    return _finish(check_commissions(ledger, period, now=now or datetime.now(UTC)), fetched, provider)
