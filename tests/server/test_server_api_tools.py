"""The long tail through the api pair: search_api_actions finds actions and their parameters, run_api_action
answers exactly as the action's typed tool would, and refuses clearly what it cannot run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from server_support import payload_of, text_of

from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.runtime import DEMO_NOTICE
from partnerboost_skill.server import build_server
from partnerboost_tools.catalogue import ACTIONS

OCTOBER = {"begin_date": "2026-10-01", "end_date": "2026-10-31"}
PUBLISHER = Settings(credentials=Credentials(publisher_token="p" * 30))


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> Any:
    """Typed tools of every family next to the api pair, to compare the two paths."""
    async with Client(build_server(Settings(), toolsets="all")) as connected:
        yield connected


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("merchant_list_transactions", {"page_size": 7, "page_num": 3}),
        ("merchant_account_info", {}),
        ("brand_transaction_report_cursor", {"limit": 5}),
        ("publisher_list_commissions", OCTOBER),
        ("amazon_report", {}),
    ],
)
async def test_run_api_action_answers_exactly_like_the_typed_tool(
    client: Client, name: str, arguments: dict[str, Any]
) -> None:
    typed = await client.call_tool(name, arguments)
    generic = await client.call_tool("run_api_action", {"action": name, "arguments": arguments})
    assert not generic.is_error, text_of(generic)
    assert payload_of(generic) == payload_of(typed)
    assert payload_of(generic)["notice"] == DEMO_NOTICE


@pytest.mark.anyio
async def test_next_arguments_page_through_run_api_action_without_gaps(client: Client) -> None:
    first = await client.call_tool("run_api_action", {"action": "merchant_list_bills",
                                                      "arguments": {"page_size": 5}})
    following = payload_of(first)["page"]["next_arguments"]
    second = await client.call_tool("run_api_action", {"action": "merchant_list_bills",
                                                       "arguments": following})
    both = await client.call_tool("run_api_action", {"action": "merchant_list_bills",
                                                     "arguments": {"page_size": 10}})
    ids = [bill["id"] for result in (first, second) for bill in payload_of(result)["data"]["list"]]
    assert ids == [bill["id"] for bill in payload_of(both)["data"]["list"]]


@pytest.mark.anyio
async def test_arguments_are_validated_by_the_action_with_the_same_message(client: Client) -> None:
    typed = await client.call_tool("merchant_list_transactions", {"trans_status": ["bogus"]})
    generic = await client.call_tool("run_api_action", {"action": "merchant_list_transactions",
                                                        "arguments": {"trans_status": ["bogus"]}})
    assert generic.is_error and text_of(generic) == text_of(typed)
    assert text_of(generic).startswith("Invalid parameters for merchant_list_transactions: trans_status")


@pytest.mark.anyio
async def test_what_run_api_action_cannot_run_is_refused_with_the_reason() -> None:
    async with Client(build_server(Settings())) as client:
        other_family = await client.call_tool("run_api_action", {"action": "publisher_list_clicks"})
        misspelt = await client.call_tool("run_api_action", {"action": "merchant_list_transaction"})
        no_action = await client.call_tool("run_api_action", {"arguments": {}})
    assert other_family.is_error and "PARTNERBOOST_PUBLISHER_TOKEN" in text_of(other_family)
    assert misspelt.is_error and "Did you mean: merchant_list_transactions" in text_of(misspelt)
    assert text_of(no_action) == "Invalid parameters for run_api_action: action: required."


@pytest.mark.anyio
async def test_search_finds_actions_by_words_within_the_families_served() -> None:
    async with Client(build_server(PUBLISHER)) as client:
        coupons = text_of(await client.call_tool("search_api_actions", {"query": "coupons"}))
        everything = text_of(await client.call_tool("search_api_actions", {}))
        merchant = text_of(await client.call_tool("search_api_actions", {"family": "merchant"}))
    assert coupons.splitlines()[2].startswith("- publisher_list_coupons:"), coupons
    served = [name for name, action in ACTIONS.items() if action.family in ("merchant", "publisher")
              and not action.writes]
    for name in served:
        assert f"- {name}:" in everything
    assert "brand_list_clicks" not in everything
    assert "Not served here (no credentials): brand, amazon" in everything
    assert "publisher_" not in merchant


@pytest.mark.anyio
async def test_search_gives_an_actions_parameters_as_its_typed_tool_takes_them(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    described = json.loads(text_of(await client.call_tool("search_api_actions",
                                                          {"action": "merchant_list_transactions"})))
    assert described["parameters"] == tools["merchant_list_transactions"].input_schema
    assert described["run_with"] == "run_api_action" and described["writes"] is False
    assert described["endpoint"] == "POST /a/transaction/list4"
    assert "next_arguments" in described["paging"]


@pytest.mark.anyio
async def test_search_describes_a_write_without_its_flags_only_when_writes_are_allowed() -> None:
    brand = Settings(credentials=Credentials(brand_id="123", brand_token="t" * 20, brand_secret="s" * 40))
    async with Client(build_server(brand, allow_writes=True)) as client:
        allowed = json.loads(text_of(await client.call_tool("search_api_actions",
                                                            {"action": "brand_void_order"})))
    async with Client(build_server(brand)) as client:
        refused = await client.call_tool("search_api_actions", {"action": "brand_void_order"})
    assert allowed["run_with"] == "run_api_write" and allowed["destructive"] is True
    assert set(allowed["parameters"]["properties"]) == {"order_number"}
    assert refused.is_error and "--allow-writes" in text_of(refused)
