"""Session flood against `partnerboost serve --http`: `python bench/flood_sessions.py [--seconds 30]`.

Starts the server in a subprocess on a free 127.0.0.1 port (no credentials: the built-in sandbox; no token, as
on loopback), then for `--seconds` has `--workers` concurrent connections send nothing but `initialize`
(a new session each, never used again), as fast as the server answers. Meanwhile it samples the server's
resident memory (VmRSS) every 0.5 s. Then a new client sends a plain `initialize` (the 2025-06-18
handshake most clients use, which needs a session) and the SDK's own client lists the tools and calls one;
the server's memory is read again. Prints the status counts, the sessions the server kept
(every flood session is pinged once afterwards: those still answering 200), the memory before, at its peak
and after, and whether the new client got in; exits 1 if it did not.

`--pythonpath` runs the server from another checkout (before/after figures); the settings default to the
server's own (PARTNERBOOST_MCP_MAX_SESSIONS, PARTNERBOOST_MCP_SESSION_IDLE_SECONDS), `--max-sessions` and
`--idle` override them. Bounded and self-stopping: the server is terminated on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx2
from load_http import free_port, stop_server, wait_healthy

ACCEPT = "application/json, text/event-stream"
PROTOCOL_VERSION = "2025-06-18"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": {"name": "flood", "version": "0"}}}
HEADERS = {"Accept": ACCEPT, "Content-Type": "application/json"}


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def start(port: int, home: Path, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update(HOME=str(home), PARTNERBOOST_CACHE_DIR=str(home / "cache"))
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    if args.max_sessions:
        env["PARTNERBOOST_MCP_MAX_SESSIONS"] = str(args.max_sessions)
    if args.idle:
        env["PARTNERBOOST_MCP_SESSION_IDLE_SECONDS"] = str(args.idle)
    command = [sys.executable, "-m", "partnerboost_skill.cli", "serve", "--http", "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def flood(base: str, seconds: float, workers: int) -> tuple[Counter[int], list[str]]:
    statuses: Counter[int] = Counter()
    sessions: list[str] = []
    stop_at = time.monotonic() + seconds

    async def worker() -> None:
        async with httpx2.AsyncClient(timeout=30) as http:
            while time.monotonic() < stop_at:
                try:
                    answer = await http.post(f"{base}/mcp", json=INITIALIZE, headers=HEADERS)
                except httpx2.TransportError:
                    statuses[0] += 1
                    continue
                statuses[answer.status_code] += 1
                if answer.headers.get("mcp-session-id"):
                    sessions.append(answer.headers["mcp-session-id"])

    await asyncio.gather(*(worker() for _ in range(workers)))
    return statuses, sessions


async def still_open(base: str, sessions: list[str]) -> int:
    semaphore = asyncio.Semaphore(20)
    ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}

    async def one(http: httpx2.AsyncClient, session: str) -> bool:
        async with semaphore:
            answer = await http.post(f"{base}/mcp", json=ping, headers={
                **HEADERS, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION})
            return answer.status_code == 200

    async with httpx2.AsyncClient(timeout=30) as http:
        return sum(await asyncio.gather(*(one(http, session) for session in sessions)))


async def newcomer(base: str) -> tuple[bool, str, float]:
    """A new client after the flood: a plain initialize as most clients send it (the 2025-06-18 handshake,
    which needs a session), then the SDK's own client (which may use the sessionless era)."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    started = time.monotonic()
    async with httpx2.AsyncClient(timeout=60) as http:
        answer = await http.post(f"{base}/mcp", json=INITIALIZE, headers=HEADERS)
    if answer.status_code != 200 or not answer.headers.get("mcp-session-id"):
        refused = f"initialize answered HTTP {answer.status_code}: {answer.text[:120]}"
        return False, refused, time.monotonic() - started
    try:
        async with httpx2.AsyncClient(timeout=60) as http, \
                Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
            tools = (await client.list_tools()).tools
            result = await client.call_tool("run_api_action", {"action": "merchant_current_plan"})
        ok = bool(tools) and not result.is_error
        said = f"initialize: a session; SDK client: {len(tools)} tools listed, merchant_current_plan answered"
        return ok, said, time.monotonic() - started
    except Exception as exc:  # the figure to print is whatever went wrong
        return False, f"{type(exc).__name__}: {str(exc)[:200]}", time.monotonic() - started


async def sample_memory(pid: int, until: float, peaks: list[float]) -> None:
    while time.monotonic() < until:
        peaks.append(rss_mib(pid))
        await asyncio.sleep(0.5)


async def run(base: str, pid: int, args: argparse.Namespace) -> int:
    before = rss_mib(pid)
    peaks: list[float] = []
    started = time.monotonic()
    sampler = asyncio.create_task(sample_memory(pid, started + args.seconds, peaks))
    statuses, sessions = await flood(base, args.seconds, args.workers)
    await sampler
    elapsed = time.monotonic() - started
    after_flood = rss_mib(pid)
    ok, detail, took = await newcomer(base)
    kept = await still_open(base, sessions)
    after = rss_mib(pid)
    total = sum(statuses.values())
    print(f"Flood: {args.workers} connections sending only initialize for {elapsed:.1f} s: {total:,} "
          f"requests ({total / elapsed:,.0f}/s); statuses: "
          + ", ".join(f"{code or 'connection error'}: {count:,}" for code, count in sorted(statuses.items())))
    print(f"Sessions opened by the flood: {len(sessions):,}; still open afterwards: {kept:,}")
    print(f"Server memory (VmRSS): {before:.0f} MiB before, peak {max(peaks, default=after_flood):.0f} MiB "
          f"during, {after_flood:.0f} MiB right after, {after:.0f} MiB after the new client")
    print(f"New client after the flood: {'connected' if ok else 'FAILED'} in {took:.2f} s ({detail})")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--max-sessions", type=int)
    parser.add_argument("--idle", type=float)
    parser.add_argument("--pythonpath", help="PYTHONPATH for the server (another checkout)")
    args = parser.parse_args()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="pb-flood-") as folder:
        port = free_port()
        process = start(port, Path(folder), args)
        base = f"http://127.0.0.1:{port}"
        try:
            healthy = wait_healthy(process, base, limit=120)
            print(f"Server: partnerboost serve --http on {base} (sandbox, no token), healthy after "
                  f"{healthy:.1f} s; machine: {os.cpu_count()} cores, load average {load}")
            return asyncio.run(run(base, process.pid, args))
        finally:
            stop_server(process)


if __name__ == "__main__":
    raise SystemExit(main())
