"""`partnerboost serve --http` as a real subprocess on a free loopback port, and raw MCP requests to it.
No tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

ACCEPT = "application/json, text/event-stream"
PROTOCOL_VERSION = "2025-06-18"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": PROTOCOL_VERSION, "capabilities": {},
    "clientInfo": {"name": "reliability-test", "version": "0"}}}
MCP_HEADERS = {"Accept": ACCEPT, "Content-Type": "application/json"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "partnerboost_skill.cli", "serve", *args]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """No credentials and no config file: the server runs on the sandbox."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    return {**env, "HOME": str(home), "PARTNERBOOST_CACHE_DIR": str(home / "cache"), **extra}


@contextmanager
def serving(home: Path, *, host: str = "127.0.0.1", **env: str) -> Iterator[str]:
    """The server's base URL once /health answers; the process is stopped on the way out."""
    port = free_port(host)
    process = subprocess.Popen(serve_command("--http", "--host", host, "--port", str(port)),
                               env=clean_env(home, **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the HTTP server did not become healthy within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def initialize(http: httpx2.Client, base: str, **headers: str) -> httpx2.Response:
    return http.post(f"{base}/mcp", json=INITIALIZE, headers={**MCP_HEADERS, **headers})


def ping(http: httpx2.Client, base: str, session: str) -> int:
    answer = http.post(f"{base}/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "ping"},
                       headers={**MCP_HEADERS, "mcp-session-id": session,
                                "mcp-protocol-version": PROTOCOL_VERSION})
    return answer.status_code
