"""The analysis tools: typed input, the analysis result as structured content, a Markdown summary and
progress."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from mcp import Client
from server_support import text_of

from partnerboost_skill import answers
from partnerboost_skill.config import Settings
from partnerboost_skill.questions import render_answer
from partnerboost_skill.runtime import DEMO_NOTICE, connect
from partnerboost_skill.sandbox import default_world
from partnerboost_skill.server import build_server
from partnerboost_skill.server.summaries import DATA_NOTE

ANALYSIS = ["review_performance", "monitor_orders", "check_bill", "check_commissions", "partner_media",
            "compare_periods"]


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> Any:
    async with Client(build_server(Settings())) as connected:
        yield connected


@pytest.mark.anyio
@pytest.mark.parametrize("name", ANALYSIS)
async def test_each_analysis_tool_answers_with_defaults(client: Client, name: str) -> None:
    result = await client.call_tool(name, {})
    text = text_of(result)
    assert not result.is_error, text
    structured = result.structured_content
    assert structured["demo"] is True and structured["notice"] == DEMO_NOTICE
    assert text.startswith(DEMO_NOTICE)
    assert structured["period"]["label"] in text and structured["period"]["timezone"] in text
    assert structured["complete"] is True
    assert len(text.encode()) <= 20_000 and len(text) < 4_000, "the summary must stay chat-sized"


@pytest.mark.anyio
async def test_the_review_is_the_analysis_result_unchanged(client: Client) -> None:
    args = {"period": "last month", "group_by": "partner_type"}
    result = await client.call_tool("review_performance", args)
    async with connect(Settings()) as connection:
        tz = await answers.period_timezone(connection.source, None)  # the account's zone, as the tool's
        direct = await answers.review(
            connection.source, "last month", "partner_type", now=connection.now, tz=tz
        )
    expected = direct.model_dump(mode="json")
    structured = result.structured_content
    assert structured["totals"] == expected["totals"]
    assert structured["groups"] == expected["groups"]
    assert structured["recommendations"] == expected["recommendations"]
    assert {g["label"] for g in structured["groups"]} == {"publisher", "influencer"}


@pytest.mark.anyio
async def test_bill_totals_match_the_worlds_bills_to_the_cent(client: Client) -> None:
    result = await client.call_tool("check_bill", {"period": "2026-10"})
    bills = default_world().bills
    october = bills[bills["month"] == "2026-10"]
    expected = {
        currency: Decimal(int(cents)).scaleb(-2)
        for currency, cents in october.groupby("currency")["amount_cents"].sum().items()
    }
    totals = {currency: Decimal(amount) for currency, amount in
              result.structured_content["totals_by_currency"].items()}
    assert totals == expected
    for currency, amount in expected.items():
        assert f"{currency} {amount:,.2f}" in text_of(result)


@pytest.mark.anyio
async def test_a_chinese_period_phrase_is_understood(client: Client) -> None:
    english = await client.call_tool("monitor_orders", {"period": "last month"})
    chinese = await client.call_tool("monitor_orders", {"period": "上个月"})
    assert chinese.structured_content["period"]["start"] == english.structured_content["period"]["start"]
    assert chinese.structured_content["totals"] == english.structured_content["totals"]


@pytest.mark.anyio
async def test_analysis_tools_report_increasing_progress(client: Client) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    args = {"period": "last 30 days"}
    result = await client.call_tool("monitor_orders", args, progress_callback=on_progress)
    assert not result.is_error
    assert len(seen) >= 2
    values = [progress for progress, _, _ in seen]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert all(total is None or total >= progress for progress, total, _ in seen)
    assert "fetched" in (seen[-1][2] or "")
    assert any("merchant_list_transactions" in (message or "") for _, _, message in seen), "orders progress"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("review_performance", {"group_by": "colour"},
         ["group_by", "'colour' is not allowed", "'channel_type'", "'partner'", "'device'"]),
        ("review_performance", {"period": "whenever it suits"}, ["period:", "whenever it suits"]),
        ("check_bill", {"period": "last three months"}, ["one complete calendar month"]),
        ("partner_media", {"status": "friends"}, ["status", "'joined'", "'all'"]),
        ("monitor_orders", {"days": 7}, ["days: unknown parameter", "allowed parameters: period"]),
    ],
)
async def test_bad_analysis_input_is_one_clear_error(
    client: Client, name: str, args: dict[str, Any], expected: list[str]
) -> None:
    result = await client.call_tool(name, args)
    text = text_of(result)
    assert result.is_error
    assert text.startswith(f"Invalid parameters for {name}:")
    for part in expected:
        assert part in text, text


@pytest.mark.anyio
async def test_the_summary_is_the_chat_answer_with_the_data_marker(client: Client) -> None:
    """One summary per kind of answer: the tool's text is the CLI's Markdown answer (same table, same advice,
    same notes), after the demo notice and before the line that marks API text as data."""
    result = await client.call_tool("review_performance", {"group_by": "partner"})
    text = text_of(result)
    assert text.startswith(DEMO_NOTICE) and text.endswith(DATA_NOTE)
    async with connect(Settings()) as connection:
        tz = await answers.period_timezone(connection.source, None)
        direct = await answers.review(
            connection.source, "last three months", "partner", now=connection.now, tz=tz
        )
    (answer,) = render_answer(direct, "markdown", "en", surface="mcp")
    body = text.removeprefix(DEMO_NOTICE).removesuffix(DATA_NOTE).strip()
    table = [line for line in answer.splitlines() if line.startswith("|")]
    assert table and all(line in body for line in table)
    assert "**What to do**" in body and "(more in the structured result)" in body
    assert "--format json" not in body


@pytest.mark.anyio
async def test_chinese_summary_on_request_with_the_same_figures(client: Client) -> None:
    english = await client.call_tool("check_bill", {"period": "2026-10"})
    chinese = await client.call_tool("check_bill", {"period": "2026-10", "lang": "zh"})
    assert not chinese.is_error
    text = text_of(chinese)
    assert "演示数据" in text.splitlines()[0]
    assert "账单" in text and "账单" not in text_of(english)
    assert chinese.structured_content["totals_by_status"] == english.structured_content["totals_by_status"]


@pytest.mark.anyio
@pytest.mark.parametrize("name", ANALYSIS)
async def test_the_structured_result_matches_the_output_schema(client: Client, name: str) -> None:
    """Clients (OpenClaw among them) reject a result that does not validate against its outputSchema."""
    schema = next(tool.output_schema for tool in (await client.list_tools()).tools if tool.name == name)
    result = await client.call_tool(name, {"period": "last month"} if name != "monitor_orders" else {})
    jsonschema.validate(result.structured_content, schema)
    assert len(json.dumps(schema)) < 2_000, "the output schema is part of every tools/list"


@pytest.mark.anyio
async def test_a_cut_result_still_matches_its_output_schema(client: Client) -> None:
    tools = (await client.list_tools()).tools
    schema = next(tool.output_schema for tool in tools if tool.name == "partner_media")
    result = await client.call_tool("partner_media", {"status": "all"})
    assert any("showing" in note for note in result.structured_content["notes"]), "the media list was cut"
    jsonschema.validate(result.structured_content, schema)
