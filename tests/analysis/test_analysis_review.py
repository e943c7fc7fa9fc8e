"""Performance review: figures checked to the cent against plain sums over the world's own orders, edge cases,
and each recommendation rule triggered by a hand-made programme."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pandas as pd
import pytest
from analysis_support import NOW, OCTOBER, clicks, frame, in_range, record, spread, valid_money

from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.review import chance_of_at_least, review_performance
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.records.frames import clicks_frame, empty_clicks
from partnerboost_skill.render import i18n
from partnerboost_skill.sandbox import bulk_records as sandbox_records
from partnerboost_skill.sandbox.world import World

SHANGHAI = "Asia/Shanghai"


def _world_clicks(world: World, periods: list[Any], group_by: str = "medium") -> pd.DataFrame:
    frames = [
        clicks_frame(sandbox_records.click_records(world, p.start, p.end, group_by), start=p.start, end=p.end)
        for p in periods
    ]
    return pd.concat(frames, ignore_index=True)


def _cents(value: Any) -> int:
    return int(value * 100)


def test_totals_match_plain_sums_to_the_cent(
    world: World, orders: pd.DataFrame, order_rows: list[dict]
) -> None:
    period = resolve_period("last three months", now=NOW, tz=SHANGHAI)
    result = review_performance(orders, None, period, "channel_type")
    rows = in_range(order_rows, period.start, period.end)
    sales, commission = valid_money(rows, "amount_cents"), valid_money(rows, "commission_cents")
    assert result.totals.orders == len(rows)
    assert result.totals.void_orders == sum(1 for r in rows if r["status"] == "void")
    assert set(result.totals.money) == set(sales) == {"USD", "EUR", "GBP"}
    for currency, figures in result.totals.money.items():
        assert _cents(figures.sales) == sales[currency]
        assert _cents(figures.commission) == commission[currency]
        assert figures.roas == pytest.approx(sales[currency] / commission[currency], abs=1e-6)
        assert figures.roi == pytest.approx(
            (sales[currency] - commission[currency]) / commission[currency], abs=1e-6
        )
    before = in_range(order_rows, result.previous_period.start, result.previous_period.end)
    previous_sales = valid_money(before, "amount_cents")
    usd = result.totals.money["USD"]
    assert _cents(usd.previous_sales) == previous_sales["USD"]
    assert usd.sales_change == pytest.approx(sales["USD"] / previous_sales["USD"] - 1, abs=1e-6)
    assert result.previous_totals.valid_orders == sum(1 for r in before if r["status"] != "void")
    assert result.period.timezone == SHANGHAI and result.period.convention.startswith("the three most recent")


def test_groups_by_channel_type_match_plain_sums(
    orders: pd.DataFrame, order_rows: list[dict], partner_rows: dict[int, dict]
) -> None:
    period = resolve_period("2026-09", now=NOW)
    result = review_performance(orders, None, period, "channel_type")
    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    valid: dict[str, int] = defaultdict(int)
    for row in in_range(order_rows, period.start, period.end):
        channel = partner_rows[int(row["partner_id"])]["channel_type"]
        if row["status"] != "void":
            expected[channel][row["currency"]] += int(row["commission_cents"])
            valid[channel] += 1
    assert {g.key for g in result.groups} == set(expected)
    for group in result.groups:
        assert group.valid_orders == valid[group.key]
        assert {c: _cents(m.commission) for c, m in group.money.items()} == dict(expected[group.key])
    # shares within a currency add up to one; money is never mixed across currencies
    for currency in ("USD", "EUR", "GBP"):
        shares = [g.money[currency].share_of_sales for g in result.groups if currency in g.money]
        assert sum(shares) == pytest.approx(1.0, abs=1e-5)


def test_clicks_and_conversion_by_partner(world: World, orders: pd.DataFrame, order_rows: list[dict]) -> None:
    period = resolve_period("2026-09", now=NOW)
    click_frame = _world_clicks(world, [period, period.previous()])
    result = review_performance(orders, click_frame, period, "partner")
    daily = world.clicks_daily
    chosen = daily[(daily["date"] >= pd.Timestamp(period.start)) & (daily["date"] < pd.Timestamp(period.end))]
    clicks_by_partner: dict[str, int] = defaultdict(int)
    for row in chosen.to_dict("records"):
        clicks_by_partner[str(row["partner_id"])] += int(row["clicks"])
    assert result.totals.clicks == sum(clicks_by_partner.values())
    valid: dict[str, int] = defaultdict(int)
    for row in in_range(order_rows, period.start, period.end):
        valid[str(row["partner_id"])] += row["status"] != "void"
    by_key = {g.key: g for g in result.groups}
    for partner, count in clicks_by_partner.items():
        group = by_key[partner]
        assert group.clicks == count
        expected = round(valid[partner] / count, 6) if count else None
        assert group.conversion_rate == expected


def test_month_grouping_uses_daily_clicks(world: World, orders: pd.DataFrame) -> None:
    period = resolve_period("last three months", now=NOW)
    result = review_performance(
        orders, _world_clicks(world, [period, period.previous()], "day"), period, "month"
    )
    assert [g.key for g in result.groups] == ["2026-08", "2026-09", "2026-10"]
    daily = world.clicks_daily
    for group in result.groups:
        month = daily[daily["date"].dt.strftime("%Y-%m") == group.key]
        assert group.clicks == int(month["clicks"].sum())
    assert not result.recommendations or all(r.kind == "concentration" for r in result.recommendations)


def test_device_has_no_clicks(orders: pd.DataFrame) -> None:
    period = resolve_period("2026-09", now=NOW)
    result = review_performance(orders, empty_clicks(), period, "device")
    assert {g.key for g in result.groups} == {"mobile", "pc", "-", "admin"}
    assert all(g.clicks is None and g.conversion_rate is None for g in result.groups)
    assert any("device" in note for note in result.notes)


def test_empty_period_gives_zeros_and_no_ratios(orders: pd.DataFrame) -> None:
    future = resolve_period("2027-03", now=NOW)
    result = review_performance(orders, empty_clicks(), future, "channel_type")
    assert result.groups == [] and result.totals.orders == 0 and result.totals.money == {}
    assert result.totals.clicks == 0
    assert result.totals.conversion_rate is None and result.totals.void_rate is None
    assert result.recommendations == []


def test_single_order_zero_clicks_and_zero_commission() -> None:
    orders = frame([record("A", OCTOBER.start.replace(day=5), "80.00", "0.00")])
    result = review_performance(orders, clicks({"A": 0}, OCTOBER), OCTOBER, "partner")
    (group,) = result.groups
    figures = group.money["USD"]
    assert (group.orders, group.valid_orders, group.clicks) == (1, 1, 0)
    assert group.conversion_rate is None  # zero clicks
    assert figures.roas is None and figures.roi is None  # zero commission
    assert figures.effective_commission_rate == 0.0 and str(figures.aov) == "80.00"
    assert figures.previous_sales == 0 and figures.sales_change is None


def test_several_currencies_are_never_summed() -> None:
    orders = frame(
        [
            record("A", OCTOBER.start.replace(day=3), "100.00", "10.00", currency="USD"),
            record("A", OCTOBER.start.replace(day=4), "100.00", "10.00", currency="EUR"),
            record("A", OCTOBER.start.replace(day=5), "0.10", "0.01", currency="EUR"),
        ]
    )
    result = review_performance(orders, None, OCTOBER, "partner")
    (group,) = result.groups
    assert {c: str(m.sales) for c, m in group.money.items()} == {"EUR": "100.10", "USD": "100.00"}
    assert {c: str(m.sales) for c, m in result.totals.money.items()} == {"EUR": "100.10", "USD": "100.00"}
    assert group.valid_orders == 3


def test_voided_after_the_period_ended_counts_as_void() -> None:
    # Placed in October, voided in November: the order's status is void now, so it is not a sale.
    orders = frame(
        [
            record("A", OCTOBER.start.replace(day=30), "50.00", "5.00", status="void"),
            record("A", OCTOBER.start.replace(day=2), "20.00", "2.00"),
        ]
    )
    result = review_performance(orders, None, OCTOBER, "partner")
    assert result.totals.void_orders == 1 and result.totals.void_rate == 0.5
    assert str(result.totals.money["USD"].sales) == "20.00"


def test_unknown_group_by_names_the_choices(orders: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="group_by must be one of channel_type, partner"):
        review_performance(orders, None, OCTOBER, "colour")


def test_each_rule_fires_on_a_programme_built_for_it() -> None:
    september = OCTOBER.previous()
    records = [
        *spread("A", 20, OCTOBER, "100.00", "8.00"),  # ROAS 12.5, converting well, doubled vs September
        *spread("A", 10, september, "100.00", "8.00"),
        *spread("B", 5, OCTOBER, "100.00", "10.00"),  # 5,000 clicks, 5 orders
        *spread("C", 20, OCTOBER, "100.00", "10.00"),
        *spread("C", 10, OCTOBER, "100.00", "10.00", status="void"),  # a third void
        *spread("D", 30, OCTOBER, "100.00", "20.00"),  # ROAS 5 on most of the commission
    ]
    result = review_performance(
        frame(records), clicks({"A": 400, "B": 5000, "C": 600, "D": 1000}, OCTOBER), OCTOBER, "partner"
    )
    kinds = sorted((r.kind, r.label) for r in result.recommendations)
    assert kinds == [
        ("concentration", "Delta Cashback"),
        ("cut", "Delta Cashback"),
        ("fix", "@bravo"),
        ("scale", "Alpha Deals"),
        ("watch", "Charlie App"),
    ]
    by_kind = {r.kind: r for r in result.recommendations}
    assert by_kind["scale"].evidence["roas"] == 12.5 and by_kind["scale"].evidence["sales_change"] == 1.0
    assert by_kind["fix"].evidence["conversion_rate"] == 0.001
    assert by_kind["watch"].evidence["void_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert by_kind["cut"].evidence["roas"] == 5.0
    assert by_kind["concentration"].evidence["share_of_sales"] == pytest.approx(3000 / 7500, abs=1e-6)
    # the result carries codes and figures; what to do is worded by the renderer, in both languages
    assert all(set(i18n.ACTIONS[r.kind]) == {"en", "zh"} for r in result.recommendations)
    assert "rule" not in result.model_dump()["recommendations"][0]


def test_no_rule_fires_on_a_balanced_programme() -> None:
    september = OCTOBER.previous()
    records = []
    for partner in "ABCD":
        records += spread(partner, 20, OCTOBER, "100.00", "9.00") + spread(
            partner, 20, september, "100.00", "9.00"
        )
    result = review_performance(
        frame(records), clicks(dict.fromkeys("ABCD", 1000), OCTOBER), OCTOBER, "partner"
    )
    assert result.recommendations == []


def test_a_partner_with_clicks_and_no_orders_still_shows() -> None:
    orders = frame(spread("A", 3, OCTOBER, "10.00", "1.00"))
    rows = [
        {"medium_id": "101", "medium_name": "Alpha Deals", "partner_id": "1", "clicks": 100},
        {"medium_id": "555", "medium_name": "Silent Blog", "partner_id": "77", "clicks": 900},
    ]
    result = review_performance(
        orders, clicks_frame(rows, start=OCTOBER.start, end=OCTOBER.end), OCTOBER, "partner"
    )
    by_key = {g.key: g for g in result.groups}
    assert (
        by_key["77"].label == "Silent Blog" and by_key["77"].clicks == 900 and by_key["77"].valid_orders == 0
    )
    assert by_key["77"].conversion_rate == 0.0 and by_key["77"].money == {}
    assert by_key["1"].conversion_rate == 0.03
    assert result.totals.clicks == 1000


def test_scale_needs_volume_and_real_growth() -> None:
    september = OCTOBER.previous()
    records = [
        *spread("A", 100, OCTOBER, "100.00", "8.00"),  # ROAS 12.5, +25 %: scale
        *spread("A", 80, september, "100.00", "8.00"),
        *spread("B", 25, OCTOBER, "2.00", "0.16"),  # as efficient and growing, but 0.5 % of sales
        *spread("B", 10, september, "2.00", "0.16"),
        *spread("C", 40, OCTOBER, "100.00", "8.00"),  # as efficient, but +2.6 %: flat
        *spread("C", 39, september, "100.00", "8.00"),
        *spread("D", 60, OCTOBER, "100.00", "9.00"),
        *spread("D", 60, september, "100.00", "9.00"),
    ]
    result = review_performance(
        frame(records), clicks({"A": 2000, "B": 500, "C": 800, "D": 4000}, OCTOBER), OCTOBER, "partner"
    )
    scale = [r for r in result.recommendations if r.kind == "scale"]
    assert [r.label for r in scale] == ["Alpha Deals"]
    assert scale[0].evidence["share_of_sales"] == pytest.approx(10000 / 20050, abs=1e-6)
    assert scale[0].evidence["valid_orders"] == 100


def test_watch_needs_more_voids_than_chance_would_give() -> None:
    # The programme voids about 8 %: 4 voids in 25 orders (16 %) happen by chance about one time in
    # seven; 8 in 25 (32 %) about one time in five hundred.
    records = [
        *spread("A", 188, OCTOBER, "50.00", "5.00"),
        *spread("A", 12, OCTOBER, "50.00", "5.00", status="void"),
        *spread("B", 21, OCTOBER, "50.00", "5.00"),
        *spread("B", 4, OCTOBER, "50.00", "5.00", status="void"),
        *spread("C", 17, OCTOBER, "50.00", "5.00"),
        *spread("C", 8, OCTOBER, "50.00", "5.00", status="void"),
    ]
    result = review_performance(frame(records), None, OCTOBER, "partner")
    watch = [r for r in result.recommendations if r.kind == "watch"]
    assert [r.label for r in watch] == ["Charlie App"]
    assert watch[0].evidence["chance_at_programme_rate"] < 0.01
    assert result.thresholds["watch_max_chance"] == 0.01


def test_void_chance_is_the_binomial_tail() -> None:
    # P(X >= k) for X ~ Binomial(n, p), summed exactly with integers
    for k, n, p in [(4, 25, 0.06), (6, 25, 0.06), (13, 100, 0.06), (0, 5, 0.1), (5, 5, 0.1), (3, 10, 0.5),
                    (1, 25, 0.06), (60, 1000, 0.06), (75, 1000, 0.06)]:
        exact = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
        assert chance_of_at_least(k, n, p) == pytest.approx(exact, rel=1e-9, abs=1e-12)
    # a million orders, far below or above the mean: no overflow, and the obvious answers
    assert chance_of_at_least(18_000, 600_000, 0.06) == 1.0
    assert chance_of_at_least(72_000, 600_000, 0.06) == 0.0


def test_no_concentration_risk_in_a_currency_with_a_handful_of_orders() -> None:
    records = [
        *spread("A", 30, OCTOBER, "100.00", "8.00"),
        *spread("B", 30, OCTOBER, "100.00", "8.00"),
        *spread("C", 30, OCTOBER, "100.00", "8.00"),
        *spread("D", 30, OCTOBER, "100.00", "8.00"),  # a quarter of USD each
        *spread("D", 3, OCTOBER, "100.00", "8.00", currency="GBP"),  # 100 % of three GBP orders
    ]
    result = review_performance(frame(records), None, OCTOBER, "partner")
    assert [c.currency for c in result.concentration if c.share_of_sales == 1.0] == ["GBP"]
    assert not [r for r in result.recommendations if r.kind == "concentration"]


def test_average_order_value_rounds_half_up_to_the_cent() -> None:
    # 0.05 over two orders is 0.025: half up gives 0.03 (rounding half to even gave 0.02)
    orders = frame([
        record("A", OCTOBER.start.replace(day=3), "0.02", "0.00"),
        record("A", OCTOBER.start.replace(day=4), "0.03", "0.00"),
        record("B", OCTOBER.start.replace(day=5), "100.00", "1.00"),
        record("B", OCTOBER.start.replace(day=6), "33.33", "1.00"),
        record("B", OCTOBER.start.replace(day=7), "0.01", "1.00"),
    ])
    result = review_performance(orders, None, OCTOBER, "partner")
    aov = {g.label: str(g.money["USD"].aov) for g in result.groups}
    assert aov == {"Alpha Deals": "0.03", "@bravo": "44.45"}  # 133.34 / 3 = 44.4466...
