"""Fixtures for the MCP server tests: servers on the sandbox, in memory (mcp.Client), without credentials."""

from __future__ import annotations

import pytest
from server_support import SMALL_WORLD

from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox.world import World


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings() -> Settings:
    """No credentials, no config file: the server runs on the sandbox."""
    return Settings()


@pytest.fixture
def small_world() -> World:
    """A fresh small world per test: writes in one test never reach another."""
    return World.generate(SMALL_WORLD)
