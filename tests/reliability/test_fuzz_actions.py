"""Every catalogue action's parameters, fuzzed: a clear ValidationError or a model whose wire form is JSON and
can be sent; and through the MCP server, an invalid call is a clear tool error that sends no request."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import given
from mcp import Client
from param_strategies import MINIMAL_PARAMS, field_keys, params_for, tool_arguments
from pydantic import ValidationError
from reliability_support import Counting, FakeTime, both_platforms, faulty_transport, fuzz_settings

from partnerboost_skill.api.openpartner.wire import build_openpartner_request
from partnerboost_skill.api.params import field_name
from partnerboost_skill.api.wire import build_request
from partnerboost_skill.config import Settings
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.runtime import Connection, sandbox_credentials
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, SANDBOX_OPENPARTNER_BASE_URL
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_skill.server import build_server
from partnerboost_tools.base import Action
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.openpartner import OpenpartnerAction

MAX_ERROR_LENGTH = 3000
"""An error message echoes at most a short prefix of each bad value, never a 5000-character input."""


def _no_floats_that_json_refuses(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_no_floats_that_json_refuses(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_floats_that_json_refuses(v) for v in value)
    return True


def check_parameters(action_cls: type[Action], params: dict[str, Any]) -> Action | None:
    """The validated action, or None after checking the error explains itself."""
    try:
        action = action_cls.model_validate(params)
    except ValidationError as exc:
        message = explain_validation_error(action_cls, exc)
        assert message.startswith(f"Invalid parameters for {action_cls.tool_name}: ")
        assert len(message) < MAX_ERROR_LENGTH, message[:200]
        return None
    wire = action.to_wire()
    json.dumps(wire, allow_nan=False)
    assert None not in wire.values(), f"an unset value went on the wire: {wire}"
    assert _no_floats_that_json_refuses(wire)
    if isinstance(action, OpenpartnerAction):
        build_openpartner_request(action, sandbox_credentials(), base_url=SANDBOX_OPENPARTNER_BASE_URL)
    else:
        build_request(action, sandbox_credentials(), base_url=SANDBOX_BASE_URL,
                      amazon_base_url=SANDBOX_AMAZON_BASE_URL)
    return action


@pytest.mark.parametrize("tool_name", sorted(ACTIONS))
def test_parameters_validate_or_explain(tool_name: str) -> None:
    action_cls = ACTIONS[tool_name]

    @fuzz_settings(40)
    @given(params_for(action_cls))
    def check(params: dict[str, Any]) -> None:
        check_parameters(action_cls, params)

    check()


# --- through the MCP server --------------------------------------------------------------------------------

WRITE_FLAGS = ("confirm", "dry_run")


def expected_validity(action_cls: type[Action], arguments: dict[str, Any]) -> bool:
    params = {k: v for k, v in arguments.items() if k not in WRITE_FLAGS}
    flags_ok = not action_cls.writes or all(isinstance(arguments.get(f, False), bool) for f in WRITE_FLAGS)
    try:
        action_cls.model_validate(params)
    except ValidationError:
        return False
    return flags_ok


def generic_call(action_cls: type[Action], arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The same call through the api tools: the action's parameters in `arguments`, `confirm` beside them
    (run_api_write has no dry_run: a preview is what it does without confirm, so `dry_run: true` drops
    `confirm`, whatever it was)."""
    params = {k: v for k, v in arguments.items() if k not in WRITE_FLAGS}
    call: dict[str, Any] = {"action": action_cls.tool_name, "arguments": params}
    if not action_cls.writes:
        return "run_api_action", call
    if "confirm" in arguments:
        call["confirm"] = arguments["confirm"]
    if arguments.get("dry_run") is True:
        call.pop("confirm", None)
    elif "dry_run" in arguments and not isinstance(arguments["dry_run"], bool):
        call["dry_run"] = arguments["dry_run"]  # refused as an unknown parameter, as the typed tool does
    return "run_api_write", call


def test_invalid_tool_calls_are_refused_before_any_request() -> None:
    world = World.generate(WorldConfig(seed=5, days=170, orders_per_day=10, n_partners=20))
    time = FakeTime()
    counting = Counting(faulty_transport(world, None, time))

    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        async with both_platforms(counting, time, max_retries=0, credentials=sandbox_credentials()) as source:
            yield Connection(source=source, demo=True, now=world.config.now)

    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect)
    tallies = {"refused": 0, "sent": 0, "previewed": 0}
    with start_blocking_portal() as portal, portal.wrap_async_context_manager(Client(server)) as client:

        def call(tool_name: str, action_cls: type[Action], arguments: dict[str, Any]) -> None:
            check_call(tool_name, arguments, action_cls, arguments)
            generic, generic_arguments = generic_call(action_cls, arguments)
            flags = {flag: generic_arguments[flag] for flag in WRITE_FLAGS if flag in generic_arguments}
            as_typed = {**generic_arguments.get("arguments", {}), **flags}
            check_call(generic, generic_arguments, action_cls, as_typed)

        def check_call(
            tool_name: str, call_arguments: dict[str, Any], action_cls: type[Action],
            arguments: dict[str, Any],
        ) -> None:
            before = len(counting.requests)
            result = portal.call(client.call_tool, tool_name, call_arguments)
            sent = len(counting.requests) - before
            text = "".join(block.text for block in result.content if block.type == "text")
            assert "Traceback" not in text and "failed unexpectedly" not in text, text
            if not expected_validity(action_cls, arguments):
                assert result.is_error, f"{tool_name} accepted invalid arguments {arguments!r}"
                assert text.startswith("Invalid parameters"), text
                assert any(key in text for key in [*arguments, *field_keys(action_cls)]), text
                assert len(text) < MAX_ERROR_LENGTH
                assert sent == 0, f"{tool_name} sent {sent} request(s) for invalid arguments"
                tallies["refused"] += 1
            elif action_cls.writes and not result.is_error and not json.loads(text)["performed"]:
                assert sent == 0, f"{tool_name} previewed but sent a request"
                tallies["previewed"] += 1
            else:
                assert not text.startswith("Invalid parameters"), f"{tool_name} refused {arguments!r}: {text}"
                assert "cannot read" not in text, f"{tool_name} sent what PartnerBoost cannot read: {text}"
                tallies["sent"] += 1

        def fuzz(tool_name: str, action_cls: type[Action]) -> None:
            @fuzz_settings(12)
            @given(tool_arguments(action_cls))
            def check(arguments: dict[str, Any]) -> None:
                call(tool_name, action_cls, arguments)

            check()

        for tool_name, action_cls in ACTIONS.items():
            fuzz(tool_name, action_cls)
    assert all(tallies.values()), tallies


def unix_time_fields(action_cls: type[Action]) -> list[str]:
    """Parameters sent as Unix seconds: an ISO date given for them goes on the wire as digits."""
    base = MINIMAL_PARAMS[action_cls.tool_name]
    found = []
    for key in field_keys(action_cls):
        try:
            wire = action_cls.model_validate({**base, key: "2026-10-01"}).to_wire()
        except ValidationError:
            continue
        value = wire.get(action_cls.model_fields[field_name(action_cls, key)].alias or key)
        if str(value).isdigit() and int(value) == 1790812800:
            found.append(key)
    return found


UNIX_TIME_FIELDS = [(name, key) for name, cls in ACTIONS.items() for key in unix_time_fields(cls)]


@pytest.mark.parametrize(("tool_name", "key"), UNIX_TIME_FIELDS)
@pytest.mark.parametrize("moment", ["1969-12-31", "1000-01-01T00:00:00Z", -1])
def test_times_before_1970_are_refused_not_sent_as_negative_seconds(
    tool_name: str, key: str, moment: object
) -> None:
    action_cls = ACTIONS[tool_name]
    with pytest.raises(ValidationError, match="1970"):
        action_cls.model_validate({**MINIMAL_PARAMS[tool_name], key: moment})


def test_every_unix_time_field_is_checked() -> None:
    assert len(UNIX_TIME_FIELDS) >= 10, UNIX_TIME_FIELDS


@pytest.mark.anyio
async def test_a_parameter_given_under_both_names_is_refused() -> None:
    """`userId` and `user_id` are one parameter: both at once used to send the last value silently."""
    world = World.generate(WorldConfig(seed=5, days=170, orders_per_day=10, n_partners=20))
    time = FakeTime()
    counting = Counting(faulty_transport(world, None, time))

    @asynccontextmanager
    async def connect(_: Settings) -> AsyncIterator[Connection]:
        async with both_platforms(counting, time, credentials=sandbox_credentials()) as source:
            yield Connection(source=source, demo=True, now=world.config.now)

    server = build_server(Settings(), toolsets="all", allow_writes=True, connect=connect)
    async with Client(server) as client:
        arguments = {"userId": "40828", "user_id": "1", "status": "adopt", "confirm": True}
        result = await client.call_tool("brand_set_publisher_status", arguments)
    text = "".join(block.text for block in result.content if block.type == "text")
    assert result.is_error and "userId: given twice (as userId and user_id)" in text
    assert counting.requests == []
