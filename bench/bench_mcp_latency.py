"""Benchmark: warm latency of each analysis tool through a real MCP client session, and of the CLI process.

    .venv/bin/python bench/bench_mcp_latency.py [--calls 20] [--orders 100000] [--cli-runs 7]
                                                [--skip-cache]

1. demo: `partnerboost serve` over stdio (no credentials: the built-in sandbox); the official MCP Python
   client (`mcp.Client` on stdio) calls each analysis tool with its default arguments twice to warm up, then
   --calls more times: p50 and p95 of the client-side wall time per tool. The same calls made in process
   (`mcp.Client(build_server(...))`) give the CPU time per call (client and server together), which other work
   on the machine inflates far less than wall time.
2. cache: a sandbox on loopback (uvicorn subprocess) whose world ends now and holds about --orders orders in
   the six months the review reads (the three months reviewed and the three before); `partnerboost serve`
   with the sandbox's API key, the real client and its own SQLite cache; the same measurements.
3. CLI: `partnerboost review|orders|bill` as whole processes on that warm cache (process start included):
   median wall and CPU (user + system) time of --cli-runs, and the heaviest imports (`python -X importtime`);
   for comparison, the same for `python -c 'import pandas'` (the floor of any answer the analysis computes),
   `partnerboost --version` (the CLI's own imports) and `review --no-chart` (the review without the chart the
   text formats draw by default).
Temporary HOME and cache folders; loopback only; every process it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

from partnerboost_skill.config import load_settings
from partnerboost_skill.questions import QUESTIONS
from partnerboost_skill.sandbox.credentials import SANDBOX_API_KEY
from partnerboost_skill.server import build_server

PYTHON = sys.executable
CLI = [PYTHON, "-m", "partnerboost_skill.cli"]
TOOLS = [question.tool for question in QUESTIONS]
FAST = {"review_performance", "monitor_orders", "check_bill"}
TARGET_P50 = 0.050
TARGET_CLI = 0.5
CLI_COMMANDS = ["review", "orders", "bill"]
FLOORS = [  # what no answer can go below, and the review without its chart (drawn by default)
    ("python -c 'import pandas'", [PYTHON, "-c", "import pandas"]),
    ("partnerboost --version", [*CLI, "--version"]),
    ("partnerboost review --no-chart", [*CLI, "review", "--no-chart"]),
]
Timings = dict[str, list[float]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(home: Path, extra: Mapping[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update({"HOME": str(home), "PARTNERBOOST_CACHE_DIR": str(home / "cache"), **extra})
    return env


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(client: Client, calls: int, clock: Any) -> Timings:
    timings: Timings = {tool: [] for tool in TOOLS}
    for _ in range(2):  # warm up: the cache, then what the server keeps in memory
        for tool in TOOLS:
            result = await client.call_tool(tool, {})
            if result.is_error:
                raise SystemExit(f"{tool} failed: {result.content[0].text}")  # type: ignore[union-attr]
    for _ in range(calls):
        for tool in TOOLS:
            started = clock()
            result = await client.call_tool(tool, {})
            timings[tool].append(clock() - started)
            assert not result.is_error
    return timings


async def over_stdio(env: dict[str, str], calls: int) -> Timings:
    params = StdioServerParameters(command=PYTHON, args=[*CLI[1:], "serve"], env=env)
    async with Client(params) as client:
        return await measure(client, calls, time.perf_counter)


async def in_process_cpu(env: dict[str, str], calls: int) -> Timings:
    async with Client(build_server(load_settings(env))) as client:
        return await measure(client, calls, time.process_time)


def report(title: str, wall: Timings, cpu: Timings) -> bool:
    print(title)
    print(f"  {'tool':<20} {'calls':>5} {'wall p50':>10} {'wall p95':>10} {'CPU p50':>9}   target")
    ok = True
    for tool in TOOLS:
        p50, p95 = statistics.median(wall[tool]), percentile(wall[tool], 0.95)
        target = ""
        if tool in FAST:
            met = p50 <= TARGET_P50
            ok &= met
            target = f"wall p50 ≤ {TARGET_P50 * 1000:.0f} ms: {'ok' if met else 'MISSED'}"
        print(f"  {tool:<20} {len(wall[tool]):>5} {p50 * 1000:>8.1f}ms {p95 * 1000:>8.1f}ms "
              f"{statistics.median(cpu[tool]) * 1000:>7.1f}ms   {target}")
    return ok


def start_sandbox(port: int, orders: int) -> subprocess.Popen[bytes]:
    now = datetime.now(UTC).replace(second=0, microsecond=0).isoformat()
    code = (
        "import uvicorn; from datetime import datetime; "
        "from partnerboost_skill.sandbox.app import create_app; "
        "from partnerboost_skill.sandbox.faults import Faults; "
        "from partnerboost_skill.sandbox.world import World, WorldConfig; "
        f"w = World.generate(WorldConfig(seed=7, now=datetime.fromisoformat('{now}'), "
        f"orders_per_day={orders / 182}, days=200)); "
        f"uvicorn.run(create_app(w, Faults()), host='127.0.0.1', port={port}, log_level='warning')"
    )
    process = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read().decode()[-800:] if process.stderr else ""
                raise SystemExit(f"the sandbox did not start: {error}") from None
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the sandbox did not start within 180 s")


def sandbox_env(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {"PARTNERBOOST_API_KEY": SANDBOX_API_KEY, "PARTNERBOOST_BASE_URL": base,
            "PARTNERBOOST_AMAZON_BASE_URL": f"{base}/amazon_api"}


def cli_times(env: dict[str, str], argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of the process `argv`; the first run is not counted."""
    wall: list[float] = []
    cpu: list[float] = []
    for run in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr[-800:]}")
        if run:
            wall.append(elapsed)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall, cpu


def heaviest_imports(env: dict[str, str], command: str, top: int = 5) -> list[tuple[str, float]]:
    done = subprocess.run([PYTHON, "-X", "importtime", *CLI[1:], command], env=env, capture_output=True,
                          text=True, timeout=300)
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 1:  # imports made by the program itself, not nested ones
            cumulative[match.group(3)] = int(match.group(1)) / 1e6
    return sorted(cumulative.items(), key=lambda item: -item[1])[:top]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="warm calls per tool")
    parser.add_argument("--orders", type=int, default=100_000,
                        help="orders in the six months the review reads")
    parser.add_argument("--cli-runs", type=int, default=7)
    parser.add_argument("--skip-cache", action="store_true", help="only the demo")
    options = parser.parse_args()
    ok = True
    print(f"machine: {os.cpu_count()} cores, load average {load()}")
    with tempfile.TemporaryDirectory() as folder:
        demo = base_env(Path(folder) / "demo", {})
        Path(demo["HOME"]).mkdir()
        wall = anyio.run(over_stdio, demo, options.calls)
        cpu = anyio.run(in_process_cpu, demo, options.calls)
        ok &= report("\n1. demo (built-in sandbox): warm calls", wall, cpu)
        if not options.skip_cache:
            port = free_port()
            sandbox = start_sandbox(port, options.orders)
            try:
                env = base_env(Path(folder) / "cache", sandbox_env(port))
                Path(env["HOME"]).mkdir()
                wall = anyio.run(over_stdio, env, options.calls)
                cpu = anyio.run(in_process_cpu, env, options.calls)
                ok &= report(f"\n2. live client, sandbox on loopback with about {options.orders:,} orders in "
                             "the six months reviewed, SQLite cache warm", wall, cpu)
                print(f"\n3. CLI, whole process on that warm cache (median of {options.cli_runs})")
                for command in CLI_COMMANDS:
                    walls, cpus = cli_times(env, [*CLI, command], options.cli_runs)
                    median = statistics.median(walls)
                    met = median <= TARGET_CLI
                    ok &= met
                    print(f"  partnerboost {command:<18} wall {median:5.2f} s, "
                          f"CPU {statistics.median(cpus):5.2f} s   target wall ≤ {TARGET_CLI} s: "
                          f"{'ok' if met else 'MISSED'}")
                    heavy = ", ".join(f"{name} {seconds:.2f} s"
                                      for name, seconds in heaviest_imports(env, command))
                    print(f"      heaviest imports: {heavy}")
                print("  for comparison (not targets):")
                for label, argv in FLOORS:
                    walls, cpus = cli_times(env, argv, options.cli_runs)
                    print(f"  {label:<31} wall {statistics.median(walls):5.2f} s, "
                          f"CPU {statistics.median(cpus):5.2f} s")
            finally:
                sandbox.terminate()
                sandbox.wait(timeout=30)
    print(f"\nload average after: {load()}")
    print("RESULT:", "every target met" if ok else "some targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
