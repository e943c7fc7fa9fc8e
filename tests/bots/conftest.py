"""Fixtures for the bot tests: a clean environment, a PartnerBoost sandbox on loopback (so child
`partnerboost` processes reach it too) and the fake Claude of tests/agent."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "agent"), str(HERE.parent / "server")]

from bot_support import CLAUDE_KEY  # noqa: E402
from fake_claude import FakeClaude, Step  # noqa: E402
from loopback import LoopbackServer  # noqa: E402
from server_support import SMALL_WORLD  # noqa: E402

from partnerboost_skill.sandbox import sandbox_app  # noqa: E402
from partnerboost_skill.sandbox.credentials import SANDBOX_API_KEY  # noqa: E402
from partnerboost_skill.sandbox.world import World  # noqa: E402


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("PARTNERBOOST_", "ANTHROPIC_", "FEISHU_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """The PartnerBoost sandbox over HTTP on a free loopback port (a small world, shared by the module)."""
    with LoopbackServer(sandbox_app(World.generate(SMALL_WORLD))) as server:
        yield server.url


@pytest.fixture
def account(clean_env: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A merchant account: the sandbox's API key, PartnerBoost's base URL pointing at the loopback sandbox."""
    monkeypatch.setenv("PARTNERBOOST_BASE_URL", sandbox_url)
    monkeypatch.setenv("PARTNERBOOST_AMAZON_BASE_URL", f"{sandbox_url}/amazon_api")
    monkeypatch.setenv("PARTNERBOOST_API_KEY", SANDBOX_API_KEY)
    return SANDBOX_API_KEY


@pytest.fixture
def fake_claude(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
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
