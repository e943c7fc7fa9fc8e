"""The smaller findings of issue #12 (point 8), each with a clear message: a 500,000-character period, a
900,000-character search word, `confirm: "true"` as a string, `sandbox --port 99999` or a port in use, a
repeated `--param`. (The short token on 0.0.0.0 is in test_http_guards.py.)
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from reliability_support import Counting, FakeTime
from test_writes import connect_on, is_write, text_of

from partnerboost_skill.cli import main
from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox import sandbox_transport
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_skill.server import build_server
from partnerboost_skill.server.tool_base import MAX_ERROR_CHARS, capped

LONG_PERIOD = "x" * 500_000
LONG_WORD = "y" * 900_000


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(seed=5, days=30, orders_per_day=20, n_partners=20))


@pytest.fixture
def sandbox_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("PARTNERBOOST_API_KEY", "PARTNERBOOST_BRAND_ID", "PARTNERBOOST_BRAND_TOKEN",
                 "PARTNERBOOST_BRAND_SECRET", "PARTNERBOOST_PUBLISHER_TOKEN", "PARTNERBOOST_AMAZON_TOKEN",
                 "PARTNERBOOST_COUPON_TOKEN", "PARTNERBOOST_CONFIG", "PARTNERBOOST_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


async def call(
    world: World, tool: str, arguments: dict[str, Any], **settings: Any
) -> tuple[bool, str, Counting]:
    counting = Counting(sandbox_transport(world, clock=FakeTime().utc))
    server = build_server(Settings(**settings), connect=connect_on(counting, world), toolsets="all")
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    return result.is_error, text_of(result), counting


@pytest.mark.anyio
async def test_a_huge_period_is_refused_in_a_short_message(world: World) -> None:
    failed, text, counting = await call(world, "review_performance", {"period": LONG_PERIOD})
    assert failed and len(text) < 1_000, len(text)
    assert "500,000 characters; at most 200" in text
    assert counting.requests == []


def test_a_huge_period_on_the_command_line(sandbox_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", LONG_PERIOD, "--no-chart"]) == 2
    err = capsys.readouterr().err
    assert len(err) < 1_000 and "500,000 characters" in err and "Traceback" not in err


@pytest.mark.anyio
async def test_a_huge_search_word_names_the_parameter(world: World) -> None:
    failed, text, counting = await call(world, "merchant_search_partners", {"word": LONG_WORD})
    assert failed and "`word` is 900,000 characters long; shorten it" in text, text[:300]
    assert "failed unexpectedly" not in text and len(text) < 1_000
    assert counting.requests == []  # nothing was sent


def test_a_huge_search_word_on_the_command_line(
    sandbox_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", "merchant_search_partners", "--param", f"word={LONG_WORD}"]) == 2
    err = capsys.readouterr().err
    assert "`word` is 900,000 characters long" in " ".join(err.split()) and len(err) < 1_000


@pytest.mark.anyio
@pytest.mark.parametrize("flags", [{"confirm": "true"}, {"confirm": 1}, {"confirm": "yes"},
                                   {"confirm": True, "dry_run": "false"}])
async def test_only_a_real_boolean_confirms_a_write(world: World, flags: dict[str, Any]) -> None:
    failed, text, counting = await call(world, "brand_void_order", {"order_number": "X1", **flags},
                                        allow_writes=True)
    assert failed and "must be the JSON boolean true or false" in text and "nothing was sent" in text, text
    assert not [request for request in counting.requests if is_write(request)]


@pytest.mark.anyio
async def test_a_real_true_still_confirms(world: World) -> None:
    order = str(world.orders["order_id"].iloc[-1])  # the newest: not paid yet, so it can be voided
    failed, text, counting = await call(world, "brand_void_order", {"order_number": order, "confirm": True},
                                        allow_writes=True)
    assert not failed, text
    assert len([request for request in counting.requests if is_write(request)]) == 1


@pytest.mark.parametrize("argv", [["sandbox", "--port", "99999"], ["sandbox", "--port", "0"],
                                  ["sandbox", "--port", "-5"]])
def test_sandbox_ports_out_of_range(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--port must be between 1 and 65535" in err and "Traceback" not in err


def test_sandbox_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["sandbox", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"--port {port} on 127.0.0.1 is already in use" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--param", "page_size=5", "--param", "page_size=10"],
         "page_size is given twice (--param 5 and --param 10)"),
        (["--params", '{"page_size": 5}', "--param", "page_size=10"], "(--params 5 and --param 10)"),
        (["--param", "trans_status=void", "--param", "trans_status=paid"], "a list takes commas"),
    ],
)
def test_a_repeated_param_is_refused(
    argv: list[str], said: str, sandbox_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", "merchant_list_transactions", *argv]) == 2
    assert said in " ".join(capsys.readouterr().err.split())


def test_any_tool_error_is_capped() -> None:
    assert capped("short") == "short"
    long = capped("z" * 1_000_000)
    assert len(long) < MAX_ERROR_CHARS + 100 and long.endswith("(cut: the message had 1,000,000 characters)")
