"""Order monitoring: metrics vs plain counts, each abnormal-order rule on hand-made data, and precision and
recall against the anomalies the sandbox world injected (its ground truth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from analysis_support import NOW, OCTOBER, clicks, frame, in_range, record, spread

from partnerboost_skill.analysis.monitor import MAX_LISTED_VOIDS, monitor_orders
from partnerboost_skill.analysis.results import OrderMonitor
from partnerboost_skill.periods import Period, resolve_period
from partnerboost_skill.sandbox.world import World

INJECTED = {
    "burst": "burst",
    "duplicate_order": "duplicate_order_number",
    "amount_outlier": "amount_outlier",
    "commission_rate_outlier": "commission_rate_outlier",
    "repeat_customer": "repeat_customer",
    "void_spike": "void_spike",
}


def _flagged(result: OrderMonitor, code: str) -> set[str]:
    return {o.order_id for o in result.abnormal_orders if any(f.code == code for f in o.flags)}


def _truth(world: World, period: Period) -> dict[str, set[str]]:
    times = dict(zip(world.orders["order_id"], world.orders["order_time"], strict=False))
    truth: dict[str, set[str]] = {code: set() for code in INJECTED.values()}
    for anomaly in world.anomalies:
        if anomaly.kind in INJECTED:
            truth[INJECTED[anomaly.kind]] |= {
                i for i in anomaly.order_ids if period.start <= times[i] < period.end
            }
    return truth


def precision_recall(
    world: World, orders: pd.DataFrame, phrase: str, tz: str = "UTC"
) -> dict[str, tuple[float, float, int]]:
    """Per injected kind and overall: (precision, recall, true anomalies in the period)."""
    period = resolve_period(phrase, now=NOW, tz=tz)
    result = monitor_orders(orders, period)
    truth = _truth(world, period)
    scores = {}
    all_flagged: set[str] = set()
    for code, expected in truth.items():
        flagged = _flagged(result, code)
        all_flagged |= flagged
        hits = len(flagged & expected)
        scores[code] = (
            hits / len(flagged) if flagged else 1.0,
            hits / len(expected) if expected else 1.0,
            len(expected),
        )
    everything = set().union(*truth.values())
    hits = len(all_flagged & everything)
    scores["overall"] = (hits / len(all_flagged), hits / len(everything), len(everything))
    return scores


@pytest.mark.parametrize("tz", ["UTC", "Asia/Shanghai"])
@pytest.mark.parametrize(
    ("phrase", "at_least"),
    [("last 7 days", 30), ("last 30 days", 100), ("past 90 days", 150), ("past 180 days", 150)],
)
def test_precision_and_recall_on_the_injected_anomalies(
    world: World, orders: pd.DataFrame, phrase: str, at_least: int, tz: str
) -> None:
    scores = precision_recall(world, orders, phrase, tz)
    print(
        f"\nmonitor P/R over {phrase!r} ({tz}):",
        {k: (round(p, 3), round(r, 3), n) for k, (p, r, n) in scores.items()},
    )
    assert scores["overall"][2] >= at_least  # the window holds the injected anomalies
    for code, (precision, recall, count) in scores.items():
        if count:
            assert precision >= 0.9, (code, precision)
            assert recall >= 0.9, (code, recall)


def test_routine_voids_do_not_flood_the_list(orders: pd.DataFrame, order_rows: list[dict]) -> None:
    period = resolve_period("past 90 days", now=NOW)
    result = monitor_orders(orders, period)
    rows = in_range(order_rows, period.start, period.end)
    voids = sorted((r for r in rows if r["status"] == "void"), key=lambda r: r["order_time"], reverse=True)
    assert result.abnormal_counts["voided"] == len(voids) > 1000  # every void is counted ...
    only_void = [o for o in result.abnormal_orders if [f.code for f in o.flags] == ["voided"]]
    assert len(only_void) == MAX_LISTED_VOIDS  # ... but only the most recent routine ones are listed
    assert min(o.time for o in only_void) >= max(
        r["order_time"] for r in voids if r["order_id"] not in {o.order_id for o in only_void}
        and r["order_id"] not in _flagged(result, "void_spike")
    )
    other = [o for o in result.abnormal_orders if any(f.code != "voided" for f in o.flags)]
    assert len(result.abnormal_orders) == len(other) + MAX_LISTED_VOIDS < 200
    assert any(f"{len(voids)} orders in the period are void" in note and "returned" in note
               for note in result.notes)


def test_key_metrics_match_plain_counts(orders: pd.DataFrame, order_rows: list[dict]) -> None:
    period = resolve_period("last 7 days", now=NOW)
    result = monitor_orders(orders, period)
    rows = in_range(order_rows, period.start, period.end)
    before = in_range(order_rows, result.previous_period.start, result.previous_period.end)
    assert result.totals.orders == len(rows)
    assert result.totals.valid_orders == sum(r["status"] != "void" for r in rows)
    assert result.previous_totals.valid_orders == sum(r["status"] != "void" for r in before)
    assert result.abnormal_counts["voided"] == sum(r["status"] == "void" for r in rows)
    new = sum(1 for r in rows if r["status"] != "void" and r["is_new_customer"])
    assert result.new_customer_share == round(new / result.totals.valid_orders, 6)
    assert result.period.start == datetime(2026, 11, 14, tzinfo=UTC)


def test_today_is_compared_with_yesterday_up_to_the_same_time(
    orders: pd.DataFrame, order_rows: list[dict]
) -> None:
    # NOW is 06:00: six hours of today against the first six hours of yesterday, not all of it.
    result = monitor_orders(orders, resolve_period("today", now=NOW))
    yesterday = datetime(2026, 11, 19, tzinfo=UTC)
    today_rows = in_range(order_rows, datetime(2026, 11, 20, tzinfo=UTC), NOW)
    before = in_range(order_rows, yesterday, yesterday + timedelta(hours=6))
    cut = yesterday + timedelta(hours=6)
    assert (result.previous_period.start, result.previous_period.end) == (yesterday, cut)
    assert result.totals.orders == len(today_rows) and result.previous_totals.orders == len(before)
    valid_now = sum(r["status"] != "void" for r in today_rows)
    valid_before = sum(r["status"] != "void" for r in before)
    assert result.totals.valid_orders_change == round(valid_now / valid_before - 1, 6)
    assert abs(result.totals.valid_orders_change or 0) < 0.25  # an ordinary day, not "down 64 %"


def test_best_channels_are_the_busiest_clean_media(orders: pd.DataFrame, order_rows: list[dict]) -> None:
    period = resolve_period("last 7 days", now=NOW)
    result = monitor_orders(orders, period)
    counts: dict[str, list[int]] = {}
    for row in in_range(order_rows, period.start, period.end):
        entry = counts.setdefault(str(row["channel_id"]), [0, 0])
        entry[0] += 1
        entry[1] += row["status"] != "void"
    clean = [
        (-valid, key) for key, (total, valid) in counts.items() if valid and (total - valid) / total < 0.12
    ]
    assert [g.key for g in result.best_channels] == [key for _, key in sorted(clean)[:5]]


def _ordinary(count: int = 60) -> list[dict]:
    """Two partners ordering calmly through October: about one order a day each, rates 8 % and 10 %."""
    return spread("A", count // 2, OCTOBER, "60.00", "4.80") + spread(
        "B", count // 2, OCTOBER, "70.00", "7.00"
    )


def test_ordinary_orders_raise_nothing() -> None:
    result = monitor_orders(frame(_ordinary()), OCTOBER)
    assert result.abnormal_orders == []


def test_each_rule_on_hand_made_orders() -> None:
    day = OCTOBER.start + timedelta(days=10)
    special = [
        record("A", day, "50.00", "4.00", order_id="DUP1"),
        record("A", day + timedelta(minutes=5), "50.00", "4.00", order_id="DUP1"),
        record("B", day, "1400.00", "140.00", order_id="BIG"),  # 23.3× the median amount of 60.00
        record("A", day + timedelta(hours=3), "60.00", "30.00", order_id="RATE"),  # 50 % vs the usual 8 %
        record("B", day + timedelta(hours=5), "70.00", "7.00", status="void", order_id="VOID"),
        *[
            record("C", day + timedelta(minutes=3 * i), "40.00", "4.00", order_id=f"BURST{i}")
            for i in range(15)
        ],
        *[
            record("D", day + timedelta(hours=9 * i), "30.00", "3.00", uid="C999", order_id=f"REP{i}")
            for i in range(6)
        ],
    ]
    result = monitor_orders(frame(_ordinary() + special), OCTOBER)
    assert _flagged(result, "duplicate_order_number") == {"DUP1"}
    assert _flagged(result, "amount_outlier") == {"BIG"}
    assert _flagged(result, "commission_rate_outlier") == {"RATE"}
    assert _flagged(result, "voided") == {"VOID"}
    assert _flagged(result, "burst") == {f"BURST{i}" for i in range(15)}
    assert _flagged(result, "repeat_customer") == {f"REP{i}" for i in range(6)}
    details = {f.code: f.detail for o in result.abnormal_orders for f in o.flags}
    assert "returned" in details["voided"] and "23.3× the usual 60.00" in details["amount_outlier"]
    assert "50.0%" in details["commission_rate_outlier"] and "8.0%" in details["commission_rate_outlier"]
    assert result.abnormal_counts["burst"] == 15 and result.abnormal_counts["voided"] == 1


def test_void_spike_flags_a_partner_week() -> None:
    week = resolve_period("2026-10-12..2026-10-18", now=NOW)  # Monday to Sunday
    spike = spread("C", 6, week, "40.00", "4.00") + spread("C", 6, week, "40.00", "4.00", status="void")
    result = monitor_orders(frame(_ordinary() + spike), OCTOBER)
    voids = {r["order_id"] for r in spike if r["status"] == "void"}
    assert _flagged(result, "void_spike") == voids
    assert _flagged(result, "voided") == voids


def test_only_orders_inside_the_period_are_reported() -> None:
    september = OCTOBER.previous()
    old = [record("A", september.start + timedelta(days=3), "60.00", "4.80", status="void", order_id="OLD")]
    result = monitor_orders(frame(_ordinary() + old), OCTOBER)
    assert "OLD" not in {o.order_id for o in result.abnormal_orders}


def test_empty_window() -> None:
    result = monitor_orders(frame([]), OCTOBER)
    assert result.abnormal_orders == [] and result.totals.orders == 0 and result.best_channels == []
    assert result.new_customer_share is None


def test_a_single_order_with_zero_clicks() -> None:
    orders = frame([record("A", OCTOBER.start + timedelta(days=4), "80.00", "8.00")])
    result = monitor_orders(orders, OCTOBER, clicks=clicks({"A": 0}, OCTOBER))
    assert (result.totals.orders, result.totals.valid_orders, result.totals.clicks) == (1, 1, 0)
    assert result.totals.conversion_rate is None  # zero clicks: undefined, not infinite
    assert result.abnormal_orders == []  # one order is no burst, outlier or duplicate
    assert result.previous_totals.orders == 0 and result.totals.valid_orders_change is None
    assert [g.key for g in result.best_channels] == ["101"]
