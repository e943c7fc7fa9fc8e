"""Benchmark the sandbox app's serving time: `python bench/bench_sandbox_serving.py [--skip-large]`.

For the default world (about 110,000 orders) and a world of about 1,000,000 orders, prints the median server
time (from the ASGI call to the last body byte, so without client overhead) of a 200-record list4 page and a
few other heavy reads, against the 20 ms budget for a list page. Also prints the time to build the app's
indexes over the world.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

import httpx2

from partnerboost_skill.sandbox import SANDBOX_BASE_URL
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.app import create_app
from partnerboost_skill.sandbox.world import World, WorldConfig

RUNS = 30
PAGE_BUDGET_MS = 20.0
SCENARIOS = {
    "default (300 orders/day)": WorldConfig(),
    "1,000,000 orders": WorldConfig(orders_per_day=1_000_000 / 365),
}
YEAR = {"start_date": "2025-11-21", "end_date": "2026-11-20"}
REQUESTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "list4 page 1, 200 records": ("POST", "/a/transaction/list4", {"page_size": 200}),
    "list4 page 40, 200, 3 filters": (
        "POST",
        "/a/transaction/list4",
        {
            "page_size": 200,
            "page_num": 40,
            "trans_status": ["paid", "effective"],
            "partner_channel_type": ["WEBSITE", "SOCIAL_NETWORK"],
            "trans_time_start": "2026-03-01",
        },
    ),
    "list_stats, whole year": ("POST", "/a/transaction/list_stats", {}),
    "charts_total, whole year": ("GET", "/a/performance/charts_total", YEAR),
    "list_v2 by medium, year": ("GET", "/a/performance/list_v2", {**YEAR, "group_by": "medium"}),
}


class ServerTimer:
    """ASGI wrapper recording the seconds from the call to the end of the response body."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.seconds.append(time.perf_counter() - started)

        await self.app(scope, receive, timed_send)


async def measure(world: World) -> dict[str, float]:
    timer = ServerTimer(create_app(world))
    medians: dict[str, float] = {}
    transport = httpx2.ASGITransport(app=timer)
    async with httpx2.AsyncClient(
        transport=transport, base_url=SANDBOX_BASE_URL, headers={"X-Api-Key": cred.SANDBOX_API_KEY}
    ) as client:
        for name, (method, path, params) in REQUESTS.items():
            timer.seconds.clear()
            for _ in range(RUNS + 2):
                if method == "GET":
                    response = await client.get(path, params=params)
                else:
                    response = await client.post(path, json=params)
                assert response.status_code == 200 and response.json()["code"] == 0, response.text[:300]
            medians[name] = statistics.median(timer.seconds[2:]) * 1000
    return medians


def main() -> int:
    skip_large = "--skip-large" in sys.argv
    within_budget = True
    for scenario, config in SCENARIOS.items():
        if skip_large and config.orders_per_day > 1000:
            continue
        world = World.generate(config)
        started = time.perf_counter()
        create_app(world)
        build_ms = (time.perf_counter() - started) * 1000
        print(
            f"\n{scenario}: {len(world.orders):,} orders; building the app's indexes took {build_ms:.0f} ms"
        )
        medians = asyncio.run(measure(world))
        for name, median in medians.items():
            note = ""
            if name.startswith("list4"):
                within_budget &= median <= PAGE_BUDGET_MS
                note = f"  ({median / PAGE_BUDGET_MS:.2f} of the {PAGE_BUDGET_MS:.0f} ms budget)"
            print(f"  {name:32} median {median:7.2f} ms server time{note}")
    print("\nlist pages within budget" if within_budget else "\nLIST PAGES SLOWER THAN BUDGET")
    return 0 if within_budget else 1


if __name__ == "__main__":
    sys.exit(main())
