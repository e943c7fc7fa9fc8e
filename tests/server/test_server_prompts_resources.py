"""Prompts from prompts/ (English and Chinese, with a period) and the glossary and account resources."""

from __future__ import annotations

import json

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import DEMO_NOTICE
from partnerboost_skill.sandbox import default_world
from partnerboost_skill.server import build_server
from partnerboost_skill.server.prompts import PROMPTS_DIR, load_templates
from partnerboost_skill.server.resources import ACCOUNT_URI, GLOSSARY_URI

PROMPTS = {"review_performance", "monitor_orders", "check_bill", "check_commissions", "partner_media"}


def prompt_text(result: object) -> str:
    return "\n".join(message.content.text for message in result.messages)  # type: ignore[attr-defined]


def test_every_prompt_has_an_english_and_a_chinese_template() -> None:
    templates = load_templates(PROMPTS_DIR)
    assert set(templates) == PROMPTS
    for name, by_lang in templates.items():
        assert set(by_lang) == {"en", "zh"}, name
        for template in by_lang.values():
            assert "{period}" in template.body and f"`{name}`" in template.body


@pytest.mark.anyio
async def test_prompts_are_listed_with_period_and_lang_arguments(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        prompts = (await client.list_prompts()).prompts
    assert {prompt.name for prompt in prompts} == PROMPTS
    for prompt in prompts:
        assert [argument.name for argument in prompt.arguments or []] == ["period", "lang"]
        assert prompt.title and prompt.description


@pytest.mark.anyio
async def test_a_prompt_renders_the_period_in_either_language(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        english = await client.get_prompt("check_bill", {"period": "2026-10"})
        chinese = await client.get_prompt("check_bill", {"period": "上个月", "lang": "zh"})
        default = await client.get_prompt("review_performance", {})
    assert "**2026-10**" in prompt_text(english) and "Call `check_bill`" in prompt_text(english)
    assert "**上个月**" in prompt_text(chinese) and "调用 `check_bill`" in prompt_text(chinese)
    assert "**last three months**" in prompt_text(default)


@pytest.mark.anyio
async def test_an_unknown_language_is_refused_with_the_allowed_values(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        with pytest.raises(MCPError) as raised:
            await client.get_prompt("monitor_orders", {"period": "last week", "lang": "fr"})
    assert "lang" in str(raised.value) and "en, zh" in str(raised.value)


@pytest.mark.anyio
async def test_the_glossary_defines_every_headline_metric(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        listed = {str(resource.uri) for resource in (await client.list_resources()).resources}
        glossary = (await client.read_resource(GLOSSARY_URI)).contents[0].text
    assert {GLOSSARY_URI, ACCOUNT_URI} <= listed
    for term in ("ROAS", "ROI", "Conversion rate", "AOV", "Void rate", "Effective commission rate"):
        assert f"| {term} |" in glossary
    assert "sales ÷ commission" in glossary


@pytest.mark.anyio
async def test_the_account_summary_joins_account_info_and_plan(settings: Settings) -> None:
    async with Client(build_server(settings)) as client:
        summary = json.loads((await client.read_resource(ACCOUNT_URI)).contents[0].text)
    world = default_world()
    assert summary["demo"] is True and summary["notice"] == DEMO_NOTICE
    assert summary["account"]["brand_name"] == world.account["brand_name"]
    assert summary["plan"]["name"] == world.plan["name"]
