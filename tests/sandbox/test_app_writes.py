"""Writes through the brand API change what every other endpoint (and the world) shows."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from test_app_support import (
    FIXED_NOW,
    call,
    client_for,
    data_of,
    error_of,
    fixed_app,
    money_cents,
    small_world,
)

pytestmark = pytest.mark.anyio
RECENT = FIXED_NOW - timedelta(hours=3)


@pytest.fixture
def world():
    return small_world()


@pytest.fixture
def app(world):
    return fixed_app(world)


async def first_click(client) -> dict:
    data = data_of(
        await call(
            client,
            "brand_list_clicks",
            {"start_time": int(RECENT.timestamp()) - 3600, "end_time": int(RECENT.timestamp())},
        )
    )
    return data["list"][0]


async def test_a_new_order_appears_in_list4_stats_and_the_world(app, world) -> None:
    async with client_for(app) as client:
        click = await first_click(client)
        before = data_of(await call(client, "merchant_transaction_stats", {}))
        created = data_of(
            await call(
                client,
                "brand_create_order",
                {
                    "order_number": "WEB-9001",
                    "currency": "USD",
                    "amount": 250.4,
                    "quantity": 2,
                    "trans_time": format_datetime(RECENT, usegmt=True),
                    "pbtid": click["pbtid"],
                    "uid": "buyer-1",
                    "couponcode": "SPRING20",
                    "skus": [{"sku": "LP-1", "quantity": 2, "amount": 250.4}],
                },
            )
        )
        listed = data_of(
            await call(
                client,
                "merchant_list_transactions",
                {"trans_time_start": int(RECENT.timestamp()), "trans_time_end": int(RECENT.timestamp())},
            )
        )
        after = data_of(await call(client, "merchant_transaction_stats", {}))
    assert created["status"] == "new" and created["publisher_id"] == click["publisher_id"]
    [record] = [r for r in listed["list"] if r["order_id"] == "WEB-9001"]
    assert record["sale_amount"] == "250.40" and record["partner_id"] == click["publisher_id"]
    assert record["coupon_code"] == "SPRING20" and record["sku"] == "LP-1" and record["quantity"] == 2
    assert after["total_size"] == before["total_size"] + 1
    assert money_cents(after["sale_amount"])["USD"] - money_cents(before["sale_amount"])["USD"] == 25_040
    assert "WEB-9001" in set(world.orders["order_id"])


async def test_a_duplicate_order_number_is_refused(app, world) -> None:
    existing = str(world.orders["order_id"].iloc[5])
    async with client_for(app) as client:
        response = await call(
            client,
            "brand_create_order",
            {
                "order_number": existing,
                "currency": "USD",
                "amount": 10,
                "trans_time": format_datetime(RECENT, usegmt=True),
            },
        )
    code, message = error_of(response)
    assert response.status_code == 400 and code == 1003 and existing in message


async def test_an_unknown_pbtid_is_refused(app) -> None:
    async with client_for(app) as client:
        response = await call(
            client,
            "brand_create_order",
            {
                "order_number": "WEB-1",
                "currency": "USD",
                "trans_time": format_datetime(RECENT, usegmt=True),
                "pbtid": "pb_nonsense",
            },
        )
    assert error_of(response)[0] == 1003 and "pbtid" in error_of(response)[1]


async def test_voiding_an_order_shows_everywhere(app, world) -> None:
    order = world.orders[world.orders["status"] == "new"].iloc[-1]
    async with client_for(app) as client:
        data_of(await call(client, "brand_void_order", {"order_number": order["order_id"]}))
        detail = data_of(await call(client, "brand_get_order", {"order_number": order["order_id"]}))
        voids = data_of(
            await call(
                client,
                "merchant_list_transactions",
                {
                    "trans_status": ["void"],
                    "partner_id": [int(order["partner_id"])],
                    "trans_time_start": int(order["order_time"].timestamp()),
                    "trans_time_end": int(order["order_time"].timestamp()),
                },
            )
        )
    assert detail["status"] == "void" and detail["void_reason"]
    assert order["order_id"] in {r["order_id"] for r in voids["list"]}
    assert world.find_orders(order["order_id"])["status"].tolist() == ["void"]


async def test_paid_and_unknown_orders_cannot_be_voided(app, world) -> None:
    paid = world.orders[world.orders["status"] == "paid"]["order_id"].iloc[0]
    async with client_for(app) as client:
        paid_response = await call(client, "brand_void_order", {"order_number": paid})
        unknown = await call(client, "brand_void_order", {"order_number": "NO-SUCH-ORDER"})
    assert error_of(paid_response)[0] == 1003 and "paid" in error_of(paid_response)[1]
    assert unknown.status_code == 404 and error_of(unknown)[0] == 1003


async def test_a_bonus_is_a_commission_only_order_of_that_publisher(app, world) -> None:
    partner = world.partners[world.partners["status"] == "joined"].iloc[0]
    async with client_for(app) as client:
        bonus = data_of(
            await call(
                client,
                "brand_create_bonus",
                {
                    "medium_id": partner["medium_code"],
                    "currency": "USD",
                    "commission": 11.15,
                    "trans_time": format_datetime(RECENT, usegmt=True),
                },
            )
        )
        listed = data_of(
            await call(
                client,
                "merchant_list_transactions",
                {"trans_type": ["bonus"], "partner_id": [int(partner["partner_id"])]},
            )
        )
        unknown = await call(
            client,
            "brand_create_bonus",
            {
                "medium_id": "LDC000123",
                "currency": "USD",
                "commission": 1,
                "trans_time": format_datetime(RECENT, usegmt=True),
            },
        )
    [record] = listed["list"]
    assert record["order_id"] == bonus["bonus_id"]
    assert (record["sale_amount"], record["sale_comm"]) == ("0.00", "11.15")
    assert error_of(unknown)[0] == 1003


async def test_creatives_can_be_created_updated_and_listed(app) -> None:
    start, end = int(FIXED_NOW.timestamp()) - 86_400, int(FIXED_NOW.timestamp()) + 30 * 86_400
    async with client_for(app) as client:
        created = data_of(
            await call(
                client,
                "brand_create_creative",
                {
                    "type": "TEXT",
                    "start_time": str(start),
                    "end_time": str(end),
                    "title": "Cozy week",
                    "link": "https://lumenandpine.com/cozy",
                    "content": "15% off blankets",
                },
            )
        )
        data_of(
            await call(client, "brand_update_creative", {"id": str(created["id"]), "title": "Cozy fortnight"})
        )
        listed = data_of(
            await call(
                client, "brand_list_creatives", {"type": "TEXT", "status": ["Active"], "keyword": "fortnight"}
            )
        )
        deals = data_of(await call(client, "publisher_list_coupons", {"type": "deal", "per_page": 2000}))
        missing = await call(client, "brand_update_creative", {"id": "999999", "title": "x"})
    assert [c["id"] for c in listed["list"]] == [created["id"]]
    assert str(created["id"]) in {d["creative_id"] for d in deals["list"]}
    assert missing.status_code == 404


async def test_an_upserted_product_reaches_the_publisher_datafeed(app) -> None:
    product = {
        "name": "Lantern Zeta",
        "url": "https://lumenandpine.com/p/zeta",
        "currency": "USD",
        "image": "https://lumenandpine.com/p/zeta.jpg",
        "sku": "LP-ZETA",
        "price": 42.5,
    }
    async with client_for(app) as client:
        first = data_of(await call(client, "brand_upsert_product", product))
        second = data_of(await call(client, "brand_upsert_product", {**product, "price": 39.99}))
        feed = data_of(await call(client, "publisher_list_products", {"keywords": "zeta"}))
    assert (first["created"], second["created"]) == (True, False)
    [item] = feed["list"]
    assert (item["sku"], item["price"]) == ("LP-ZETA", "39.99")


async def test_publisher_status_changes_follow_the_allowed_transitions(app, world) -> None:
    pending = world.partners[world.partners["status"] == "pending"].iloc[0]
    joined = world.partners[world.partners["status"] == "joined"].iloc[0]
    async with client_for(app) as client:
        adopted = data_of(
            await call(
                client,
                "brand_set_publisher_status",
                {"userId": str(pending["partner_id"]), "status": "adopt"},
            )
        )
        listed = data_of(
            await call(client, "brand_list_publishers", {"publisher_id": int(pending["partner_id"])})
        )
        refuse_joined = await call(
            client, "brand_set_publisher_status", {"site_ids": str(joined["channel_id"]), "status": "refuse"}
        )
    assert adopted["updated"][0]["status"] == "joined"
    assert listed["list"][0]["status"] == "joined"
    code, message = error_of(refuse_joined)
    assert code == 1003 and "joined" in message


async def test_an_order_written_through_one_app_is_in_the_world_for_the_next(world) -> None:
    async with client_for(fixed_app(world)) as client:
        data_of(
            await call(
                client,
                "brand_create_order",
                {
                    "order_number": "WEB-SHARED",
                    "currency": "EUR",
                    "amount": 10,
                    "trans_time": format_datetime(RECENT, usegmt=True),
                },
            )
        )
    async with client_for(fixed_app(world)) as client:
        detail = data_of(await call(client, "brand_get_order", {"order_number": "WEB-SHARED"}))
    assert (detail["currency"], detail["sale_amount"]) == ("EUR", "10.00")
