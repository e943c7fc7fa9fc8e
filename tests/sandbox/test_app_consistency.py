"""Numbers agree across endpoints and with the world's own frames (summed here in plain Python)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_app_support import call, client_for, data_of, fixed_app, money_cents, unix, world_totals

from partnerboost_skill.sandbox import default_world

pytestmark = pytest.mark.anyio

START, END = unix("2026-09-01"), unix("2026-09-30T23:59:59")
VALID = {"new", "effective", "paid"}


@pytest.fixture(scope="module")
def world():
    return default_world()


@pytest.fixture(scope="module")
def app(world):
    return fixed_app(world)


async def all_pages(client, tool_name: str, params: dict) -> list[dict]:
    records: list[dict] = []
    page = 1
    while True:
        data = data_of(await call(client, tool_name, {**params, "page_num": page, "page_size": 200}))
        records += data["list"]
        if page >= data["total_page"]:
            return records
        page += 1


def summed(records: list[dict]) -> tuple[int, dict[str, int], dict[str, int]]:
    amount: dict[str, int] = {}
    commission: dict[str, int] = {}
    for record in records:
        currency = record["currency"]
        amount[currency] = amount.get(currency, 0) + money_cents({"x": record["sale_amount"]})["x"]
        commission[currency] = commission.get(currency, 0) + money_cents({"x": record["sale_comm"]})["x"]
    return len(records), amount, commission


async def test_list4_pages_list_stats_and_the_world_agree(app, world) -> None:
    period = {"trans_time_start": START, "trans_time_end": END}
    async with client_for(app) as client:
        records = await all_pages(client, "merchant_list_transactions", period)
        stats = data_of(await call(client, "merchant_transaction_stats", period))
    count, amount, commission = world_totals(world, START, END)
    assert count > 1000
    assert summed(records) == (count, amount, commission)
    assert len({r["order_id"] for r in records}) >= count - 3  # only the injected duplicates repeat an id
    assert (stats["total_size"], money_cents(stats["sale_amount"]), money_cents(stats["sale_comm"])) == (
        count,
        amount,
        commission,
    )
    assert sum(stats["status_count"].values()) == count


async def test_list4_is_newest_first_without_gaps_or_repeats(app) -> None:
    async with client_for(app) as client:
        records = await all_pages(
            client,
            "merchant_list_transactions",
            {"trans_time_start": unix("2026-11-10"), "trans_time_end": unix("2026-11-12")},
        )
    times = [r["order_time"] for r in records]
    assert times == sorted(times, reverse=True)
    assert len({(r["order_id"], r["order_time"]) for r in records}) == len(records)


async def test_valid_orders_agree_with_performance_totals_and_charts(app, world) -> None:
    period = {"start_date": START, "end_date": END}
    async with client_for(app) as client:
        valid = data_of(
            await call(
                client,
                "merchant_transaction_stats",
                {"trans_time_start": START, "trans_time_end": END, "trans_status": sorted(VALID)},
            )
        )
        total = data_of(await call(client, "merchant_performance_totals", period))
        by_day = data_of(await call(client, "merchant_performance_chart", period))["list"]
        by_medium = data_of(
            await call(
                client, "merchant_performance_list", {**period, "group_by": "medium", "page_size": 200}
            )
        )
    count_all, _, _ = world_totals(world, START, END)
    count, amount, commission = world_totals(world, START, END, VALID)
    assert (total["orders"], total["valid_orders"]) == (count_all, count)
    assert money_cents(total["sale_amount"]) == money_cents(valid["sale_amount"]) == amount
    assert money_cents(total["sale_comm"]) == money_cents(valid["sale_comm"]) == commission
    assert [row["date"] for row in by_day] == [f"2026-09-{d:02d}" for d in range(1, 31)]
    for rows in (by_day, by_medium["list"]):
        assert sum(row["clicks"] for row in rows) == total["clicks"]
        assert sum(row["orders"] for row in rows) == total["orders"]
        usd = sum(money_cents(row["sale_comm"]).get("USD", 0) for row in rows)
        assert usd == commission["USD"]


async def test_performance_clicks_match_the_worlds_daily_clicks(app, world) -> None:
    clicks = world.clicks_daily
    days = clicks[
        (clicks["date"] >= pd.Timestamp("2026-09-01", tz="UTC"))
        & (clicks["date"] <= pd.Timestamp("2026-09-30", tz="UTC"))
    ]
    async with client_for(app) as client:
        total = data_of(
            await call(client, "merchant_performance_totals", {"start_date": START, "end_date": END})
        )
    assert total["clicks"] == int(days["clicks"].sum()) > 0


async def test_filters_narrow_list4_and_performance_alike(app, world) -> None:
    partner = world.partners[world.partners["status"] == "joined"].iloc[0]
    async with client_for(app) as client:
        stats = data_of(
            await call(
                client,
                "merchant_transaction_stats",
                {
                    "trans_time_start": START,
                    "trans_time_end": END,
                    "partner_channel_id": [str(partner["medium_code"])],
                    "trans_status": sorted(VALID),
                },
            )
        )
        total = data_of(
            await call(
                client,
                "merchant_performance_totals",
                {"start_date": START, "end_date": END, "medium_id": str(partner["channel_id"])},
            )
        )
    orders = world.orders
    mine = orders[
        (orders["partner_id"] == partner["partner_id"])
        & orders["status"].isin(VALID)
        & (orders["order_time"] >= pd.Timestamp(START, unit="s", tz="UTC"))
        & (orders["order_time"] <= pd.Timestamp(END, unit="s", tz="UTC"))
    ]
    assert stats["total_size"] == total["valid_orders"] == len(mine)
    assert money_cents(total["sale_comm"]) == money_cents(stats["sale_comm"])


async def test_orders_of_each_bill_sum_to_the_bill_except_the_injected_mismatch(app, world) -> None:
    bills = world.bills[world.bills["status"] == "paid"]
    mismatched = set()
    async with client_for(app) as client:
        for bill in bills.itertuples():
            stats = data_of(
                await call(client, "merchant_transaction_stats", {"payment_id": int(bill.bill_id)})
            )
            served = money_cents(stats["sale_comm"]).get(bill.currency, 0)
            if served != bill.amount_cents:
                mismatched.add(int(bill.bill_id))
            assert stats["status_count"]["paid"] == stats["total_size"]
    injected = {a.detail["bill_id"] for a in world.anomalies if a.kind == "bill_mismatch"}
    assert injected and mismatched == injected


async def test_served_bill_amounts_are_the_worlds(app, world) -> None:
    async with client_for(app) as client:
        data = data_of(await call(client, "merchant_list_bills", {"page_size": 200}))
    first = data["list"][0]
    bill = world.bills[world.bills["bill_id"] == first["id"]].iloc[0]
    assert money_cents({"x": first["amount"]})["x"] == bill["amount_cents"]
    assert data["total_size"] == len(world.bills)


async def test_every_anomalys_orders_are_served(app, world) -> None:
    orders = world.orders
    async with client_for(app) as client:
        for anomaly in world.anomalies:
            if not anomaly.order_ids:
                continue
            rows = orders[orders["order_id"].isin(anomaly.order_ids)]
            params = {
                "trans_time_start": int(rows["order_time"].min().timestamp()),
                "trans_time_end": int(rows["order_time"].max().timestamp()),
                "partner_id": [anomaly.partner_id],
            }
            served = await all_pages(client, "merchant_list_transactions", params)
            served_ids = [r["order_id"] for r in served]
            assert set(anomaly.order_ids) <= set(served_ids), anomaly.kind
            if anomaly.kind == "duplicate_order":
                assert served_ids.count(anomaly.order_ids[0]) == 2


async def test_recent_transactions_are_the_worlds_latest_ten(app, world) -> None:
    async with client_for(app) as client:
        data = data_of(await call(client, "merchant_recent_transactions"))
    latest = world.orders.iloc[-10:]["order_id"].tolist()[::-1]
    assert [r["order_id"] for r in data["list"]] == latest


async def test_publisher_view_is_its_own_channels_orders(app, world) -> None:
    async with client_for(app) as client:
        data = data_of(
            await call(
                client,
                "publisher_list_transactions",
                {"begin_date": "2026-09-01", "end_date": "2026-10-31", "limit": 2000},
            )
        )
    orders = world.orders
    mine = orders[
        (orders["partner_id"] == world.publisher_partner_id)
        & (orders["order_time"] >= pd.Timestamp("2026-09-01", tz="UTC"))
        & (orders["order_time"] < pd.Timestamp("2026-11-01", tz="UTC"))
    ]
    assert data["total_items"] == len(mine) == len(data["list"])
    assert {r["order_id"] for r in data["list"]} == set(mine["order_id"])
    assert (
        sum(money_cents({"x": r["sale_comm"]})["x"] for r in data["list"]) == mine["commission_cents"].sum()
    )
    void = mine[mine["status"] == "void"]["order_id"]
    assert {r["status"] for r in data["list"] if r["order_id"] in set(void)} <= {"Rejected"}


async def test_cursor_report_reads_every_order_once(app, world) -> None:
    params = {"start_date": "20260901", "end_date": "20260930", "limit": 200}
    ids: list[str] = []
    cursor = "1"
    async with client_for(app) as client:
        while cursor:
            data = data_of(
                await call(client, "brand_transaction_report_cursor", {**params, "cursor": cursor})
            )
            ids += [r["order_id"] for r in data["list"]]
            cursor = data["cursor"]
    count, _, _ = world_totals(world, START, END)
    assert len(ids) == count
