"""Every raw read tool answers on the sandbox; invalid arguments give one clear error naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from server_support import payload_of, text_of

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import DEMO_NOTICE
from partnerboost_skill.sandbox import default_world
from partnerboost_skill.sandbox.credentials import SANDBOX_API_KEY, SANDBOX_BRAND_SECRET, SANDBOX_BRAND_TOKEN
from partnerboost_skill.server import build_server
from partnerboost_tools.catalogue import ACTIONS

OCTOBER = {"begin_date": "2026-10-01", "end_date": "2026-10-31"}

MINIMAL_ARGS: dict[str, dict[str, Any]] = {
    "merchant_list_transactions": {},
    "merchant_transaction_stats": {},
    "merchant_recent_transactions": {},
    "merchant_performance_chart": {"start_date": "2026-10-01", "end_date": "2026-10-31"},
    "merchant_performance_list": {"start_date": "2026-10-01", "end_date": "2026-10-31"},
    "merchant_performance_totals": {"start_date": "2026-10-01", "end_date": "2026-10-31"},
    "merchant_search_partners": {"word": "a"},
    "merchant_list_bills": {},
    "merchant_account_info": {},
    "merchant_current_plan": {},
    "merchant_list_prepayments": {},
    "brand_get_order": {"order_number": "<first order>"},
    "brand_list_clicks": {},
    "brand_get_click": {"pbtid": "<first click>"},
    "brand_transaction_report": {},
    "brand_transaction_report_cursor": {},
    "brand_list_creatives": {"type": "IMAGE"},
    "brand_list_publishers": {},
    "publisher_list_transactions": OCTOBER,
    "publisher_list_clicks": {"begin_date": "2026-11-19T00:00:00Z", "end_date": "2026-11-19T01:00:00Z"},
    "publisher_list_brands": {},
    "publisher_list_commissions": OCTOBER,
    "publisher_commission_details": {"settlement_id": "<first settlement>"},
    "publisher_payment_history": {"paid_date_begin": "2026-01-01", "paid_date_end": "2026-11-01"},
    "publisher_payment_details": {"paid_date_begin": "2026-01-01", "paid_date_end": "2026-11-01"},
    "publisher_list_coupons": {},
    "publisher_list_products": {},
    "amazon_search_products": {},
    "amazon_links_from_products": {"product_ids": "300001"},
    "amazon_links_from_asins": {"asins": "B02FXRA3EG", "country_code": "US"},
    "amazon_list_brands": {},
    "amazon_storefront_links": {"bids": "2001"},
    "amazon_check_links": {"link_ids": "1"},
    "amazon_report": {},
    "amazon_associates_products": {},
    "amazon_acc_products": {},
    "openpartner_list_partners": {},
    "openpartner_get_partner": {"partner_id": "<first partner>"},
    "openpartner_list_commissions": {"status": "reversed"},
    "openpartner_partner_commissions": {"partner_id": "<first partner>"},
}
READ_TOOLS = [name for name, cls in ACTIONS.items() if not cls.writes]


async def resolve_placeholders(client: Client, args: dict[str, Any]) -> dict[str, Any]:
    """Ids that only exist in the sandbox world, looked up the way a model would: with a list tool first."""
    resolved = dict(args)
    if args.get("order_number") == "<first order>":
        resolved["order_number"] = str(default_world().orders["order_id"].iloc[-1])
    if args.get("pbtid") == "<first click>":
        listing = await client.call_tool("brand_list_clicks", {})
        resolved["pbtid"] = payload_of(listing)["data"]["list"][0]["pbtid"]
    if args.get("partner_id") == "<first partner>":
        listing = await client.call_tool("openpartner_list_partners", {})
        resolved["partner_id"] = payload_of(listing)["data"]["partners"][0]["id"]
    if args.get("settlement_id") == "<first settlement>":
        listing = await client.call_tool("publisher_list_commissions", OCTOBER)
        resolved["settlement_id"] = payload_of(listing)["data"][0]["settlement_id"]
    return resolved


def test_every_read_tool_has_minimal_arguments() -> None:
    assert sorted(MINIMAL_ARGS) == sorted(READ_TOOLS)


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> Any:
    async with Client(build_server(Settings(), toolsets="all")) as connected:
        yield connected


@pytest.mark.anyio
@pytest.mark.parametrize("name", READ_TOOLS)
async def test_every_read_tool_answers_on_the_sandbox_as_demo_data(client: Client, name: str) -> None:
    result = await client.call_tool(name, await resolve_placeholders(client, MINIMAL_ARGS[name]))
    text = text_of(result)
    assert not result.is_error, text
    assert text.startswith(f'{{"notice":"{DEMO_NOTICE}"')
    answer = payload_of(result)
    assert answer["demo"] is True and answer["notice"] == DEMO_NOTICE
    assert answer["action"] == name and answer["data"] is not None
    assert len(text.encode()) <= 20_000
    for secret in (SANDBOX_API_KEY, SANDBOX_BRAND_TOKEN, SANDBOX_BRAND_SECRET):
        assert secret not in text


@pytest.mark.anyio
async def test_a_default_page_is_small_and_says_how_to_get_the_next(client: Client) -> None:
    result = await client.call_tool("merchant_list_transactions", {})
    page = payload_of(result)["page"]
    orders = len(default_world().orders)
    assert len(payload_of(result)["data"]["list"]) == 20
    assert page == {"returned": 20, "total": orders, "has_more": True,
                    "next_arguments": {"page_size": 20, "page_num": 2}, "note": None}


@pytest.mark.anyio
async def test_following_next_arguments_continues_without_gaps(client: Client) -> None:
    first = await client.call_tool("merchant_list_bills", {"page_size": 5})
    second = await client.call_tool("merchant_list_bills", payload_of(first)["page"]["next_arguments"])
    both = await client.call_tool("merchant_list_bills", {"page_size": 10})
    ids = [bill["id"] for result in (first, second) for bill in payload_of(result)["data"]["list"]]
    assert ids == [bill["id"] for bill in payload_of(both)["data"]["list"]]


@pytest.mark.anyio
async def test_the_last_page_has_no_next_arguments(client: Client) -> None:
    result = await client.call_tool("merchant_list_prepayments", {"page_size": 200})
    page = payload_of(result)["page"]
    assert page["has_more"] is False and page["next_arguments"] is None
    assert page["returned"] == page["total"] == len(payload_of(result)["data"]["list"])


@pytest.mark.anyio
async def test_a_cursor_tool_hands_back_the_next_cursor(client: Client) -> None:
    result = await client.call_tool("brand_transaction_report_cursor", {"limit": 5})
    data, page = payload_of(result)["data"], payload_of(result)["page"]
    assert page["next_arguments"] == {"limit": 5, "cursor": data["cursor"]}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("merchant_list_transactions", {"trans_status": ["bogus"]},
         ["trans_status", "'bogus' is not allowed", "'new'", "'void'", "'paid'"]),
        ("merchant_list_transactions", {"colour": "red"},
         ["colour: unknown parameter", "allowed parameters:", "trans_time_start"]),
        ("merchant_performance_chart", {"end_date": "2026-10-31"}, ["start_date: required"]),
        ("merchant_list_transactions", {"page_size": 5000}, ["page_size", "200"]),
        ("brand_list_creatives", {"type": "banner"}, ["type", "'IMAGE'", "'TEXT'", "'COUPON'"]),
        ("merchant_list_transactions", {"trans_time_start": "next tuesday"},
         ["trans_time_start", "ISO date"]),
    ],
)
async def test_invalid_arguments_are_one_clear_error(
    client: Client, name: str, args: dict[str, Any], expected: list[str]
) -> None:
    result = await client.call_tool(name, args)
    text = text_of(result)
    assert result.is_error
    assert text.startswith(f"Invalid parameters for {name}:")
    for part in expected:
        assert part in text
    assert "Traceback" not in text


@pytest.mark.anyio
async def test_an_upstream_rejection_is_a_tool_error_with_its_message(client: Client) -> None:
    result = await client.call_tool("brand_get_order", {"order_number": "NO-SUCH-ORDER"})
    text = text_of(result)
    assert result.is_error
    assert "NO-SUCH-ORDER" in text and "order_number" in text and "Traceback" not in text
