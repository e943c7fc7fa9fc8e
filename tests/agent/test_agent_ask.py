"""`partnerboost ask` with ANTHROPIC_API_KEY: Claude (a scripted fake on loopback) answers with the MCP
server's tools, in process; every figure of the answer is checked against the tool results."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from agent_support import CLAUDE_KEY
from fake_claude import answers, asks_tool, first_match, result_text, tool_results
from mcp import Client

from partnerboost_skill.cli import main
from partnerboost_skill.config import DEFAULT_AGENT_MODEL, Settings
from partnerboost_skill.questions import QUESTIONS
from partnerboost_skill.server import build_server

SALES = r"sales USD ([\d,]+\.\d\d)"
INVENTED = "98,765.43"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def server_tool_names() -> list[str]:
    async with Client(build_server(Settings(use_cache=False))) as client:
        return [tool.name for tool in (await client.list_tools()).tools]


def quote_sales(body: dict[str, Any]) -> dict[str, Any]:
    return answers(f"Last month's sales were **USD {first_match(SALES, body)}**.")


def test_ask_sends_the_servers_tools_runs_the_tool_asked_for_and_prints_its_figure(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_claude([asks_tool("review_performance", {"period": "last month"}), quote_sales])
    code, out, err = run(capsys, "ask", "how did sales go last month?")
    assert code == 0, err
    first, second = fake.requests
    assert [tool["name"] for tool in first["tools"]] == asyncio.run(server_tool_names())
    assert first["tools"][0]["name"] == "review_performance"
    assert first["model"] == DEFAULT_AGENT_MODEL
    (result,) = tool_results(second)
    assert result["tool_use_id"] == "toolu_1" and not result.get("is_error")
    assert "Performance review · Oct 1 – Oct 31 2026" in result_text(result)
    sales = first_match(SALES, second)
    assert f"USD {sales}" in out, out
    assert out.startswith("⚠ Demo data")
    assert "Unverified" not in out and "⚠" not in out.split("\n", 1)[1]
    sent = fake.headers[0].get("x-api-key") or fake.headers[0].get("authorization", "")
    assert sent.removeprefix("Bearer ") == CLAUDE_KEY, "the key reaches the API (the SDK's own header)"
    assert CLAUDE_KEY not in out + err


def test_the_system_prompt_and_the_tool_list_carry_cache_breakpoints(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_claude([asks_tool("partner_media", {}), answers("You work with the partners listed.")])
    code, _, err = run(capsys, "ask", "which media am I partnering with?")
    assert code == 0, err
    for body in fake.requests:
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
        assert "PartnerBoost" in body["system"][0]["text"]
        assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
        assert all("cache_control" not in tool for tool in body["tools"][:-1])
        assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert fake.requests[0]["tools"] == fake.requests[1]["tools"]


def test_an_invented_number_is_flagged_after_one_chance_to_correct_it(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    def invent(body: dict[str, Any]) -> dict[str, Any]:
        assert INVENTED not in result_text(tool_results(body)[0])
        return answers(f"Sales were USD {first_match(SALES, body)} and commission USD {INVENTED}.")

    def insist(body: dict[str, Any]) -> dict[str, Any]:
        assert INVENTED in body["messages"][-1]["content"][-1]["text"], "the correction request names it"
        return answers(f"Commission was USD {INVENTED}.")

    fake = fake_claude([asks_tool("review_performance", {"period": "last month"}), invent, insist])
    code, out, err = run(capsys, "ask", "sales and commission last month")
    assert code == 0, err
    assert len(fake.requests) == 3
    assert f"USD {INVENTED}⚠" in out
    assert re.search(rf"⚠ Unverified: {re.escape(INVENTED)} — not found", out)


def test_a_corrected_answer_is_not_flagged(fake_claude: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fake = fake_claude([
        asks_tool("review_performance", {"period": "last month"}),
        answers(f"Commission was USD {INVENTED}."),
        lambda body: answers(f"Sales were USD {first_match(SALES, {'messages': body['messages'][:3]})}."),
    ])
    code, out, err = run(capsys, "ask", "how was last month")
    assert code == 0, err
    assert len(fake.requests) == 3
    assert INVENTED not in out and "Unverified" not in out


def test_json_output_lists_the_tools_run_and_the_unverified_figures(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_claude([asks_tool("review_performance", {"period": "last month"}),
                 answers(f"Commission was USD {INVENTED}."), answers(f"Commission was USD {INVENTED}.")])
    code, out, err = run(capsys, "ask", "commission last month", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["answer"] == "agent" and payload["demo"] is True
    assert payload["unverified"] == [INVENTED]
    assert [tool["name"] for tool in payload["tools"]] == ["review_performance"]
    assert payload["usage"]["model_calls"] == 3
    assert CLAUDE_KEY not in out + err


def test_after_the_last_tool_round_the_model_must_answer(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_AGENT_MAX_ROUNDS", "1")
    fake = fake_claude([asks_tool("partner_media", {}), answers("Here is what I found.")])
    code, out, err = run(capsys, "ask", "which partners do I have")
    assert code == 0, err
    assert fake.requests[0]["tool_choice"] == {"type": "auto"}
    assert fake.requests[1]["tool_choice"] == {"type": "none"}, "no tool round is left"
    assert "Here is what I found." in out


def test_a_model_that_keeps_calling_tools_is_stopped_and_says_so(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_AGENT_MAX_ROUNDS", "1")
    fake = fake_claude([asks_tool("partner_media", {}), asks_tool("partner_media", {}, "toolu_2")])
    code, out, err = run(capsys, "ask", "which partners do I have")
    assert code == 0, err
    assert len(fake.requests) == 2
    assert "stopped after 1 tool rounds (PARTNERBOOST_AGENT_MAX_ROUNDS)" in out


def test_the_token_budget_stops_the_answer(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_AGENT_TOKEN_BUDGET", "1000")
    fake = fake_claude([asks_tool("partner_media", {}), answers("never asked")])
    code, out, err = run(capsys, "ask", "which partners do I have")
    assert code == 0, err
    assert len(fake.requests) == 1, "the first call (1,280 tokens) used up the budget of 1,000"
    assert fake.requests[0]["max_tokens"] <= 1000
    assert "token budget (PARTNERBOOST_AGENT_TOKEN_BUDGET)" in out


def test_every_answer_has_a_deadline(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_AGENT_TIMEOUT", "1")
    fake_claude([{**answers("too late"), "delay": 2}])
    started = time.monotonic()
    code, out, err = run(capsys, "ask", "how are orders")
    assert time.monotonic() - started < 10
    assert code == 1 and out == ""
    assert "no answer within 1 s (PARTNERBOOST_AGENT_TIMEOUT)" in err


def test_a_refused_key_falls_back_to_the_rule_router_and_is_never_shown(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = {"status": 401, "body": {"type": "error", "error": {"type": "authentication_error",
                                                                    "message": "invalid x-api-key"}}}
    fake = fake_claude([refused])
    code, out, err = run(capsys, "ask", "上个月账单")
    assert code == 0, err
    assert len(fake.requests) == 1, "a refused key is not retried"
    assert "HTTP 401: invalid x-api-key" in err and "built-in router" in err
    assert "理解为：账单核对" in out
    assert CLAUDE_KEY not in out + err


def test_without_the_key_or_with_no_agent_ask_never_calls_claude(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_claude([answers("unused")])
    code, out, _ = run(capsys, "ask", "--no-agent", "check my bill from last month", "--format", "json")
    assert code == 0 and json.loads(out)["answer"] == "bill"
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    code, out, _ = run(capsys, "ask", "how are recent orders doing?", "--format", "json")
    assert code == 0 and json.loads(out)["answer"] == "orders"
    assert fake.requests == []


def test_a_chinese_answer_for_discord_keeps_the_channels_limits(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "\n".join(f"| 渠道{'甲乙丙丁'[i % 4]} | {'高中低'[i % 3]} |" for i in range(40))
    table = "| 渠道 | 投产 |\n|:---|---:|\n" + rows
    long_answer = "上个月的表现如下。\n\n" + table + "\n\n" + "建议：加大投入。" * 150
    fake = fake_claude([answers(long_answer)])
    code, out, err = run(capsys, "ask", "上个月各渠道表现如何", "--format", "discord")
    assert code == 0, err
    assert len(fake.requests) == 1
    assert "Simplified Chinese" in fake.requests[0]["system"][1]["text"]
    assert "Discord" in fake.requests[0]["system"][1]["text"]
    messages = out.rstrip("\n").split("\n---8<---\n")
    assert len(messages) > 2
    assert messages[0].startswith("上个月的表现如下。\n```"), "no tool ran, so no demo line"
    for part in messages:
        assert len(part) <= 2000 and part.count("\n") + 1 <= 17, part
    assert "```" in out and "| 渠道 |" not in out, "Discord gets the table as a code block"
    assert out.count("建议：加大投入。") == 150 and "理解为" not in out


def test_the_chart_of_the_question_the_tool_answered_is_attached(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_claude([asks_tool("monitor_orders", {"period": "last 7 days"}), answers("Orders are steady.")])
    code, out, err = run(capsys, "ask", "how are recent orders doing?", "--format", "discord")
    assert code == 0, err
    parts = out.rstrip("\n").split("\n---8<---\n")
    assert parts[-1].startswith("MEDIA:/") and "/orders-" in parts[-1]
    assert Path(parts[-1].removeprefix("MEDIA:")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_system_prompt_lists_the_questions_of_the_registry(
    fake_claude: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = fake_claude([answers("I answer questions about your PartnerBoost programme only.")])
    code, _, err = run(capsys, "ask", "what's the weather in Paris?")
    assert code == 0, err
    prompt = fake.requests[0]["system"][0]["text"]
    assert "{questions}" not in prompt
    for question in QUESTIONS:
        assert f"- {question.tool}: {question.summary} (default period: {question.default_period})" in prompt
