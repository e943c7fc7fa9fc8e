"""Where the bots' answers come from without a Claude key: `partnerboost ask --no-agent` in a child process,
against a PartnerBoost sandbox on loopback (the child's only way to reach it is HTTP, as in production)."""

from __future__ import annotations

import socket

import pytest
from bot_support import CLAUDE_KEY

from partnerboost_skill.bots.answerers import RuleAnswerer, child_env, parse_answer, save_key
from partnerboost_skill.config import load_settings
from partnerboost_skill.render import MESSAGE_SEPARATOR

pytestmark = pytest.mark.anyio


async def test_a_question_gets_the_cli_answer_in_the_channels_format_with_its_chart(account: str) -> None:
    answerer = RuleAnswerer(load_settings(), "feishu")
    reply = await answerer.answer("oc_1", "最近订单怎么样", "zh")
    assert reply.messages and reply.messages[0].startswith("理解为：近期订单与异常")
    assert all(len(message) <= 4000 and message.count("\n|:") <= 1 for message in reply.messages)
    assert reply.chart is not None and reply.chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not any("MEDIA:" in message for message in reply.messages)
    assert account not in "".join(reply.messages)


async def test_a_failing_partnerboost_gets_a_clear_reply(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("PARTNERBOOST_BASE_URL", f"http://127.0.0.1:{closed}")
    reply = await RuleAnswerer(load_settings(), "discord").answer("c1", "check my bill from last month", "en")
    (message,) = reply.messages
    assert message.startswith("PartnerBoost did not answer: ")
    assert "Traceback" not in message and account not in message


async def test_setup_checks_the_key_with_partnerboost_before_saving_it(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARTNERBOOST_API_KEY")
    refused = await save_key("pbk_not_a_real_key_000")
    assert refused[0] is False and "pbk_not_a_real_key_000" not in refused[1]
    ok, detail = await save_key(account)
    assert ok and detail.startswith("merchant: "), detail
    assert load_settings().credentials.value("api_key") == account


def test_child_processes_do_not_get_the_claude_key_or_bot_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", CLAUDE_KEY)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "t" * 30)
    monkeypatch.setenv("FEISHU_APP_SECRET", "s" * 30)
    env = child_env()
    assert not {"ANTHROPIC_API_KEY", "DISCORD_BOT_TOKEN", "FEISHU_APP_SECRET"} & set(env)


def test_the_cli_output_is_split_into_messages_and_the_chart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chart = tmp_path / "c.png"
    chart.write_bytes(b"png")
    parts = ["part one", "part two", f"Chart labels in English.\nMEDIA:{chart}"]
    out = f"\n{MESSAGE_SEPARATOR}\n".join(parts) + "\n"
    reply = parse_answer(out)
    assert reply.messages == ["part one", "part two"]
    assert reply.chart == chart and reply.chart_note == "Chart labels in English."
    markdown = parse_answer(f"the answer\n\nmore\n\nMEDIA:{chart}\n")
    assert markdown.messages == ["the answer\n\nmore"] and markdown.chart == chart
