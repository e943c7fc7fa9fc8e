"""Writes: invisible unless enabled, a preview (nothing sent) without confirm, never retried automatically,
and an acknowledgement that says what was done. Requests are counted where they reach the sandbox."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx2
import pytest
from mcp import Client
from param_strategies import MINIMAL_PARAMS
from reliability_support import Counting, FakeTime, both_platforms, client_on, faulty_transport

import partnerboost_skill.sandbox
from partnerboost_skill.api.errors import PartnerBoostError, RateLimited
from partnerboost_skill.cli import main
from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import Connection, sandbox_credentials
from partnerboost_skill.sandbox.openpartner import HOSTED_PREFIX, tenant_of
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_skill.server import build_server
from partnerboost_tools.catalogue import ACTIONS

WRITES = sorted(name for name, cls in ACTIONS.items() if cls.writes)
WRITE_ENDPOINTS = {ACTIONS[name].endpoint for name in WRITES}
WRITES_WORLD = WorldConfig(seed=8, days=170, orders_per_day=10, n_partners=20)
MAY_OR_MAY_NOT = "may or may not have been applied"


@pytest.fixture
def world() -> World:
    """A fresh world per test: a write in one test never reaches another."""
    return World.generate(WRITES_WORLD)


def working_params(name: str, world: World) -> dict[str, Any]:
    """Parameters the sandbox accepts for each write: the sample, pointed at things this world has."""
    joined = world.partners[world.partners["status"] == "joined"].iloc[0]
    pending = world.partners[world.partners["status"] == "pending"].iloc[0]
    tenant = tenant_of(world)
    invited = next(p for p in tenant.partners if p["activatedAt"] is None)
    active = next(p for p in tenant.partners if p["activatedAt"] is not None and p["revokedAt"] is None)
    specific: dict[str, dict[str, Any]] = {
        "openpartner_invite_partner": {"partner_id": invited["id"]},
        "openpartner_revoke_partner": {"partner_id": active["id"]},
        "brand_create_bonus": {"medium_id": str(joined["medium_code"])},
        "brand_update_creative": {"id": str(world.creatives["creative_id"].iloc[0])},
        "brand_set_publisher_status": {"userId": str(pending["partner_id"]), "status": "adopt"},
        "brand_void_order": {"order_number": str(world.orders["order_id"].iloc[-1])},
    }
    return {**MINIMAL_PARAMS[name], **specific.get(name, {})}


def is_write(request: httpx2.Request) -> bool:
    if request.url.path.startswith(HOSTED_PREFIX + "/"):
        return request.method == "POST"  # every OpenPartner POST route is a write
    action = parse_qs(request.url.query.decode()).get("action", [""])[0]
    return request.url.path.endswith("/api/brand") and action in WRITE_ENDPOINTS


class FailingWrites(httpx2.AsyncBaseTransport):
    """Reads pass through; every write fails the way `failure` says (and reads too when `reads` is set)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, failure: str, *, reads: bool = False) -> None:
        self.inner = inner
        self.failure = failure
        self.reads = reads

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if not (is_write(request) or self.reads):
            return await self.inner.handle_async_request(request)
        if self.failure == "timeout":
            raise httpx2.ReadTimeout("timed out", request=request)
        if self.failure == "disconnect":
            raise httpx2.RemoteProtocolError("server disconnected without a response", request=request)
        if self.failure == "rate limit":
            return httpx2.Response(429, headers={"Retry-After": "1"},
                                   json={"code": 1002, "message": "too frequent", "data": None})
        if self.failure == "malformed":
            answered = await self.inner.handle_async_request(request)
            body = await answered.aread()
            return httpx2.Response(200, content=body[: len(body) // 2],
                                   headers={"content-type": "application/json"})
        return httpx2.Response(int(self.failure), text=f"upstream {self.failure}")


def connect_on(transport: httpx2.AsyncBaseTransport, world: World) -> Callable[..., Any]:
    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        time = FakeTime()
        async with both_platforms(transport, time, credentials=sandbox_credentials()) as source:
            yield Connection(source=source, demo=True, now=world.config.now)

    return connect


def text_of(result: Any) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


def answer_of(result: Any) -> Any:
    """A write tool's answer: JSON text, no structured copy."""
    assert result.structured_content is None
    return json.loads(text_of(result))


def via_api(name: str, params: dict[str, Any], flags: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The same write through run_api_write (flags other than confirm have no place there)."""
    return "run_api_write", {"action": name, "arguments": params, **{k: v for k, v in flags.items()
                                                                     if k == "confirm"}}


# --- invisible unless enabled ---------------------------------------------------------------------------


BRAND_SERVED = Settings(credentials=sandbox_credentials())


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("settings", "options", "typed", "generic"),
    [
        (Settings(), {"toolsets": "all"}, False, False),
        (Settings(), {"toolsets": "brand"}, False, False),
        (Settings(), {"toolsets": "all", "allow_writes": False}, False, False),
        (Settings(allow_writes=True), {"toolsets": "all", "allow_writes": False}, False, False),
        (Settings(allow_writes=True), {"toolsets": "brand,openpartner"}, True, False),
        (Settings(), {"toolsets": "all", "allow_writes": True}, True, True),
        (Settings(), {"allow_writes": True}, False, False),  # brand is not served without its credentials
        (BRAND_SERVED, {}, False, False),
        (BRAND_SERVED, {"allow_writes": True}, False, True),
    ],
)
async def test_write_tools_are_invisible_unless_enabled(
    world: World, settings: Settings, options: dict[str, Any], typed: bool, generic: bool
) -> None:
    counting = Counting(faulty_transport(world, None, FakeTime()))
    server = build_server(settings, connect=connect_on(counting, world), **options)
    order = {**MINIMAL_PARAMS["brand_create_order"], "confirm": True}
    async with Client(server) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert (set(WRITES) <= names) is typed and (not set(WRITES) & names) is not typed
        assert ("run_api_write" in names) is generic
        if not typed:
            assert (await client.call_tool("brand_create_order", order)).is_error
        if not generic:
            generic_call = {"action": "brand_create_order", "arguments": order, "confirm": True}
            assert (await client.call_tool("run_api_write", generic_call)).is_error
        as_read = {"action": "brand_create_order", "arguments": order}
        assert (await client.call_tool("run_api_action", as_read)).is_error
    assert not any(is_write(request) for request in counting.requests)


# --- preview without confirm ----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize(
    ("flags", "path"),
    [({}, "typed"), ({"confirm": False}, "typed"), ({"dry_run": True}, "typed"),
     ({"confirm": True, "dry_run": True}, "typed"), ({}, "generic"), ({"confirm": False}, "generic")],
    ids=["no flags", "confirm false", "dry run", "confirm and dry run", "run_api_write",
         "run_api_write confirm false"],
)
async def test_a_preview_sends_nothing(world: World, name: str, flags: dict[str, bool], path: str) -> None:
    counting = Counting(faulty_transport(world, None, FakeTime()))
    params = working_params(name, world)
    orders_before = world.orders.copy()
    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_on(counting, world))
    tool, arguments = (name, {**params, **flags}) if path == "typed" else via_api(name, params, flags)
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    preview = answer_of(result)
    assert preview["performed"] is False and "data" not in preview
    assert preview["params"] == ACTIONS[name].model_validate(params).to_wire()
    assert '"confirm": true' in preview["message"]
    assert counting.requests == []
    assert world.orders.equals(orders_before)


def test_the_cli_previews_a_write_without_confirm(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counted = cli_on_sandbox(world, monkeypatch, tmp_path)
    params = working_params("brand_create_order", world)
    code = main(["call", "brand_create_order", "--params", json.dumps(params)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["preview"] is True and "Nothing was sent" in out
    assert [r for transport in counted for r in transport.requests] == []


# --- never retried --------------------------------------------------------------------------------------

FAILURES = ["500", "502", "503", "504", "timeout", "disconnect", "malformed"]


@pytest.mark.anyio
@pytest.mark.parametrize("failure", FAILURES)
async def test_a_failed_write_is_sent_exactly_once_and_may_have_been_applied(
    world: World, failure: str
) -> None:
    time = FakeTime()
    counting = Counting(FailingWrites(faulty_transport(world, None, time), failure))
    action = ACTIONS["brand_create_order"].model_validate(working_params("brand_create_order", world))
    async with client_on(counting, time, max_retries=4, credentials=sandbox_credentials()) as client:
        with pytest.raises(PartnerBoostError) as raised:
            await client.call(action)
    assert len(counting.requests) == 1
    assert MAY_OR_MAY_NOT in raised.value.message and "not retried" in raised.value.message
    assert time.slept == []


@pytest.mark.anyio
async def test_a_rate_limited_write_is_not_retried_either(world: World) -> None:
    time = FakeTime()
    counting = Counting(FailingWrites(faulty_transport(world, None, time), "rate limit"))
    action = ACTIONS["brand_void_order"].model_validate(working_params("brand_void_order", world))
    async with client_on(counting, time, max_retries=4, credentials=sandbox_credentials()) as client:
        with pytest.raises(RateLimited):
            await client.call(action)
    assert len(counting.requests) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("failure", ["503", "timeout"])
async def test_the_same_failure_on_a_read_is_retried(world: World, failure: str) -> None:
    """The control: the failing transport lets a client retry, so one request above is the client's doing."""
    time = FakeTime()
    counting = Counting(FailingWrites(faulty_transport(world, None, time), failure, reads=True))
    action = ACTIONS["brand_get_order"].model_validate(MINIMAL_PARAMS["brand_get_order"])
    async with client_on(counting, time, max_retries=4, credentials=sandbox_credentials()) as client:
        with pytest.raises(PartnerBoostError):
            await client.call(action)
    assert len(counting.requests) == 5


@pytest.mark.anyio
@pytest.mark.parametrize("name", WRITES)
async def test_a_failed_write_tool_says_it_may_have_been_applied(world: World, name: str) -> None:
    counting = Counting(FailingWrites(faulty_transport(world, None, FakeTime()), "503"))
    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_on(counting, world))
    async with Client(server) as client:
        result = await client.call_tool(name, {**working_params(name, world), "confirm": True})
    assert result.is_error
    assert MAY_OR_MAY_NOT in text_of(result)
    assert len([r for r in counting.requests if is_write(r)]) == 1


def test_a_failed_cli_write_is_sent_once(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counted = cli_on_sandbox(world, monkeypatch, tmp_path, failure="502")
    params = working_params("brand_void_order", world)
    code = main(["call", "brand_void_order", "--params", json.dumps(params), "--confirm"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "may or may not" in " ".join(err.split()), err
    assert "Traceback" not in err
    assert len([r for transport in counted for r in transport.requests if is_write(r)]) == 1


# --- say what they did ----------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("path", ["typed", "generic"])
async def test_a_confirmed_write_says_what_it_did(world: World, name: str, path: str) -> None:
    counting = Counting(faulty_transport(world, None, FakeTime()))
    params = working_params(name, world)
    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_on(counting, world))
    confirmed = {"confirm": True}
    tool, arguments = (name, {**params, **confirmed}) if path == "typed" else via_api(name, params, confirmed)
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
    done = answer_of(result)
    assert done["performed"] is True and done["action"] == name
    assert done["endpoint"] == ACTIONS[name].describe_endpoint()
    assert done["params"] == ACTIONS[name].model_validate(params).to_wire()
    assert done["data"] is not None
    platform = "OpenPartner" if name.startswith("openpartner_") else "PartnerBoost"
    assert f"Sent to {platform}" in done["message"] and "never retried" in done["message"]
    assert len(counting.requests) == 1


@pytest.mark.anyio
async def test_confirmed_writes_change_the_account(world: World) -> None:
    counting = Counting(faulty_transport(world, None, FakeTime()))
    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_on(counting, world))
    order = {**working_params("brand_create_order", world), "order_number": "REL-WRITE-1", "amount": "12.34"}
    partner = working_params("brand_set_publisher_status", world)
    async with Client(server) as client:
        await client.call_tool("brand_create_order", {**order, "confirm": True})
        before = await client.call_tool("brand_list_publishers", {"publisher_id": int(partner["userId"])})
        await client.call_tool("brand_set_publisher_status", {**partner, "confirm": True})
        after = await client.call_tool("brand_list_publishers", {"publisher_id": int(partner["userId"])})
    created = world.orders[world.orders["order_id"] == "REL-WRITE-1"]
    assert len(created) == 1 and int(created["amount_cents"].iloc[0]) == 1234
    assert '"pending"' in text_of(before) and '"joined"' in text_of(after), text_of(after)


def cli_on_sandbox(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failure: str | None = None
) -> list[Counting]:
    """Run the CLI with no credentials on `world`, counting the requests of every transport it opens."""
    for name in list(os.environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(partnerboost_skill.sandbox, "_default_world", world)
    opened: list[Counting] = []
    real = partnerboost_skill.sandbox.sandbox_transport

    def counted(*args: Any, **kwargs: Any) -> httpx2.AsyncBaseTransport:
        inner: httpx2.AsyncBaseTransport = real(*args, **kwargs)
        if failure is not None:
            inner = FailingWrites(inner, failure)
        opened.append(Counting(inner))
        return opened[-1]

    monkeypatch.setattr(partnerboost_skill.sandbox, "sandbox_transport", counted)
    return opened
