import hashlib
from email.utils import formatdate

import anyio
import httpx2
import pytest
from api_actions import (
    SampleBrandGet,
    SampleBrandWrite,
    SampleMerchantList,
    SampleMerchantWrite,
    SamplePublisherList,
)
from api_support import BRAND_SECRET, START, make_client, merchant_error, merchant_ok, status_error, status_ok

from partnerboost_skill.api.errors import BadRequest, InvalidCredentials, RateLimited, UpstreamError


def sequence(*responses):
    """A handler answering with the given responses (or raising the given exceptions) in order."""
    remaining = list(responses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        item = remaining.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


@pytest.mark.anyio
async def test_read_retries_5xx_with_exponential_backoff(fake_time):
    client, server = make_client(sequence(
        httpx2.Response(503, text="busy"), httpx2.Response(502, text="bad gateway"),
        httpx2.Response(500, text="oops"), merchant_ok({"fine": True}),
    ), fake_time, backoff_base=0.5)
    async with client:
        assert await client.call(SampleMerchantList()) == {"fine": True}
    assert len(server.requests) == 4
    # jitter fixed at its maximum: full-jitter waits are base * 2**n
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.anyio
async def test_full_jitter_scales_the_wait(fake_time):
    client, _ = make_client(sequence(httpx2.Response(500), merchant_ok(1)), fake_time, jitter=lambda: 0.25,
                            backoff_base=2.0)
    async with client:
        await client.call(SampleMerchantList())
    assert fake_time.sleeps == [0.5]


@pytest.mark.anyio
async def test_backoff_is_capped(fake_time):
    client, _ = make_client(sequence(*[httpx2.Response(500)] * 4, merchant_ok(1)), fake_time,
                            backoff_base=10.0, backoff_cap=15.0)
    async with client:
        await client.call(SampleMerchantList())
    assert fake_time.sleeps == [10.0, 15.0, 15.0, 15.0]


@pytest.mark.anyio
async def test_read_retries_timeouts_connection_errors_and_malformed_json(fake_time):
    client, server = make_client(sequence(
        httpx2.ReadTimeout("timed out"), httpx2.ConnectError("refused"),
        httpx2.Response(200, text="<html>proxy page</html>"), merchant_ok([1]),
    ), fake_time)
    async with client:
        assert await client.call(SampleMerchantList()) == [1]
    assert len(server.requests) == 4


@pytest.mark.anyio
async def test_rate_limit_honours_retry_after(fake_time):
    client, server = make_client(sequence(
        merchant_error(1002, "too frequent", 429, headers={"Retry-After": "7"}),
        merchant_ok("done"),
    ), fake_time)
    async with client:
        assert await client.call(SampleMerchantList()) == "done"
    assert len(server.requests) == 2
    assert fake_time.sleeps == [7.0]


@pytest.mark.anyio
async def test_rate_limit_without_retry_after_backs_off(fake_time):
    client, server = make_client(sequence(status_error(1002, "call frequency too high"), status_ok([])),
                                 fake_time)
    async with client:
        await client.call(SamplePublisherList(begin_date="2026-01-01", end_date="2026-01-02"))
    assert len(server.requests) == 2
    assert len(fake_time.sleeps) == 1 and fake_time.sleeps[0] >= 1.0


@pytest.mark.anyio
async def test_retry_after_longer_than_the_cap_gives_up_at_once(fake_time):
    client, server = make_client(sequence(
        merchant_error(1002, "too frequent", 429, headers={"Retry-After": "3600"}),
    ), fake_time, max_retry_wait=60)
    async with client:
        with pytest.raises(RateLimited) as info:
            await client.call(SampleMerchantList())
    assert info.value.retry_after == 3600
    assert len(server.requests) == 1
    assert fake_time.sleeps == []


@pytest.mark.anyio
async def test_retries_are_limited(fake_time):
    client, server = make_client(lambda r: httpx2.Response(503, text="down"), fake_time, max_retries=2)
    async with client:
        with pytest.raises(UpstreamError, match="gave up after 3 attempts") as info:
            await client.call(SampleMerchantList())
    assert info.value.http_status == 503
    assert len(server.requests) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("failure", [
    merchant_error(1003, "missing order_number", 400),
    merchant_error(1001, "bad key", 401),
])
async def test_client_errors_are_not_retried(fake_time, failure):
    client, server = make_client(lambda r: failure, fake_time)
    async with client:
        with pytest.raises((BadRequest, InvalidCredentials)):
            await client.call(SampleMerchantList())
    assert len(server.requests) == 1
    assert fake_time.sleeps == []


@pytest.mark.anyio
@pytest.mark.parametrize("failure", [
    httpx2.Response(503, text="busy"),
    httpx2.ReadTimeout("timed out"),
    httpx2.Response(200, text="not json"),
])
@pytest.mark.parametrize("action", [SampleMerchantWrite(note="x"), SampleBrandWrite(order_number="A1")])
async def test_writes_are_never_retried_and_say_the_outcome_is_unknown(fake_time, failure, action):
    client, server = make_client(sequence(failure, merchant_ok("applied twice!")), fake_time)
    async with client:
        with pytest.raises(UpstreamError) as info:
            await client.call(action)
    assert len(server.requests) == 1
    assert fake_time.sleeps == []
    assert "may or may not have been applied" in str(info.value)


@pytest.mark.anyio
async def test_rate_limited_write_is_not_retried_either(fake_time):
    client, server = make_client(sequence(
        merchant_error(1002, "too frequent", 429, headers={"Retry-After": "1"}), merchant_ok("ok"),
    ), fake_time)
    async with client:
        with pytest.raises(RateLimited):
            await client.call(SampleMerchantWrite(note="x"))
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_http_request_counter_counts_retries(fake_time):
    client, _ = make_client(sequence(httpx2.Response(500), merchant_ok(1)), fake_time)
    async with client:
        await client.call(SampleMerchantList())
    assert client.http_requests == 2


@pytest.mark.anyio
async def test_external_http_client_is_used_and_not_closed(fake_time):
    seen = []

    def handler(request):
        seen.append(request)
        return merchant_ok("hi")

    from partnerboost_skill.api.client import PartnerBoostClient
    from partnerboost_skill.config import Credentials

    async with httpx2.AsyncClient(transport=httpx2.MockTransport(handler)) as shared:
        async with PartnerBoostClient(Credentials(api_key="k-123456"), base_url="https://x.test",
                                      http_client=shared) as client:
            assert await client.call(SampleMerchantList()) == "hi"
        assert not shared.is_closed
        assert len(seen) == 1


@pytest.mark.anyio
async def test_a_rate_limit_pauses_the_whole_client(fake_time):
    """After a 429 with Retry-After, other requests of the client also wait until that time has passed."""
    slept: list[float] = []

    async def sleep_without_time_passing(seconds: float) -> None:
        slept.append(seconds)

    client, server = make_client(sequence(
        merchant_error(1002, "too frequent", 429, headers={"Retry-After": "5"}),
        merchant_ok(1), merchant_ok(2),
    ), fake_time, sleep=sleep_without_time_passing)
    async with client:
        assert await client.call(SampleMerchantList()) == 1
        assert await client.call(SampleMerchantList()) == 2  # the clock has not moved: still paused
    assert slept == [5.0, 5.0]
    assert len(server.requests) == 3


@pytest.mark.anyio
async def test_a_request_queued_for_a_slot_waits_out_a_rate_limit_that_arrives_meanwhile(fake_time):
    sent_at: list[float] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        sent_at.append(fake_time.now)
        await anyio.sleep(0)  # the other request queues for the slot meanwhile
        if len(sent_at) == 1:
            return merchant_error(1002, "too frequent", 429, headers={"Retry-After": "5"})
        return merchant_ok("ok")

    async def sleep(seconds: float) -> None:
        await anyio.sleep(0)  # let the other request run while this one waits
        await fake_time.sleep(seconds)

    client, _ = make_client(handler, fake_time, concurrency=1, sleep=sleep)
    results: list[object] = []

    async def one() -> None:
        results.append(await client.call(SampleMerchantList()))

    async with client, anyio.create_task_group() as group:
        group.start_soon(one)
        group.start_soon(one)
    assert results == ["ok", "ok"]
    assert len(sent_at) == 3
    assert min(sent_at[1:]) >= sent_at[0] + 5  # the queued request did not go out into the rate limit


@pytest.mark.anyio
async def test_rate_limits_do_not_use_up_the_retries_for_failures(fake_time):
    limited = [merchant_error(1002, "too frequent", 429, headers={"Retry-After": "1"})] * 6
    client, server = make_client(sequence(*limited, merchant_ok("done")), fake_time, max_retries=2)
    async with client:
        assert await client.call(SampleMerchantList()) == "done"
    assert len(server.requests) == 7


@pytest.mark.anyio
async def test_waiting_for_rate_limits_is_bounded_in_total(fake_time):
    client, server = make_client(
        lambda r: merchant_error(1002, "too frequent", 429, headers={"Retry-After": "2"}), fake_time,
        max_rate_limit_wait=7,
    )
    async with client:
        with pytest.raises(RateLimited, match="gave up after 4 attempts"):
            await client.call(SampleMerchantList())
    assert len(server.requests) == 4  # waited 2 + 2 + 2 s; a fourth wait would pass 7 s
    assert sum(fake_time.sleeps) == 6


@pytest.mark.anyio
async def test_no_retries_means_none_for_rate_limits_either(fake_time):
    client, server = make_client(
        lambda r: merchant_error(1002, "too frequent", 429, headers={"Retry-After": "1"}), fake_time,
        max_retries=0,
    )
    async with client:
        with pytest.raises(RateLimited):
            await client.call(SampleMerchantList())
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_a_brand_request_sent_after_a_rate_limit_carries_the_current_date(fake_time):
    client, server = make_client(sequence(
        merchant_error(1002, "too frequent", 429, headers={"Retry-After": "30"}), merchant_ok("ok"),
    ), fake_time)
    async with client:
        assert await client.call(SampleBrandGet()) == "ok"
    first, second = (r.headers["X-PARTNERBOOST-DATE"] for r in server.requests)
    assert first == formatdate(START, usegmt=True)
    assert second == formatdate(START + 30, usegmt=True)
    token = server.requests[1].url.params["token"]
    expected = hashlib.sha256(f"{token};report/sample;{second};{BRAND_SECRET}".encode()).hexdigest()
    assert server.requests[1].headers["X-PARTNERBOOST-AUTHENTICATION"] == expected
