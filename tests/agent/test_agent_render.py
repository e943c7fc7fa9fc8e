"""The agent's Markdown in each chat format: the channel's limits, tables, and nothing that pings or links."""

from __future__ import annotations

from typing import Any

from partnerboost_skill.render.agent_doc import agent_document
from partnerboost_skill.render.formats import Format, to_messages
from partnerboost_skill.render.i18n import Lang


def agent_messages(answer: str, lang: Lang, fmt: Format, **options: Any) -> list[str]:
    return to_messages(agent_document(answer, lang, fmt, **options), fmt)

ANSWER = """### Channels last month

Website leads with **USD 359,781.68** in sales; Social network follows.

| Channel | Sales USD | ROAS |
|:---|---:|---:|
| Website | 359,781.68 | 12.43 |
| Social network | 212,372.11 | 8.79 |

- Scale the website channel
- Partner @everyone <@123456> and <at user_id="all"></at> see https://evil.example/x and www.evil.example

1. First step
2. Second step
"""


def test_discord_gets_code_block_tables_and_no_mentions_or_links() -> None:
    (message,) = agent_messages(ANSWER, "en", "discord")
    assert "**Channels last month**" in message
    assert "```\nChannel" in message and "| Website |" not in message
    assert "@everyone" not in message and "<@123456>" not in message
    assert "@\u200beveryone" in message
    assert "https://" not in message and "www.evil" not in message
    assert "- Scale the website channel" in message and "1. First step" in message
    assert len(message) <= 2000 and message.count("\n") + 1 <= 17


def test_feishu_keeps_the_markdown_table_and_neutralises_at_tags() -> None:
    (message,) = agent_messages(ANSWER, "en", "feishu")
    assert "| Website | 359,781.68 | 12.43 |" in message
    assert "<at" not in message and "‹at" in message


def test_a_long_answer_is_split_within_discords_limits_without_breaking_numbers() -> None:
    answer = " ".join(f"Partner {i} sold USD 1,234.{i:02d} last month." for i in range(200))
    messages = agent_messages(answer, "en", "discord")
    assert len(messages) > 3
    for message in messages:
        assert len(message) <= 2000 and message.count("\n") + 1 <= 17
    joined = " ".join(messages)
    assert all(f"USD 1,234.{i:02d}" in joined for i in range(200))


def test_our_own_lines_follow_the_answers_language() -> None:
    (message,) = agent_messages("佣金为 98,765.43⚠。", "zh", "markdown", demo=True, unverified=["98,765.43"],
                                stopped="rounds", rounds=8, pending=["brand_create_order"], can_confirm=True)
    lines = message.split("\n\n")
    assert lines[0].startswith("⚠ 演示数据")
    assert "⚠ 未经核实：98,765.43" in message
    assert "已达到工具调用轮数上限（8 轮" in message
    assert "`brand_create_order` 仅为预览。回复“确认”即按此执行" in message


def test_an_empty_answer_says_so() -> None:
    (message,) = agent_messages("  ", "en", "markdown")
    assert "The model gave no answer" in message
