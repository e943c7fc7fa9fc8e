"""`partnerboost init --api-key KEY`: check credentials with one cheap call and save them for this user only.

The config file (`~/.config/partnerboost/config.toml` or PARTNERBOOST_CONFIG) is written atomically with mode
0600 in a 0700 folder. A value of `-` reads it from standard input, so it stays out of the shell history.
Nothing here ever prints a credential: at most the last four characters of the API key as a hint.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx2
from pydantic import SecretStr

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import InvalidCredentials, PartnerBoostError
from partnerboost_skill.commands.common import UsageError
from partnerboost_skill.config import (
    CREDENTIAL_FIELDS,
    DEFAULT_AMAZON_BASE_URL,
    DEFAULT_BASE_URL,
    DEFAULT_CONFIG_PATH,
    ENV_VARS,
    FAMILY_CREDENTIALS,
    ConfigError,
    Credentials,
    load_settings,
)
from partnerboost_skill.render import escape
from partnerboost_tools.amazon import AmazonListBrands
from partnerboost_tools.base import PARTNERBOOST_FAMILIES, Action, Family
from partnerboost_tools.brand import BrandListPublishers
from partnerboost_tools.merchant import MerchantAccountInfo
from partnerboost_tools.openpartner import OpenpartnerListPartners
from partnerboost_tools.publisher import PublisherListBrands

SKILL_NAME = "partnerboost"
OPENCLAW_COMMAND = f"openclaw config set skills.entries.{SKILL_NAME}.apiKey <your key>"
VERIFY_TIMEOUT = 15.0
_FLAGS: dict[str, str] = {
    "api_key": "--api-key",
    "brand_id": "--brand-id",
    "brand_token": "--brand-token",
    "brand_secret": "--brand-secret",
    "publisher_token": "--publisher-token",
    "amazon_token": "--amazon-token",
    "coupon_token": "--coupon-token",
}
CHEAP_CALLS: dict[Family, Action] = {
    "merchant": MerchantAccountInfo(),
    "brand": BrandListPublishers(),
    "publisher": PublisherListBrands(page=1, limit=1),
    "amazon": AmazonListBrands(page=1, page_size=1),
    "openpartner": OpenpartnerListPartners(limit=1),
}
"""One read per family that proves its credentials work and costs the least."""

transport_for_tests: httpx2.AsyncBaseTransport | None = None
"""Tests point verification at the in-process sandbox instead of the network."""


def config_path() -> Path:
    explicit = os.environ.get(ENV_VARS["config"], "").strip()
    return Path(explicit or DEFAULT_CONFIG_PATH).expanduser()


def _read_values(args: argparse.Namespace) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, flag in _FLAGS.items():
        raw = getattr(args, name)
        if raw is None:
            continue
        if raw == "-":
            raw = _from_stdin(flag)
        raw = raw.strip()
        if not raw:
            raise UsageError(f"{flag} is empty; give the value, or `-` to read it from standard input.")
        if any(ch.isspace() for ch in raw) or not raw.isprintable():
            raise UsageError(f"{flag} contains spaces or control characters; paste the value exactly as "
                             "PartnerBoost shows it.")
        values[name] = raw
    if not values:
        raise UsageError("init needs at least one credential, e.g. --api-key - (reads the key from standard "
                         "input) or --brand-id/--brand-token/--brand-secret.")
    return values


def _from_stdin(flag: str) -> str:
    if sys.stdin is None:
        raise UsageError(f"{flag} - reads standard input, but there is none.")
    if sys.stdin.isatty():
        return getpass.getpass(f"{flag.lstrip('-').replace('-', ' ')}: ")
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _incomplete_families(values: Mapping[str, Any]) -> list[str]:
    groups = {"brand": ("brand_id", "brand_token", "brand_secret")}
    problems = []
    for family, names in groups.items():
        given = [n for n in names if values.get(n)]
        if given and len(given) != len(names):
            missing = ", ".join(_FLAGS[n] for n in names if not values.get(n))
            problems.append(f"the {family} API needs all three brand credentials; missing {missing}")
    return problems


async def verify(credentials: Credentials, base_url: str, amazon_base_url: str,
                 transport: httpx2.AsyncBaseTransport | None = None) -> dict[Family, str]:
    """One cheap read per family whose credentials are complete; the value is a short confirmation."""
    confirmed: dict[Family, str] = {}
    async with PartnerBoostClient(
        credentials, base_url=base_url, amazon_base_url=amazon_base_url, transport=transport,
        timeout=VERIFY_TIMEOUT, max_retries=1,
    ) as client:
        for family in credentials.families():
            if family not in PARTNERBOOST_FAMILIES:
                continue  # init saves PartnerBoost credentials; OpenPartner's are checked by `doctor`
            data = await client.call(CHEAP_CALLS[family])
            name = data.get("brand_name") or data.get("company_name") if isinstance(data, dict) else None
            confirmed[family] = f"account {escape.clean(name, 60)}" if name else "credentials accepted"
    return confirmed


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _existing(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(
            f"cannot read the existing config file {path} ({exc}); fix or remove it first."
        ) from None
    table = data.get("partnerboost", data)
    return dict(table) if isinstance(table, dict) else {}


def write_config(path: Path, values: Mapping[str, Any]) -> None:
    """Write `[partnerboost]` atomically: a 0600 temp file in the same folder, then rename over the target."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lines = ["# PartnerBoost skill settings (written by `partnerboost init`; readable by you only)",
             "[partnerboost]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    content = ("\n".join(lines) + "\n").encode()
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        if temp.exists():
            temp.unlink()
        raise


def _hint(values: Mapping[str, str]) -> str:
    key = values.get("api_key", "")
    return f" (key ending …{key[-4:]})" if len(key) >= 16 else ""


def _endpoints() -> tuple[str, str]:
    """Where to verify: the configured base URLs (environment or file), else PartnerBoost's own."""
    try:
        settings = load_settings()
    except ConfigError:
        return DEFAULT_BASE_URL, DEFAULT_AMAZON_BASE_URL
    return settings.base_url, settings.amazon_base_url


def run(args: argparse.Namespace) -> int:
    values = _read_values(args)
    path = config_path()
    merged = {**_existing(path), **values}
    problems = _incomplete_families(merged)
    if problems:
        raise UsageError("; ".join(problems) + ".")
    credentials = Credentials(**{name: SecretStr(str(merged[name])) for name in CREDENTIAL_FIELDS
                                 if merged.get(name)})
    if not args.no_verify:
        touched = [f for f in credentials.families() if set(FAMILY_CREDENTIALS[f]) & set(values)]
        to_check = Credentials(**{name: SecretStr(str(merged[name])) for f in touched
                                  for name in FAMILY_CREDENTIALS[f]})
        base_url, amazon_url = _endpoints()
        try:
            confirmed = asyncio.run(verify(to_check, base_url, amazon_url, transport_for_tests))
        except InvalidCredentials as exc:
            print(f"partnerboost: PartnerBoost rejected the credentials (code {exc.code}); nothing was "
                  "saved. Check the value in the PartnerBoost dashboard and run init again.", file=sys.stderr)
            return 1
        except PartnerBoostError as exc:
            print(f"partnerboost: could not verify the credentials ({exc.message}); nothing was saved. "
                  "Run init again, or add --no-verify to save without checking.", file=sys.stderr)
            return 1
        for family, what in confirmed.items():
            print(f"✓ {family}: {what}")
    try:
        write_config(path, merged)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}.") from None
    families = ", ".join(credentials.families()) or "none complete yet"
    print(f"Saved to {path} (mode 0600){_hint(values)}. API families configured: {families}.")
    print("Environment variables (PARTNERBOOST_API_KEY, ...) override this file when they are set.")
    if "api_key" in values:
        print(f"For OpenClaw you can store the key in its config instead:\n  {OPENCLAW_COMMAND}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "init",
        help="check and save PartnerBoost credentials (config file readable only by you)",
        description="Check credentials with one cheap read and save them to "
        "~/.config/partnerboost/config.toml (or PARTNERBOOST_CONFIG) with mode 0600. Pass `-` as a value "
        "to read it from standard input (keeps it out of the shell history), e.g. "
        "`printf '%s' \"$KEY\" | partnerboost init --api-key -`. The key is never printed.",
    )
    for name, flag in _FLAGS.items():
        label = name.replace("_", " ")
        parser.add_argument(flag, dest=name, metavar="VALUE", help=f"the {label} (or - for standard input)")
    parser.add_argument("--no-verify", action="store_true", help="save without checking with PartnerBoost")
    parser.set_defaults(handler=run)
