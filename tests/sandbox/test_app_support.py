"""Helpers for the sandbox app tests: hand-built requests for each family (independent of skill/api).

The requests follow docs/contracts.md "Wire" directly, so these tests check the app against the contract and
not against the client's reading of it. No tests live here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx2
import pandas as pd
from starlette.applications import Starlette

from partnerboost_skill.sandbox import SANDBOX_BASE_URL
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.app import create_app
from partnerboost_skill.sandbox.handlers.amazon import link_id_for
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_tools.catalogue import ACTIONS

FIXED_NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SMALL_CONFIG = WorldConfig(seed=11, days=160, orders_per_day=60, n_partners=40)


def small_world() -> World:
    """A private world for tests that write (the default world is shared by the whole test run)."""
    return World.generate(SMALL_CONFIG)


def fixed_app(world: World, **kwargs: Any) -> Starlette:
    return create_app(world, clock=lambda: FIXED_NOW, **kwargs)


def client_for(app: Starlette) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=SANDBOX_BASE_URL)


def state_of(app: Starlette) -> SandboxState:
    return app.state.sandbox.state


def query_pairs(params: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if isinstance(value, list):
            pairs += [(f"{key}[]", str(v)) for v in value]
        else:
            pairs.append((key, str(value)))
    return pairs


def brand_headers(
    action: str,
    when: datetime = FIXED_NOW,
    *,
    secret: str = cred.SANDBOX_BRAND_SECRET,
    token: str = cred.SANDBOX_BRAND_TOKEN,
) -> dict[str, str]:
    date = format_datetime(when, usegmt=True)
    digest = hashlib.sha256(f"{token};{action};{date};{secret}".encode()).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-PARTNERBOOST-DATE": date,
        "X-PARTNERBOOST-AUTHENTICATION": digest,
    }


def brand_query(action: str, token: str = cred.SANDBOX_BRAND_TOKEN) -> dict[str, str]:
    return {"bid": cred.SANDBOX_BRAND_ID, "token": token, "action": action, "version": "1.0"}


async def call(
    client: httpx2.AsyncClient,
    tool_name: str,
    params: dict[str, Any] | None = None,
    *,
    get: bool | None = None,
) -> httpx2.Response:
    """Send one action as the contract says: merchant GET query (`k[]` arrays) or POST JSON, brand signed POST
    JSON, publisher GET query with token, Amazon POST JSON with token."""
    action = ACTIONS[tool_name]
    params = dict(params or {})
    if action.family == "merchant":
        headers = {"X-Api-Key": cred.SANDBOX_API_KEY}
        if get if get is not None else action.method == "GET":
            return await client.get(action.endpoint, params=query_pairs(params), headers=headers)
        return await client.post(action.endpoint, json=params, headers=headers)
    if action.family == "brand":
        return await client.post(
            "/api/brand",
            params=brand_query(action.endpoint),
            json=params,
            headers=brand_headers(action.endpoint),
        )
    if action.family == "publisher":
        mod, op = action.endpoint.split("/")
        coupons = action.endpoint == "coupon/list"  # the coupon feed has its own token
        token = cred.SANDBOX_COUPON_TOKEN if coupons else cred.SANDBOX_PUBLISHER_TOKEN
        query = [("mod", mod), ("op", op), ("token", token), *query_pairs(params)]
        return await client.get("/api.php", params=query)
    return await client.post(
        f"/amazon_api/{action.endpoint}", json={"token": cred.SANDBOX_AMAZON_TOKEN, **params}
    )


def data_of(response: httpx2.Response) -> Any:
    """The data of a successful answer in either envelope; fails the test with the answer otherwise."""
    assert response.status_code == 200, response.text
    body = response.json()
    code = body["status"]["code"] if "status" in body else body["code"]
    assert code == 0, body
    return body["data"]


def error_of(response: httpx2.Response) -> tuple[int, str]:
    body = response.json()
    if "status" in body:
        return body["status"]["code"], body["status"]["msg"]
    return body["code"], body["message"]


def minimal_params(world: World, state: SandboxState) -> dict[str, dict[str, Any]]:
    """Valid parameters for every action, with ids that exist in `world`."""
    orders, partners, bills = world.orders, world.partners, world.bills
    joined = partners[partners["status"] == "joined"]
    pending = partners[partners["status"] == "pending"]
    open_order = orders[orders["status"] == "new"]["order_id"].iloc[-1]
    publisher_bills = bills[(bills["partner_id"] == world.publisher_partner_id) & (bills["status"] == "paid")]
    settlement = str(int(publisher_bills["bill_id"].iloc[0]))
    now = pd.Timestamp(world.config.now)
    window = state.clicks.window(int(now.timestamp()) - 86_400, int(now.timestamp()))
    click = state.clicks.slice(window, 0, 1)[0]
    amazon = world.amazon_products
    us = amazon[amazon["country_code"] == "US"].iloc[0]
    joined_bid = str(int(world.amazon_brands.loc[world.amazon_brands["joined"], "brand_id"].iloc[0]))
    month_ago = (now - pd.Timedelta(days=30)).strftime("%Y-%m-%d")
    today = now.strftime("%Y-%m-%d")
    return {
        "merchant_list_transactions": {},
        "merchant_transaction_stats": {},
        "merchant_recent_transactions": {},
        "merchant_performance_chart": {"start_date": month_ago, "end_date": today},
        "merchant_performance_list": {"start_date": month_ago, "end_date": today},
        "merchant_performance_totals": {"start_date": month_ago, "end_date": today},
        "merchant_search_partners": {"word": str(joined["name"].iloc[0])[:4]},
        "merchant_list_bills": {},
        "merchant_account_info": {},
        "merchant_current_plan": {},
        "merchant_list_prepayments": {},
        "brand_create_order": {
            "order_number": "TEST-NEW-1",
            "currency": "USD",
            "amount": 120.5,
            "trans_time": format_datetime(now.to_pydatetime(), usegmt=True),
            "pbtid": click.pbtid,
        },
        "brand_void_order": {"order_number": str(open_order)},
        "brand_get_order": {"order_number": str(orders["order_id"].iloc[0])},
        "brand_create_bonus": {
            "medium_id": str(joined["medium_code"].iloc[0]),
            "currency": "USD",
            "trans_time": format_datetime(now.to_pydatetime(), usegmt=True),
            "commission": 11.15,
        },
        "brand_list_clicks": {},
        "brand_get_click": {"id": click.click_id},
        "brand_transaction_report": {},
        "brand_transaction_report_cursor": {},
        "brand_list_creatives": {"type": "IMAGE"},
        "brand_create_creative": {"type": "COUPON", "start_time": "1795000000", "end_time": "1797000000"},
        "brand_update_creative": {
            "id": str(int(world.creatives["creative_id"].iloc[0])),
            "title": "Spring sale",
        },
        "brand_set_datafeed_config": {
            "fetch_period": "DAILY",
            "fetch_url": "https://lumenandpine.com/feed.xml",
        },
        "brand_upsert_product": {
            "name": "Lamp",
            "url": "https://lumenandpine.com/p/1",
            "image": "https://lumenandpine.com/p/1.jpg",
            "sku": "SKU-TEST-1",
            "price": 100,
            "currency": "USD",
        },
        "brand_list_publishers": {},
        "brand_set_publisher_status": {"userId": str(int(pending["partner_id"].iloc[0])), "status": "adopt"},
        "publisher_list_transactions": {"begin_date": month_ago, "end_date": today},
        "publisher_list_clicks": {"begin_date": "2026-11-19 10:00:00", "end_date": "2026-11-19 11:00:00"},
        "publisher_list_brands": {},
        "publisher_list_commissions": {"begin_date": "2026-09-15", "end_date": "2026-11-15"},
        "publisher_commission_details": {"settlement_id": settlement},
        "publisher_payment_history": {"payment_id": settlement},
        "publisher_payment_details": {"payment_id": settlement},
        "publisher_list_coupons": {},
        "publisher_list_products": {},
        "amazon_search_products": {},
        "amazon_links_from_products": {"product_ids": str(int(us["product_id"]))},
        "amazon_links_from_asins": {"asins": str(us["asin"]), "country_code": "US"},
        "amazon_list_brands": {},
        "amazon_storefront_links": {"bids": joined_bid},
        "amazon_check_links": {"link_ids": link_id_for(str(us["asin"]), "US")},
        "amazon_report": {},
        "amazon_associates_products": {},
        "amazon_acc_products": {},
    }


def world_totals(
    world: World, start: int, end: int, statuses: set[str] | None = None
) -> tuple[int, dict[str, int], dict[str, int]]:
    """Count and per-currency amount/commission cents of the world's orders in [start, end], plain Python."""
    orders = world.orders
    count = 0
    amount: dict[str, int] = {}
    commission: dict[str, int] = {}
    times = orders["order_time"].tolist()
    for row, when in zip(orders.itertuples(index=False), times, strict=True):
        seconds = int(when.timestamp())
        if not start <= seconds <= end or (statuses is not None and row.status not in statuses):
            continue
        count += 1
        amount[row.currency] = amount.get(row.currency, 0) + int(row.amount_cents)
        commission[row.currency] = commission.get(row.currency, 0) + int(row.commission_cents)
    return count, amount, commission


def cents(text: str) -> int:
    whole, _, part = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((part + "00")[:2]))


def money_cents(money: dict[str, str]) -> dict[str, int]:
    return {currency: cents(value) for currency, value in money.items()}


def unix(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").timestamp())
