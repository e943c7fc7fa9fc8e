"""PartnerBoost errors become tool errors with their message: no traceback, no secret."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from mcp import Client
from server_support import text_of

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import IncompleteData
from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import Connection
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server
from partnerboost_skill.server.state import ConnectFactory
from partnerboost_skill.server.tool_base import error_text

WRONG_KEY = "pbk_wrong_key_0123456789"


def connect_with(credentials: Credentials, world: World) -> ConnectFactory:
    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        async with PartnerBoostClient(
            credentials, base_url=SANDBOX_BASE_URL, amazon_base_url=SANDBOX_AMAZON_BASE_URL,
            transport=sandbox_transport(world), max_retries=0,
        ) as client:
            yield Connection(source=LiveSource(client), demo=False, now=world.config.now)

    return connect


@pytest.mark.anyio
async def test_rejected_credentials_are_a_tool_error_that_never_shows_the_key(small_world: World) -> None:
    server = build_server(Settings(), connect=connect_with(Credentials(api_key=WRONG_KEY), small_world))
    async with Client(server) as client:
        raw = await client.call_tool("run_api_action", {"action": "merchant_account_info"})
        analysis = await client.call_tool("review_performance", {"period": "last month"})
    for result in (raw, analysis):
        text = text_of(result)
        assert result.is_error
        assert "code 1001" in text and "never shown" in text, text
        assert WRONG_KEY not in text and "Traceback" not in text and "unexpectedly" not in text


@pytest.mark.anyio
async def test_a_family_without_credentials_says_which_variables_to_set(small_world: World) -> None:
    server = build_server(Settings(), toolsets="brand", connect=connect_with(Credentials(api_key="k" * 16),
                                                                             small_world))
    async with Client(server) as client:
        result = await client.call_tool("brand_list_clicks", {})
    text = text_of(result)
    assert result.is_error
    assert "PARTNERBOOST_BRAND_ID" in text and "PARTNERBOOST_BRAND_SECRET" in text


def test_incomplete_data_says_what_is_missing() -> None:
    error = IncompleteData(
        "merchant_list_transactions: 2 pages could not be fetched.",
        records=[{}] * 40, total=80, missing=["page 3 (records 41-60)", "page 4 (records 61-80)"],
    )
    text = error_text(error)
    assert "Fetched 40 records of 80" in text
    assert "page 3 (records 41-60); page 4 (records 61-80)" in text
