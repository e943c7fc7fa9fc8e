"""OpenPartner answers on the sandbox tenant: requests and wall time of the commission read, which has no
cursor and stops at 500 per list (see skill/answers/openpartner.py), for periods the program-wide list covers
and for periods that need every partner's own list (and status split).

    .venv/bin/python bench/bench_openpartner.py [--latency-ms 20] [--runs 3]

In process (ASGI transport), with `latency-ms` added to every request by the sandbox's fault middleware.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

import anyio
import httpx2

from partnerboost_skill import answers
from partnerboost_skill.answers.openpartner import OpenPartnerProvider
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import sandbox_clients
from partnerboost_skill.sandbox import default_world, sandbox_transport
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.openpartner import tenant_of

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
QUESTIONS = [("commissions", "last 7 days"), ("commissions", "last month"), ("commissions", "last 6 months"),
             ("review", "last three months"), ("partners", "last 30 days")]


class Counting(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)


async def one(kind: str, phrase: str, latency_ms: int) -> tuple[float, int, bool]:
    world = default_world()
    transport = Counting(sandbox_transport(world, Faults(latency_ms=latency_ms) if latency_ms else None))
    async with sandbox_clients(transport) as (client, openpartner):
        provider = OpenPartnerProvider(PlatformSource(LiveSource(client), openpartner))
        started = time.perf_counter()
        if kind == "commissions":
            result = await answers.commissions(provider, phrase, now=NOW)
        elif kind == "review":
            result = await answers.review(provider, phrase, now=NOW)
        else:
            result = await answers.media(provider, phrase, None, now=NOW)
        return time.perf_counter() - started, transport.requests, result.complete


async def main(latency_ms: int, runs: int) -> None:
    tenant = tenant_of(default_world())
    print(f"tenant: {len(tenant.partners)} partners, {len(tenant.commissions):,} commissions; "
          f"{latency_ms} ms per request")
    print(f"{'question':<32} {'requests':>8} {'median s':>9} {'complete':>9}")
    for kind, phrase in QUESTIONS:
        samples = [await one(kind, phrase, latency_ms) for _ in range(runs)]
        seconds = statistics.median(s[0] for s in samples)
        print(f"{kind + ' ' + repr(phrase):<32} {samples[0][1]:>8} {seconds:>9.2f} {samples[0][2]!s:>9}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    anyio.run(main, options.latency_ms, options.runs)
