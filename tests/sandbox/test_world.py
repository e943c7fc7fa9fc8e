"""The sandbox world: determinism, the schema in docs/contracts.md, the bill and lifecycle rules, anomalies.

Expected values come from the rules in the contract and from plain Python over the orders, never from the
generator's own helpers.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from partnerboost_skill.sandbox.anomalies import ANOMALY_KINDS
from partnerboost_skill.sandbox.world import DEFAULT_NOW, World, WorldConfig

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(seed=7))


@pytest.fixture(scope="module")
def labelled(world: World) -> set[str]:
    return {order_id for anomaly in world.anomalies for order_id in anomaly.order_ids}


def _anomalies(world: World, kind: str) -> list:
    return [a for a in world.anomalies if a.kind == kind]


def _month(ts: pd.Timestamp) -> str:
    return f"{ts.year:04d}-{ts.month:02d}"


# Determinism ----


def test_same_seed_gives_an_identical_world(world: World) -> None:
    again = World.generate(WorldConfig(seed=7))
    for name in (
        "partners",
        "orders",
        "clicks_daily",
        "bills",
        "prepayments",
        "creatives",
        "products",
        "amazon_products",
        "amazon_brands",
        "amazon_report",
        "brands",
    ):
        pd.testing.assert_frame_equal(getattr(world, name), getattr(again, name), obj=name)
    assert world.anomalies_json() == again.anomalies_json()
    assert world.account == again.account
    assert world.plan == again.plan
    assert world.publisher_partner_id == again.publisher_partner_id


def test_another_seed_gives_another_world(world: World) -> None:
    other = World.generate(WorldConfig(seed=8, orders_per_day=60))
    assert list(other.partners["name"]) != list(world.partners["name"])
    assert other.anomalies_json() != world.anomalies_json()


def test_default_now_is_the_contract_date() -> None:
    assert DEFAULT_NOW == NOW
    assert WorldConfig().now == NOW


# Partners ----


def test_partner_schema_and_mix(world: World) -> None:
    p = world.partners
    assert len(p) == 120
    assert p["partner_id"].is_unique and p["channel_id"].is_unique and p["medium_code"].is_unique
    assert p["medium_code"].str.fullmatch(r"PB\d{8}").all()
    assert set(p["partner_type"]) == {"influencer", "publisher"}
    assert set(p["channel_type"]) == {"WEBSITE", "SOCIAL_NETWORK", "MOBILE"}
    assert set(p["status"]) == {"joined", "pending", "refused", "terminated"}
    assert (p["status"] == "joined").mean() > 0.7
    assert p["country"].nunique() >= 8 and p["country"].str.fullmatch(r"[A-Z]{2}").all()
    assert p["commission_rate"].between(0.05, 0.20).all()
    assert p["conversion_rate"].between(0.005, 0.08).all()
    assert p.groupby("group_id")["commission_rate"].nunique().eq(1).all()
    assert str(p["joined_at"].dtype) == "datetime64[ns, UTC]"
    assert p["name"].is_unique
    assert p.loc[p["partner_type"] == "influencer", "name"].str.startswith("@").all()


def test_only_joined_or_terminated_partners_have_orders(world: World) -> None:
    p = world.partners.set_index("partner_id")
    orders = world.orders
    statuses = set(p.loc[orders["partner_id"].unique(), "status"])
    assert statuses <= {"joined", "terminated"}
    partner_facts = p[["status", "joined_at", "terminated_at"]].rename(columns={"status": "partner_status"})
    merged = orders.merge(partner_facts, left_on="partner_id", right_index=True)
    assert (merged["order_time"] >= merged["joined_at"]).all()
    ended = merged[merged["partner_status"] == "terminated"]
    assert len(ended) > 0 and (ended["order_time"] < ended["terminated_at"]).all()


def test_publisher_token_partner_is_a_mid_sized_joined_partner(world: World) -> None:
    partner = world.partner(world.publisher_partner_id)
    assert partner is not None and partner["status"] == "joined"
    counts = world.orders["partner_id"].value_counts()
    rank = list(counts.index).index(world.publisher_partner_id)
    assert 3 <= rank <= 40


def test_long_tail_top_tenth_of_partners_bring_most_sales(world: World) -> None:
    orders = world.orders
    sales = orders[orders["status"] != "void"].groupby("partner_id")["amount_cents"].sum()
    top = sales.sort_values(ascending=False).head(len(world.partners) // 10)
    assert top.sum() > 0.5 * sales.sum()


# Orders ----

ORDER_DTYPES = {
    "order_id": "str",
    "order_time": "datetime64[ns, UTC]",
    "partner_id": "int64",
    "channel_id": "int64",
    "currency": "str",
    "amount_cents": "int64",
    "commission_cents": "int64",
    "quantity": "int64",
    "sku": "str",
    "coupon_code": "str",
    "is_new_customer": "bool",
    "device": "str",
    "uid": "str",
    "status": "str",
    "void_reason": "str",
    "bill_id": "int64",
    "trans_type": "str",
}


def test_order_schema(world: World) -> None:
    orders = world.orders
    assert {c: str(t) for c, t in orders.dtypes.items()} == ORDER_DTYPES
    assert orders["order_time"].is_monotonic_increasing
    assert orders["order_time"].min() >= pd.Timestamp(NOW) - pd.Timedelta(days=365)
    assert orders["order_time"].max() < pd.Timestamp(NOW)
    assert set(orders["status"]) == {"new", "effective", "paid", "void"}
    assert set(orders["device"]) <= {"mobile", "pc", "admin", "-"}
    assert set(orders["trans_type"]) <= {"normal", "bonus", "manually_added"}
    assert set(orders["sku"]) <= set(world.products["sku"])
    assert (orders["quantity"] >= 1).all() and (orders["amount_cents"] > 0).all()
    partners = world.partners.set_index("partner_id")["channel_id"]
    assert (orders["channel_id"].to_numpy() == partners.loc[orders["partner_id"]].to_numpy()).all()


def test_order_volume_and_mix(world: World) -> None:
    orders = world.orders
    assert 0.9 * 300 * 365 < len(orders) < 1.1 * 300 * 365
    shares = orders["currency"].value_counts(normalize=True)
    assert 0.82 < shares["USD"] < 0.88 and {"EUR", "GBP"} <= set(shares.index)
    assert 0.1 < (orders["coupon_code"] != "").mean() < 0.5
    assert 0.2 < orders["is_new_customer"].mean() < 0.8


def test_commission_is_the_group_rate_in_whole_cents(world: World, labelled: set[str]) -> None:
    orders = world.orders[~world.orders["order_id"].isin(labelled)]
    rate = orders["partner_id"].map(world.partners.set_index("partner_id")["commission_rate"])
    exact = orders["amount_cents"] * rate
    assert ((orders["commission_cents"] - exact).abs() <= 0.5 + 1e-9).all()


def test_void_share_is_about_six_percent_with_reasons(world: World, labelled: set[str]) -> None:
    orders = world.orders
    ordinary = orders[~orders["order_id"].isin(labelled)]
    assert 0.05 < (ordinary["status"] == "void").mean() < 0.07
    void = orders["status"] == "void"
    assert (orders.loc[void, "void_reason"] != "").all()
    assert (orders.loc[~void, "void_reason"] == "").all()
    assert {"returned", "cancelled", "fraud suspected"} <= set(orders.loc[void, "void_reason"])


def test_order_ids_are_unique_except_the_labelled_duplicates(world: World) -> None:
    counts = world.orders["order_id"].value_counts()
    repeated = set(counts[counts > 1].index)
    duplicates = {a.order_ids[0] for a in _anomalies(world, "duplicate_order")}
    assert repeated == duplicates
    assert (counts[counts > 1] == 2).all()


def test_orders_per_day_scales_the_count(world: World) -> None:
    small = World.generate(WorldConfig(seed=7, orders_per_day=30))
    assert 0.085 < len(small.orders) / len(world.orders) < 0.115


def test_orders_between_is_a_time_range_filter(world: World) -> None:
    start, end = pd.Timestamp("2026-10-01", tz="UTC"), pd.Timestamp("2026-10-08", tz="UTC")
    orders = world.orders
    expected = orders[(orders["order_time"] >= start) & (orders["order_time"] < end)]
    got = world.orders_between(start, end)
    assert list(got["order_id"]) == list(expected["order_id"]) and len(got) > 0


# Clicks ----


def test_clicks_match_orders_over_conversion(world: World, labelled: set[str]) -> None:
    clicks = world.clicks_daily
    assert str(clicks["date"].dtype) == "datetime64[ns, UTC]"
    assert (clicks["date"] == clicks["date"].dt.floor("D")).all()
    assert not clicks.duplicated(["date", "partner_id"]).any()
    ordinary = world.orders[~world.orders["order_id"].isin(labelled)]
    orders = ordinary.groupby("partner_id").size()
    totals = clicks.groupby("partner_id")["clicks"].sum()
    conversion = world.partners.set_index("partner_id")["conversion_rate"]
    busy = orders[orders >= 500].index
    assert len(busy) >= 10
    observed = orders[busy] / totals[busy]
    assert ((observed / conversion[busy] - 1).abs() < 0.15).all()
    assert set(clicks["partner_id"]) >= set(orders.index)


# Bills and lifecycle ----


def test_bills_equal_the_commission_they_cover(world: World) -> None:
    expected: dict[tuple[int, str, str], int] = defaultdict(int)
    counted: Counter[tuple[int, str, str]] = Counter()
    current = _month(pd.Timestamp(NOW))
    for partner, currency, time, commission, status in zip(
        world.orders["partner_id"],
        world.orders["currency"],
        world.orders["order_time"],
        world.orders["commission_cents"],
        world.orders["status"],
        strict=True,
    ):
        if status != "void" and _month(time) != current:
            expected[(int(partner), str(currency), _month(time))] += int(commission)
            counted[(int(partner), str(currency), _month(time))] += 1
    bills = world.bills
    assert len(bills) == len(expected)
    mismatch = _anomalies(world, "bill_mismatch")
    assert len(mismatch) == 1
    for bill in bills.itertuples():
        key = (bill.partner_id, bill.currency, bill.month)
        assert bill.order_count == counted[key]
        if bill.bill_id == mismatch[0].detail["bill_id"]:
            assert (bill.partner_id, bill.month) == (mismatch[0].partner_id, mismatch[0].month)
            assert bill.amount_cents - expected[key] == mismatch[0].detail["difference_cents"] != 0
        else:
            assert bill.amount_cents == expected[key], key


def test_orders_link_to_their_bill(world: World) -> None:
    orders = world.orders
    billed = orders[orders["bill_id"] > 0].merge(world.bills, on="bill_id", suffixes=("", "_bill"))
    assert len(billed) == (orders["bill_id"] > 0).sum()
    assert (billed["partner_id"] == billed["partner_id_bill"]).all()
    assert (billed["currency"] == billed["currency_bill"]).all()
    assert (billed["order_time"].dt.strftime("%Y-%m") == billed["month"]).all()
    assert (orders.loc[orders["status"] == "void", "bill_id"] == 0).all()


def test_bill_schedule_and_status(world: World) -> None:
    bills = world.bills
    now = pd.Timestamp(NOW)
    first_of_next = pd.to_datetime(bills["month"] + "-01", utc=True) + pd.offsets.MonthBegin(1)
    assert (bills["created_at"].dt.floor("D") == first_of_next).all()
    paid = bills["status"] == "paid"
    assert (bills.loc[paid, "paid_at"] <= now).all()
    assert bills.loc[~paid, "paid_at"].isna().all()
    assert set(bills["status"]) == {"paid", "pending", "overdue"}
    assert (bills.loc[bills["status"] == "overdue", "created_at"] < now - pd.Timedelta(days=30)).all()
    assert set(bills["payment_method"]) <= {"balance", "credit_card", "wire_transfer"}
    assert bills["bill_id"].is_unique and (bills["amount_cents"] > 0).all()


def test_lifecycle_rule_against_now(world: World) -> None:
    orders = world.orders
    paid_bills = set(world.bills.loc[world.bills["status"] == "paid", "bill_id"])
    young = orders["order_time"] > pd.Timestamp(NOW) - pd.Timedelta(days=14)
    void = orders["void_reason"] != ""
    expected = np.where(
        void,
        "void",
        np.where(young, "new", np.where(orders["bill_id"].isin(paid_bills), "paid", "effective")),
    )
    assert (orders["status"].to_numpy() == expected).all()


def test_prepayments_keep_a_positive_balance(world: World) -> None:
    top_ups = world.prepayments
    assert len(top_ups) >= 12 and (top_ups["amount_cents"] > 0).all()
    assert (top_ups["created_at"] <= pd.Timestamp(NOW)).all()
    assert world.account["balance_cents"] > 0 and world.account["currency"] == "USD"
    assert world.account["brand_id"] == "90001"
    assert world.plan["name"] and world.plan["monthly_fee_cents"] > 0 and world.plan["limits"]


# Anomalies ----


def test_every_anomaly_kind_is_present_and_labelled_orders_exist(world: World) -> None:
    kinds = Counter(a.kind for a in world.anomalies)
    assert set(kinds) == set(ANOMALY_KINDS)
    ids = set(world.orders["order_id"])
    for anomaly in world.anomalies:
        assert set(anomaly.order_ids) <= ids
        assert (anomaly.kind == "bill_mismatch") == (len(anomaly.order_ids) == 0)
    exported = json.loads(json.dumps(world.anomalies_json()))
    assert [a["kind"] for a in exported] == [a.kind for a in world.anomalies]


def test_order_anomalies_are_mostly_recent(world: World) -> None:
    times = world.orders.set_index("order_id")["order_time"]
    starts = [times.loc[list(a.order_ids)].min() for a in world.anomalies if a.order_ids]
    recent = [t >= pd.Timestamp(NOW) - pd.Timedelta(days=60) for t in starts]
    assert sum(recent) >= 0.8 * len(recent)


def _rows(world: World, order_ids: tuple[str, ...]) -> pd.DataFrame:
    return world.orders[world.orders["order_id"].isin(order_ids)]


def test_bursts_fall_within_one_hour_far_above_the_partner_rate(world: World, labelled: set[str]) -> None:
    for burst in _anomalies(world, "burst"):
        rows = _rows(world, burst.order_ids)
        assert len(rows) >= 25 and set(rows["partner_id"]) == {burst.partner_id}
        assert rows["order_time"].max() - rows["order_time"].min() < pd.Timedelta(hours=1)
        others = world.orders[
            (world.orders["partner_id"] == burst.partner_id) & ~world.orders["order_id"].isin(labelled)
        ]
        assert others.groupby(others["order_time"].dt.floor("h")).size().max() <= 5
    ordinary = world.orders[~world.orders["order_id"].isin(labelled)]
    assert ordinary.groupby(["partner_id", ordinary["order_time"].dt.floor("h")]).size().max() < 20


def test_duplicates_share_an_order_id(world: World) -> None:
    duplicates = _anomalies(world, "duplicate_order")
    assert len(duplicates) >= 2
    for duplicate in duplicates:
        rows = _rows(world, duplicate.order_ids)
        assert len(rows) == 2 and rows["partner_id"].nunique() == 1 and rows["amount_cents"].nunique() == 1


def test_amount_outliers_stand_far_above_ordinary_amounts(world: World, labelled: set[str]) -> None:
    orders = world.orders
    median = orders.groupby("currency")["amount_cents"].median()
    ratio = orders["amount_cents"] / orders["currency"].map(median)
    outliers = _anomalies(world, "amount_outlier")
    assert len(outliers) >= 3
    flagged = orders["order_id"].isin([i for a in outliers for i in a.order_ids])
    assert (ratio[flagged] >= 10).all()
    assert (ratio[~orders["order_id"].isin(labelled)] < 5).all()


def test_commission_rate_outliers_are_far_from_the_group_rate(world: World) -> None:
    rate = world.partners.set_index("partner_id")["commission_rate"]
    outliers = _anomalies(world, "commission_rate_outlier")
    assert len(outliers) >= 2
    for outlier in outliers:
        for row in _rows(world, outlier.order_ids).itertuples():
            assert row.commission_cents / row.amount_cents > 2 * rate[row.partner_id]
            assert row.commission_cents / row.amount_cents >= 0.4


def test_void_spike_is_a_week_with_most_orders_void(world: World, labelled: set[str]) -> None:
    (spike,) = _anomalies(world, "void_spike")
    rows = _rows(world, spike.order_ids)
    assert (rows["status"] == "void").all() and set(rows["partner_id"]) == {spike.partner_id}
    weeks = set(rows["order_time"].dt.tz_localize(None).dt.to_period("W-SUN"))
    assert len(weeks) == 1
    partner_orders = world.orders[world.orders["partner_id"] == spike.partner_id]
    in_week = partner_orders[
        partner_orders["order_time"].dt.tz_localize(None).dt.to_period("W-SUN") == weeks.pop()
    ]
    assert len(in_week) >= 20 and (in_week["status"] == "void").mean() > 0.4
    assert (rows["void_reason"] == "fraud suspected").mean() > 0.8
    ordinary = world.orders[~world.orders["order_id"].isin(labelled)]
    weekly = (
        ordinary.assign(void=ordinary["status"] == "void")
        .groupby(["partner_id", ordinary["order_time"].dt.tz_localize(None).dt.to_period("W-SUN")])["void"]
        .agg(["size", "mean"])
    )
    assert weekly.loc[weekly["size"] >= 10, "mean"].max() <= 0.3


def test_repeat_customer_orders_many_times_through_one_partner(world: World, labelled: set[str]) -> None:
    (repeat,) = _anomalies(world, "repeat_customer")
    rows = _rows(world, repeat.order_ids)
    assert len(rows) >= 15 and rows["uid"].nunique() == 1 and set(rows["partner_id"]) == {repeat.partner_id}
    assert rows["order_time"].max() - rows["order_time"].min() <= pd.Timedelta(days=4)
    assert rows["uid"].iloc[0] == repeat.detail["uid"]
    ordinary = world.orders[~world.orders["order_id"].isin(labelled)]
    assert ordinary.groupby(["uid", "partner_id"]).size().max() <= 6


# Catalogue ----


def test_catalogue_frames(world: World) -> None:
    assert len(world.products) == 200 and world.products["sku"].is_unique
    assert (world.products["price_cents"] > 0).all()
    creatives = world.creatives
    assert set(creatives["type"]) == {"IMAGE", "TEXT", "COUPON"}
    now = pd.Timestamp(NOW)
    for row in creatives.itertuples():
        expected = "Scheduled" if row.start_time > now else "Expired" if row.end_time <= now else "Active"
        assert row.status == expected
    assert set(creatives["status"]) == {"Scheduled", "Active", "Expired"}
    assert 250 <= len(world.amazon_products) <= 350 and world.amazon_products["asin"].is_unique
    assert world.amazon_products["asin"].str.fullmatch(r"B0[A-Z0-9]{8}").all()
    assert 8 <= len(world.amazon_brands) <= 12
    report = world.amazon_report
    assert set(report["asin"]) <= set(world.amazon_products["asin"])
    assert (report["quantity"] <= report["clicks"]).all() and (
        report["est_commission_cents"] <= report["sales_cents"]
    ).all()
    brands = world.brands
    assert 25 <= len(brands) <= 35 and 90001 in set(brands["brand_id"])


# Writes ----


def test_added_orders_are_read_back_in_time_order() -> None:
    small = World.generate(WorldConfig(seed=3, orders_per_day=30))
    partner = int(small.partners.loc[small.partners["status"] == "joined", "partner_id"].iloc[0])
    before = len(small.orders)
    when = pd.Timestamp(NOW) - pd.Timedelta(days=3)
    row = small.add_order(
        order_id="TEST-1", order_time=when, partner_id=partner, currency="USD", amount_cents=10_000, uid="C42"
    )
    rate = small.partner(partner)["commission_rate"]
    assert row["status"] == "new" and row["commission_cents"] == round(10_000 * rate)
    assert len(small.orders) == before + 1 and small.orders["order_time"].is_monotonic_increasing
    window = small.orders_between(when - timedelta(minutes=1), when + timedelta(minutes=1))
    assert "TEST-1" in set(window["order_id"])
    voided = small.void_order("TEST-1", reason="returned")
    assert voided["status"] == "void" and voided["void_reason"] == "returned"
    assert small.find_orders("TEST-1")["status"].tolist() == ["void"]
    bonus = small.add_order(
        order_id="BONUS-1",
        order_time=when,
        partner_id=partner,
        currency="USD",
        amount_cents=0,
        commission_cents=5_000,
        trans_type="bonus",
    )
    assert bonus["commission_cents"] == 5_000 and bonus["trans_type"] == "bonus"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"partner_id": 1}, "partner_id"),
        ({"currency": "usd"}, "currency"),
        ({"order_id": "TEST-dup"}, "order_id"),
        ({"device": "tablet"}, "device"),
        ({"trans_type": "gift"}, "trans_type"),
    ],
)
def test_bad_writes_are_refused_naming_the_parameter(change: dict, named: str) -> None:
    small = World.generate(WorldConfig(seed=3, orders_per_day=30))
    partner = int(small.partners.loc[small.partners["status"] == "joined", "partner_id"].iloc[0])
    base = {
        "order_id": "TEST-new",
        "order_time": NOW,
        "partner_id": partner,
        "currency": "USD",
        "amount_cents": 100,
    }
    small.add_order(**(base | {"order_id": "TEST-dup"}))
    with pytest.raises(ValueError, match=named):
        small.add_order(**(base | change))
    with pytest.raises(ValueError, match="order_id"):
        small.void_order("does-not-exist")


# Short worlds ----


@pytest.mark.parametrize("days", [30, 60])
def test_a_short_world_has_every_anomaly_inside_its_days(days: int) -> None:
    short = World.generate(WorldConfig(seed=5, days=days, orders_per_day=300))
    first_day = pd.Timestamp(NOW).floor("D") - pd.Timedelta(days=days - 1)
    orders = short.orders
    assert orders["order_time"].min() >= first_day and orders["order_time"].max() <= pd.Timestamp(NOW)
    assert {a.kind for a in short.anomalies} == set(ANOMALY_KINDS)
    assert len(_anomalies(short, "amount_outlier")) == 4
    ids = set(orders["order_id"])
    assert all(set(a.order_ids) <= ids for a in short.anomalies)
    mismatch = _anomalies(short, "bill_mismatch")[0]
    bill = short.bills.set_index("bill_id").loc[mismatch.detail["bill_id"]]
    covered = orders[(orders["bill_id"] == mismatch.detail["bill_id"])]
    assert bill["currency"] == mismatch.detail["currency"]
    assert bill["amount_cents"] == mismatch.detail["billed_cents"]
    assert int(covered["commission_cents"].sum()) == mismatch.detail["expected_cents"]


def test_a_world_shorter_than_a_month_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match=r"WorldConfig.days must be at least 30 .*got 29"):
        World.generate(WorldConfig(days=29))
