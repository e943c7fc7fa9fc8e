"""The issue #12 probes against `partnerboost serve --http` on loopback: `python bench/probe_http.py`.

1. DNS rebinding: the server on 127.0.0.2 without a token; an `initialize` whose Host, then whose Origin, is
   evil.example.com (a page that rebinds its domain to 127.0.0.2 sends exactly that).
2. A one-character PARTNERBOOST_MCP_TOKEN on 0.0.0.0: does the server start?
3. Tool calls through the MCP server on 127.0.0.1 (demo data, writes allowed): a 500,000-character period
   (size of the error), a 900,000-character search word, `confirm: "true"` as a string on brand_void_order
   (was the write performed?).
4. An analysis tool while PartnerBoost hangs: the server points at `partnerboost sandbox --fault hang`
   (PARTNERBOOST_BASE_URL and the sandbox's key) and review_performance is called; how long until it answers.
   `--deadline` sets PARTNERBOOST_DEADLINE_SECONDS for it; `--cap` gives up waiting.

`--pythonpath` runs the server from another checkout (before/after figures); every process is stopped on the
way out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "0"}}}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
SANDBOX_KEY = "pbk_sandbox_4f1c2e9a7b"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def env_for(home: Path, args: argparse.Namespace, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update(HOME=str(home), PARTNERBOOST_CACHE_DIR=str(home / "cache"), **extra)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    return env


@contextmanager
def process(command: list[str], env: dict[str, str], ready: str, limit: float = 120) -> Iterator[None]:
    """A subprocess, once `ready` (a URL answering, or host:port accepting) — stopped on the way out."""
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + limit
        while True:
            if child.poll() is not None:
                raise SystemExit(f"{command[3]} exited with code {child.returncode}")
            try:
                if ready.startswith("http"):
                    httpx2.get(ready, timeout=1)
                else:
                    host, port = ready.rsplit(":", 1)
                    socket.create_connection((host, int(port)), timeout=1).close()
                break
            except (httpx2.TransportError, OSError):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[3]} did not start within {limit:.0f} s") from None
                time.sleep(0.3)
        yield
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "partnerboost_skill.cli", *args]


def rebinding(home: Path, args: argparse.Namespace) -> None:
    port = free_port("127.0.0.2")
    base = f"http://127.0.0.2:{port}"
    with process(cli("serve", "--http", "--host", "127.0.0.2", "--port", str(port)), env_for(home, args),
                 f"{base}/health"), httpx2.Client(timeout=30) as http:
        for what, headers in [("Host: evil.example.com", {"Host": f"evil.example.com:{port}"}),
                              ("Origin: http://evil.example.com", {"Origin": f"http://evil.example.com:{port}"}),
                              ("Host and Origin 127.0.0.2 (control)", {"Origin": base})]:
            answer = http.post(f"{base}/mcp", json=INITIALIZE, headers={**HEADERS, **headers})
            opened = "a session opened" if answer.headers.get("mcp-session-id") else "no session"
            print(f"rebinding on 127.0.0.2, {what}: HTTP {answer.status_code}, {opened}")


def short_token(home: Path, args: argparse.Namespace) -> None:
    port = free_port()
    command = cli("serve", "--http", "--host", "0.0.0.0", "--port", str(port))
    child = subprocess.Popen(command, env=env_for(home, args, PARTNERBOOST_MCP_TOKEN="a"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        code = child.wait(timeout=60)
        said = child.stderr.read().decode().strip().splitlines()[-1:] if child.stderr else []
        print(f"PARTNERBOOST_MCP_TOKEN=a on 0.0.0.0: refused, exit {code}: {' '.join(said)[:200]}")
    except subprocess.TimeoutExpired:
        print("PARTNERBOOST_MCP_TOKEN=a on 0.0.0.0: the server STARTED and was still serving after 60 s")
        child.terminate()
        child.wait()


async def call_tools(
    base: str, calls: list[tuple[str, dict[str, Any]]], cap: float
) -> list[tuple[Any, float]]:
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    results = []
    async with httpx2.AsyncClient(timeout=cap) as http, \
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client:
        for name, arguments in calls:
            started = time.monotonic()
            try:
                result: Any = await asyncio.wait_for(client.call_tool(name, arguments), cap)
            except TimeoutError:
                result = None
            results.append((result, time.monotonic() - started))
    return results


def text(result: Any) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


def tool_calls(home: Path, args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with process(cli("serve", "--http", "--port", str(port), "--toolsets", "all", "--allow-writes"),
                 env_for(home, args), f"{base}/health"):
        void = {"order_number": "PROBE-1", "confirm": "true"}
        results = asyncio.run(call_tools(base, [
            ("review_performance", {"period": "x" * 500_000}),
            ("merchant_search_partners", {"word": "y" * 900_000}),
            ("brand_void_order", void),
        ], args.cap))
    (period, _), (word, _), (confirm, _) = results
    print(f"500,000-character period: error {period.is_error}, {len(text(period)):,} characters back")
    print(f"900,000-character word: error {word.is_error}: {text(word)[:160]}")
    performed = json.loads(text(confirm)).get("performed") if not confirm.is_error else False
    shown = text(confirm)[:160] if confirm.is_error else json.dumps({"performed": performed})
    print(f'confirm: "true" (a string) on brand_void_order: write performed: {performed} ({shown})')


def hanging_upstream(home: Path, args: argparse.Namespace) -> None:
    sandbox_port = free_port()
    current = {key: value for key, value in env_for(home, args).items() if key != "PYTHONPATH"}
    with process([sys.executable, "-m", "partnerboost_skill.cli", "sandbox", "--port", str(sandbox_port),
                  "--fault", "hang"], current, f"127.0.0.1:{sandbox_port}"):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        extra = {"PARTNERBOOST_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
                 "PARTNERBOOST_API_KEY": SANDBOX_KEY}
        if args.deadline:
            extra["PARTNERBOOST_DEADLINE_SECONDS"] = str(args.deadline)
        serve = cli("serve", "--http", "--port", str(port))
        with process(serve, env_for(home, args, **extra), f"{base}/health"):
            calls = [("review_performance", {"period": "last month"})]
            ((result, took),) = asyncio.run(call_tools(base, calls, args.cap))
    if result is None:
        print(f"review_performance while PartnerBoost hangs: no answer after {took:.0f} s (gave up)")
    else:
        print(f"review_performance while PartnerBoost hangs: answered after {took:.1f} s, error "
              f"{result.is_error}: {text(result)[:220]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythonpath", help="PYTHONPATH for the server (another checkout)")
    parser.add_argument("--cap", type=float, default=200.0, help="seconds to wait for one tool call")
    parser.add_argument("--deadline", type=float, help="PARTNERBOOST_DEADLINE_SECONDS for the hang probe")
    parser.add_argument("--only", help="comma-separated: rebinding, token, tools, hang")
    args = parser.parse_args()
    probes = {"rebinding": rebinding, "token": short_token, "tools": tool_calls, "hang": hanging_upstream}
    wanted = args.only.split(",") if args.only else list(probes)
    with tempfile.TemporaryDirectory(prefix="pb-probe-http-") as folder:
        for name in wanted:
            probes[name](Path(folder), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
