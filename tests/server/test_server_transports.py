"""`partnerboost serve` as a real subprocess: stdio with the SDK's stdio client, and streamable HTTP on
loopback (health, bearer token, body limit)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from server_support import payload_of

from partnerboost_skill.runtime import DEMO_NOTICE
from partnerboost_skill.server.transports import is_loopback, required_token

TOKEN = "test-token-0f9e8d7c6b5a49382716-5e4d3c2b1a"
PARTNERBOOST = Path(sys.executable).with_name("partnerboost")


def serve_command(*args: str) -> list[str]:
    if PARTNERBOOST.exists():
        return [str(PARTNERBOOST), "serve", *args]
    return [sys.executable, "-m", "partnerboost_skill.cli", "serve", *args]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """No credentials and no config file: the server runs on the sandbox."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    return {**env, "HOME": str(home), **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    token = getattr(request, "param", None)
    port = free_port()
    env = clean_env(tmp_path, **({"PARTNERBOOST_MCP_TOKEN": token} if token else {}))
    process = subprocess.Popen(serve_command("--http", "--port", str(port)), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the HTTP server did not become healthy within 30 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.anyio
async def test_serve_speaks_mcp_over_stdio(tmp_path: Path) -> None:
    command = serve_command()
    params = StdioServerParameters(command=command[0], args=command[1:], env=clean_env(tmp_path))
    async with Client(params) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("run_api_action", {"action": "merchant_account_info"})
    assert {"review_performance", "run_api_action", "search_api_actions"} <= names
    assert not result.is_error
    assert payload_of(result)["notice"] == DEMO_NOTICE
    assert payload_of(result)["data"]["brand_name"]


@pytest.mark.anyio
@pytest.mark.parametrize("http_server", [TOKEN], indirect=True)
async def test_http_needs_the_bearer_token_except_for_health(http_server: str) -> None:
    async with httpx2.AsyncClient(timeout=10) as plain:
        health = await plain.get(f"{http_server}/health")
        anonymous = await plain.post(f"{http_server}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        wrong = await plain.post(f"{http_server}/mcp", json={}, headers={"Authorization": "Bearer nope"})
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert anonymous.status_code == 401 and wrong.status_code == 401
    assert TOKEN not in anonymous.text

    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as authorised:
        too_big = await authorised.post(f"{http_server}/mcp", content=b"x" * 1_100_000,
                                        headers={"Content-Type": "application/json",
                                                 "Accept": "application/json, text/event-stream"})
        assert too_big.status_code == 413
        async with Client(streamable_http_client(f"{http_server}/mcp", http_client=authorised)) as client:
            result = await client.call_tool("run_api_action", {"action": "merchant_current_plan"})
    assert not result.is_error and payload_of(result)["demo"] is True


@pytest.mark.anyio
async def test_http_on_loopback_without_a_token_is_open(http_server: str) -> None:
    async with Client(f"{http_server}/mcp") as client:
        tools = (await client.list_tools()).tools
    assert len(tools) <= 20 and any(tool.name == "check_bill" for tool in tools)


def test_a_public_bind_without_a_token_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(serve_command("--http", "--host", "0.0.0.0", "--port", str(free_port())),
                          env=clean_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "PARTNERBOOST_MCP_TOKEN" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_loopback_and_token_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert required_token("127.0.0.1", None) is None
    assert required_token("0.0.0.0", f" {TOKEN} ") == TOKEN
    with pytest.raises(ValueError, match="PARTNERBOOST_MCP_TOKEN"):
        required_token("0.0.0.0", "  ")
