"""OpenPartner's signed webhook deliveries: accepted once, refused when the signature is wrong or the
timestamp stale, nothing stored from a refused delivery, 404 without a secret; and end to end through
`partnerboost serve --http`, where the MCP bearer token does not apply to the webhook but the signature does.

Signatures here are computed with hmac/hashlib directly from OpenPartner's scheme (shared/reference/
openpartner-api.md), not with the code under test."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from test_server_transports import clean_env, free_port, http_server, serve_command

from partnerboost_skill.server.webhooks import MAX_WEBHOOK_BYTES, WEBHOOK_PATH, OpenPartnerWebhook
from partnerboost_skill.store.webhook_events import BackendWebhookEvents, commission_states, memory_events

SECRET = "whsec_test_3xK9vQ2mN7pL4rT8"
NOW = 1_795_154_400
pytestmark = pytest.mark.anyio


def delivery(event: str = "commission.reversed", *, delivery_id: str = "evt_01JTEST0000000000000000001",
             data: dict[str, Any] | None = None) -> bytes:
    body = {"id": delivery_id, "event": event, "created": "2026-11-20T05:59:00.000Z",
            "data": data or {"commissionId": "01C1", "partnerId": "01P1", "amount": "12.50",
                             "currency": "USD"}}
    return json.dumps(body).encode()


def signed(body: bytes, *, secret: str = SECRET, timestamp: int = NOW, **overrides: str) -> dict[str, str]:
    envelope = json.loads(body)
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "x-openpartner-timestamp": str(timestamp),
            "x-openpartner-signature": digest, "x-openpartner-event": envelope["event"],
            "x-openpartner-delivery": envelope["id"], **overrides}


@pytest.fixture
def events() -> Iterator[BackendWebhookEvents]:
    store = memory_events()
    yield store
    store.backend.close()


def client_for(events: BackendWebhookEvents, secret: str | None = SECRET) -> httpx2.AsyncClient:
    handler = OpenPartnerWebhook(lambda: secret, lambda: events, clock=lambda: NOW)
    app = Starlette(routes=[Route(WEBHOOK_PATH, handler.handle, methods=["POST"])])
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test")


async def test_a_signed_delivery_is_stored_once(events: BackendWebhookEvents) -> None:
    body = delivery()
    async with client_for(events) as http:
        first = await http.post(WEBHOOK_PATH, content=body, headers=signed(body))
        again = await http.post(WEBHOOK_PATH, content=body, headers=signed(body, timestamp=NOW + 60))
    assert first.status_code == 200 and first.json()["stored"] is True
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert len(events.deliveries()) == 1
    state = commission_states(events.deliveries())["01C1"]
    assert (state.status, state.amount, state.currency) == ("reversed", "12.50", "USD")
    assert state.partner_id == "01P1"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"x-openpartner-signature": "0" * 64}, 401, "invalid_signature"),
        ({"x-openpartner-signature": ""}, 400, "missing_signature"),
        ({"x-openpartner-timestamp": str(NOW - 301)}, 401, "stale_timestamp"),
        ({"x-openpartner-timestamp": str(NOW + 301)}, 401, "stale_timestamp"),
        ({"x-openpartner-timestamp": "yesterday"}, 401, "stale_timestamp"),
    ],
)
async def test_a_bad_or_stale_delivery_is_refused_and_nothing_is_stored(
    events: BackendWebhookEvents, headers: dict[str, str], status: int, code: str
) -> None:
    body = delivery()
    async with client_for(events) as http:
        response = await http.post(WEBHOOK_PATH, content=body, headers={**signed(body), **headers})
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert events.deliveries() == []


async def test_a_signature_is_over_the_exact_raw_body(events: BackendWebhookEvents) -> None:
    body = delivery()
    tampered = body.replace(b"12.50", b"99.50")
    other_secret = signed(body, secret="whsec_someone_else")
    old_but_fresh = signed(body, timestamp=NOW - 299)
    async with client_for(events) as http:
        changed = await http.post(WEBHOOK_PATH, content=tampered, headers=signed(body))
        foreign = await http.post(WEBHOOK_PATH, content=body, headers=other_secret)
        fresh = await http.post(WEBHOOK_PATH, content=body, headers=old_but_fresh)
    assert changed.status_code == foreign.status_code == 401
    assert fresh.status_code == 200
    assert [d.data["amount"] for d in events.deliveries()] == ["12.50"]


async def test_the_envelope_must_match_its_headers_and_shape(events: BackendWebhookEvents) -> None:
    body = delivery()
    not_json = b"not json at all"
    async with client_for(events) as http:
        wrong_id = await http.post(WEBHOOK_PATH, content=body,
                                   headers=signed(body, **{"x-openpartner-delivery": "evt_other"}))
        junk = await http.post(WEBHOOK_PATH, content=not_json, headers={**signed(body), **{
            "x-openpartner-signature": hmac.new(SECRET.encode(), f"{NOW}.".encode() + not_json,
                                                hashlib.sha256).hexdigest()}})
    assert wrong_id.status_code == 400 and junk.status_code == 400
    assert events.deliveries() == []


async def test_an_oversized_body_is_refused_before_it_is_read_in_full(events: BackendWebhookEvents) -> None:
    body = delivery(data={"commissionId": "01C1", "padding": "x" * MAX_WEBHOOK_BYTES})
    async with client_for(events) as http:
        response = await http.post(WEBHOOK_PATH, content=body, headers=signed(body))
    assert response.status_code == 413 and events.deliveries() == []


async def test_other_events_are_acknowledged_not_stored(events: BackendWebhookEvents) -> None:
    body = delivery("payout.created", data={"payoutId": "po_1"})
    async with client_for(events) as http:
        response = await http.post(WEBHOOK_PATH, content=body, headers=signed(body))
    assert response.status_code == 200 and response.json()["stored"] is False
    assert events.deliveries() == []


async def test_without_a_secret_the_route_does_not_exist(events: BackendWebhookEvents) -> None:
    body = delivery()
    async with client_for(events, secret=None) as http:
        response = await http.post(WEBHOOK_PATH, content=body, headers=signed(body))
    assert response.status_code == 404 and events.deliveries() == []


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`partnerboost serve --http` with a webhook secret and an MCP token, on a free loopback port."""
    port = free_port()
    env = clean_env(tmp_path, OPENPARTNER_WEBHOOK_SECRET=SECRET, PARTNERBOOST_MCP_TOKEN="t" * 32,
                    PARTNERBOOST_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen(serve_command("--http", "--port", str(port)), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
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


def test_serve_http_takes_signed_deliveries_without_the_bearer_token(served: str) -> None:
    body = delivery()
    now = int(time.time())
    first = httpx2.post(f"{served}{WEBHOOK_PATH}", content=body, headers=signed(body, timestamp=now))
    again = httpx2.post(f"{served}{WEBHOOK_PATH}", content=body, headers=signed(body, timestamp=now))
    forged = httpx2.post(f"{served}{WEBHOOK_PATH}", content=body,
                         headers=signed(body, timestamp=now, secret="whsec_guess"))
    mcp = httpx2.post(f"{served}/mcp", json={})
    assert first.status_code == 200 and first.json()["stored"] is True
    assert again.json()["duplicate"] is True
    assert forged.status_code == 401
    assert mcp.status_code == 401, "everything else still needs the bearer token"


def test_serve_http_without_a_secret_has_no_webhook_route(http_server: str) -> None:
    body = delivery()
    response = httpx2.post(f"{http_server}{WEBHOOK_PATH}", content=body,
                           headers=signed(body, timestamp=int(time.time())))
    assert response.status_code == 404


__all__ = ["http_server"]
