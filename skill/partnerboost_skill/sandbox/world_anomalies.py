"""Injecting the labelled anomalies into the ordinary orders (and one bill).

Each injected order carries `tag` = the index of its `PlannedAnomaly`; order ids do not exist yet at this
point, so the world turns tags into ids once the orders are sorted and numbered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.anomalies import Anomaly, AnomalyKind
from partnerboost_skill.sandbox.world_orders import (
    CURRENCIES,
    FRAUD_REASON,
    OrderColumns,
    ordinary_amounts,
    week_index,
)
from partnerboost_skill.sandbox.world_time import DAY_NS, HOUR_NS, Calendar

RECENT_DAYS = 60
BURSTS = 2
DUPLICATES = 3
AMOUNT_OUTLIERS = 4
OLDER_OUTLIER_DAYS = (90, 150)
"""One amount outlier is placed this many days before `now` (outside the default 90-day settle window)."""
RATE_OUTLIERS = 3
OUTLIER_RATES_BP = (4_500, 6_000, 7_500)
INJECTED_UID_BASE = 9_000_000
REPEAT_ORDERS = 18
MINUTE_NS = 60 * 10**9
MIN_MISMATCH_CENTS = 500


@dataclass
class PlannedAnomaly:
    kind: AnomalyKind
    partner_idx: int
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Injector:
    rng: np.random.Generator
    columns: OrderColumns
    calendar: Calendar
    planned: list[PlannedAnomaly] = field(default_factory=list)
    next_uid: int = INJECTED_UID_BASE
    next_serial: int = 10**12
    used_partners: set[int] = field(default_factory=set)

    @property
    def recent_start(self) -> int:
        """The start of the recent window the anomalies go into (never before the world's first day)."""
        return max(self.calendar.now.value - RECENT_DAYS * DAY_NS, int(self.calendar.start.value))

    def plan(self, kind: AnomalyKind, partner_idx: int, **detail: Any) -> int:
        self.planned.append(PlannedAnomaly(kind, int(partner_idx), detail))
        self.used_partners.add(int(partner_idx))
        return len(self.planned) - 1

    def free_rows(self, start_ns: int, end_ns: int) -> np.ndarray:
        """Untagged, non-void rows of partners not used by another anomaly, placed in [start, end)."""
        c = self.columns
        mask = (c["tag"] < 0) & (c["void_reason"] == 0)
        mask &= (c["order_time_ns"] >= start_ns) & (c["order_time_ns"] < end_ns)
        mask &= ~np.isin(c["partner_idx"], list(self.used_partners))
        return np.nonzero(mask)[0]

    def append(self, new: OrderColumns) -> None:
        for name in self.columns:
            self.columns[name] = np.concatenate(
                [self.columns[name], new[name].astype(self.columns[name].dtype)]
            )

    def new_rows(self, partner_idx: int, times: np.ndarray, tag: int, uids: np.ndarray) -> OrderColumns:
        n = len(times)
        currency = np.zeros(n, dtype=np.int8)
        popular_sku = np.bincount(self.columns["sku"]).argsort()[::-1][:20]
        return {
            "order_time_ns": times,
            "partner_idx": np.full(n, partner_idx),
            "currency": currency,
            "amount_cents": ordinary_amounts(self.rng, currency),
            "quantity": np.ones(n),
            "sku": self.rng.choice(popular_sku, size=n),
            "coupon": np.full(n, self.columns["coupon"].max()),
            "device": np.zeros(n),
            "uid": uids,
            "void_reason": np.zeros(n),
            "commission_bp": np.zeros(n),
            "tag": np.full(n, tag),
            "trans_type": np.zeros(n),
            "serial": self.fresh_serials(n),
        }

    def fresh_serials(self, count: int) -> np.ndarray:
        serials = self.next_serial + np.arange(count)
        self.next_serial += count
        return serials

    def fresh_uids(self, count: int) -> np.ndarray:
        uids = self.next_uid + np.arange(count)
        self.next_uid += count
        return uids


def recent_counts(columns: OrderColumns, n_partners: int, since_ns: int) -> np.ndarray:
    recent = columns["order_time_ns"] >= since_ns
    return np.bincount(columns["partner_idx"][recent], minlength=n_partners)


def _by_activity(counts: np.ndarray, ranks: slice, exclude: set[int]) -> list[int]:
    order = [int(i) for i in np.argsort(-counts, kind="stable") if counts[i] > 0]
    return [i for i in order[ranks] if i not in exclude]


def inject_void_spike(inj: Injector, n_partners: int) -> None:
    c = inj.columns
    counts = recent_counts(c, n_partners, inj.recent_start)
    weeks = week_index(c["order_time_ns"])
    first_week = week_index(np.array([inj.recent_start]))[0] + 1
    last_week = week_index(np.array([inj.calendar.now.value]))[0] - 1
    for partner in _by_activity(counts, slice(5, 25), inj.used_partners):
        rows_of = (c["partner_idx"] == partner) & (weeks >= first_week) & (weeks <= last_week)
        if not rows_of.any():
            continue
        per_week = np.bincount(weeks[rows_of] - first_week)
        week = first_week + int(per_week.argmax())
        if per_week.max() < 20:
            continue
        in_week = np.nonzero((c["partner_idx"] == partner) & (weeks == week))[0]
        clean = in_week[c["void_reason"][in_week] == 0]
        chosen = inj.rng.choice(clean, size=round(0.55 * len(in_week)), replace=False)
        c["void_reason"][chosen] = FRAUD_REASON
        voids = in_week[c["void_reason"][in_week] > 0]
        week_start = pd.Timestamp(int((week * 7 + 4) * DAY_NS), tz="UTC")
        tag = inj.plan(
            "void_spike",
            partner,
            week_start=week_start.date().isoformat(),
            orders=len(in_week),
            voids=len(voids),
            void_share=round(len(voids) / len(in_week), 3),
        )
        c["tag"][in_week] = np.where(c["void_reason"][in_week] > 0, tag, -1)
        return


def inject_bursts(inj: Injector, n_partners: int) -> None:
    c = inj.columns
    counts = recent_counts(c, n_partners, inj.recent_start)
    span_hours = (c["order_time_ns"].max() - c["order_time_ns"].min()) / HOUR_NS
    for partner in _by_activity(counts, slice(18, 60), inj.used_partners)[::7][:BURSTS]:
        partner_times = np.sort(c["order_time_ns"][c["partner_idx"] == partner])
        for _ in range(100):
            start = int(inj.rng.integers(inj.recent_start, inj.calendar.now.value - 3 * HOUR_NS))
            start -= start % MINUTE_NS
            lo, hi = np.searchsorted(partner_times, [start - HOUR_NS, start + 2 * HOUR_NS])
            if lo == hi:
                break
        size = int(inj.rng.integers(30, 45))
        times = start + np.sort(inj.rng.integers(0, 50 * 60, size=size)) * 10**9
        tag = inj.plan(
            "burst",
            partner,
            start=_iso(times[0]),
            end=_iso(times[-1]),
            order_count=size,
            normal_orders_per_hour=round(float(len(partner_times) / span_hours), 4),
        )
        inj.append(inj.new_rows(partner, times, tag, inj.fresh_uids(size)))


def inject_repeat_customer(inj: Injector, n_partners: int) -> None:
    counts = recent_counts(inj.columns, n_partners, inj.recent_start)
    partner = _by_activity(counts, slice(4, 30), inj.used_partners)[3]
    start = int(inj.rng.integers(inj.recent_start, inj.calendar.now.value - 4 * DAY_NS))
    start -= start % 10**9
    times = start + np.sort(inj.rng.integers(0, 3 * 86_400, size=REPEAT_ORDERS)) * 10**9
    uid = inj.fresh_uids(1)[0]
    tag = inj.plan(
        "repeat_customer",
        partner,
        uid=f"C{uid}",
        start=_iso(times[0]),
        end=_iso(times[-1]),
        order_count=REPEAT_ORDERS,
    )
    inj.append(inj.new_rows(partner, times, tag, np.full(REPEAT_ORDERS, uid)))


def inject_amount_outliers(inj: Injector) -> None:
    c = inj.columns
    medians = [int(np.median(c["amount_cents"][c["currency"] == k])) for k in range(len(CURRENCIES))]
    now = inj.calendar.now.value
    recent = inj.rng.choice(
        inj.free_rows(inj.recent_start, now - HOUR_NS), size=AMOUNT_OUTLIERS - 1, replace=False
    )
    for row in [*recent, *_older_outlier_row(inj, recent)]:
        factor = float(inj.rng.uniform(12, 30))
        currency = int(c["currency"][row])
        c["amount_cents"][row] = round(medians[currency] * factor)
        c["tag"][row] = inj.plan(
            "amount_outlier",
            c["partner_idx"][row],
            currency=CURRENCIES[currency],
            amount_cents=int(c["amount_cents"][row]),
            median_cents=medians[currency],
            factor=round(factor, 2),
        )


def _older_outlier_row(inj: Injector, taken: np.ndarray) -> np.ndarray:
    """One row for the outlier that lies before the default settle window (90–150 days old); in a world too
    short for that, the oldest free order not already taken."""
    now = inj.calendar.now.value
    rows = inj.free_rows(now - OLDER_OUTLIER_DAYS[1] * DAY_NS, now - OLDER_OUTLIER_DAYS[0] * DAY_NS)
    if len(rows):
        return inj.rng.choice(rows, size=1)
    rows = np.setdiff1d(inj.free_rows(np.iinfo(np.int64).min, now - HOUR_NS), taken)
    return rows[:1]


def inject_rate_outliers(inj: Injector, rate_bp: np.ndarray) -> None:
    c = inj.columns
    rows = inj.rng.choice(
        inj.free_rows(inj.recent_start, inj.calendar.now.value), size=RATE_OUTLIERS, replace=False
    )
    for row, bp in zip(rows, OUTLIER_RATES_BP, strict=False):
        partner = int(c["partner_idx"][row])
        c["commission_bp"][row] = bp
        c["tag"][row] = inj.plan(
            "commission_rate_outlier", partner, rate=bp / 10_000, group_rate=int(rate_bp[partner]) / 10_000
        )


def inject_duplicates(inj: Injector) -> None:
    c = inj.columns
    rows = inj.rng.choice(
        inj.free_rows(inj.recent_start, inj.calendar.now.value - HOUR_NS), size=DUPLICATES, replace=False
    )
    copies: OrderColumns = {name: values[rows].copy() for name, values in c.items()}
    copies["order_time_ns"] = c["order_time_ns"][rows] + inj.rng.integers(2, 40, size=len(rows)) * MINUTE_NS
    for i, row in enumerate(rows):
        tag = inj.plan(
            "duplicate_order",
            c["partner_idx"][row],
            first_time=_iso(c["order_time_ns"][row]),
            second_time=_iso(copies["order_time_ns"][i]),
        )
        c["tag"][row] = tag
        copies["tag"][i] = tag
    inj.append(copies)


def inject_orders(
    rng: np.random.Generator, columns: OrderColumns, calendar: Calendar, rate_bp: np.ndarray
) -> list[PlannedAnomaly]:
    """Inject every order-level anomaly in place; returns the plan (tag i ↔ planned[i])."""
    columns["serial"] = np.arange(len(columns["order_time_ns"]), dtype=np.int64)
    inj = Injector(rng, columns, calendar)
    n_partners = len(rate_bp)
    inject_void_spike(inj, n_partners)
    inject_bursts(inj, n_partners)
    inject_repeat_customer(inj, n_partners)
    inject_amount_outliers(inj)
    inject_rate_outliers(inj, rate_bp)
    inject_duplicates(inj)
    return inj.planned


def _mismatch_candidates(bills: pd.DataFrame, calendar: Calendar) -> pd.Index:
    """Bills that may be altered, best first: a paid USD bill from two to five months ago with 20 orders or
    more; in a world too short for that, any paid USD bill, then any bill, large enough to alter."""
    now_month = calendar.now.strftime("%Y-%m")
    months = pd.period_range(end=pd.Period(now_month, "M") - 2, periods=4, freq="M").strftime("%Y-%m")
    large = bills["amount_cents"] > 2 * MIN_MISMATCH_CENTS
    paid_usd = (bills["status"] == "paid") & (bills["currency"] == "USD")
    for mask in (
        bills["month"].isin(list(months)) & paid_usd & (bills["order_count"] >= 20),
        paid_usd & large,
        large,
    ):
        if mask.any():
            return bills.index[mask]
    raise ValueError(
        f"the world has no bill to alter for its bill_mismatch anomaly: its {calendar.days} days up to "
        f"{calendar.now:%Y-%m-%d} include no billed month; give WorldConfig more days"
    )


def inject_bill_mismatch(rng: np.random.Generator, bills: pd.DataFrame, calendar: Calendar) -> Anomaly:
    """Make one bill (preferably a paid USD bill from two to five months ago) differ from the commission it
    covers."""
    row = int(rng.choice(_mismatch_candidates(bills, calendar)))
    expected = int(bills["amount_cents"].iloc[row])
    size = int(rng.integers(MIN_MISMATCH_CENTS, min(50_000, expected)))
    difference = size if rng.random() < 0.5 else -size
    bills.at[row, "amount_cents"] = expected + difference
    return Anomaly(
        kind="bill_mismatch",
        order_ids=(),
        partner_id=int(bills["partner_id"].iloc[row]),
        month=str(bills.at[row, "month"]),
        detail={
            "bill_id": int(bills["bill_id"].iloc[row]),
            "currency": str(bills.at[row, "currency"]),
            "billed_cents": expected + difference,
            "expected_cents": expected,
            "difference_cents": difference,
        },
    )


def _iso(time_ns: int) -> str:
    return pd.Timestamp(int(time_ns), tz="UTC").isoformat()
