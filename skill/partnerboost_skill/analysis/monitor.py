"""Order monitoring: key metrics vs the previous period, the best channels, and abnormal orders with reasons.

Abnormal-order rules (thresholds are the named constants below; baselines come from the period plus the
previous one, so `orders` must cover both):
- voided: the order is void now (with its reason). Voids are normal business, not alarming: only the
  MAX_LISTED_VOIDS most recent orders that are void and nothing else are listed; the count covers them all.
- duplicate_order_number: the same order number appears more than once.
- amount_outlier: the amount is far from its currency's usual amounts, measured robustly on the log scale:
  |log amount − median| > AMOUNT_OUTLIER_Z × 1.4826 × MAD (median absolute deviation).
- commission_rate_outlier: commission ÷ amount differs from the partner's median rate by more than
  max(RATE_ABS_TOLERANCE, RATE_REL_TOLERANCE × median).
- burst: one partner has so many orders within one hour that its normal hourly rate (over its active span
  in the window, times BURST_PEAK_FACTOR for peak hours) makes the count implausible: a Poisson tail bound
  below BURST_MAX_P.
- repeat_customer: one customer id places REPEAT_MIN_ORDERS or more orders through one partner within
  REPEAT_WINDOW.
- void_spike: a partner's void share in one calendar week (Monday start, in the period's timezone) reaches
  VOID_SPIKE_MIN_SHARE over at least VOID_SPIKE_MIN_ORDERS orders; its void orders are flagged.
"""

from __future__ import annotations

import math
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import (
    AbnormalOrder,
    DayOrders,
    GroupFigures,
    OrderFlag,
    OrderMonitor,
    PeriodEcho,
)
from partnerboost_skill.analysis.review import WATCH_MIN_VOID_RATE
from partnerboost_skill.periods import Period
from partnerboost_skill.records.schema import MISSING_COMMISSION

AMOUNT_OUTLIER_Z = 4.0
AMOUNT_MIN_ORDERS = 30
"""A currency needs this many orders before its amounts define "usual"."""
RATE_ABS_TOLERANCE = 0.05
RATE_REL_TOLERANCE = 0.5
RATE_MIN_ORDERS = 5
"""A partner needs this many orders before its rate defines "usual"."""
BURST_WINDOW = pd.Timedelta(hours=1)
BURST_MIN_ORDERS = 10
BURST_PEAK_FACTOR = 2.0
BURST_MAX_P = 1e-6
BURST_MIN_SPAN = pd.Timedelta(days=1)
REPEAT_WINDOW = pd.Timedelta(days=7)
REPEAT_MIN_ORDERS = 5
VOID_SPIKE_MIN_SHARE = 0.4
VOID_SPIKE_MIN_ORDERS = 8
MAX_LISTED_VOIDS = 10
"""Orders that are only void (no other reason) are routine: the most recent this many are listed, the rest
counted (abnormal_counts["voided"]) and summarised by reason in a note. Every order with another reason is
listed."""
BEST_CHANNELS = 5
"""How many channels (media) to list as best: most valid orders, void rate below the review's watch level."""

THRESHOLDS: dict[str, float] = {
    "amount_outlier_z": AMOUNT_OUTLIER_Z,
    "rate_abs_tolerance": RATE_ABS_TOLERANCE,
    "rate_rel_tolerance": RATE_REL_TOLERANCE,
    "burst_window_hours": BURST_WINDOW / pd.Timedelta(hours=1),
    "burst_min_orders": BURST_MIN_ORDERS,
    "burst_peak_factor": BURST_PEAK_FACTOR,
    "burst_max_p": BURST_MAX_P,
    "repeat_window_days": REPEAT_WINDOW / pd.Timedelta(days=1),
    "repeat_min_orders": REPEAT_MIN_ORDERS,
    "void_spike_min_share": VOID_SPIKE_MIN_SHARE,
    "void_spike_min_orders": VOID_SPIKE_MIN_ORDERS,
}
_ANOMALY_ORDER = (
    "duplicate_order_number",
    "burst",
    "repeat_customer",
    "commission_rate_outlier",
    "amount_outlier",
    "void_spike",
    "voided",
)


def monitor_orders(
    orders: pd.DataFrame,
    period: Period,
    *,
    clicks: pd.DataFrame | None = None,
    partners: pd.DataFrame | None = None,
) -> OrderMonitor:
    """Monitor a (short) period: metrics vs the previous period, best channels, abnormal orders."""
    previous = period.comparison()
    start, _ = metrics.bounds(previous)
    _, end = metrics.bounds(period)
    window = orders[((orders["time"] >= start) & (orders["time"] < end)).to_numpy()].reset_index(drop=True)
    current = metrics.in_period(window, period)
    before = metrics.in_period(window, previous)
    total = metrics.money_table(current, np.full(len(current), metrics.TOTAL_KEY, dtype=object))
    total_before = metrics.money_table(before, np.full(len(before), metrics.TOTAL_KEY, dtype=object))
    click_rows = metrics.clicks_in(clicks, period)
    totals = metrics.total_figures(total, total_before, metrics.total_clicks(click_rows))
    previous_totals = metrics.total_figures(
        total_before, None, metrics.total_clicks(metrics.clicks_in(clicks, previous))
    )
    flags = detect(window, period)
    abnormal, counts, only_void = _abnormal_orders(window, flags, period)
    notes = [] if clicks is not None else ["no click data: conversion rates are not available"]
    notes += _void_note(current, counts["voided"], only_void)
    valid = current["is_valid"].to_numpy(dtype=bool)
    new_customers = int(current["is_new_customer"].to_numpy(dtype=bool)[valid].sum())
    return OrderMonitor(
        period=PeriodEcho.of(period),
        previous_period=PeriodEcho.of(previous),
        totals=totals,
        previous_totals=previous_totals,
        new_customer_share=metrics.ratio(new_customers, totals.valid_orders),
        best_channels=best_channels(current, window, click_rows, partners, period),
        abnormal_orders=abnormal,
        abnormal_counts=counts,
        thresholds=THRESHOLDS,
        daily_orders=daily_orders(current, period),
        notes=notes,
    )


def daily_orders(current: pd.DataFrame, period: Period) -> list[DayOrders]:
    """Orders per day of the period, in its time zone; days without orders count 0 (up to today's date when
    the period is still running)."""
    zone = ZoneInfo(period.timezone)
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(zone).date()
    days = pd.Series(current["time"].dt.tz_convert(zone).dt.date.to_numpy())
    valid = current["is_valid"].to_numpy(dtype=bool)
    counts = days.value_counts()
    valid_counts = days[valid].value_counts()
    span = (last - first).days + 1
    return [
        DayOrders(day=day, orders=int(counts.get(day, 0)), valid_orders=int(valid_counts.get(day, 0)))
        for day in (first + timedelta(days=offset) for offset in range(max(span, 0)))
    ]


def _void_note(current: pd.DataFrame, voided: int, only_void: int) -> list[str]:
    """Why the period's orders were voided, and that the list leaves out older routine voids."""
    if only_void <= MAX_LISTED_VOIDS:
        return []
    reasons = current.loc[current["is_void"].to_numpy(dtype=bool), "void_reason"].astype(str)
    by_reason = reasons.replace("", "no reason given").value_counts()
    top = ", ".join(f"{reason} {int(count)}" for reason, count in by_reason.head(4).items())
    share = metrics.ratio(voided, len(current)) or 0.0
    return [
        f"{voided} orders in the period are void ({share:.1%} of orders; by reason: {top}); voids are "
        f"routine, so of the {only_void} that are void and nothing else only the {MAX_LISTED_VOIDS} most "
        "recent are listed — every order flagged for anything else is listed"
    ]


def best_channels(
    current: pd.DataFrame,
    window: pd.DataFrame,
    click_rows: pd.DataFrame | None,
    partners: pd.DataFrame | None,
    period: Period,
) -> list[GroupFigures]:
    """Media with the most valid orders whose void rate stays below the review's watch level."""
    if current.empty:
        return []
    before = metrics.in_period(window, period.comparison())
    table = metrics.money_table(current, metrics.group_keys(current, "medium", period.timezone))
    table_before = metrics.money_table(before, metrics.group_keys(before, "medium", period.timezone))
    attribution = metrics.clicks_by_group(click_rows, "medium", window, partners, period.timezone)
    labels = metrics.group_labels(window, "medium", partners)
    groups = metrics.build_groups(table, table_before, attribution.by_group, labels)
    eligible = [g for g in groups if g.valid_orders and (g.void_rate or 0.0) < WATCH_MIN_VOID_RATE]
    eligible.sort(key=lambda g: (-g.valid_orders, g.key))
    return eligible[:BEST_CHANNELS]


# --- detection ----------------------------------------------------------------------------------------------


def detect(window: pd.DataFrame, period: Period) -> dict[str, tuple[np.ndarray, dict[int, str]]]:
    """Reason code → (flag per row of `window`, detail text per flagged row). Rows are judged against the
    whole window; only rows inside `period` are reported by the caller."""
    return {
        "voided": _voided(window),
        "duplicate_order_number": _duplicates(window),
        "amount_outlier": _amount_outliers(window),
        "commission_rate_outlier": _rate_outliers(window),
        "burst": _bursts(window),
        "repeat_customer": _repeat_customers(window),
        "void_spike": _void_spikes(window, period),
    }


def _voided(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    flag = window["is_void"].to_numpy(dtype=bool)
    reasons = window["void_reason"].astype(str).to_numpy(dtype=object)
    return flag, {int(i): f"void: {reasons[i] or 'no reason given'}" for i in np.flatnonzero(flag)}


def _duplicates(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    ids = window["order_id"].astype(str)
    flag = ids.duplicated(keep=False).to_numpy()
    counts = ids[flag].value_counts()
    values = ids.to_numpy(dtype=object)
    return flag, {
        int(i): f"order number {values[i]} appears {int(counts[values[i]])} times"
        for i in np.flatnonzero(flag)
    }


def _amount_outliers(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    amounts = window["amount_cents"].to_numpy(dtype=np.int64)
    flag = np.zeros(len(window), dtype=bool)
    details: dict[int, str] = {}
    positive = amounts > 0
    logs = np.log(np.where(positive, amounts, 1).astype(np.float64))
    currencies = window["currency"].astype(str).to_numpy(dtype=object)
    for currency in pd.unique(currencies):
        members = (currencies == currency) & positive
        if members.sum() < AMOUNT_MIN_ORDERS:
            continue
        median = float(np.median(logs[members]))
        spread = 1.4826 * float(np.median(np.abs(logs[members] - median)))
        if spread <= 0:
            continue
        z = np.abs(logs - median) / spread
        hits = members & (z > AMOUNT_OUTLIER_Z)
        flag |= hits
        typical = math.exp(median)
        for i in np.flatnonzero(hits):
            details[int(i)] = (
                f"amount {metrics.money(amounts[i])} {currency} is {amounts[i] / typical:.1f}× the "
                f"usual {metrics.money(round(typical))} (robust z {z[i]:.1f})"
            )
    return flag, details


def _rate_outliers(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    amounts = window["amount_cents"].to_numpy(dtype=np.float64)
    commission = window["commission_cents"].to_numpy(dtype=np.float64)
    priced = (amounts > 0) & ~_commission_missing(window)
    rate = pd.Series(np.where(priced, commission / np.where(priced, amounts, 1.0), np.nan))
    partner = window["partner_id"].astype(str).to_numpy(dtype=object)
    grouped = rate.groupby(partner)
    typical = grouped.transform("median").to_numpy()
    known = grouped.transform("count").to_numpy() >= RATE_MIN_ORDERS
    values = rate.to_numpy()
    tolerance = np.maximum(RATE_ABS_TOLERANCE, RATE_REL_TOLERANCE * np.nan_to_num(typical))
    flag = priced & known & (np.abs(values - typical) > tolerance)
    flag = np.nan_to_num(flag, nan=False).astype(bool)
    return flag, {
        int(i): f"commission rate {values[i]:.1%} vs this partner's usual {typical[i]:.1%}"
        for i in np.flatnonzero(flag)
    }


def _commission_missing(window: pd.DataFrame) -> np.ndarray:
    """Orders whose record carried no commission (a rate computed from the 0 it counts as would be false)."""
    return (window["read_problems"].to_numpy(dtype=np.uint8) & MISSING_COMMISSION) != 0


def _window_counts(
    groups: np.ndarray, times_ns: np.ndarray, width: pd.Timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by (group, time): how many rows of the same group fall in [t, t + width). Returns the
    sort order and the counts in sorted order. Works in whole seconds so group × span fits in int64."""
    seconds = times_ns // 10**9
    seconds = seconds - (seconds.min() if len(seconds) else 0)
    width_s = int(width.total_seconds())
    order = np.lexsort((seconds, groups))
    span = int(seconds.max()) + width_s + 1 if len(seconds) else 1
    keys = (groups[order].astype(np.int64) - int(groups.min(initial=0))) * span + seconds[order]
    ends = np.searchsorted(keys, keys + width_s, side="left")
    return order, ends - np.arange(len(keys))


def _spread_flags(order: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Flag every row inside a flagged window (a window starting at sorted row i covers i .. i+count-1)."""
    marks = np.zeros(len(order) + 1, dtype=np.int64)
    np.add.at(marks, starts, 1)
    np.add.at(marks, starts + counts[starts], -1)
    covered = np.cumsum(marks[:-1]) > 0
    flag = np.zeros(len(order), dtype=bool)
    flag[order[covered]] = True
    return flag


def _bursts(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    n = len(window)
    if n == 0:
        return np.zeros(0, dtype=bool), {}
    times = window["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    partner_codes, _ = pd.factorize(window["partner_id"].astype(str))
    per_partner = np.bincount(partner_codes)
    first = pd.Series(times).groupby(partner_codes).min().to_numpy()
    last = pd.Series(times).groupby(partner_codes).max().to_numpy()
    # The normal rate over the partner's own active span in the window (a partner that joined last month is
    # judged by its pace since then), at least one day.
    hours = np.maximum(last - first, BURST_MIN_SPAN.value) / BURST_WINDOW.value
    hourly = per_partner / hours
    expected = np.maximum(hourly * BURST_PEAK_FACTOR, 1e-9)
    order, counts = _window_counts(partner_codes, times, BURST_WINDOW)
    lam = expected[partner_codes[order]]
    k = counts.astype(np.float64)
    log_tail = -lam + k + k * np.log(lam) - k * np.log(k)  # Chernoff bound on P(Poisson(lam) >= k), k > lam
    hits = (counts >= BURST_MIN_ORDERS) & (k > lam) & (log_tail < math.log(BURST_MAX_P))
    flag = _spread_flags(order, counts, np.flatnonzero(hits))
    peak = pd.Series(np.where(hits, counts, 0)).groupby(partner_codes[order]).max()
    details = {
        int(i): (
            f"part of a burst: up to {int(peak[partner_codes[i]])} orders from this partner within one hour "
            f"(usually {hourly[partner_codes[i]]:.2f} per hour)"
        )
        for i in np.flatnonzero(flag)
    }
    return flag, details


def _repeat_customers(window: pd.DataFrame) -> tuple[np.ndarray, dict[int, str]]:
    n = len(window)
    if n == 0:
        return np.zeros(0, dtype=bool), {}
    uids = window["uid"].astype(str).to_numpy(dtype=object)
    known = uids != ""
    pairs = pd.Series(uids).str.cat(window["partner_id"].astype(str).to_numpy(dtype=object), sep="|")
    pair_codes, _ = pd.factorize(pairs)
    pair_codes = np.where(known, pair_codes, -1 - np.arange(n))  # unknown customers never group together
    times = window["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    order, counts = _window_counts(pair_codes, times, REPEAT_WINDOW)
    hits = counts >= REPEAT_MIN_ORDERS
    flag = _spread_flags(order, counts, np.flatnonzero(hits))
    totals = pd.Series(pair_codes[flag]).value_counts()
    days = REPEAT_WINDOW / pd.Timedelta(days=1)
    return flag, {
        int(i): (
            f"customer {uids[i]} placed {int(totals[pair_codes[i]])} orders through this partner "
            f"(≥ {REPEAT_MIN_ORDERS} within {days:g} days)"
        )
        for i in np.flatnonzero(flag)
    }


def _void_spikes(window: pd.DataFrame, period: Period) -> tuple[np.ndarray, dict[int, str]]:
    n = len(window)
    if n == 0:
        return np.zeros(0, dtype=bool), {}
    local = window["time"].dt.tz_convert(period.timezone).dt.tz_localize(None)
    days = local.to_numpy(dtype="datetime64[D]").astype(np.int64)
    weeks = (days - 4) // 7  # 1970-01-05 was a Monday
    partner_codes, _ = pd.factorize(window["partner_id"].astype(str))
    keys = partner_codes.astype(np.int64) * 1_000_000 + weeks
    void = window["is_void"].to_numpy(dtype=bool)
    frame = pd.DataFrame({"key": keys, "void": void})
    size = frame.groupby("key")["void"].transform("size").to_numpy()
    voids = frame.groupby("key")["void"].transform("sum").to_numpy()
    hits = void & (size >= VOID_SPIKE_MIN_ORDERS) & (voids >= VOID_SPIKE_MIN_SHARE * size)
    week_start = (weeks * 7 + 4).astype("datetime64[D]")
    return hits, {
        int(i): (
            f"{int(voids[i])} of this partner's {int(size[i])} orders in the week of {week_start[i]} are void"
        )
        for i in np.flatnonzero(hits)
    }


def _abnormal_orders(
    window: pd.DataFrame, flags: dict[str, tuple[np.ndarray, dict[int, str]]], period: Period
) -> tuple[list[AbnormalOrder], dict[str, int], int]:
    """The orders to list (best first), the count per reason, and how many are void and nothing else."""
    if window.empty:
        return [], {code: 0 for code in _ANOMALY_ORDER}, 0
    start, end = metrics.bounds(period)
    in_now = ((window["time"] >= start) & (window["time"] < end)).to_numpy()
    counts = {code: int((flags[code][0] & in_now).sum()) for code in _ANOMALY_ORDER}
    other_flag = np.zeros(len(window), dtype=bool)
    for code, (flag, _) in flags.items():
        if code != "voided":
            other_flag |= flag
    times = window["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    plain_void = np.flatnonzero(flags["voided"][0] & ~other_flag & in_now)
    recent_voids = plain_void[np.argsort(-times[plain_void], kind="stable")[:MAX_LISTED_VOIDS]]
    rows = np.union1d(np.flatnonzero(other_flag & in_now), recent_voids)
    severity = np.full(len(window), len(_ANOMALY_ORDER), dtype=np.int64)
    for rank, code in reversed(list(enumerate(_ANOMALY_ORDER))):
        severity[flags[code][0]] = rank
    rows = rows[np.lexsort((-times[rows], severity[rows]))]
    picked = window.iloc[rows]
    unknown_commission = _commission_missing(window)
    result = []
    for position, record in zip(rows, picked.to_dict("records"), strict=True):
        result.append(
            AbnormalOrder(
                order_id=str(record["order_id"]),
                time=record["time"].to_pydatetime(),
                partner_id=str(record["partner_id"]),
                partner_name=str(record["partner_name"]),
                medium=str(record["medium"]),
                currency=str(record["currency"]),
                amount=metrics.money(record["amount_cents"]),
                commission=(
                    None if unknown_commission[position] else metrics.money(record["commission_cents"])
                ),
                status=str(record["status"]),
                flags=[
                    OrderFlag(code=code, detail=flags[code][1][int(position)])
                    for code in _ANOMALY_ORDER
                    if flags[code][0][position]
                ],
            )
        )
    return result, counts, len(plain_void)
