"""Secrets: a unique canary as every credential and as the MCP token, every CLI command and every MCP tool
run against a PartnerBoost that rejects the key (401 / code 1001), fails (500) or cannot be reached, and that
quotes every credential it receives back in its answers. The canary must appear nowhere: not on stdout or
stderr, not in any log record (DEBUG), tool result or file written, except the config file `init` wrote.

The commands come from the CLI's own parser: a command added later is run too (with no arguments and with
--help unless it is listed below with better ones).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from hostile_upstream import MODES, Mode, Seen, loopback_upstream, mock_transport
from mcp import Client
from param_strategies import MINIMAL_PARAMS
from pydantic import SecretStr
from reliability_support import LONG_RUNNING, subcommands

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.openpartner import OpenPartnerClient
from partnerboost_skill.api.retrying import RetryingClient
from partnerboost_skill.cli import main
from partnerboost_skill.config import CREDENTIAL_FIELDS, ENV_VARS, Credentials, Settings
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import Connection
from partnerboost_skill.server import build_server
from partnerboost_tools.catalogue import ACTIONS

RUN = f"CANARY{uuid.uuid4().hex[:12]}"
"""Part of every canary: a leak of any of them, or of a prefix, contains it."""
CANARIES: dict[str, str] = {name: f"{RUN}{name.replace('_', '')}{uuid.uuid4().hex[:8]}"
                            for name in (*CREDENTIAL_FIELDS, "mcp_token")}
NEW_ORDER = {**MINIMAL_PARAMS["brand_create_order"], "order_number": "SECRET-TEST-1"}

ARGVS: dict[str, list[list[str]]] = {
    "actions": [["actions"], ["actions", "--json"]],
    "call": [
        ["call", "merchant_account_info"],
        ["call", "brand_list_publishers"],
        ["call", "publisher_list_brands"],
        ["call", "amazon_list_brands"],
        ["call", "merchant_list_transactions", "--all-pages"],
        ["call", "brand_create_order", "--params", json.dumps(NEW_ORDER)],
        ["call", "brand_create_order", "--params", json.dumps(NEW_ORDER), "--confirm"],
        ["call", "openpartner_list_partners"],
        ["call", "openpartner_create_partner", "--confirm", "--params",
         json.dumps(MINIMAL_PARAMS["openpartner_create_partner"])],
    ],
    "commissions": [["commissions", "--platform", "openpartner"], ["commissions"]],
    "review": [["review", "--no-chart"], ["review", "last month", "--format", "json"]],
    "orders": [["orders", "--no-chart"]],
    "bill": [["bill"]],
    "partners": [["partners"]],
    "compare": [["compare", "--format", "discord"]],
    "ask": [["ask", "how did we do last month"]],
    "doctor": [["doctor"]],
    "init": [
        ["init", "--api-key", CANARIES["api_key"]],
        ["init", "--api-key", "-"],
        ["init", "--brand-id", CANARIES["brand_id"], "--brand-token", CANARIES["brand_token"],
         "--brand-secret", CANARIES["brand_secret"]],
        ["init", "--publisher-token", CANARIES["publisher_token"], "--no-verify"],
    ],
}


def argvs_for(command: str) -> list[list[str]]:
    return ARGVS.get(command, [[command], [command, "--help"]])


def leaks(text: str) -> list[str]:
    return [name for name, value in CANARIES.items() if value in text] + (["prefix"] if RUN in text else [])


def written_files(root: Path, allowed: set[Path]) -> Iterator[tuple[Path, str]]:
    for path in root.rglob("*"):
        if path.is_file() and path.resolve() not in allowed:
            yield path, path.read_bytes().decode("latin-1")


def canary_env(monkeypatch: pytest.MonkeyPatch, home: Path, base: str) -> Path:
    for name in list(os.environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    for name, value in CANARIES.items():
        monkeypatch.setenv(ENV_VARS[name], value)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("PARTNERBOOST_BASE_URL", base)
    monkeypatch.setenv("PARTNERBOOST_AMAZON_BASE_URL", f"{base}/amazon_api")
    monkeypatch.setenv("OPENPARTNER_BASE_URL", f"{base}/openpartner/api")
    monkeypatch.chdir(home)
    return home / ".config" / "partnerboost" / "config.toml"


async def _no_wait(_: float) -> None:
    return None


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's clients keep retrying 500s as configured, without the real backoff waits."""
    defaults = dict(RetryingClient.__init__.__kwdefaults__ or {})
    monkeypatch.setattr(RetryingClient.__init__, "__kwdefaults__", {**defaults, "sleep": _no_wait})


@pytest.mark.usefixtures("fast_retries")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("command", sorted(set(subcommands()) - LONG_RUNNING))
def test_no_cli_command_reveals_a_credential(
    command: str, mode: Mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seen = Seen()
    with loopback_upstream(mode, seen) as base:
        config = canary_env(monkeypatch, tmp_path, base)
        for argv in argvs_for(command):
            monkeypatch.setattr("sys.stdin", _Stdin(CANARIES["api_key"] + "\n"))
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 0
            out, err = capsys.readouterr()
            assert code in (0, 1, 2), (argv, err)
            assert "Traceback" not in out + err, (argv, err)
            assert not leaks(out), (argv, "stdout", out[-600:])
            assert not leaks(err), (argv, "stderr", err[-600:])
    assert not leaks(caplog.text), ("logging", caplog.text[-600:])
    allowed = {config.resolve()} if command == "init" else set()
    for path, content in written_files(tmp_path, allowed):
        assert not leaks(content), f"{path} holds a credential"
    if config.exists():
        assert command == "init" and (config.stat().st_mode & 0o077) == 0
    if mode != "unreachable" and command in ("call", "doctor", "review"):
        assert seen.contains(CANARIES["api_key"]), "the canary never reached the stand-in: nothing was tested"
    if mode != "unreachable" and command in ("call", "commissions"):
        assert seen.contains(CANARIES["openpartner_api_key"]), "the OpenPartner key never went out"


class _Stdin:
    """A non-terminal standard input holding one line (for `init --api-key -`)."""

    def __init__(self, text: str) -> None:
        self.lines = [text]

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self.lines.pop() if self.lines else ""

    def read(self, *_: Any) -> str:
        return self.readline()


# --- every MCP tool, resource and prompt -------------------------------------------------------------------


def canary_settings() -> Settings:
    credentials = Credentials(**{name: SecretStr(CANARIES[name]) for name in CREDENTIAL_FIELDS})
    return Settings(credentials=credentials, mcp_token=SecretStr(CANARIES["mcp_token"]), allow_writes=True,
                    base_url="https://partnerboost.invalid", amazon_base_url="https://amazon.invalid/amazon_api",
                    openpartner_base_url="https://openpartner.invalid/api")


ANALYSIS_CALLS: dict[str, dict[str, str]] = {
    "review_performance": {"period": "last month"},
    "monitor_orders": {"period": "last 7 days"},
    "check_bill": {"period": "last month"},
    "check_commissions": {"period": "last month", "platform": "openpartner"},
    "partner_media": {"period": "last 30 days", "status": "all"},
    "compare_periods": {"period": "last month"},
}


API_CALLS: dict[str, dict[str, Any]] = {
    "run_api_action": {"action": "publisher_list_brands"},
    "run_api_write": {"action": "brand_void_order", "arguments": MINIMAL_PARAMS["brand_void_order"],
                      "confirm": True},
}
CATALOGUE_ONLY = {"search_api_actions": {"action": "publisher_list_coupons"}}
"""Reads the catalogue, not PartnerBoost: it answers even when PartnerBoost fails."""


def tool_arguments(name: str) -> dict[str, Any]:
    if name in ANALYSIS_CALLS:
        return ANALYSIS_CALLS[name]
    if name in API_CALLS or name in CATALOGUE_ONLY:
        return {**API_CALLS, **CATALOGUE_ONLY}[name]
    action = ACTIONS[name]
    return {**MINIMAL_PARAMS[name], **({"confirm": True} if action.writes else {})}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_no_mcp_tool_reveals_a_credential(mode: Mode, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen = Seen()
    settings = canary_settings()

    @asynccontextmanager
    async def connect(configured: Settings) -> AsyncIterator[Connection]:
        async with (
            PartnerBoostClient.from_settings(configured, transport=mock_transport(mode, seen),
                                             sleep=_no_wait) as client,
            OpenPartnerClient.from_settings(configured, transport=mock_transport(mode, seen),
                                            sleep=_no_wait) as openpartner,
        ):
            from datetime import UTC, datetime

            yield Connection(source=PlatformSource(LiveSource(client), openpartner), demo=False,
                             now=datetime.now(UTC), platforms=("partnerboost", "openpartner"))

    server = build_server(settings, toolsets="all", allow_writes=True, connect=connect)
    shown: list[str] = []
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
        assert len(tools) == len(ACTIONS) + len(ANALYSIS_CALLS) + len(API_CALLS) + len(CATALOGUE_ONLY)
        for tool in tools:
            result = await client.call_tool(tool.name, tool_arguments(tool.name))
            failing = tool.name not in CATALOGUE_ONLY
            assert result.is_error is failing, f"{tool.name} succeeded against a failing PartnerBoost"
            shown.append(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        for resource in (await client.list_resources()).resources:
            try:
                shown.append(json.dumps((await client.read_resource(resource.uri)).model_dump(mode="json")))
            except Exception as exc:  # an error is a fine answer here; its text must be clean too
                shown.append(str(exc))
        for prompt in (await client.list_prompts()).prompts:
            arguments = {arg.name: "last month" for arg in prompt.arguments or [] if arg.required}
            got = await client.get_prompt(prompt.name, arguments)
            shown.append(json.dumps(got.model_dump(mode="json")))
    for name, text in zip([t.name for t in tools], shown, strict=False):
        assert not leaks(text), (name, text[-600:])
    assert not leaks("\n".join(shown))
    assert not leaks(caplog.text), caplog.text[-800:]
    assert not leaks(repr(settings)) and not leaks(str(settings.credentials))
    if mode != "unreachable":
        assert seen.contains(CANARIES["api_key"]) and seen.contains(CANARIES["publisher_token"])
        assert seen.contains(CANARIES["openpartner_api_key"])


# --- the servers as subprocesses: serve --http with the canary token, serve over stdio, sandbox ------------

PARTNERBOOST = [sys.executable, "-m", "partnerboost_skill.cli"]


def subprocess_env(home: Path, base: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update({ENV_VARS[name]: value for name, value in CANARIES.items()})
    env.update({"HOME": str(home), "PARTNERBOOST_BASE_URL": base,
                "PARTNERBOOST_AMAZON_BASE_URL": f"{base}/amazon_api",
                "OPENPARTNER_BASE_URL": f"{base}/openpartner/api"})
    return env


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the server exited early")
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s")


def stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    process.terminate()
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return out.decode(errors="replace"), err.decode(errors="replace")


def test_serve_http_keeps_the_token_and_the_credentials(tmp_path: Path) -> None:
    seen = Seen()
    port = free_port()
    with loopback_upstream("unauthorized", seen) as base:
        process = subprocess.Popen([*PARTNERBOOST, "serve", "--http", "--port", str(port)],
                                   env=subprocess_env(tmp_path, base), cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        answers: list[str] = []
        try:
            wait_healthy(process, f"http://127.0.0.1:{port}/health")
            mcp = f"http://127.0.0.1:{port}/mcp"
            accept = {"Accept": "application/json, text/event-stream"}
            anonymous = httpx2.post(mcp, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers=accept)
            nearly = {**accept, "Authorization": f"Bearer {CANARIES['mcp_token'][:-1]}"}
            almost = httpx2.post(mcp, json={}, headers=nearly)
            assert anonymous.status_code == 401 and almost.status_code == 401
            answers += [anonymous.text, almost.text, str(anonymous.headers), str(almost.headers)]
            answers += call_over_http(mcp, CANARIES["mcp_token"])
        finally:
            out, err = stop(process)
    for text in [*answers, out, err]:
        assert not leaks(text), text[-600:]
    assert seen.contains(CANARIES["api_key"])
    for path, content in written_files(tmp_path, set()):
        assert not leaks(content), path


def call_over_http(url: str, token: str) -> list[str]:
    """initialize, then one analysis tool and one raw tool per family; the raw response texts."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    texts = []
    with httpx2.Client(headers=headers, timeout=60) as http:
        init = http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "secrets-test", "version": "1"}}})
        assert init.status_code == 200, init.text
        session = init.headers.get("mcp-session-id")
        if session:
            http.headers["mcp-session-id"] = session
        http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        for index, (tool, arguments) in enumerate(
            [("review_performance", {"period": "last month"}), ("merchant_account_info", {}),
             ("brand_list_publishers", {}), ("publisher_list_brands", {})], start=2
        ):
            answer = http.post(url, json={"jsonrpc": "2.0", "id": index, "method": "tools/call",
                                          "params": {"name": tool, "arguments": arguments}})
            assert answer.status_code == 200 and "isError" in answer.text, answer.text
            texts += [init.text, answer.text]
    return texts


@pytest.mark.anyio
async def test_serve_over_stdio_keeps_the_credentials(tmp_path: Path) -> None:
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    seen = Seen()
    errlog = tmp_path / "stderr.txt"
    with loopback_upstream("error", seen) as base:
        params = StdioServerParameters(command=PARTNERBOOST[0], args=[*PARTNERBOOST[1:], "serve"],
                                       env=subprocess_env(tmp_path, base), cwd=str(tmp_path))
        with errlog.open("w") as stderr:
            async with Client(stdio_client(params, errlog=stderr)) as client:
                result = await client.call_tool("merchant_account_info", {})
                texts = [json.dumps(result.model_dump(mode="json"))]
    assert result.is_error
    for text in [*texts, errlog.read_text()]:
        assert not leaks(text), text[-600:]


def test_the_sandbox_command_prints_no_configured_credential(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([*PARTNERBOOST, "sandbox", "--port", str(port), "--orders-per-day", "5"],
                               env=subprocess_env(tmp_path, "http://127.0.0.1:9"), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_healthy(process, f"http://127.0.0.1:{port}/")
    finally:
        out, err = stop(process)
    assert not leaks(out + err), (out + err)[-600:]
