"""`serve --http` on loopback against an attacker (issue #12, points 4 and 5 of "what to build"): a flood of
`initialize` calls cannot lock new clients out (a cap, longest-idle eviction, idle expiry); a DNS-rebinding
request to 127.0.0.2 — loopback, so no token — is refused on its Host or Origin; a token shorter than 32
characters is refused off loopback. Real server subprocesses on free ports.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import anyio
import httpx2
import pytest
from http_support import PROTOCOL_VERSION, clean_env, free_port, initialize, ping, serve_command, serving
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from partnerboost_skill.server.transports import ServeError, rebinding_guard, required_token

CAP = 4


def test_a_flood_of_initialize_calls_cannot_lock_new_clients_out(tmp_path: Path) -> None:
    with serving(tmp_path, PARTNERBOOST_MCP_MAX_SESSIONS=str(CAP)) as base, httpx2.Client(timeout=30) as http:
        sessions = []
        for _ in range(6 * CAP):
            answer = initialize(http, base)
            assert answer.status_code == 200, answer.text
            sessions.append(answer.headers["mcp-session-id"])
        alive = [session for session in sessions if ping(http, base, session) == 200]
        assert alive == sessions[-CAP:]  # the newest stay, the longest-idle were closed for them
        assert all(ping(http, base, session) == 404 for session in sessions[:-CAP])
        # requests that open no session close none: a GET without one, a sessionless-era POST
        http.get(f"{base}/mcp", headers={"Accept": "text/event-stream"})
        initialize(http, base, **{"mcp-protocol-version": "2099-01-01"})
        assert [session for session in sessions if ping(http, base, session) == 200] == alive

        async def newcomer() -> list[str]:
            async with httpx2.AsyncClient(timeout=30) as plain, \
                    Client(streamable_http_client(f"{base}/mcp", http_client=plain)) as client:
                return [tool.name for tool in (await client.list_tools()).tools]

        assert "review_performance" in anyio.run(newcomer)


def test_when_every_session_is_busy_a_newcomer_gets_503_until_one_frees(tmp_path: Path) -> None:
    with serving(tmp_path, PARTNERBOOST_MCP_MAX_SESSIONS="2") as base, httpx2.Client(timeout=30) as http:
        busy = [initialize(http, base).headers["mcp-session-id"] for _ in range(2)]
        opened = threading.Barrier(3)
        release = threading.Event()

        def hold(session: str) -> None:
            headers = {"Accept": "text/event-stream", "mcp-session-id": session,
                       "mcp-protocol-version": PROTOCOL_VERSION}
            with httpx2.Client(timeout=30) as own, \
                    own.stream("GET", f"{base}/mcp", headers=headers) as stream:
                assert stream.status_code == 200
                opened.wait()
                release.wait(20)

        holders = [threading.Thread(target=hold, args=(session,)) for session in busy]
        for holder in holders:
            holder.start()
        opened.wait(20)
        refused = initialize(http, base)
        release.set()
        for holder in holders:
            holder.join(20)
        assert refused.status_code == 503, refused.text
        assert "sessions are busy" in refused.json()["error"]["message"]
        freed = time.monotonic() + 20  # the server notices the closed streams soon after
        while (again := initialize(http, base)).status_code == 503 and time.monotonic() < freed:
            time.sleep(0.2)
        assert again.status_code == 200, again.text


def test_an_idle_session_expires(tmp_path: Path) -> None:
    idle = {"PARTNERBOOST_MCP_SESSION_IDLE_SECONDS": "1"}
    with serving(tmp_path, **idle) as base, httpx2.Client(timeout=30) as http:
        session = initialize(http, base).headers["mcp-session-id"]
        assert ping(http, base, session) == 200
        time.sleep(2.5)
        assert ping(http, base, session) == 404


@pytest.mark.parametrize("header", ["host", "origin"])
def test_dns_rebinding_to_another_loopback_address_is_refused(tmp_path: Path, header: str) -> None:
    with serving(tmp_path, host="127.0.0.2") as base, httpx2.Client(timeout=30) as http:
        port = base.rsplit(":", 1)[1]
        evil = ({"Host": f"evil.example.com:{port}"} if header == "host"
                else {"Origin": f"http://evil.example.com:{port}"})
        refused = initialize(http, base, **evil)
        assert refused.status_code == (421 if header == "host" else 403), refused.text
        assert initialize(http, base, Origin=f"http://127.0.0.2:{port}").status_code == 200


def test_the_guard_covers_every_loopback_name() -> None:
    for host, own in [("127.0.0.2", "127.0.0.2"), ("127.8.9.10", "127.8.9.10"), ("::1", "[::1]"),
                      ("localhost", "localhost"), ("127.0.0.1", "127.0.0.1")]:
        guard = rebinding_guard(host)
        assert guard is not None and guard.enable_dns_rebinding_protection
        assert f"{own}:*" in guard.allowed_hosts and f"http://{own}:*" in guard.allowed_origins
        assert not any("evil" in name for name in guard.allowed_hosts)
    assert rebinding_guard("0.0.0.0") is None  # off loopback the token guards it


def test_a_short_token_is_refused_off_loopback(tmp_path: Path) -> None:
    done = subprocess.run(serve_command("--http", "--host", "0.0.0.0", "--port", str(free_port())),
                          env=clean_env(tmp_path, PARTNERBOOST_MCP_TOKEN="a"), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "at least 32" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(ServeError, match="31-character"):
        required_token("192.168.1.20", "x" * 31)
    assert required_token("192.168.1.20", "x" * 32) == "x" * 32
    assert required_token("127.0.0.1", "short") == "short"  # loopback: any token, or none

