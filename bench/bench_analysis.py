"""Benchmark: the four answers (review, monitor, bill check, partner media) on a 1,000,000-order world.

Prints the world size, the time to build the frames from list4-shaped records, the median of 3 runs of all
four answers together, and the peak memory traced while answering (targets: < 2 s and < 1.5 GiB).

    .venv/bin/python bench/bench_analysis.py [--orders 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pandas as pd

from partnerboost_skill.analysis.billing import check_bill
from partnerboost_skill.analysis.monitor import monitor_orders
from partnerboost_skill.analysis.partners import partner_media
from partnerboost_skill.analysis.review import review_performance
from partnerboost_skill.periods import Period, resolve_period
from partnerboost_skill.records.frames import bills_frame, clicks_frame, orders_frame, partners_frame
from partnerboost_skill.sandbox import bulk_records as sandbox_records
from partnerboost_skill.sandbox.world import DEFAULT_NOW, World, WorldConfig

TARGET_SECONDS = 2.0
TARGET_BYTES = 1.5 * 2**30
TIMEZONE = "Asia/Shanghai"


def _timed(job: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = job()
    return result, time.perf_counter() - started


def _clicks(world: World, periods: list[Period]) -> pd.DataFrame:
    frames = [
        clicks_frame(sandbox_records.click_records(world, p.start, p.end), start=p.start, end=p.end)
        for p in periods
    ]
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders in the world (about)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    config = WorldConfig(orders_per_day=args.orders / 365, days=365)
    world, generated = _timed(lambda: World.generate(config))
    print(
        f"world: {len(world.orders):,} orders, {len(world.partners)} partners, generated in {generated:.2f} s"
    )

    records, shaped = _timed(lambda: sandbox_records.order_records(world))
    orders, built = _timed(lambda: orders_frame(records))
    bills = bills_frame(sandbox_records.bill_records(world))
    partners = partners_frame(sandbox_records.partner_records(world))
    print(
        f"frames: list4-shaped records in {shaped:.2f} s, orders frame built in {built:.2f} s "
        f"({orders.memory_usage(deep=True).sum() / 2**20:.0f} MiB)"
    )

    review_period = resolve_period("last three months", now=DEFAULT_NOW, tz=TIMEZONE)
    monitor_period = resolve_period("last 7 days", now=DEFAULT_NOW, tz=TIMEZONE)
    media_period = resolve_period("last 30 days", now=DEFAULT_NOW, tz=TIMEZONE)
    month = resolve_period("last month", now=DEFAULT_NOW, tz=TIMEZONE)
    clicks = _clicks(
        world,
        [review_period, review_period.previous(), monitor_period, monitor_period.previous(), media_period],
    )

    def answer_all() -> dict[str, float]:
        seconds = {}
        _, seconds["review"] = _timed(
            lambda: review_performance(orders, clicks, review_period, "channel_type")
        )
        _, seconds["monitor"] = _timed(lambda: monitor_orders(orders, monitor_period, clicks=clicks))
        _, seconds["bill check"] = _timed(lambda: check_bill(bills, orders, month))
        _, seconds["partner media"] = _timed(lambda: partner_media(partners, orders, clicks, media_period))
        return seconds

    runs = []
    for _ in range(args.runs):
        parts, total = _timed(answer_all)
        runs.append((total, parts))
    totals = [total for total, _ in runs]
    median = statistics.median(totals)
    parts = min(runs, key=lambda run: abs(run[0] - median))[1]

    tracemalloc.start()
    answer_all()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(
        f"four answers: median {median:.3f} s of {args.runs} runs ({', '.join(f'{t:.3f}' for t in totals)}); "
        + ", ".join(f"{name} {value:.3f} s" for name, value in parts.items())
    )
    print(
        f"peak memory while answering (tracemalloc): {peak / 2**20:.0f} MiB; "
        f"process max RSS (world and frames included): {max_rss / 2**20:.0f} MiB"
    )
    print(
        f"targets: time {median / TARGET_SECONDS:.0%} of {TARGET_SECONDS:g} s, "
        f"memory {max_rss / TARGET_BYTES:.0%} of {TARGET_BYTES / 2**30:g} GiB (max RSS)"
    )


if __name__ == "__main__":
    main()
