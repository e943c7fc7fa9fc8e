"""Fixtures for the agent tests: a clean environment on the sandbox and a fake Claude on loopback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from agent_support import CLAUDE_KEY
from fake_claude import FakeClaude, Step
from loopback import LoopbackServer
from server_support import SMALL_WORLD

from partnerboost_skill.sandbox.world import World


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No PartnerBoost credentials (the sandbox answers), no Claude settings, caches and charts in tmp."""
    for name in list(os.environ):
        if name.startswith(("PARTNERBOOST_", "ANTHROPIC_", "FEISHU_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def fake_claude(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[list[Step]], FakeClaude]]:
    """Start a fake Messages API with a script; ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY point the SDK at
    it."""
    servers: list[LoopbackServer] = []

    def start(script: list[Step]) -> FakeClaude:
        fake = FakeClaude(script)
        server = LoopbackServer(fake.app).__enter__()
        servers.append(server)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", CLAUDE_KEY)
        return fake

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def small_world() -> World:
    """A fresh small world per test: writes in one test never reach another."""
    return World.generate(SMALL_WORLD)
