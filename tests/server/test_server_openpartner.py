"""OpenPartner through the MCP server on the demo sandbox: the analysis tools' `platform`, the commission
check tool, the raw openpartner_ tools paging by cursor to the end, and clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from server_support import payload_of, text_of

from partnerboost_skill.config import Settings
from partnerboost_skill.server import build_server

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> Any:
    async with Client(build_server(Settings(), toolsets="default,openpartner")) as connected:
        yield connected


async def test_the_analysis_tools_take_a_platform(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert "check_commissions" in tools
    for name in ("review_performance", "monitor_orders", "partner_media", "compare_periods",
                 "check_commissions"):
        platform = tools[name].input_schema["properties"]["platform"]
        assert platform["enum"] == ["partnerboost", "openpartner"], name


async def test_check_commissions_on_openpartner(client: Client) -> None:
    result = await client.call_tool("check_commissions", {"platform": "openpartner"})
    assert not result.is_error, text_of(result)
    structured = result.structured_content
    assert structured["platform"] == "openpartner" and structured["demo"] is True
    assert {t["currency"] for t in structured["totals"]} == {"USD", "EUR"}
    assert "Owed USD" in text_of(result)


async def test_a_review_on_openpartner_has_no_sales_figures(client: Client) -> None:
    result = await client.call_tool("review_performance", {"platform": "openpartner", "period": "last month"})
    assert not result.is_error, text_of(result)
    money = result.structured_content["totals"]["money"]
    assert money and all(m["sales"] is None and m["roas"] is None for m in money.values())
    assert all(m["commission"] for m in money.values())
    assert "n/a, never as zero" in text_of(result)


async def test_check_bill_on_openpartner_points_to_the_commission_check(client: Client) -> None:
    result = await client.call_tool("check_bill", {"platform": "openpartner"})
    assert result.is_error and "check_commissions" in text_of(result)


TYPED = "openpartner_list_partners"


async def partner_ids(client: Client, call: Any) -> list[str]:
    """Every partner id, page after page, through `call(arguments)` (a typed or a generic tool call)."""
    seen: list[str] = []
    arguments: dict[str, Any] | None = {"limit": 7}
    while arguments is not None:
        result = await call(arguments)
        assert not result.is_error, text_of(result)
        answer = payload_of(result)
        seen += [p["id"] for p in answer["data"]["partners"]]
        arguments = answer["page"]["next_arguments"]
    return seen


async def test_the_partner_tool_pages_by_cursor_to_the_end(client: Client) -> None:
    seen = await partner_ids(client, lambda arguments: client.call_tool(TYPED, arguments))
    assert len(seen) == len(set(seen)) == 36


async def test_run_api_action_pages_openpartner_like_its_typed_tool(client: Client) -> None:
    typed = await partner_ids(client, lambda arguments: client.call_tool(TYPED, arguments))
    generic = await partner_ids(client, lambda arguments: client.call_tool(
        "run_api_action", {"action": TYPED, "arguments": arguments}))
    assert generic == typed


async def test_search_api_actions_finds_the_openpartner_family(client: Client) -> None:
    result = await client.call_tool("search_api_actions", {"family": "openpartner"})
    assert not result.is_error, text_of(result)
    listed = text_of(result)
    reads = ("openpartner_list_partners", "openpartner_get_partner", "openpartner_list_commissions",
             "openpartner_partner_commissions")
    assert all(name in listed for name in reads)
    assert "openpartner_create_partner" not in listed, "writes are not served without --allow-writes"
    found = await client.call_tool("search_api_actions", {"action": "openpartner_get_partner"})
    described = payload_of(found)
    assert described["parameters"]["required"] == ["partner_id"]


async def test_a_bad_cursor_is_a_clear_tool_error(client: Client) -> None:
    result = await client.call_tool("openpartner_list_partners", {"cursor": "forged"})
    assert result.is_error and "nextCursor exactly as returned" in text_of(result)
