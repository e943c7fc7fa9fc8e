"""Benchmark: "review the last three months" the naive way, ours cold, ours warm; the analysis on 1,000,000
cached orders; the answer's size against the raw JSON behind it.

    .venv/bin/python bench/bench_fetch.py [--naive-pages 120] [--cold-runs 3] [--warm-runs 5] [--skip-million]

Starts the sandbox on loopback (uvicorn in a subprocess, skill/sandbox/serve.py) with 50 ms added to every
request and about 1,150 orders a day (over 100,000 in the three months reviewed), then measures:
  1. naive: one list4 request after another at page_size 20, as an agent paging with curl would. It measures
     the first --naive-pages pages and extrapolates to all of them (printed as such); --naive-full reads all.
  2. ours, cold: skill.analysis.answers.review through the caching client, empty cache (median of runs).
  3. ours, warm: the same question again on the filled cache (median of runs).
  4. the analysis alone on 1,000,000 orders, loaded from a cache file holding them (load and review times,
     peak memory traced while loading and answering).
  5. the bytes of the answer text an agent receives (the MCP tool's Markdown) against the raw JSON behind it.
Prints wall times, requests, peak memory, the lower bound (pages ÷ allowed concurrency × latency) and ratios.
Loopback only; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx2

from partnerboost_skill import answers
from partnerboost_skill.analysis.results import PerformanceReview
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.sandbox import credentials as sandbox_keys
from partnerboost_skill.sandbox.world import DEFAULT_NOW
from partnerboost_skill.server.summaries import summary
from partnerboost_skill.store import AccountStore, CachingSource, account_file
from partnerboost_tools.merchant import MERCHANT_MAX_PAGE_SIZE, MerchantTransactionStats

LATENCY_MS = 50.0
ORDERS_PER_DAY = 1_150
CONCURRENCY = 8
PHRASE = "last three months"
NAIVE_PAGE_SIZE = 20
MILLION = 1_000_000
MILLION_PHRASE = "last 6 months"
"""With the six months before it for comparison: the whole year of the 1,000,000-order world."""

T = TypeVar("T")


# ------------------------------------------------------------------------------------------------ helpers
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    code = (
        "from partnerboost_skill.sandbox.serve import run_sandbox; "
        f"run_sandbox(host='127.0.0.1', port={port}, orders_per_day={ORDERS_PER_DAY}, "
        f"latency_ms={LATENCY_MS})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"the sandbox did not start:\n{process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the sandbox did not start within 120 s")


class CountingTransport(httpx2.AsyncBaseTransport):
    """HTTP to loopback, counting requests and the bytes of every response body."""

    def __init__(self) -> None:
        self.inner = httpx2.AsyncHTTPTransport(
            limits=httpx2.Limits(max_connections=32, max_keepalive_connections=32)
        )
        self.requests = 0
        self.body_bytes = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.requests += 1
        self.body_bytes += len(body)
        return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def high_water_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM: unlike ru_maxrss, not inherited from the parent
    that spawned it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(peak_rss_mib() * 2**20)


def mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def traced(job: Callable[[], T]) -> tuple[T, int]:
    tracemalloc.start()
    try:
        result = job()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


# ------------------------------------------------------------------------------------------------ phases
@dataclass
class Run:
    seconds: float
    requests: int
    body_bytes: int
    review: PerformanceReview


async def review_once(base_url: str, cache_dir: Path) -> Run:
    transport = CountingTransport()
    async with PartnerBoostClient(
        sandbox_credentials(),
        base_url=base_url,
        amazon_base_url=f"{base_url}/amazon_api",
        transport=transport,
        concurrency=CONCURRENCY,
    ) as inner:
        store = AccountStore(account_file(cache_dir, inner.credentials, base_url))
        async with CachingSource(LiveSource(inner), store, now=lambda: DEFAULT_NOW) as client:
            started = time.perf_counter()
            review = await answers.review(client, PHRASE, now=DEFAULT_NOW, tz="UTC")
            seconds = time.perf_counter() - started
    await transport.aclose()
    return Run(seconds, transport.requests, transport.body_bytes, review)


async def order_count(base_url: str, start: datetime, end: datetime) -> int:
    async with PartnerBoostClient(sandbox_credentials(), base_url=base_url) as client:
        data = await client.call(
            MerchantTransactionStats(trans_time_start=start, trans_time_end=end.timestamp() - 1)
        )
    return int(data["total_size"])


def naive(base_url: str, start: datetime, end: datetime, pages: int) -> tuple[float, int, int]:
    """(seconds, pages read, bytes) reading list4 pages one after another at page_size 20."""
    body = {
        "trans_time_start": int(start.timestamp()),
        "trans_time_end": int(end.timestamp()) - 1,
        "page_size": NAIVE_PAGE_SIZE,
    }
    headers = {"X-Api-Key": sandbox_keys.SANDBOX_API_KEY, "Content-Type": "application/json"}
    received = 0
    started = time.perf_counter()
    with httpx2.Client(base_url=base_url, headers=headers, timeout=30) as http:
        for page in range(1, pages + 1):
            response = http.post("/a/transaction/list4", json={**body, "page_num": page})
            response.raise_for_status()
            received += len(response.content)
    return time.perf_counter() - started, pages, received


def million(tmp: Path) -> dict[str, Any]:
    """Write a 1,000,000-order world to a cache file; a fresh process then loads it and answers from it."""
    import pandas as pd

    from partnerboost_skill.records.frames import clicks_frame, orders_frame
    from partnerboost_skill.sandbox import bulk_records as sandbox_records
    from partnerboost_skill.sandbox.world import World, WorldConfig
    from partnerboost_skill.store.codec import encode, part_of
    from partnerboost_skill.store.orders import split_by_day

    world = World.generate(WorldConfig(orders_per_day=MILLION / 365))
    records = sandbox_records.order_records(world)
    records = records.sort_values("order_time", ascending=False, kind="stable", ignore_index=True)
    frame = orders_frame(records)
    del records
    started = time.perf_counter()
    days = split_by_day(part_of(frame))
    cache_file = tmp / "million.sqlite3"
    store = AccountStore(cache_file)
    store.save_order_days(
        {day: (part.rows, encode(part)) for day, part in days.items()}, int(DEFAULT_NOW.timestamp())
    )
    store.close()
    written = time.perf_counter() - started
    rows = len(frame)
    del frame, days

    period = resolve_period(MILLION_PHRASE, now=DEFAULT_NOW, tz="UTC")
    previous = period.previous()
    clicks = pd.concat(
        [
            clicks_frame(sandbox_records.click_records(world, p.start, p.end), start=p.start, end=p.end)
            for p in (period, previous)
        ],
        ignore_index=True,
    )
    clicks_file = tmp / "million-clicks.pickle"
    clicks.to_pickle(clicks_file)  # our own file, read back by our own child process
    del world
    child = subprocess.run(
        [sys.executable, __file__, "--answer-from-cache", str(cache_file), str(clicks_file)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return {
        **figures,
        "rows": rows,
        "written": written,
        "file": cache_file.stat().st_size,
        "review_span": f"{previous.label} and {period.label}",
    }


def answer_from_cache(cache_file: Path, clicks_file: Path) -> None:
    """Child process: load every cached order, review them (3 timed runs, one traced), print JSON figures."""
    import pandas as pd

    from partnerboost_skill.analysis.review import review_performance
    from partnerboost_skill.records.frames import empty_orders
    from partnerboost_skill.store.codec import assemble, decode

    clicks = pd.read_pickle(clicks_file)
    period = resolve_period(MILLION_PHRASE, now=DEFAULT_NOW, tz="UTC")

    def load() -> pd.DataFrame:
        reader = AccountStore(cache_file)
        bodies = reader.order_bodies(reader.order_days(0, 10**6))
        reader.close()
        return assemble([decode(bodies[day].body) for day in sorted(bodies, reverse=True)], empty_orders())

    loads, analyses = [], []
    max_rss = 0
    for _ in range(3):
        begun = time.perf_counter()
        loaded = load()
        loads.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        review_performance(loaded, clicks, period, "channel_type")
        analyses.append(time.perf_counter() - begun)
        del loaded
        max_rss = max_rss or high_water_rss()  # after the first load and answer, before any tracing

    def load_and_answer() -> int:
        loaded = load()
        review_performance(loaded, clicks, period, "channel_type")
        return int(loaded.memory_usage(deep=True).sum())

    frame_bytes, peak = traced(load_and_answer)
    print(
        json.dumps(
            {
                "load": median_of(loads),
                "analysis": median_of(analyses),
                "peak": peak,
                "frame": frame_bytes,
                "max_rss": max_rss,
            }
        )
    )


# ---------------------------------------------------------------------------------------------------- main
async def measure(args: argparse.Namespace, base_url: str, tmp: Path) -> dict[str, Any]:
    period = resolve_period(PHRASE, now=DEFAULT_NOW, tz="UTC")
    start, end = period.previous().start, period.end
    orders = await order_count(base_url, start, end)
    three_months = await order_count(base_url, period.start, period.end)
    figures: dict[str, Any] = {
        "orders": orders,
        "three_months": three_months,
        "period": period,
        "span": f"{period.previous().label} and {period.label}",
    }

    naive_total_pages = math.ceil(orders / NAIVE_PAGE_SIZE)
    naive_pages = naive_total_pages if args.naive_full else min(args.naive_pages, naive_total_pages)
    progress(f"naive: {naive_pages} pages of {naive_total_pages:,} ...")
    seconds, read, naive_bytes = await anyio.to_thread.run_sync(naive, base_url, start, end, naive_pages)
    figures["naive"] = {
        "measured_pages": read,
        "measured_seconds": seconds,
        "pages": naive_total_pages,
        "seconds": seconds / read * naive_total_pages,
        "extrapolated": read < naive_total_pages,
        "bytes_per_page": naive_bytes / read,
    }

    colds: list[Run] = []
    warms: list[Run] = []
    for index in range(args.cold_runs):
        cache_dir = tmp / f"cold-{index}"
        progress(f"cold run {index + 1} of {args.cold_runs} ...")
        colds.append(await review_once(base_url, cache_dir))
        if index == 0:
            for _ in range(args.warm_runs):
                warms.append(await review_once(base_url, cache_dir))
    figures["cold"], figures["warm"] = colds, warms

    progress("traced cold and warm runs ...")
    tracemalloc.start()
    await review_once(base_url, tmp / "traced")
    figures["cold_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    await review_once(base_url, tmp / "traced")
    figures["warm_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return figures


def report(figures: dict[str, Any], big: dict[str, Any] | None) -> None:
    orders = figures["orders"]
    pages = math.ceil(orders / MERCHANT_MAX_PAGE_SIZE)
    performance_requests = 2
    lower = (pages + performance_requests) / CONCURRENCY * LATENCY_MS / 1000
    cold = median_of([run.seconds for run in figures["cold"]])
    warm = median_of([run.seconds for run in figures["warm"]])
    naive = figures["naive"]
    first_cold: Run = figures["cold"][0]
    first_warm: Run = figures["warm"][0]
    text = summary(first_warm.review)
    text_bytes = len(text.encode())
    dumps = [run.review.model_dump(exclude={"notes"}) for run in [*figures["cold"], *figures["warm"]]]
    per_page_ms = naive["measured_seconds"] / naive["measured_pages"] * 1000
    naive_label = (
        f"extrapolated from the first {naive['measured_pages']} pages, {per_page_ms:.0f} ms each"
        if naive["extrapolated"]
        else "measured, one run"
    )

    lines = [
        "",
        f"Question: review {PHRASE} (answers.review) = {figures['span']}, UTC",
        f"Sandbox on loopback: {ORDERS_PER_DAY:,} orders/day, {LATENCY_MS:g} ms added per request",
        f"Orders behind the answer: {orders:,} ({figures['three_months']:,} in the three months, the rest in "
        "the three before, for comparison)",
        f"Lower bound: ({pages:,} list4 pages of {MERCHANT_MAX_PAGE_SIZE} + {performance_requests} "
        f"performance pages) / {CONCURRENCY} in flight x {LATENCY_MS:g} ms = {lower:.2f} s",
        "",
        f"{'':46}{'wall time':>11}{'requests':>10}  notes",
        f"{'1. naive: page_size 20, one after another':46}{naive['seconds']:>9.1f} s{naive['pages']:>10,}  "
        f"{naive_label}",
        f"{'2. ours, cold cache':46}{cold:>9.2f} s{first_cold.requests:>10,}  median of "
        f"{', '.join(f'{run.seconds:.2f}' for run in figures['cold'])}; peak traced memory "
        f"{mib(figures['cold_peak'])}",
        f"{'3. ours, warm cache':46}{warm:>9.3f} s{first_warm.requests:>10,}  median of "
        f"{', '.join(f'{run.seconds:.3f}' for run in figures['warm'])}; peak traced memory "
        f"{mib(figures['warm_peak'])}",
    ]
    if big:
        lines += [
            f"4. analysis alone on {big['rows']:,} cached orders ({big['review_span']}):",
            f"   load from the cache {big['load']:.2f} s, review {big['analysis']:.2f} s (medians of 3);",
            f"   in a fresh process: max RSS {mib(big['max_rss'])}, peak traced memory {mib(big['peak'])} "
            f"(the frame itself {mib(big['frame'])});",
            f"   cache file {mib(big['file'])}, written in {big['written']:.1f} s",
        ]
    lines += [
        f"5. answer text (the MCP tool's Markdown): {text_bytes:,} bytes; raw JSON the API sent for it: "
        f"{first_cold.body_bytes:,} bytes (page_size 200); about "
        f"{naive['bytes_per_page'] * naive['pages']:,.0f} bytes at page_size 20",
        "",
        "Ratios",
        f"  cold / lower bound   {cold / lower:8.2f}   (target at most 1.5)",
        f"  naive / cold         {naive['seconds'] / cold:8.1f}x  (target at least 10x)",
        f"  naive / warm         {naive['seconds'] / warm:8.0f}x",
        f"  cold / warm          {cold / warm:8.1f}x",
        f"  raw JSON / answer    {first_cold.body_bytes / text_bytes:8.0f}x",
        f"  every cold and warm answer identical (all fields but the freshness notes): "
        f"{all(dump == dumps[0] for dump in dumps)}",
    ]
    checks = {
        "cold within 1.5x of the lower bound": cold <= 1.5 * lower,
        "cold at least 10x faster than naive": naive["seconds"] >= 10 * cold,
        "warm review under 1 s": warm < 1.0,
        "answer text under 4 KB": text_bytes < 4096,
    }
    if big:
        checks["memory under 1 GiB with 1,000,000 cached orders"] = big["max_rss"] < 2**30
    lines += ["", "Targets", *(f"  [{'ok' if ok else 'MISSED'}] {name}" for name, ok in checks.items())]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += [
        "",
        f"Benchmark process max RSS {peak_rss_mib():,.0f} MiB (it generates the 1,000,000-order world); "
        f"{os.cpu_count()} CPUs, load average {load}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "Answer text (warm):",
        *("  | " + line for line in text.splitlines()),
    ]
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--naive-pages", type=int, default=120, help="naive pages measured before extrapolating"
    )
    parser.add_argument("--naive-full", action="store_true", help="read every naive page (about 10 minutes)")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--skip-million", action="store_true", help="skip the 1,000,000-order analysis")
    parser.add_argument("--answer-from-cache", nargs=2, metavar=("CACHE", "CLICKS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answer_from_cache:
        answer_from_cache(Path(args.answer_from_cache[0]), Path(args.answer_from_cache[1]))
        return

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    print(
        f"starting the sandbox on {base_url} ({ORDERS_PER_DAY:,} orders/day, {LATENCY_MS:g} ms latency) ...",
        flush=True,
    )
    server = start_sandbox(port)
    try:
        with tempfile.TemporaryDirectory(prefix="pb-bench-") as folder:
            figures = anyio.run(measure, args, base_url, Path(folder))
            server.terminate()
            server.wait(timeout=30)
            if not args.skip_million:
                progress("1,000,000 orders: generating, caching, answering in a fresh process ...")
            big = None if args.skip_million else million(Path(folder))
            report(figures, big)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
