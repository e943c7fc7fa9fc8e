"""Benchmark the sandbox world generator: `python bench/bench_world.py`.

Prints the median of three generation times for the default world (about 110,000 orders) and for a world of
about 1,000,000 orders, then the peak traced memory of one more run of each (tracemalloc sees numpy and pandas
allocations; it slows that run, so it is not timed) and the process's peak resident memory.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tracemalloc

from partnerboost_skill.sandbox.world import World, WorldConfig

RUNS = 3
SCENARIOS = {
    "default (300 orders/day)": WorldConfig(),
    "1,000,000 orders": WorldConfig(orders_per_day=1_000_000 / 365),
}
BUDGET_SECONDS = {"default (300 orders/day)": 2.0, "1,000,000 orders": 30.0}


def timed(config: WorldConfig) -> tuple[float, int]:
    start = time.perf_counter()
    world = World.generate(config)
    return time.perf_counter() - start, len(world.orders)


def peak_traced_mib(config: WorldConfig) -> float:
    tracemalloc.start()
    World.generate(config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    print(f"{'scenario':28} {'orders':>10} {'median s':>9} {'runs (s)':>22} {'budget s':>9}")
    within_budget = True
    for name, config in SCENARIOS.items():
        results = [timed(config) for _ in range(RUNS)]
        seconds = [r[0] for r in results]
        median = statistics.median(seconds)
        within_budget &= median <= BUDGET_SECONDS[name]
        runs = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"{name:28} {results[0][1]:>10,} {median:>9.2f} {runs:>22} {BUDGET_SECONDS[name]:>9.1f}")
    for name, config in SCENARIOS.items():
        print(f"peak traced memory, {name}: {peak_traced_mib(config):.0f} MiB")
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory of this process: {peak_rss_kib / 1024:.0f} MiB")
    print("all medians within budget" if within_budget else "SLOWER THAN BUDGET")
    return 0 if within_budget else 1


if __name__ == "__main__":
    sys.exit(main())
