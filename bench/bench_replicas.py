"""Two hosted replicas sharing one PostgreSQL: `python bench/bench_replicas.py [--seconds 60] [--sessions N]`.

Needs a PostgreSQL server: `--postgres URL` or PARTNERBOOST_TEST_POSTGRES_URL (`source .ci/postgres` starts a
throwaway one); the bench creates its own database there and drops it afterwards. It starts, all on loopback
ports the OS picks:
- two sandboxes (different worlds, `--latency-ms` added per request) standing for two PartnerBoost accounts;
- `--tenants` tenants (alternately on the two sandboxes; each has its own token and its own cache);
- two replicas of `partnerboost serve --http --hosted` with PARTNERBOOST_CACHE_URL on that database.

Then:
1. warm across replicas: one tenant's review of a settled quarter through replica 1 (cold), then the same
   question through replica 2 — its time, and whether its notes say the settled days came from the cache;
2. load: `--sessions` concurrent sessions (raw stateless JSON-RPC over httpx2), session i as tenant
   i mod tenants, each call to the next replica in turn, calling the five analysis tools with their default
   periods for `--seconds`; no call starts after that and calls in flight finish (each capped by --timeout);
3. prints calls, failures, p50/p95/max per tool and overall, calls per replica, and the cache database's size.

Bounded and self-stopping: every process it started is terminated on the way out, whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx2

from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.tenants import Sealer, new_key, new_tenant
from partnerboost_skill.tenants.registry import FileRegistry

TOOLS: list[tuple[str, dict[str, Any]]] = [
    ("review_performance", {}),
    ("monitor_orders", {}),
    ("check_bill", {}),
    ("partner_media", {}),
    ("compare_periods", {}),
]
ACCEPT = "application/json, text/event-stream"
PROTOCOL_VERSION = "2025-06-18"
WARM_PERIOD = "2026-04-01 to 2026-06-30"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "partnerboost_skill.cli", *args]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    return {**env, "HOME": str(home), "PARTNERBOOST_CACHE_DIR": str(home / "cache"), **extra}


def start(command: list[str], env: dict[str, str], log: Path, stack: ExitStack) -> subprocess.Popen[bytes]:
    sink = log.open("wb")
    process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    stack.callback(stop, process)
    stack.callback(sink.close)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(process: subprocess.Popen[bytes], ready: Any, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"a process exited early (code {process.returncode}); see its log")
        try:
            if ready():
                return
        except (httpx2.TransportError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit("a process did not become ready in time")


def port_open(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    return True


async def call(http: httpx2.AsyncClient, base: str, token: str, name: str, arguments: dict[str, Any],
               request_id: int) -> dict[str, Any]:
    request = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
               "params": {"name": name, "arguments": arguments}}
    response = await http.post(f"{base}/mcp", json=request, headers={
        "Accept": ACCEPT, "Authorization": f"Bearer {token}", "MCP-Protocol-Version": PROTOCOL_VERSION})
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:160]}")
    messages = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    answer = next((m for m in messages if m.get("id") == request_id), None)
    if answer is None:
        raise RuntimeError("no JSON-RPC answer in the response")
    if "error" in answer:
        raise RuntimeError(str(answer["error"])[:160])
    result = answer["result"]
    if result.get("isError"):
        raise RuntimeError(result["content"][0]["text"][:160])
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def warm_check(replicas: list[str], token: str, timeout: float) -> list[str]:
    lines = []
    async with httpx2.AsyncClient(timeout=timeout) as http:
        for label, base in (("replica 1 (cold)", replicas[0]), ("replica 2 (after replica 1)", replicas[1])):
            started = time.perf_counter()
            result = await call(http, base, token, "review_performance", {"period": WARM_PERIOD}, 1)
            took = time.perf_counter() - started
            notes = result["structuredContent"]["notes"]
            cached = any("from the local cache (settled" in note for note in notes)
            lines.append(f"  {label:<28} {took:7.2f} s   settled days from the shared cache: "
                         f"{'yes' if cached else 'no'}")
    return lines


async def load(replicas: list[str], tokens: list[str], sessions: int, seconds: float, timeout: float,
               max_calls: int) -> tuple[dict[str, list[float]], list[str], Counter[str], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    per_replica: Counter[str] = Counter()
    started_calls = 0
    stop_at = time.monotonic() + seconds

    async def session(index: int) -> None:
        nonlocal started_calls
        token = tokens[index % len(tokens)]
        turn = index
        async with httpx2.AsyncClient(timeout=timeout) as http:
            while time.monotonic() < stop_at and started_calls < max_calls:
                name, arguments = TOOLS[turn % len(TOOLS)]
                base = replicas[turn % len(replicas)]
                turn += 1
                started_calls += 1
                began = time.perf_counter()
                try:
                    await call(http, base, token, name, arguments, turn)
                except Exception as error:
                    failures.append(f"{name} on {base}: {type(error).__name__}: {error}"[:240])
                    continue
                latencies[name].append(time.perf_counter() - began)
                per_replica[base] += 1

    began = time.monotonic()
    await asyncio.gather(*(session(i) for i in range(sessions)))
    return latencies, failures, per_replica, time.monotonic() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("PARTNERBOOST_TEST_POSTGRES_URL", ""))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--tenants", type=int, default=6)
    parser.add_argument("--orders-per-day", type=int, default=150)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--max-calls", type=int, default=20_000)
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("needs PostgreSQL: --postgres URL or PARTNERBOOST_TEST_POSTGRES_URL "
                         "(`source .ci/postgres` starts a throwaway one)")
    import psycopg

    database = f"pbbench_{secrets.token_hex(4)}"
    with psycopg.connect(args.postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    cache_url = f"{args.postgres.rpartition('/')[0]}/{database}"
    try:
        with tempfile.TemporaryDirectory(prefix="pb-replicas-") as folder, ExitStack() as stack:
            home = Path(folder)
            shops = []
            for seed in (7, 11):
                port = free_port()
                process = start(cli("sandbox", "--port", str(port), "--seed", str(seed), "--orders-per-day",
                                    str(args.orders_per_day), "--latency-ms", str(args.latency_ms)),
                                clean_env(home), home / f"sandbox-{seed}.log", stack)
                wait_until(process, lambda p=port: port_open(p))
                shops.append(f"http://127.0.0.1:{port}")
            key = new_key()
            sealer = Sealer(key)
            registry = FileRegistry(home / "tenants.json")
            tokens = []
            api_key = sandbox_credentials().value("api_key") or ""
            for index in range(args.tenants):
                values = {"PARTNERBOOST_API_KEY": api_key, "PARTNERBOOST_BASE_URL": shops[index % 2]}
                tenant, token = new_tenant(f"tenant-{index}", tuple(values),
                                           lambda tenant_id, v=values: sealer.seal(tenant_id, v))
                registry.add(tenant)
                tokens.append(token)
            replicas = []
            for number in (1, 2):
                port = free_port()
                env = clean_env(home, PARTNERBOOST_TENANTS=str(registry.path), PARTNERBOOST_TENANTS_KEY=key,
                                PARTNERBOOST_CACHE_URL=cache_url)
                process = start(cli("serve", "--http", "--hosted", "--port", str(port)), env,
                                home / f"replica-{number}.log", stack)
                base = f"http://127.0.0.1:{port}"
                wait_until(process, lambda b=base: httpx2.get(f"{b}/health", timeout=2).status_code == 200)
                replicas.append(base)

            print(f"Two replicas, one PostgreSQL ({cache_url.rpartition('@')[2]}), {args.tenants} tenants on "
                  f"two sandboxes ({args.orders_per_day} orders/day, {args.latency_ms:g} ms per request)")
            print(f"load average before: {os.getloadavg()[0]:.2f}")
            print(f"\n1. warm across replicas: review_performance '{WARM_PERIOD}' for tenant-0")
            for line in asyncio.run(warm_check(replicas, tokens[0], args.timeout)):
                print(line)

            print(f"\n2. load: {args.sessions} concurrent sessions across {args.tenants} tenants, "
                  f"{args.seconds:g} s, calls alternating between the replicas")
            latencies, failures, per_replica, wall = asyncio.run(
                load(replicas, tokens, args.sessions, args.seconds, args.timeout, args.max_calls))
            everything = [value for values in latencies.values() for value in values]
            print(f"  calls: {len(everything) + len(failures):,} in {wall:.1f} s "
                  f"({len(everything) / wall:.1f} answered/s), failures: {len(failures)}")
            if everything:
                print(f"  {'tool':<20} {'calls':>6} {'p50':>8} {'p95':>8} {'max':>8}")
                for name, _ in TOOLS:
                    values = latencies.get(name, [])
                    if values:
                        print(f"  {name:<20} {len(values):>6} {statistics.median(values):>7.2f}s "
                              f"{percentile(values, 0.95):>7.2f}s {max(values):>7.2f}s")
                print(f"  {'all':<20} {len(everything):>6} {statistics.median(everything):>7.2f}s "
                      f"{percentile(everything, 0.95):>7.2f}s {max(everything):>7.2f}s")
            for number, base in enumerate(replicas, 1):
                print(f"  replica {number}: {per_replica[base]:,} answers")
            for failure in failures[:10]:
                print(f"  failure: {failure}")
            print(f"load average after: {os.getloadavg()[0]:.2f}")
            with psycopg.connect(cache_url) as conn:
                days, size = conn.execute(
                    "SELECT count(*), pg_size_pretty(pg_database_size(current_database())) FROM pb_order_days"
                ).fetchone()
                accounts = conn.execute("SELECT count(DISTINCT account) FROM pb_order_days").fetchone()[0]
            print(f"\n3. shared cache: {days:,} order days for {accounts} tenant accounts, database {size}")
            return 0 if not failures else 1
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
