"""Pages are verified, never trusted (issue #12, point 2): a server that ignores page_num (every page the
same), `{"code": 0, "data": null}` or `data: {}`, more records than the announced total, a page without its
list. Each is retried and then reported as incomplete (or as an error) — never `complete: true`. A fault that
goes away when retried leaves the exact answer.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from mcp import Client
from reliability_support import NOW, Counting, FakeTime, client_on, connect_with, faulty_transport, figures

from partnerboost_skill import answers
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.errors import IncompleteData, PartnerBoostError
from partnerboost_skill.api.pages import PageFault
from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server
from partnerboost_tools.merchant import MerchantListTransactions

pytestmark = pytest.mark.anyio

ORDERS = "/a/transaction/list4"


def orders_request(request: httpx2.Request) -> dict[str, Any] | None:
    if not request.url.path.endswith(ORDERS):
        return None
    return json.loads(request.content or b"{}")


async def monitor_on(transport_for: Any, *, max_retries: int = 4) -> tuple[Answer | PartnerBoostError, int]:
    time = FakeTime()
    counting = Counting(transport_for(time))
    async with client_on(counting, time, max_retries=max_retries) as client:
        try:
            return await answers.monitor(client, "last month", now=NOW), len(counting.requests)
        except PartnerBoostError as exc:
            return exc, len(counting.requests)


def lying(world: World, **knobs: Any) -> Any:
    return lambda time: faulty_transport(world, Faults(sleep=time.sleep, clock=time.clock, **knobs), time)


async def test_a_server_that_ignores_page_num_is_reported_incomplete(
    world: World, baseline: dict[str, Answer]
) -> None:
    answer, _ = await monitor_on(lying(world, ignore_page_num=True))
    assert isinstance(answer, Answer)
    assert answer.complete is False
    (note,) = [note for note in answer.notes if note.startswith("incomplete orders")]
    assert "repeated the page before it exactly" in note and "page_num" in note, note
    truth = baseline["monitor"].totals.orders
    # only the first page of each listing is counted, never the same page again and again
    assert answer.totals.orders < truth
    assert answer.totals.orders % 200 == 0


async def test_repeated_pages_are_one_missing_range_not_one_line_per_page(world: World) -> None:
    time = FakeTime()
    async with client_on(lying(world, ignore_page_num=True)(time), time) as client:
        action = MerchantListTransactions(trans_time_start=NOW.replace(day=1, month=10),
                                          trans_time_end=NOW.replace(day=31, month=10))
        with pytest.raises(IncompleteData) as raised:
            await client.fetch_all(action)
    (missing,) = raised.value.missing
    assert missing.startswith("pages 2–"), missing
    assert len(raised.value.records) == 200


@pytest.mark.parametrize("lie", ["null", "empty"])
async def test_data_null_or_empty_is_a_fault_not_zero_orders(world: World, lie: str) -> None:
    answer, requests = await monitor_on(lying(world, lying_data=lie))
    expected = "data: null" if lie == "null" else "an empty data object ({})"
    if isinstance(answer, PartnerBoostError):
        assert expected in answer.message and "gave up after 5 attempts" in answer.message, answer.message
    else:
        assert answer.complete is False, "0 orders beside the clicks must not be called complete"
        assert any(expected in note for note in answer.notes), answer.notes
    assert requests >= 5  # the first order page was asked 1 + max_retries times


async def test_a_null_page_that_comes_right_when_retried_leaves_the_exact_answer(
    world: World, baseline: dict[str, Answer]
) -> None:
    class NullOnce(httpx2.AsyncBaseTransport):
        def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
            self.inner, self.lied = inner, 0

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            response = await self.inner.handle_async_request(request)
            if orders_request(request) is not None and self.lied < 3:
                self.lied += 1
                body = json.loads(await response.aread())
                return httpx2.Response(200, json={**body, "data": None})
            return response

    answer, _ = await monitor_on(lambda time: NullOnce(faulty_transport(world, None, time)))
    assert isinstance(answer, Answer) and answer.complete, getattr(answer, "notes", answer)
    assert figures(answer) == figures(baseline["monitor"])


async def test_a_stale_repeat_that_comes_right_when_read_again_leaves_the_exact_answer(
    world: World, baseline: dict[str, Answer]
) -> None:
    class StalePageTwoOnce(httpx2.AsyncBaseTransport):
        """The first request for page 2 is answered with page 1 (a cache in front of the API)."""

        def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
            self.inner, self.done = inner, False

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            body = orders_request(request)
            if body is not None and body.get("page_num") == 2 and not self.done:
                self.done = True
                request = httpx2.Request(request.method, request.url, headers=request.headers,
                                         json={**body, "page_num": 1})
            return await self.inner.handle_async_request(request)

    answer, _ = await monitor_on(lambda time: StalePageTwoOnce(faulty_transport(world, None, time)))
    assert isinstance(answer, Answer) and answer.complete, getattr(answer, "notes", answer)
    assert figures(answer) == figures(baseline["monitor"])


def listing(
    pages: dict[int, list[dict[str, Any]]], total: int, data_override: Any = ...
) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content or b"{}")
        page = int(body.get("page_num") or 1)
        records = pages.get(page, [])
        data = {"list": records, "total_size": total, "total_page": len(pages), "page_size": 200,
                "page_num": page, "current_size": len(records)}
        return httpx2.Response(200, json={"code": 0, "message": "ok",
                                          "data": data if data_override is ... else data_override})

    return httpx2.MockTransport(handle)


def orders(first: int, count: int) -> list[dict[str, Any]]:
    return [{"order_id": f"o{n}", "order_time": 1_790_000_000 + n, "sale_amount": "1.00"}
            for n in range(first, first + count)]


async def test_more_records_than_announced_is_incomplete() -> None:
    time = FakeTime()
    transport = listing({1: orders(0, 200), 2: orders(200, 200)}, total=250)
    async with client_on(transport, time) as client:
        result = await client.fetch_all(MerchantListTransactions(), allow_partial=True)
    assert result.complete is False
    assert any("the pages held 400 records, more than the 250 announced" in m for m in result.missing), result
    assert result.requests == 3 * 2  # read again twice before giving up


async def test_the_exact_total_is_complete() -> None:
    time = FakeTime()
    transport = listing({1: orders(0, 200), 2: orders(200, 50)}, total=250)
    async with client_on(transport, time) as client:
        result = await client.fetch_all(MerchantListTransactions())
    assert result.complete and len(result.records) == 250 and result.requests == 2


@pytest.mark.parametrize("data", [None, {}, {"items": []}, [], "ok", {"list": None, "total_size": 5}])
async def test_a_page_that_is_not_a_page_is_refused(data: Any) -> None:
    time = FakeTime()
    async with client_on(listing({1: orders(0, 3)}, total=3, data_override=data), time) as client:
        with pytest.raises(PageFault) as raised:
            await client.fetch_all(MerchantListTransactions(), allow_partial=True)
    assert "instead of a page with a `list` list" in raised.value.message
    assert "gave up after 5 attempts" in raised.value.message


async def test_an_empty_listing_that_says_so_is_fine() -> None:
    time = FakeTime()
    async with client_on(listing({1: []}, total=0, data_override={"list": None, "total_size": 0}),
                         time) as client:
        result = await client.fetch_all(MerchantListTransactions())
    assert result.complete and result.records == []


async def test_a_repeating_listing_without_totals_stops_and_says_so() -> None:
    """Numbered pages without totals are read until a short page: a server repeating a full page for ever
    would be read 10,000 times and counted 10,000 times."""
    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"code": 0, "data": {"list": orders(0, 200)}})

    time = FakeTime()
    async with client_on(httpx2.MockTransport(handle), time) as client:
        result = await client.fetch_all(MerchantListTransactions(), allow_partial=True)
    assert not result.complete and len(result.records) == 200 and result.requests == 2
    assert "repeated the page before it exactly" in result.missing[0]


async def test_the_raw_list_tool_refuses_a_null_page(world: World) -> None:
    server = build_server(Settings(), connect=connect_with(lying(world, lying_data="null"), max_retries=1))
    async with Client(server) as client:
        result = await client.call_tool("run_api_action", {"action": "merchant_list_transactions"})
    text = "".join(block.text for block in result.content if block.type == "text")
    assert result.is_error and "data: null" in text, text
