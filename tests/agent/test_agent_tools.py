"""The MCP server's tools/list as Anthropic tool definitions, and its results as what the model reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from server_support import connect_to

from partnerboost_skill.agent.tools import anthropic_tools, is_write_tool, tool_output
from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server

pytestmark = pytest.mark.anyio


def server_on(world: World, **options: Any) -> Any:
    return build_server(Settings(), connect=connect_to(world), **options)


async def test_every_tool_keeps_its_name_schema_and_description_in_the_servers_order(
    small_world: World
) -> None:
    async with Client(server_on(small_world, toolsets="all", allow_writes=True)) as client:
        listed = (await client.list_tools()).tools
    converted = anthropic_tools(listed)
    assert [tool["name"] for tool in converted] == [tool.name for tool in listed]
    for mcp_tool, tool in zip(listed, converted, strict=True):
        assert tool["input_schema"] == {**mcp_tool.input_schema, "type": "object"}
        assert tool["description"].startswith(mcp_tool.description)
        assert ("only previews the write" in tool["description"]) == is_write_tool(mcp_tool)
    writes = [tool.name for tool in listed if is_write_tool(tool)]
    assert "brand_create_order" in writes and "run_api_write" in writes
    assert "merchant_list_transactions" not in writes and "run_api_action" not in writes
    assert [("cache_control" in tool) for tool in converted] == [False] * (len(converted) - 1) + [True]


async def test_the_model_reads_the_summary_and_the_structured_result_once(small_world: World) -> None:
    async with Client(server_on(small_world)) as client:
        review = tool_output(await client.call_tool("review_performance", {"period": "last month"}))
        page = tool_output(await client.call_tool("run_api_action", {"action": "merchant_list_transactions",
                                                                     "arguments": {"page_size": 2}}))
    assert review.text.startswith("Demo data") and "Structured result (JSON):" in review.text
    summary, structured = review.text.split("\n\nStructured result (JSON):\n")
    assert "**Performance review" in summary
    assert json.loads(structured) == review.structured
    assert "Structured result" not in page.text, "the page's text already is its JSON"
    assert page.text.count('"order_id"') == 2
