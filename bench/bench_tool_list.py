"""Benchmark: what the MCP tool list costs a model on every turn, per configuration (issue #14's table).

    .venv/bin/python bench/bench_tool_list.py [--inspector PATH/TO/inspector/clients/launcher/build/index.js]

For each configuration it starts `partnerboost serve` (stdio, a temporary HOME, credentials from the
environment as a user would set them, the API base URLs on a closed loopback port so nothing leaves the
machine) and, as an MCP client, sends `initialize`, `notifications/initialized` and `tools/list`, measuring
the JSON-RPC response on the wire. The official MCP Python client (`mcp.Client` over stdio) lists the same
server again as a cross-check of the tool count. With --inspector, the MCP Inspector CLI (`--cli --method
tools/list --strict`) lists it a third time and its portability findings are counted. ≈ tokens = bytes / 4.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

from partnerboost_skill.config import ENV_VARS, FAMILY_CREDENTIALS
from partnerboost_tools.base import FAMILIES

SERVE = [sys.executable, "-m", "partnerboost_skill.cli", "serve"]
CLOSED = "http://127.0.0.1:9"
BUDGETS = {"default": (20_000, None), "all families": (48_000, 20), "all families + writes": (48_000, 20)}


def credentials_env(families: tuple[str, ...]) -> dict[str, str]:
    return {ENV_VARS[name]: f"bench-{name}-0123456789abcdef" for family in families
            for name in FAMILY_CREDENTIALS[family]}  # type: ignore[index]


CONFIGURATIONS: list[tuple[str, str, dict[str, str], list[str]]] = [
    # (label, toolsets shown, environment, extra serve arguments)
    ("default", "analysis, api (merchant)", {}, []),
    ("all families", f"analysis, api ({', '.join(FAMILIES)})", credentials_env(FAMILIES), []),
    ("all families + writes", f"analysis, api ({', '.join(FAMILIES)}) + writes",
     {**credentials_env(FAMILIES), "PARTNERBOOST_ALLOW_WRITES": "1"}, []),
    ("--toolsets all --allow-writes", "every toolset, every typed tool (opt-in)", credentials_env(FAMILIES),
     ["--toolsets", "all", "--allow-writes"]),
]


def server_env(home: str, extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update({"HOME": home, "PARTNERBOOST_BASE_URL": CLOSED, "PARTNERBOOST_AMAZON_BASE_URL": CLOSED,
                "PARTNERBOOST_CACHE_DIR": str(Path(home) / "cache"), **extra})
    return env


def wire_tools_list(env: dict[str, str], args: list[str]) -> tuple[int, int, int]:
    """(tools, bytes of the JSON-RPC response line, bytes of its result) over stdio."""
    process = subprocess.Popen([*SERVE, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env)
    assert process.stdin is not None and process.stdout is not None
    try:
        def send(message: dict[str, Any]) -> None:
            process.stdin.write((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]

        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "bench_tool_list", "version": "1"}}})
        json.loads(process.stdout.readline())
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        line = process.stdout.readline()
        response = json.loads(line)
        result = json.dumps(response["result"], ensure_ascii=False, separators=(",", ":")).encode()
        return len(response["result"]["tools"]), len(line.rstrip(b"\n")), len(result)
    finally:
        process.stdin.close()
        process.wait(timeout=30)


async def client_tool_count(env: dict[str, str], args: list[str]) -> int:
    params = StdioServerParameters(command=SERVE[0], args=[*SERVE[1:], *args], env=env)
    async with Client(params) as client:
        return len((await client.list_tools()).tools)


def inspector_list(inspector: str, env: dict[str, str], args: list[str]) -> tuple[int, int, str]:
    """(tools, compact bytes of the Inspector's result, what --strict reported and the exit code).

    The Inspector (2.x) prints each portability problem on stderr and ends with "N errors, M warnings across K
    tools."; with nothing to report it prints nothing there and exits 0 (6 when a problem is an error)."""
    node = shutil.which("node") or "node"
    keys = ["HOME", *sorted(k for k in env if k.startswith("PARTNERBOOST_"))]
    pairs = [item for key in keys for item in ("-e", f"{key}={env[key]}")]
    command = [node, inspector, "--cli", "--method", "tools/list", "--strict", *pairs, *SERVE, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
    if done.returncode not in (0, 6):
        raise SystemExit(f"the Inspector failed (exit {done.returncode}): {done.stderr[-800:]}")
    listed = json.loads(done.stdout)
    body = json.dumps(listed, ensure_ascii=False, separators=(",", ":")).encode()
    counted = [line for line in done.stderr.splitlines() if re.search(r"\d+ errors?, \d+ warnings?", line)]
    # the server's log lines reach stderr too; the Inspector's findings start "Warning: tool" or "Error: tool"
    findings = [line for line in done.stderr.splitlines() if re.match(r"(Warning|Error): tool ", line)]
    reported = counted[-1] if counted else (f"{len(findings)} findings" if findings else "nothing")
    return len(listed["tools"]), len(body), f"{reported} (exit {done.returncode})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspector",
                        help="path to the MCP Inspector's launcher (clients/launcher/build/index.js)")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as home:
        for label, shown, extra, args in CONFIGURATIONS:
            env = server_env(home, extra)
            tools, wire, result = wire_tools_list(env, args)
            counted = anyio.run(client_tool_count, env, args)
            inspected = inspector_list(options.inspector, env, args) if options.inspector else None
            rows.append((label, shown, tools, wire, result, counted, inspected))

    print("| configuration | toolsets | tools | bytes of tools/list (wire) | ≈ tokens | budget |")
    print("|---|---|---|---|---|---|")
    failed = False
    for label, shown, tools, wire, _result, counted, inspected in rows:
        byte_budget, tool_budget = BUDGETS.get(label, (None, None))
        within = ((byte_budget is None or wire <= byte_budget)
                  and (tool_budget is None or tools <= tool_budget))
        if byte_budget is None:
            budget = "opt-in, none"
        else:
            limits = f"≤ {byte_budget:,} B" + (f", ≤ {tool_budget} tools" if tool_budget else "")
            budget = f"{limits}: {'ok' if within else 'OVER'}"
        failed |= not within or counted != tools
        failed |= inspected is not None and (inspected[0] != tools or not inspected[2].startswith("nothing"))
        print(f"| {label} | {shown} | {tools} | {wire:,} | {round(wire / 4 / 100) / 10}k | {budget} |")
    print()
    for label, _, _, wire, result, counted, inspected in rows:
        line = f"{label}: wire {wire:,} B (result {result:,} B); mcp.Client over stdio listed {counted} tools"
        if inspected:
            line += (f"; Inspector listed {inspected[0]} tools, {inspected[1]:,} B; "
                     f"--strict reported {inspected[2]}")
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
