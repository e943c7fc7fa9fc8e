"""Each fault knob does what it says, deterministically for a seed."""

from __future__ import annotations

import json
import time

import pytest
from test_app_support import FIXED_NOW, call, client_for, data_of, error_of, small_world

from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox import default_world
from partnerboost_skill.sandbox.app import create_app
from partnerboost_skill.sandbox.faults import Faults

pytestmark = pytest.mark.anyio


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def faulty(faults: Faults, world=None):
    return create_app(world or default_world(), faults, clock=lambda: FIXED_NOW)


async def plan(client) -> int:
    return (await call(client, "merchant_current_plan")).status_code


async def test_latency_and_jitter_are_slept_per_request() -> None:
    sleep = FakeSleep()
    app = faulty(Faults(latency_ms=250, jitter_ms=100, sleep=sleep, seed=3))
    async with client_for(app) as client:
        for _ in range(20):
            assert await plan(client) == 200
    assert len(sleep.delays) == 20
    assert all(0.25 <= d < 0.35 for d in sleep.delays)
    assert len(set(sleep.delays)) > 10


async def test_latency_is_measurable_with_the_real_sleep() -> None:
    app = faulty(Faults(latency_ms=40))
    async with client_for(app) as client:
        started = time.perf_counter()
        await plan(client)
        assert time.perf_counter() - started >= 0.04


async def test_error_rate_is_about_as_set_and_answers_5xx() -> None:
    app = faulty(Faults(error_rate=0.3, seed=5))
    async with client_for(app) as client:
        statuses = [await plan(client) for _ in range(400)]
    errors = [s for s in statuses if s != 200]
    assert 0.22 <= len(errors) / len(statuses) <= 0.38
    assert set(errors) <= {500, 502, 503} and len(set(errors)) == 3


async def test_the_same_seed_gives_the_same_faults() -> None:
    async def run(seed: int) -> list[int]:
        async with client_for(faulty(Faults(error_rate=0.5, seed=seed))) as client:
            return [await plan(client) for _ in range(40)]

    assert await run(9) == await run(9)
    assert await run(9) != await run(10)


async def test_a_hanging_request_waits_then_times_out() -> None:
    sleep = FakeSleep()
    app = faulty(Faults(hang_rate=1.0, hang_seconds=45, sleep=sleep))
    async with client_for(app) as client:
        response = await call(client, "merchant_current_plan")
    assert response.status_code == 504
    assert sleep.delays == [45]


async def test_malformed_bodies_are_not_json() -> None:
    app = faulty(Faults(malformed_rate=1.0))
    async with client_for(app) as client:
        response = await call(client, "merchant_list_transactions", {"page_size": 5})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


async def test_the_token_bucket_answers_1002_with_429_and_retry_after() -> None:
    clock = FakeClock()
    app = faulty(Faults(rate_limit_per_s=2, clock=clock))
    async with client_for(app) as client:
        assert [await plan(client) for _ in range(2)] == [200, 200]
        limited = await call(client, "merchant_current_plan")
        publisher = await client.get(
            "/api.php",
            params={"mod": "medium", "op": "monetization_api", "token": cred.SANDBOX_PUBLISHER_TOKEN},
        )
        clock.now += 0.5
        after_refill = await plan(client)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert error_of(limited)[0] == 1002
    assert publisher.status_code == 429 and publisher.json()["status"]["code"] == 1002
    assert after_refill == 200


async def test_page_drift_shifts_newest_first_pages_between_calls() -> None:
    app = faulty(Faults(page_drift_orders_per_request=3, seed=1), small_world())
    async with client_for(app) as client:
        first = data_of(await call(client, "merchant_list_transactions", {"page_num": 2, "page_size": 20}))
        second = data_of(await call(client, "merchant_list_transactions", {"page_num": 2, "page_size": 20}))
    ids_first = [r["order_id"] for r in first["list"]]
    ids_second = [r["order_id"] for r in second["list"]]
    assert second["total_size"] == first["total_size"] + 3
    assert ids_second[3:] == ids_first[:-3]


async def test_without_drift_pages_stay_put() -> None:
    app = faulty(Faults(latency_ms=1), small_world())
    async with client_for(app) as client:
        first = data_of(await call(client, "merchant_list_transactions", {"page_num": 2}))
        second = data_of(await call(client, "merchant_list_transactions", {"page_num": 2}))
    assert first == second


@pytest.mark.parametrize(
    "kwargs",
    [
        {"error_rate": 1.5},
        {"hang_rate": -0.1},
        {"latency_ms": -1},
        {"rate_limit_per_s": 0},
        {"page_drift_orders_per_request": -2},
    ],
)
def test_impossible_knobs_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Faults(**kwargs)
