"""What the model sees: the tool list, its snapshot, annotations, and how many tools are visible."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import Tool

from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.server import build_server
from partnerboost_tools.catalogue import ACTIONS

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"
ANALYSIS = {"review_performance", "monitor_orders", "check_bill", "partner_media", "compare_periods"}


async def list_tools(settings: Settings, **options: Any) -> list[Tool]:
    async with Client(build_server(settings, **options)) as client:
        return (await client.list_tools()).tools


def describe(tool: Tool) -> dict[str, Any]:
    annotations = tool.annotations.model_dump(by_alias=True, exclude_none=True) if tool.annotations else None
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "annotations": annotations,
        "inputSchema": tool.input_schema,
        "outputSchema": tool.output_schema,
    }


@pytest.mark.anyio
async def test_the_full_tool_list_matches_the_committed_snapshot(settings: Settings) -> None:
    tools = [describe(tool) for tool in await list_tools(settings, toolsets="all", allow_writes=True)]
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(tools, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert [t["name"] for t in tools] == [t["name"] for t in expected]
    for tool, snapshot in zip(tools, expected, strict=True):
        assert json.loads(json.dumps(tool)) == snapshot, (
            f"{tool['name']} changed; review the change and regenerate with UPDATE_SNAPSHOTS=1"
        )


@pytest.mark.anyio
async def test_by_default_only_the_analysis_tools_and_merchant_reads_are_visible(settings: Settings) -> None:
    names = {tool.name for tool in await list_tools(settings)}
    merchant_reads = {name for name, cls in ACTIONS.items() if cls.family == "merchant" and not cls.writes}
    assert names == ANALYSIS | merchant_reads
    assert len(names) <= 25


@pytest.mark.anyio
async def test_a_merchant_with_brand_credentials_still_sees_at_most_25_tools() -> None:
    credentials = Credentials(api_key="k" * 12, brand_id="123", brand_token="t" * 20, brand_secret="s" * 40)
    tools = await list_tools(Settings(credentials=credentials))
    names = {tool.name for tool in tools}
    assert "brand_list_clicks" in names
    assert not any(ACTIONS[name].writes for name in names if name in ACTIONS)
    assert len(tools) <= 25


@pytest.mark.anyio
async def test_every_tool_carries_truthful_annotations_and_a_title(settings: Settings) -> None:
    tools = await list_tools(settings, toolsets="all", allow_writes=True)
    assert len(tools) == len(ANALYSIS) + len(ACTIONS)
    for tool in tools:
        hints = tool.annotations
        assert hints is not None and tool.title, tool.name
        assert None not in (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint,
                            hints.open_world_hint), tool.name
        assert tool.output_schema is not None, tool.name
        if tool.name in ANALYSIS:
            assert hints.read_only_hint and not hints.destructive_hint
            continue
        action = ACTIONS[tool.name]
        assert hints.read_only_hint is (not action.writes), tool.name
        assert hints.destructive_hint is (action.writes and action.destructive), tool.name
        assert hints.idempotent_hint is action.idempotent, tool.name


@pytest.mark.anyio
async def test_void_and_publisher_status_are_the_destructive_tools(settings: Settings) -> None:
    tools = await list_tools(settings, toolsets="all", allow_writes=True)
    destructive = {tool.name for tool in tools if tool.annotations and tool.annotations.destructive_hint}
    assert destructive == {"brand_void_order", "brand_set_publisher_status"}


@pytest.mark.anyio
async def test_descriptions_steer_the_model(settings: Settings) -> None:
    tools = {tool.name: tool for tool in await list_tools(settings, toolsets="all", allow_writes=True)}
    for name in ANALYSIS:
        assert "FIRST CHOICE" in (tools[name].description or "")
    assert "inference" in (tools["brand_void_order"].description or "")
    assert "inference" not in (tools["merchant_list_transactions"].description or "")
    assert "Endpoint: POST /a/transaction/list4." in (tools["merchant_list_transactions"].description or "")
    assert "acts only with confirm: true" in (tools["brand_create_order"].description or "")


@pytest.mark.anyio
async def test_schemas_offer_a_small_default_page_and_the_write_flags(settings: Settings) -> None:
    tools = {tool.name: tool for tool in await list_tools(settings, toolsets="all", allow_writes=True)}
    assert tools["merchant_list_transactions"].input_schema["properties"]["page_size"]["default"] == 20
    assert tools["publisher_list_transactions"].input_schema["properties"]["limit"]["default"] == 20
    flags = tools["brand_void_order"].input_schema["properties"]
    assert "default" not in flags["dry_run"] and flags["confirm"]["default"] is False
    assert "dry_run" not in tools["brand_get_order"].input_schema["properties"]
    group_by = tools["review_performance"].input_schema["properties"]["group_by"]
    assert "channel_type" in group_by["enum"] and "partner" in group_by["enum"]
