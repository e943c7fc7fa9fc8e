"""Load test of the MCP server over HTTP: `python bench/load_http.py [--seconds 60] [--clients 50]`.

Starts `partnerboost serve --http` in a subprocess on a free loopback port with a random bearer token and no
PartnerBoost credentials (so it serves the built-in sandbox), then:

1. checks the guards: a request without a token and one with a wrong token get 401, a request body over
   1 MB gets 413, /health answers without a token;
2. runs `--clients` concurrent MCP sessions (raw JSON-RPC over httpx2: initialize, notifications/initialized,
   then tools/call in a loop), each calling the five analysis tools in turn with their default periods, for
   `--seconds`; no new call starts after that, calls in flight finish (each is capped by `--timeout`), and
   `--max-requests` bounds the total;
3. prints throughput, p50/p95/max latency per tool and overall, and every failure; exits 1 unless every call
   succeeded and every guard held.

Bounded and self-stopping: the server subprocess is terminated on the way out, whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

TOOLS: list[tuple[str, dict[str, Any]]] = [
    ("review_performance", {"period": "last month"}),
    ("monitor_orders", {"period": "last 7 days"}),
    ("check_bill", {"period": "last month"}),
    ("partner_media", {"period": "last 30 days"}),
    ("compare_periods", {"period": "last month"}),
]
ACCEPT = "application/json, text/event-stream"
PROTOCOL_VERSION = "2025-06-18"
OVERSIZED_BYTES = 1_100_000


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    started: int = 0

    @property
    def succeeded(self) -> int:
        return sum(len(values) for values in self.latencies.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(home: Path, token: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    return {**env, "HOME": str(home), "PARTNERBOOST_MCP_TOKEN": token,
            "PARTNERBOOST_CACHE_DIR": str(home / "cache")}


def start_server(port: int, home: Path, token: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "partnerboost_skill.cli", "serve", "--http", "--port", str(port)]
    with log.open("wb") as sink:
        return subprocess.Popen(command, env=server_env(home, token), cwd=home, stdout=sink,
                                stderr=subprocess.STDOUT)


def wait_healthy(process: subprocess.Popen[bytes], base: str, limit: float = 90.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode} before becoming healthy")
        try:
            if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not become healthy within {limit:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_guards(base: str, token: str) -> list[tuple[str, bool, str]]:
    """(check, passed, detail) for the token and size guards."""
    mcp = f"{base}/mcp"
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"Accept": ACCEPT, "Content-Type": "application/json"}
    results = []
    with httpx2.Client(timeout=30) as http:
        health = http.get(f"{base}/health")
        results.append(("GET /health without a token -> 200", health.status_code == 200,
                        str(health.status_code)))
        anonymous = http.post(mcp, json=ping, headers=headers)
        results.append(("POST /mcp without a token -> 401", anonymous.status_code == 401,
                        str(anonymous.status_code)))
        wrong = http.post(mcp, json=ping, headers={**headers, "Authorization": f"Bearer {token}x"})
        results.append(("POST /mcp with a wrong token -> 401", wrong.status_code == 401,
                        str(wrong.status_code)))
        big = http.post(mcp, content=b" " * OVERSIZED_BYTES,
                        headers={**headers, "Authorization": f"Bearer {token}"})
        results.append((f"POST /mcp with a {OVERSIZED_BYTES:,}-byte body -> 413", big.status_code == 413,
                        str(big.status_code)))
        leaked = token in anonymous.text + wrong.text + big.text
        results.append(("the token is not echoed in any refusal", not leaked,
                        "echoed" if leaked else "clean"))
    return results


def rpc_result(response: httpx2.Response, request_id: int) -> dict[str, Any]:
    """The JSON-RPC response with `request_id`, from a JSON body or a server-sent event stream."""
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        messages = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    else:
        body = response.json()
        messages = body if isinstance(body, list) else [body]
    for message in messages:
        if isinstance(message, dict) and message.get("id") == request_id:
            if "error" in message:
                raise RuntimeError(f"JSON-RPC error {message['error']}")
            return message["result"]
    raise RuntimeError(f"no response with id {request_id} in {response.text[:200]}")


async def session(index: int, url: str, token: str, deadline: float, budget: list[int], timeout: float,
                  tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
    async with httpx2.AsyncClient(headers=headers, timeout=timeout) as http:
        initialize = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
            "clientInfo": {"name": f"load-{index}", "version": "1"}}}
        try:
            answer = await http.post(url, json=initialize)
            rpc_result(answer, 0)
        except Exception as exc:  # every failure is reported, none stops the other sessions
            tally.failures.append(f"client {index} initialize: {type(exc).__name__}: {exc}")
            return
        if answer.headers.get("mcp-session-id"):
            http.headers["mcp-session-id"] = answer.headers["mcp-session-id"]
        await http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        call = index  # clients start on different tools
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            name, arguments = TOOLS[call % len(TOOLS)]
            call += 1
            request_id = call
            payload = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                       "params": {"name": name, "arguments": arguments}}
            tally.started += 1
            began = time.perf_counter()
            try:
                result = rpc_result(await http.post(url, json=payload), request_id)
            except Exception as exc:
                tally.failures.append(f"client {index} {name}: {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - began
            if result.get("isError"):
                text = " ".join(c.get("text", "") for c in result.get("content", []))
                tally.failures.append(f"client {index} {name}: tool error: {text[:200]}")
            else:
                tally.latencies[name].append(elapsed)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def report(tally: Tally, wall: float, args: argparse.Namespace) -> None:
    every = [v for values in tally.latencies.values() for v in values]
    print(f"\nLoad: {args.clients} concurrent MCP sessions, {args.seconds:.0f} s of new calls "
          f"(wall {wall:.1f} s including the calls in flight), analysis tools in turn")
    print(f"Calls: {tally.started} started, {tally.succeeded} succeeded, {len(tally.failures)} failed")
    if every:
        print(f"Throughput: {tally.succeeded / wall:.2f} calls/s")
        print(f"Latency overall: p50 {percentile(every, 0.5):.2f} s, p95 {percentile(every, 0.95):.2f} s, "
              f"max {max(every):.2f} s, mean {statistics.fmean(every):.2f} s")
        print(f"{'tool':<20} {'calls':>6} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
        for name, _ in TOOLS:
            values = tally.latencies.get(name, [])
            if values:
                print(f"{name:<20} {len(values):>6} {percentile(values, 0.5):>8.2f} "
                      f"{percentile(values, 0.95):>8.2f} {max(values):>8.2f}")
    for failure in tally.failures[:20]:
        print(f"FAILED {failure}")
    if len(tally.failures) > 20:
        print(f"... and {len(tally.failures) - 20} more failures")


async def load(url: str, token: str, args: argparse.Namespace) -> tuple[Tally, float]:
    tally = Tally()
    budget = [args.max_requests]
    began = time.monotonic()
    deadline = began + args.seconds
    jobs = [session(i, url, token, deadline, budget, args.timeout, tally) for i in range(args.clients)]
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=args.seconds + args.timeout + 30)
    return tally, time.monotonic() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long new calls are started (60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent MCP sessions (50)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="total tool calls at most (20,000)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds one call may take (180)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.max_requests < 1 or args.timeout <= 0:
        parser.error("--seconds, --clients, --max-requests and --timeout must be positive")

    token = secrets.token_urlsafe(32)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="pb-load-") as folder:
        home = Path(folder)
        log = home / "server.log"
        process = start_server(port, home, token, log)
        try:
            startup = wait_healthy(process, base)
            print(f"Server: partnerboost serve --http on {base} (sandbox, bearer token), healthy after "
                  f"{startup:.1f} s; machine: {os.cpu_count()} cores, load average "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            guards = check_guards(base, token)
            for check, passed, detail in guards:
                print(f"{'ok  ' if passed else 'FAIL'} {check} (got {detail})")
            tally, wall = asyncio.run(load(f"{base}/mcp", token, args))
            report(tally, wall, args)
        finally:
            stop_server(process)
            if process.returncode not in (0, -15, None) or "Traceback" in log.read_text(errors="replace"):
                print("Server log (tail):\n" + log.read_text(errors="replace")[-3000:])
    ok = all(passed for _, passed, _ in guards) and not tally.failures and tally.succeeded > 0
    print("RESULT: " + ("every call succeeded and every guard held" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
