"""What the model sees: the tool list, its snapshot, annotations, names and how many tools are visible."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import Tool
from schema_lint import schema_findings

from partnerboost_skill.config import FAMILY_CREDENTIALS, Credentials, Settings
from partnerboost_skill.server import build_server
from partnerboost_tools.base import FAMILIES
from partnerboost_tools.catalogue import ACTIONS

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"
ANALYSIS = {"review_performance", "monitor_orders", "check_bill", "check_commissions", "partner_media",
            "compare_periods"}
API = {"run_api_action", "search_api_actions"}
API_WRITE = "run_api_write"
ALL_CREDENTIALS = Credentials(**{name: f"{name}-0123456789abcdef" for family in FAMILIES
                                 for name in FAMILY_CREDENTIALS[family]})


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
async def test_the_full_tool_list_matches_the_committed_snapshot() -> None:
    settings = Settings(credentials=ALL_CREDENTIALS)
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
async def test_by_default_only_the_analysis_tools_and_the_api_pair_are_visible(settings: Settings) -> None:
    names = [tool.name for tool in await list_tools(settings)]
    assert set(names) == ANALYSIS | API
    assert names[:6] == ["review_performance", "monitor_orders", "check_bill", "check_commissions",
                         "partner_media", "compare_periods"], "the server lists the analysis tools first"


@pytest.mark.anyio
async def test_read_alphabetically_the_analysis_tools_come_first() -> None:
    """OpenClaw (and others) list a server's tools by name: the analysis tools must lead."""
    for options in ({}, {"allow_writes": True}):
        tools = await list_tools(Settings(credentials=ALL_CREDENTIALS), **options)
        names = sorted(tool.name for tool in tools)
        assert set(names[: len(ANALYSIS)]) == ANALYSIS, names


@pytest.mark.anyio
async def test_with_every_familys_credentials_the_list_stays_at_most_20_tools() -> None:
    for allow_writes in (False, True):
        tools = await list_tools(Settings(credentials=ALL_CREDENTIALS), allow_writes=allow_writes)
        assert len(tools) <= 20
        assert {tool.name for tool in tools} == ANALYSIS | API | ({API_WRITE} if allow_writes else set())


@pytest.mark.anyio
async def test_every_tool_carries_truthful_annotations_and_a_title() -> None:
    tools = await list_tools(Settings(credentials=ALL_CREDENTIALS), toolsets="all", allow_writes=True)
    assert len(tools) == len(ANALYSIS) + len(API) + 1 + len(ACTIONS)
    for tool in tools:
        hints = tool.annotations
        assert hints is not None and tool.title, tool.name
        assert None not in (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint,
                            hints.open_world_hint), tool.name
        if tool.name in ANALYSIS | API:
            assert hints.read_only_hint and not hints.destructive_hint, tool.name
            continue
        if tool.name == API_WRITE:
            assert not hints.read_only_hint and hints.destructive_hint and not hints.idempotent_hint
            continue
        action = ACTIONS[tool.name]
        assert hints.read_only_hint is (not action.writes), tool.name
        assert hints.destructive_hint is (action.writes and action.destructive), tool.name
        assert hints.idempotent_hint is action.idempotent, tool.name


@pytest.mark.anyio
async def test_void_publisher_status_revoke_and_the_generic_write_are_destructive(settings: Settings) -> None:
    tools = await list_tools(settings, toolsets="all", allow_writes=True)
    destructive = {tool.name for tool in tools if tool.annotations and tool.annotations.destructive_hint}
    assert destructive == {"brand_void_order", "brand_set_publisher_status", "openpartner_revoke_partner",
                           API_WRITE}


@pytest.mark.anyio
async def test_only_the_analysis_tools_have_an_output_schema_and_no_two_share_one(settings: Settings) -> None:
    tools = await list_tools(settings, toolsets="all", allow_writes=True)
    with_schema = {tool.name: json.dumps(tool.output_schema, sort_keys=True)
                   for tool in tools if tool.output_schema}
    assert set(with_schema) == ANALYSIS
    assert len(set(with_schema.values())) == len(with_schema)


@pytest.mark.anyio
async def test_no_schema_has_a_portability_finding() -> None:
    """The MCP Inspector's --strict lint rules (untyped nodes, type arrays, boolean schemas, remote refs)."""
    tools = await list_tools(Settings(credentials=ALL_CREDENTIALS), toolsets="all", allow_writes=True)
    findings = [(tool.name, kind, finding) for tool in tools
                for kind, schema in (("inputSchema", tool.input_schema), ("outputSchema", tool.output_schema))
                if schema is not None for finding in schema_findings(schema)]
    assert findings == []


@pytest.mark.anyio
async def test_descriptions_steer_the_model(settings: Settings) -> None:
    tools = {tool.name: tool for tool in await list_tools(settings, toolsets="all", allow_writes=True)}
    for name in ANALYSIS:
        assert "FIRST CHOICE" in (tools[name].description or "")
    for name in API:
        assert "analysis tools" in (tools[name].description or ""), name
    assert "confirm: true" in (tools[API_WRITE].description or "")
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
    generic = tools[API_WRITE].input_schema["properties"]
    assert generic["confirm"] == {**generic["confirm"], "type": "boolean", "default": False}
    assert "confirm" not in tools["run_api_action"].input_schema["properties"]
    group_by = tools["review_performance"].input_schema["properties"]["group_by"]
    assert "channel_type" in group_by["enum"] and "partner" in group_by["enum"]


@pytest.mark.anyio
async def test_the_api_tools_offer_exactly_the_actions_of_the_families_served() -> None:
    brand = Credentials(brand_id="123", brand_token="t" * 20, brand_secret="s" * 40)
    for credentials, families in ((Credentials(), {"merchant"}), (brand, {"merchant", "brand"}),
                                  (ALL_CREDENTIALS, set(FAMILIES))):
        for allow_writes in (False, True):
            tools = {t.name: t for t in await list_tools(Settings(credentials=credentials),
                                                         allow_writes=allow_writes)}
            reads = {n for n, a in ACTIONS.items() if a.family in families and not a.writes}
            writes = {n for n, a in ACTIONS.items() if a.family in families and a.writes}
            assert set(tools["run_api_action"].input_schema["properties"]["action"]["enum"]) == reads
            if allow_writes and writes:
                assert set(tools[API_WRITE].input_schema["properties"]["action"]["enum"]) == writes
            else:
                assert API_WRITE not in tools


def test_the_lint_port_flags_what_the_inspector_flagged() -> None:
    """The old raw-tool output schema: `data` with only a description accepts anything."""
    old = {"type": "object", "properties": {"data": {"description": "PartnerBoost's answer"},
                                            "total": {"type": ["integer", "null"]}}}
    assert schema_findings(old) == [".properties.data: untyped-schema", ".properties.total: type-union"]
