"""Write tools: hidden unless allowed; a preview changes nothing; only confirm: true acts."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from server_support import connect_to, payload_of, text_of

from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.sandbox.credentials import SANDBOX_BRAND_ID, SANDBOX_BRAND_SECRET, SANDBOX_BRAND_TOKEN
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server
from partnerboost_tools.brand import BrandCreateOrder
from partnerboost_tools.catalogue import ACTIONS

WRITES = {name for name, cls in ACTIONS.items() if cls.writes}
NEW_ORDER = {"order_number": "MCP-TEST-0001", "currency": "usd", "trans_time": "2026-11-19T10:00:00Z",
             "amount": "42.50", "quantity": 1}
ACT = {"confirm": True}
BRAND_CREDENTIALS = Credentials(brand_id="123", brand_token="t" * 20, brand_secret="s" * 40)


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
    async with Client(build_server(env_allowed, toolsets="brand,openpartner")) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} >= WRITES


@pytest.mark.anyio
async def test_writes_stay_hidden_when_their_toolset_is_off() -> None:
    assert not WRITES & await tool_names(allow_writes=True)


@pytest.mark.anyio
async def test_a_preview_shows_the_exact_wire_params_and_changes_nothing(small_world: World) -> None:
    orders_before = len(small_world.orders)
    async with Client(server_on(small_world)) as client:
        result = await client.call_tool("brand_create_order", NEW_ORDER)
    structured = payload_of(result)
    assert not result.is_error
    assert structured["performed"] is False and structured.get("data") is None
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
    assert payload_of(result)["performed"] is False
    assert reason in payload_of(result)["message"]
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


@pytest.mark.anyio
async def test_confirmed_writes_act_on_the_world(small_world: World) -> None:
    async with Client(server_on(small_world)) as client:
        created = await client.call_tool("brand_create_order", {**NEW_ORDER, **ACT})
        assert not created.is_error, text_of(created)
        assert payload_of(created)["performed"] is True
        assert payload_of(created)["data"]["order_number"] == "MCP-TEST-0001"
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


@pytest.mark.anyio
async def test_a_string_true_never_confirms_a_write(small_world: World) -> None:
    async with Client(server_on(small_world)) as client:
        typed = await client.call_tool("brand_create_order", {**NEW_ORDER, "confirm": "true"})
        generic = await client.call_tool("run_api_write", {"action": "brand_create_order",
                                                           "arguments": NEW_ORDER, "confirm": "true"})
    for result in (typed, generic):
        assert result.is_error and "confirm: must be the JSON boolean true or false" in text_of(result)
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


# --- the generic write path (run_api_write) -------------------------------------------------------------


def generic_server(world: World, **options: Any) -> Any:
    return build_server(Settings(), toolsets="default,brand", allow_writes=True, connect=connect_to(world),
                        **options)


@pytest.mark.anyio
async def test_the_generic_write_tool_exists_only_when_writes_are_allowed() -> None:
    brand = Settings(credentials=BRAND_CREDENTIALS)
    assert "run_api_write" not in await tool_names_of(brand)
    assert "run_api_write" in await tool_names_of(brand, allow_writes=True)
    assert "run_api_write" not in await tool_names_of(Settings(), allow_writes=True), "no family with writes"


async def tool_names_of(settings: Settings, **options: Any) -> set[str]:
    async with Client(build_server(settings, **options)) as client:
        return {tool.name for tool in (await client.list_tools()).tools}


@pytest.mark.anyio
async def test_the_generic_write_previews_exactly_like_the_typed_tool(small_world: World) -> None:
    async with Client(generic_server(small_world)) as client:
        typed = payload_of(await client.call_tool("brand_create_order", NEW_ORDER))
        generic = payload_of(await client.call_tool("run_api_write", {"action": "brand_create_order",
                                                                      "arguments": NEW_ORDER}))
    assert generic["performed"] is False and generic["params"] == typed["params"]
    assert generic["endpoint"] == typed["endpoint"] == "POST /api/brand action=order/new"
    again = 'call run_api_write again with the same action and arguments plus "confirm": true'
    assert again in generic["message"]
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ({"action": "brand_create_order", "arguments": {**NEW_ORDER, "confirm": True}},
         "put confirm next to action and arguments"),
        ({"action": "brand_create_order", "arguments": NEW_ORDER, "dry_run": False, "confirm": True},
         "dry_run: unknown parameter"),
        ({"action": "brand_get_order", "arguments": {"order_number": "X"}, "confirm": True},
         "'brand_get_order' is not allowed"),
        ({"action": "brand_create_order", "arguments": {**NEW_ORDER, "currency": "dollars"}, "confirm": True},
         "Invalid parameters for brand_create_order: currency"),
    ],
    ids=["confirm inside arguments", "dry_run", "a read", "invalid parameter"],
)
async def test_the_generic_write_refuses_anything_unclear_and_sends_nothing(
    small_world: World, call: dict[str, Any], expected: str
) -> None:
    async with Client(generic_server(small_world)) as client:
        result = await client.call_tool("run_api_write", call)
    assert result.is_error and expected in text_of(result), text_of(result)
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])


@pytest.mark.anyio
async def test_the_generic_write_acts_only_with_confirm_true(small_world: World) -> None:
    async with Client(generic_server(small_world)) as client:
        done = await client.call_tool("run_api_write", {"action": "brand_create_order",
                                                        "arguments": NEW_ORDER, "confirm": True})
    assert not done.is_error, text_of(done)
    assert payload_of(done)["performed"] is True
    assert payload_of(done)["data"]["order_number"] == "MCP-TEST-0001"
    assert (small_world.orders["order_id"] == "MCP-TEST-0001").sum() == 1


@pytest.mark.anyio
async def test_the_read_tool_never_runs_a_write(small_world: World) -> None:
    async with Client(generic_server(small_world)) as client:
        result = await client.call_tool("run_api_action", {"action": "brand_create_order",
                                                           "arguments": NEW_ORDER})
    assert result.is_error and "run_api_write" in text_of(result)
    reads_only = build_server(Settings(), toolsets="default,brand", connect=connect_to(small_world))
    async with Client(reads_only) as client:
        hidden = await client.call_tool("run_api_action", {"action": "brand_create_order",
                                                           "arguments": NEW_ORDER})
    assert hidden.is_error and "--allow-writes" in text_of(hidden)
    assert "MCP-TEST-0001" not in set(small_world.orders["order_id"])
