"""A 30-day world served by the app: its endpoints agree with each other and with the world's frames."""

from __future__ import annotations

import pytest
from test_app_support import call, client_for, data_of, fixed_app, money_cents, unix, world_totals

from partnerboost_skill.sandbox.world import World, WorldConfig

pytestmark = pytest.mark.anyio

START, END = unix("2026-10-22"), unix("2026-11-20T06:00:00")
VALID = {"new", "effective", "paid"}


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(seed=5, days=30, orders_per_day=200, n_partners=40))


async def test_a_short_worlds_orders_agree_across_endpoints(world: World) -> None:
    period = {"trans_time_start": START, "trans_time_end": END}
    async with client_for(fixed_app(world)) as client:
        records: list[dict] = []
        page = 1
        while True:
            data = data_of(await call(client, "merchant_list_transactions",
                                      {**period, "page_num": page, "page_size": 200}))
            records += data["list"]
            if page >= data["total_page"]:
                break
            page += 1
        stats = data_of(await call(client, "merchant_transaction_stats", period))
        valid = data_of(await call(client, "merchant_transaction_stats",
                                   {**period, "trans_status": sorted(VALID)}))
        totals = data_of(await call(client, "merchant_performance_totals",
                                    {"start_date": START, "end_date": END}))
        bills = data_of(await call(client, "merchant_list_bills", {"page_size": 200}))
    count, amount, commission = world_totals(world, START, END)
    assert money_cents(stats["sale_amount"]) == amount
    assert count == len(world.orders) and len(records) == count == stats["total_size"]
    served_commission: dict[str, int] = {}
    for record in records:
        cents = money_cents({"x": record["sale_comm"]})["x"]
        served_commission[record["currency"]] = served_commission.get(record["currency"], 0) + cents
    assert served_commission == commission == money_cents(stats["sale_comm"])
    valid_count, valid_amount, valid_commission = world_totals(world, START, END, VALID)
    assert (totals["orders"], totals["valid_orders"]) == (count, valid_count)
    assert money_cents(totals["sale_amount"]) == money_cents(valid["sale_amount"]) == valid_amount
    assert money_cents(totals["sale_comm"]) == valid_commission
    assert bills["total_size"] == len(world.bills) > 0
