"""Every answer and tool call ends by its deadline (issue #12, point 1), in real time: a server that accepts
and never answers, one that trickles bytes (httpx's read timeout restarts with every chunk), endless
`code 1002`, and pages that hang after the first ones arrived. The deadline is small here (1–2 s); each test
is also wrapped in a hard bound so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import anyio
import httpx2
import pytest
from mcp import Client
from reliability_support import MERCHANT_AND_BRAND, NOW, incomplete_notes
from stuck_upstream import stuck_upstream

from partnerboost_skill import answers
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.deadline import answer_deadline, current_deadline, ensure_deadline
from partnerboost_skill.api.errors import DeadlineExceeded, UpstreamError
from partnerboost_skill.cli import main
from partnerboost_skill.config import Settings
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import Connection
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server
from partnerboost_tools.merchant import MerchantAccountInfo

pytestmark = pytest.mark.anyio

HARD_BOUND = 10.0
"""No test here may take longer, whatever breaks."""


@contextmanager
def timed() -> Iterator[list[float]]:
    """Yields a list that holds the elapsed wall-clock seconds once the block ends (even by an exception)."""
    elapsed: list[float] = []
    started = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed.append(time.monotonic() - started)


def live_client(base_url: str, **options: object) -> PartnerBoostClient:
    return PartnerBoostClient(MERCHANT_AND_BRAND, base_url=base_url, amazon_base_url=f"{base_url}/amazon_api",
                              **options)  # type: ignore[arg-type]


def sandbox_client(
    world: World, faults: Faults | None = None, inner: type[httpx2.AsyncBaseTransport] | None = None,
    **options: object,
) -> PartnerBoostClient:
    transport: httpx2.AsyncBaseTransport = sandbox_transport(world, faults)
    if inner is not None:
        transport = inner(transport)  # type: ignore[call-arg]
    return PartnerBoostClient(MERCHANT_AND_BRAND, base_url=SANDBOX_BASE_URL,
                              amazon_base_url=SANDBOX_AMAZON_BASE_URL, transport=transport,
                              **options)  # type: ignore[arg-type]


class LaterOrderPagesHang(httpx2.AsyncBaseTransport):
    """Order pages 1 and 2 arrive; page 3 and later never do (the server holds them)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/transaction/list4"):
            import json

            body = json.loads(await request.aread() or b"{}")
            if int(body.get("page_num") or 1) >= 3:
                await anyio.sleep(3600)
        return await self.inner.handle_async_request(request)


async def test_a_server_that_accepts_and_never_answers_ends_at_the_deadline() -> None:
    with stuck_upstream("hang") as server, timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with live_client(server.base_url) as client:
            with answer_deadline(1.0), pytest.raises(DeadlineExceeded) as raised:
                await answers.monitor(client, "last month", now=NOW)
    assert 0.9 <= elapsed[0] < 3.0, elapsed
    assert server.accepted >= 1
    message = raised.value.message
    assert "within the 1 s deadline" in message and "PARTNERBOOST_DEADLINE_SECONDS" in message, message
    assert "waiting for PartnerBoost to answer merchant_" in message, message


async def test_a_trickling_server_cannot_stretch_one_request_past_its_timeout() -> None:
    """A byte every 50 ms never lets a 0.5 s read timeout fire; the bound on the whole request does."""
    with stuck_upstream("trickle", interval=0.05) as server, timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with live_client(server.base_url, timeout=0.5, max_retries=0) as client:
            with pytest.raises(UpstreamError) as raised:
                await client.call(MerchantAccountInfo())
    assert elapsed[0] < 1.5, elapsed
    assert "timed out: no complete answer within 0.5 s" in raised.value.message
    assert not isinstance(raised.value, DeadlineExceeded)


async def test_a_trickling_server_ends_at_the_answers_deadline() -> None:
    with stuck_upstream("trickle", interval=0.05) as server, timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with live_client(server.base_url) as client:  # 30 s per request: only the deadline is shorter
            with answer_deadline(1.5), pytest.raises(DeadlineExceeded):
                await answers.review(client, "last month", now=NOW)
    assert 1.4 <= elapsed[0] < 3.0, elapsed


async def test_endless_rate_limits_end_at_the_deadline(world: World) -> None:
    """code 1002 with Retry-After 0.3 s for ever: the client would wait up to 300 s per call without it."""
    faults = Faults(endless_rate_limit=0.3)
    with timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with sandbox_client(world, faults) as client:
            with answer_deadline(1.2), pytest.raises(DeadlineExceeded) as raised:
                await answers.monitor(client, "last month", now=NOW)
    assert 1.2 - 0.35 <= elapsed[0] < 2.5, elapsed  # it stops before a wait that would cross it
    assert "kept rate-limiting merchant_" in raised.value.message and "code 1002" in raised.value.message


async def test_a_rate_limit_wait_longer_than_the_time_left_is_not_even_started(world: World) -> None:
    faults = Faults(endless_rate_limit=30)
    with timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with sandbox_client(world, faults) as client:
            with answer_deadline(5.0), pytest.raises(DeadlineExceeded) as raised:
                await client.call(MerchantAccountInfo())
    assert elapsed[0] < 1.0, elapsed
    assert "the next attempt would start after the deadline" in raised.value.message


async def test_pages_that_hang_after_the_first_give_a_partial_answer_that_says_so(world: World) -> None:
    with timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with sandbox_client(world, inner=LaterOrderPagesHang) as client:
            with answer_deadline(1.5):
                answer = await answers.monitor(client, "last month", now=NOW)
    assert 1.4 <= elapsed[0] < 3.0, elapsed
    assert answer.complete is False
    (note,) = [note for note in incomplete_notes(answer) if note.startswith("incomplete orders")]
    assert "pages 3–" in note and "1.5 s deadline" in note, note
    assert answer.totals.orders == 2 * 200  # the two pages that arrived, nothing invented


async def test_the_mcp_analysis_tools_share_the_deadline() -> None:
    with stuck_upstream("hang") as server:
        @asynccontextmanager
        async def connect(_: Settings) -> AsyncIterator[Connection]:
            async with live_client(server.base_url) as client:
                yield Connection(source=LiveSource(client), demo=False, now=NOW)

        mcp_server = build_server(Settings(deadline_seconds=1.0), connect=connect)
        with timed() as elapsed, anyio.fail_after(HARD_BOUND):
            async with Client(mcp_server) as mcp:
                result = await mcp.call_tool("review_performance", {"period": "last month"})
    assert elapsed[0] < 3.5, elapsed
    text = "".join(block.text for block in result.content if block.type == "text")
    assert result.is_error and "within the 1 s deadline" in text, text


def test_the_cli_answer_ends_at_the_configured_deadline(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with stuck_upstream("hang") as server:
        for name, value in {"PARTNERBOOST_BASE_URL": server.base_url, "PARTNERBOOST_API_KEY": "k" * 20,
                            "PARTNERBOOST_DEADLINE_SECONDS": "1.5", "PARTNERBOOST_CONFIG": "",
                            "HOME": str(tmp_path), "PARTNERBOOST_CACHE_DIR": f"{tmp_path}/cache"}.items():
            monkeypatch.setenv(name, value)
        with timed() as elapsed:
            code = main(["orders", "last month", "--no-chart"])
    assert code == 1
    assert elapsed[0] < 5.0, elapsed
    assert "within the 1.5 s deadline" in capsys.readouterr().err


async def test_a_call_outside_any_answer_gets_the_clients_own_deadline() -> None:
    with stuck_upstream("hang") as server, timed() as elapsed, anyio.fail_after(HARD_BOUND):
        async with live_client(server.base_url, deadline=0.5) as client:
            assert current_deadline() is None
            with pytest.raises(DeadlineExceeded, match=r"0\.5 s deadline"):
                await client.call(MerchantAccountInfo())
    assert elapsed[0] < 1.5, elapsed


def test_an_inner_deadline_cannot_outlive_the_outer_one() -> None:
    with answer_deadline(1.0) as outer:
        with answer_deadline(100.0) as inner:
            assert inner is outer
            with ensure_deadline(50.0) as reused:
                assert reused is outer
        with answer_deadline(0.2) as shorter:
            assert shorter is not outer and shorter.expires_at < outer.expires_at
    assert current_deadline() is None
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError), answer_deadline(bad):
            pass
