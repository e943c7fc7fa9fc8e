"""Helpers shared by the server tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.types import CallToolResult

from partnerboost_skill.config import Settings
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import Connection, sandbox_clients
from partnerboost_skill.sandbox import sandbox_transport
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_skill.server.state import ConnectFactory

SMALL_WORLD = WorldConfig(days=200, orders_per_day=30, n_partners=40)


def connect_to(world: World, **transport_options: object) -> ConnectFactory:
    """A connection factory on `world`'s own sandbox (so writes stay in that world)."""

    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        transport = sandbox_transport(world, **transport_options)  # type: ignore[arg-type]
        async with sandbox_clients(transport, max_retries=0) as (client, openpartner):
            yield Connection(source=PlatformSource(LiveSource(client), openpartner), demo=True,
                             now=world.config.now, platforms=("partnerboost", "openpartner"))

    return connect


def text_of(result: CallToolResult) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


def payload_of(result: CallToolResult) -> Any:
    """A raw action tool's answer: its text is the JSON (there is no structured copy)."""
    assert result.structured_content is None, "a raw tool's text must not be duplicated as structured content"
    return json.loads(text_of(result))
