"""Write tools: hidden unless allowed; a preview changes nothing; only confirm: true acts."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from server_support import connect_to, text_of

from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox.credentials import SANDBOX_BRAND_ID, SANDBOX_BRAND_SECRET, SANDBOX_BRAND_TOKEN
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server
from partnerboost_tools.brand import BrandCreateOrder
from partnerboost_tools.catalogue import ACTIONS

WRITES = {name for name, cls in ACTIONS.items() if cls.writes}
NEW_ORDER = {"order_number": "MCP-TEST-0001", "currency": "usd", "trans_time": "2026-11-19T10:00:00Z",
             "amount": "42.50", "quantity": 1}
ACT = {"confirm": True}


def server_on(world: World, **options: Any) -> Any:
    return build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_to(world), **options)


async def tool_names(**options: Any) -> set[str]:
    async with Client(build_server(Settings(), **options)) as client:
        return {tool.name for tool in (await client.list_tools()).tools}


@pytest.mark.anyio
async def test_write_tools_are_hidden_unless_writes_are_allowed() -> None:
    assert not WRITES & await tool_names(toolsets="all")
    assert await tool_names(toolsets="all", allow_writes=True) >= WRITES
    env_allowed = Settings(allow_writes=True)
    async with Client(build_server(env_allowed, toolsets="brand")) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} >= WRITES


@pytest.mark.anyio
async def test_writes_stay_hidden_when_their_toolset_is_off() -> None:
    assert not WRITES & await tool_names(allow_writes=True)


@pytest.mark.anyio
async def test_a_preview_shows_the_exact_wire_params_and_changes_nothing(small_world: World) -> None:
    orders_before = len(small_world.orders)
    async with Client(server_on(small_world)) as client:
        result = await client.call_tool("brand_create_order", NEW_ORDER)
    structured = result.structured_content
    assert not result.is_error
    assert structured["performed"] is False and structured["data"] is None
    assert structured["params"] == BrandCreateOrder.model_validate(NEW_ORDER).to_wire()
    assert structured["params"]["currency"] == "USD"
    assert structured["params"]["trans_time"] == "Thu, 19 Nov 2026 10:00:00 GMT"
    assert structured["endpoint"] == "POST /api/brand action=order/new"
    assert '"confirm": true' in structured["message"]
    text = text_of(result)
    for secret in (SANDBOX_BRAND_TOKEN, SANDBOX_BRAND_SECRET):
        assert secret not in text
    assert f"bid={SANDBOX_BRAND_ID}" not in text
    assert len(small_world.orders) == orders_before
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"confirm": True, "dry_run": True}, "Not sent: dry_run is true"),
        ({"dry_run": False}, "Preview only"),
        ({"confirm": False}, "Preview only"),
        ({}, "Preview only"),
    ],
)
async def test_without_confirm_nothing_is_sent(
    small_world: World, flags: dict[str, bool], reason: str
) -> None:
    async with Client(server_on(small_world)) as client:
        result = await client.call_tool("brand_create_order", {**NEW_ORDER, **flags})
    assert result.structured_content["performed"] is False
    assert reason in result.structured_content["message"]
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


@pytest.mark.anyio
async def test_confirmed_writes_act_on_the_world(small_world: World) -> None:
    async with Client(server_on(small_world)) as client:
        created = await client.call_tool("brand_create_order", {**NEW_ORDER, **ACT})
        assert not created.is_error, text_of(created)
        assert created.structured_content["performed"] is True
        assert created.structured_content["data"]["order_number"] == "MCP-TEST-0001"
        orders = small_world.orders
        row = orders[orders["order_id"] == "MCP-TEST-0001"]
        assert len(row) == 1 and int(row["amount_cents"].iloc[0]) == 4250

        voided = await client.call_tool("brand_void_order", {"order_number": "MCP-TEST-0001", **ACT})
        assert not voided.is_error, text_of(voided)
    orders = small_world.orders
    assert orders.loc[orders["order_id"] == "MCP-TEST-0001", "status"].iloc[0] == "void"


@pytest.mark.anyio
async def test_write_flags_and_parameters_are_validated(small_world: World) -> None:
    async with Client(server_on(small_world)) as client:
        bad_flag = await client.call_tool("brand_void_order", {"order_number": "X", "confirm": "yes please"})
        bad_param = await client.call_tool("brand_create_order", {"order_number": "X", "currency": "dollars",
                                                                   "trans_time": "2026-11-19"})
    assert bad_flag.is_error and "confirm: must be the JSON boolean true or false" in text_of(bad_flag)
    assert bad_param.is_error and "currency" in text_of(bad_param)
