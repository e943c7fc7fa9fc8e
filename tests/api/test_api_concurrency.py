"""Adaptive concurrency: halve on rate limits (once per burst), grow back slowly, never above the maximum."""

from __future__ import annotations

import anyio
import httpx2
import pytest
from api_support import BASE, all_credentials, merchant_error, merchant_ok, params_of

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.concurrency import AdaptiveLimit
from partnerboost_tools.merchant import MerchantListTransactions


@pytest.mark.anyio
async def test_a_rate_limit_halves_the_limit_once_per_burst():
    limit = AdaptiveLimit(8)
    tickets = [await limit.acquire() for _ in range(8)]
    assert limit.slots == 8
    for ticket in tickets:  # eight answers to requests sent under the same limit: one cut, not eight
        limit.release(ticket, "rate_limited")
    assert limit.slots == 4
    assert limit.cuts == 1
    later = await limit.acquire()
    limit.release(later, "rate_limited")
    assert limit.slots == 2


@pytest.mark.anyio
async def test_the_limit_never_drops_below_the_minimum():
    limit = AdaptiveLimit(4, minimum=1)
    for _ in range(6):
        limit.release(await limit.acquire(), "rate_limited")
    assert limit.slots == 1


@pytest.mark.anyio
async def test_successes_grow_the_limit_by_about_one_slot_per_window_up_to_the_maximum():
    limit = AdaptiveLimit(8)
    limit.release(await limit.acquire(), "rate_limited")
    assert limit.slots == 4
    for _ in range(3):
        limit.release(await limit.acquire(), "ok")
    assert limit.slots == 4  # three successes are less than a window of four
    limit.release(await limit.acquire(), "ok")
    assert limit.slots == 5
    for _ in range(200):
        limit.release(await limit.acquire(), "ok")
    assert limit.slots == 8


@pytest.mark.anyio
async def test_other_errors_leave_the_limit_alone():
    limit = AdaptiveLimit(8)
    limit.release(await limit.acquire(), "rate_limited")
    limit.release(await limit.acquire(), "other")
    assert limit.limit == 4.0


@pytest.mark.anyio
async def test_waiters_are_admitted_in_order_and_never_above_the_limit():
    limit = AdaptiveLimit(2)
    order: list[int] = []
    running = 0
    peak = 0

    async def job(index: int) -> None:
        nonlocal running, peak
        ticket = await limit.acquire()
        order.append(index)
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.001)
        running -= 1
        limit.release(ticket, "other")

    async with anyio.create_task_group() as group:
        for index in range(6):
            group.start_soon(job, index)
            await anyio.sleep(0)
    assert order == list(range(6))
    assert peak == 2
    assert limit.in_flight == 0


@pytest.mark.anyio
async def test_a_cancelled_waiter_gives_its_place_up():
    limit = AdaptiveLimit(1)
    first = await limit.acquire()
    with anyio.move_on_after(0.01):
        await limit.acquire()
    limit.release(first, "other")
    assert limit.in_flight == 0
    ticket = await limit.acquire()
    assert limit.in_flight == 1
    limit.release(ticket, "other")


def test_bad_bounds_are_refused():
    with pytest.raises(ValueError, match="minimum"):
        AdaptiveLimit(4, minimum=0)
    with pytest.raises(ValueError, match="maximum"):
        AdaptiveLimit(1, minimum=2)


@pytest.mark.anyio
async def test_the_client_backs_off_when_the_server_limits_concurrency_and_still_fetches_everything():
    """A server that answers 429 (code 1002) whenever more than 3 requests are in flight: the client halves
    its concurrency, every page still arrives, and the requests in flight settle at what the server takes."""
    total = 60 * 200
    in_flight = 0
    peaks_after_first_limit: list[int] = []
    limited = 0

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, limited
        in_flight += 1
        try:
            if limited:
                peaks_after_first_limit.append(in_flight)
            await anyio.sleep(0.002)
            if in_flight > 3:
                limited += 1
                return merchant_error(1002, "call frequency too high", 429, headers={"Retry-After": "0"})
            page = int(params_of(request)["page_num"])
            records = [{"order_id": f"o{page}-{i}", "order_time": 1_790_000_000} for i in range(200)]
            return merchant_ok({"list": records, "total_size": total, "total_page": 60, "page_num": page})
        finally:
            in_flight -= 1

    async with PartnerBoostClient(
        all_credentials(), base_url=BASE, transport=httpx2.MockTransport(handler), concurrency=8,
        max_retries=10, jitter=lambda: 0.0,
    ) as client:
        result = await client.fetch_all(MerchantListTransactions(trans_time_start=1_780_000_000,
                                                                 trans_time_end=1_790_000_000))
        limit = client.concurrency_limit
    assert result.complete and len(result.records) == total
    assert limited > 0
    assert limit.cuts >= 1
    assert limit.slots < 8
    # once halved to 4 and then to 2 or 3, the client stops overrunning the server: the last half of the
    # requests never see more than the server's limit plus the one that overran it
    tail = peaks_after_first_limit[len(peaks_after_first_limit) // 2 :]
    assert max(tail) <= 4


@pytest.mark.anyio
async def test_a_slot_freed_before_the_outcome_is_known_still_counts_the_outcome():
    limit = AdaptiveLimit(8)
    ticket = await limit.acquire()
    limit.release(ticket)
    assert limit.in_flight == 0 and limit.slots == 8
    limit.adapt(ticket, "rate_limited")
    assert limit.slots == 4
