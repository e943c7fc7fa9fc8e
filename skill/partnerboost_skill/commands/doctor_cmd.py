"""`partnerboost doctor`: what is configured (names only, never values), and whether PartnerBoost answers.

Reports the config file, which credentials are set and where from, the API families and MCP toolsets they
enable, whether writes are allowed, one cheap call with a short timeout (to PartnerBoost, or to the sandbox
when nothing is configured), the timezone, the cache folder and whether charts can be drawn.
Exit code 0 when the call succeeded, 1 when it failed, 2 when the configuration cannot be read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import stat
import time
from pathlib import Path

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.commands.common import UsageError
from partnerboost_skill.commands.init_cmd import CHEAP_CALLS
from partnerboost_skill.config import (
    CREDENTIAL_FIELDS,
    ENV_VARS,
    FAMILY_CREDENTIALS,
    ConfigError,
    Settings,
    load_settings,
)
from partnerboost_skill.runtime import connect
from partnerboost_tools.base import FAMILIES

CHECK_TIMEOUT = 10.0


def _line(label: str, value: str) -> None:
    print(f"  {label:<13} {value}")


def _config_file(settings: Settings) -> None:
    path = settings.config_path
    if not path.exists():
        _line("config file", f"{path} (not found; `partnerboost init` creates it)")
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    warning = "" if mode & 0o077 == 0 else f" ⚠ readable by others: run chmod 600 {path}"
    _line("config file", f"{path} (mode {mode:04o}){warning}")


def _credential_sources(settings: Settings) -> list[str]:
    shown = []
    for name in CREDENTIAL_FIELDS:
        if not settings.credentials.value(name):
            continue
        env = ENV_VARS[name]
        source = "environment" if os.environ.get(env, "").strip() else "config file"
        shown.append(f"{env} ({source})")
    return shown


def _families(settings: Settings) -> None:
    for family in FAMILIES:
        if settings.credentials.has_family(family):
            _line(f"{family} API", "✓ configured")
        else:
            needed = ", ".join(ENV_VARS[name] for name in FAMILY_CREDENTIALS[family])
            _line(f"{family} API", f"– not configured (needs {needed})")


def _toolsets(settings: Settings) -> str:
    try:
        from partnerboost_skill.server.toolsets import TOOLSETS, select
    except ImportError:
        return "unknown (the MCP server is not installed)"
    selection = select(settings)
    shown = ", ".join(name for name in TOOLSETS if name in selection.toolsets)
    return f"{shown}; API actions of {', '.join(f for f in FAMILIES if f in selection.families)}"


async def _probe(settings: Settings) -> tuple[bool, str]:
    started = time.monotonic()
    async with connect(settings) as conn:
        families = conn.source.credentials.families()
        family = "merchant" if "merchant" in families else families[0]
        action = CHEAP_CALLS[family]
        await asyncio.wait_for(conn.source.call(action), CHECK_TIMEOUT)
        where = "the built-in sandbox" if conn.demo else f"PartnerBoost ({settings.base_url})"
        if family == "openpartner" and not conn.demo:
            where = f"OpenPartner ({settings.openpartner_base_url})"
        answered = f"✓ {where} answered {action.tool_name} in {time.monotonic() - started:.1f} s"
        if family != "openpartner" and "openpartner" in families and not conn.demo:
            started = time.monotonic()
            probe = CHEAP_CALLS["openpartner"]
            await asyncio.wait_for(conn.source.call(probe), CHECK_TIMEOUT)
            answered += (f"; OpenPartner ({settings.openpartner_base_url}) answered {probe.tool_name} in "
                         f"{time.monotonic() - started:.1f} s")
    return True, answered


def _check(settings: Settings) -> tuple[bool, str]:
    try:
        return asyncio.run(_probe(settings))
    except TimeoutError:
        return False, f"✗ no answer within {CHECK_TIMEOUT:.0f} s (network, proxy or PARTNERBOOST_BASE_URL?)"
    except PartnerBoostError as exc:
        return False, f"✗ {exc.message}"


def _cache_dir(path: Path) -> str:
    if not path.exists():
        return f"{path} (created on first use)"
    return f"{path} ({'writable' if os.access(path, os.W_OK) else '⚠ not writable'})"


def _charts() -> str:
    try:
        import matplotlib
    except ImportError:
        return "– matplotlib missing: answers work, charts are skipped (pip install matplotlib)"
    return f"✓ matplotlib {matplotlib.__version__}"


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise UsageError(f"the configuration cannot be read: {exc}") from None
    if args.data:
        from partnerboost_skill.commands.doctor_data import run_data

        return run_data(settings)
    print("PartnerBoost doctor")
    _config_file(settings)
    sources = _credential_sources(settings)
    _line("credentials", ", ".join(sources) if sources else "none: every answer uses the built-in sandbox")
    _families(settings)
    _line("MCP toolsets", _toolsets(settings))
    _line("writes", "allowed (PARTNERBOOST_ALLOW_WRITES)" if settings.allow_writes else
          "off (preview only; PARTNERBOOST_ALLOW_WRITES=1 to allow)")
    _line("timezone", f"{settings.timezone} (PARTNERBOOST_TIMEZONE)" if settings.timezone else
          "the account's own (PARTNERBOOST_TIMEZONE not set)")
    _line("cache dir", _cache_dir(settings.cache_dir))
    _line("charts", _charts())
    ok, message = (True, "skipped (--offline)") if args.offline else _check(settings)
    _line("connection", message)
    return 0 if ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "doctor",
        help="show what is configured (names only) and whether PartnerBoost answers",
        description="Show the config file, which credentials are set (names and sources, never values), "
        "the API families and MCP toolsets they enable, the timezone and cache folder, and check with one "
        "cheap call (short timeout) that PartnerBoost — or the sandbox when nothing is configured — answers.",
    )
    parser.add_argument("--offline", action="store_true", help="skip the connection check")
    parser.add_argument("--data", action="store_true",
                        help="fetch one small page of each record kind and show how its fields are read "
                        "(field names and formats only, never values: safe to send to support)")
    parser.set_defaults(handler=run)
