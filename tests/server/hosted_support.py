"""Real processes for the hosted-mode tests: sandboxes (one per merchant, each its own world) and replicas of
`partnerboost serve --http --hosted` sharing one PostgreSQL database; a tiny stateless MCP client."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2

from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.tenants import Sealer, new_key, new_tenant
from partnerboost_skill.tenants.registry import FileRegistry

ACCEPT = "application/json, text/event-stream"
PROTOCOL_VERSION = "2025-06-18"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "partnerboost_skill.cli", *args]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    return {**env, "HOME": str(home), "PARTNERBOOST_CACHE_DIR": str(home / "cache"), **extra}


def wait_for(process: subprocess.Popen[bytes], check: Any, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process exited early with {process.returncode}")
        try:
            if check():
                return
        except (httpx2.TransportError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError("process did not become ready in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def sandbox(home: Path, *, seed: int, orders_per_day: int, latency_ms: float = 0) -> Iterator[str]:
    """A sandbox subprocess on a free loopback port: its base URL."""
    port = free_port()
    process = subprocess.Popen(
        cli("sandbox", "--port", str(port), "--seed", str(seed), "--orders-per-day", str(orders_per_day),
            "--latency-ms", str(latency_ms)),
        env=clean_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(process, lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() is None)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@dataclass
class Tenants:
    path: Path
    key: str
    tokens: dict[str, str]
    ids: dict[str, str]


def write_tenants(path: Path, sandboxes: dict[str, str]) -> Tenants:
    """One tenant per sandbox (name → base URL), with the sandbox's credentials sealed in a tenants file."""
    key = new_key()
    sealer = Sealer(key)
    registry = FileRegistry(path)
    tokens, ids = {}, {}
    api_key = sandbox_credentials().value("api_key") or ""
    for name, base_url in sandboxes.items():
        values = {"PARTNERBOOST_API_KEY": api_key, "PARTNERBOOST_BASE_URL": base_url}
        tenant, token = new_tenant(
            name, tuple(sorted(values)), lambda tenant_id, v=values: sealer.seal(tenant_id, v)
        )
        registry.add(tenant)
        tokens[name], ids[name] = token, tenant.id
    return Tenants(path, key, tokens, ids)


@contextmanager
def replica(home: Path, tenants: Tenants, cache_url: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = clean_env(home, PARTNERBOOST_TENANTS=str(tenants.path), PARTNERBOOST_TENANTS_KEY=tenants.key,
                    PARTNERBOOST_CACHE_URL=cache_url)
    process = subprocess.Popen(cli("serve", "--http", "--hosted", "--port", str(port)), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(process, lambda: httpx2.get(f"{base}/health", timeout=1).status_code == 200)
        yield base, process
    finally:
        stop(process)


class HoldingProxy:
    """A loopback proxy in front of a sandbox that holds every list4 request for orders from `hold_from`
    (Unix seconds) on until `release()`: a replica syncing through it saves the earlier days, then waits."""

    def __init__(self, target: str, hold_from: int) -> None:
        self.target = target
        self.hold_from = hold_from
        self.released = threading.Event()
        self.held = 0
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"].endswith("/transaction/list4"):
            try:
                start = int(json.loads(body or b"{}").get("trans_time_start", 0))
            except (ValueError, TypeError, AttributeError):
                start = 0
            if start >= self.hold_from:
                self.held += 1
                while not self.released.is_set():
                    await anyio.sleep(0.05)
        skip = (b"host", b"content-length")
        headers = {k.decode(): v.decode() for k, v in scope["headers"] if k.lower() not in skip}
        query = scope.get("query_string", b"").decode()
        url = f"{self.target}{scope['path']}" + (f"?{query}" if query else "")
        async with httpx2.AsyncClient(timeout=60) as http:
            answer = await http.request(scope["method"], url, content=body, headers=headers)
        kind = answer.headers.get("content-type", "application/json").encode()
        await send({"type": "http.response.start", "status": answer.status_code,
                    "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": answer.content})

    def __enter__(self) -> HoldingProxy:
        import uvicorn

        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off",
                                interface="asgi3")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def release(self) -> None:
        self.released.set()

    def __exit__(self, *_: object) -> None:
        self.release()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


def call_tool(base: str, token: str, name: str, arguments: dict[str, Any], timeout: float = 120) -> Any:
    """One tools/call on a stateless replica: the result (structured content and text), or raises."""
    params = {"name": name, "arguments": arguments}
    request = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}
    headers = {"Accept": ACCEPT, "MCP-Protocol-Version": PROTOCOL_VERSION}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = httpx2.post(f"{base}/mcp", json=request, timeout=timeout, headers=headers)
    if response.status_code != 200:
        raise PermissionError(f"HTTP {response.status_code}: {response.text[:200]}")
    messages = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    if not messages:
        messages = [response.json()]
    answer = next(m for m in messages if m.get("id") == 7)
    if "error" in answer:
        raise RuntimeError(answer["error"])
    result = answer["result"]
    if result.get("isError"):
        raise RuntimeError(result["content"][0]["text"])
    return result
