"""Credentials and settings, read from the environment and an optional TOML file (the environment wins).

Which API families are usable follows from which credentials are present; nothing here ever prints a secret.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from partnerboost_skill.parsing import parse_bool, zone_named
from partnerboost_tools.base import FAMILIES, Family

DEFAULT_BASE_URL = "https://app.partnerboost.com"
DEFAULT_AMAZON_BASE_URL = "https://amazon-service.partnerboost.com/amazon_api"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_CONFIG_PATH = Path("~/.config/partnerboost/config.toml")
DEFAULT_CACHE_DIR = Path("~/.cache/partnerboost")
DEFAULT_SETTLE_DAYS = 90
MAX_SETTLE_DAYS = 3650
DEFAULT_AGENT_MODEL = "claude-sonnet-5-5"
DEFAULT_AGENT_MAX_ROUNDS = 8
DEFAULT_AGENT_TOKEN_BUDGET = 200_000
DEFAULT_AGENT_TIMEOUT = 120.0
DEFAULT_DEADLINE_SECONDS = 120.0
DEADLINE_RANGE = (1.0, 3600.0)
DEFAULT_MCP_MAX_SESSIONS = 100
MCP_MAX_SESSIONS_RANGE = (1, 100_000)
DEFAULT_MCP_SESSION_IDLE_SECONDS = 600.0
MCP_SESSION_IDLE_RANGE = (1.0, 86_400.0)

ENV_VARS: dict[str, str] = {
    "api_key": "PARTNERBOOST_API_KEY",
    "brand_id": "PARTNERBOOST_BRAND_ID",
    "brand_token": "PARTNERBOOST_BRAND_TOKEN",
    "brand_secret": "PARTNERBOOST_BRAND_SECRET",
    "publisher_token": "PARTNERBOOST_PUBLISHER_TOKEN",
    "amazon_token": "PARTNERBOOST_AMAZON_TOKEN",
    "coupon_token": "PARTNERBOOST_COUPON_TOKEN",
    "base_url": "PARTNERBOOST_BASE_URL",
    "amazon_base_url": "PARTNERBOOST_AMAZON_BASE_URL",
    "timezone": "PARTNERBOOST_TIMEZONE",
    "api_timezone": "PARTNERBOOST_API_TIMEZONE",
    "allow_writes": "PARTNERBOOST_ALLOW_WRITES",
    "cache_dir": "PARTNERBOOST_CACHE_DIR",
    "config": "PARTNERBOOST_CONFIG",
    "mcp_token": "PARTNERBOOST_MCP_TOKEN",
    "settle_days": "PARTNERBOOST_SETTLE_DAYS",
    "cache_url": "PARTNERBOOST_CACHE_URL",
    "tenants": "PARTNERBOOST_TENANTS",
    "tenants_key": "PARTNERBOOST_TENANTS_KEY",
    "agent_model": "PARTNERBOOST_AGENT_MODEL",
    "agent_max_rounds": "PARTNERBOOST_AGENT_MAX_ROUNDS",
    "agent_token_budget": "PARTNERBOOST_AGENT_TOKEN_BUDGET",
    "agent_timeout": "PARTNERBOOST_AGENT_TIMEOUT",
    "bot_allow": "PARTNERBOOST_BOT_ALLOW",
    "deadline_seconds": "PARTNERBOOST_DEADLINE_SECONDS",
    "mcp_max_sessions": "PARTNERBOOST_MCP_MAX_SESSIONS",
    "mcp_session_idle_seconds": "PARTNERBOOST_MCP_SESSION_IDLE_SECONDS",
    "openpartner_base_url": "OPENPARTNER_BASE_URL",
    "openpartner_api_key": "OPENPARTNER_API_KEY",
    "openpartner_webhook_secret": "OPENPARTNER_WEBHOOK_SECRET",
}
"""Every PARTNERBOOST_* and OPENPARTNER_* environment variable the skill reads, keyed by its setting name
(also the key in config.toml). SKILL.md declares all of them."""

OTHER_ENV_VARS: dict[str, str] = {
    "ANTHROPIC_API_KEY": "Claude API key: when set, ask, chat and the bots answer with the agent",
    "ANTHROPIC_BASE_URL": "Claude API base URL (read by the anthropic SDK; default its own)",
    "FEISHU_APP_ID": "Feishu/Lark app id for partnerboost bot feishu",
    "FEISHU_APP_SECRET": "Feishu/Lark app secret for partnerboost bot feishu",
    "DISCORD_BOT_TOKEN": "Discord bot token for partnerboost bot discord",
}
"""Environment variables of other services that the agent and the bots read (environment only, never the
config file). SKILL.md declares them too; the secrets among them are redacted like every credential."""
OTHER_SECRET_VARS: tuple[str, ...] = ("ANTHROPIC_API_KEY", "FEISHU_APP_SECRET", "DISCORD_BOT_TOKEN")

CREDENTIAL_FIELDS: tuple[str, ...] = (
    "api_key", "brand_id", "brand_token", "brand_secret", "publisher_token", "amazon_token", "coupon_token",
    "openpartner_api_key", "openpartner_webhook_secret",
)

FAMILY_CREDENTIALS: dict[Family, tuple[str, ...]] = {
    "merchant": ("api_key",),
    "brand": ("brand_id", "brand_token", "brand_secret"),
    "publisher": ("publisher_token",),
    "amazon": ("amazon_token",),
    "openpartner": ("openpartner_api_key",),
}
"""The credential fields each API family needs (all of them). OpenPartner also needs its base URL
(`Settings.openpartner_base_url`): an instance has no default address."""

ACTION_CREDENTIALS: dict[str, str] = {
    "publisher_list_coupons": "coupon_token",
}
"""Actions that authenticate with their own credential instead of their family's: the publisher API's
coupon feed takes a separate coupon token (the docs name it "Coupon Token"; the other ops take "Your channel
API token")."""

FILE_KEYS: tuple[str, ...] = tuple(name for name in ENV_VARS if name not in ("config", "tenants_key"))
"""Settings a config file may hold (the tenants' encryption key only ever comes from the environment)."""

TENANT_SETTINGS: tuple[str, ...] = (*CREDENTIAL_FIELDS, "base_url", "amazon_base_url", "timezone")
"""What a hosted tenant brings of its own (the rest is the operator's); settings named openpartner_* too."""


def is_tenant_setting(name: str) -> bool:
    return name in TENANT_SETTINGS or name.startswith("openpartner_")
FIELDS_TABLE = "fields"
"""The config file's [fields] table: record kind → {column: the API's field name}, overriding the reader's
mapping (see records/contracts.py), e.g. [fields.orders] partner_id = "publisher_uid"."""


class ConfigError(ValueError):
    """A setting is missing, malformed or unreadable; the message names the variable or file."""


def env_vars_for(family: Family) -> tuple[str, ...]:
    """The environment variables a family's credentials come from."""
    return tuple(ENV_VARS[name] for name in FAMILY_CREDENTIALS[family])


class Credentials(BaseModel):
    """API credentials. Values are SecretStr: repr and str show only asterisks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr | None = None
    brand_id: SecretStr | None = None
    brand_token: SecretStr | None = None
    brand_secret: SecretStr | None = None
    publisher_token: SecretStr | None = None
    amazon_token: SecretStr | None = None
    coupon_token: SecretStr | None = None
    openpartner_api_key: SecretStr | None = None
    openpartner_webhook_secret: SecretStr | None = None
    """Signs OpenPartner's webhook deliveries (whsec_...); not an API credential of any family."""

    def value(self, name: str) -> str | None:
        """The plain value of one credential field, or None when unset or empty."""
        secret: SecretStr | None = getattr(self, name)
        if secret is None:
            return None
        return secret.get_secret_value() or None

    def has_family(self, family: Family) -> bool:
        return all(self.value(name) for name in FAMILY_CREDENTIALS[family])

    def families(self) -> list[Family]:
        """The API families whose credentials are all present, in catalogue order."""
        return [family for family in FAMILIES if self.has_family(family)]

    def secret_values(self) -> list[str]:
        """Every credential value that is set: what a redactor must hide."""
        return [v for name in CREDENTIAL_FIELDS if (v := self.value(name))]

    def fingerprint(self, family: Family | None = None) -> str:
        """A short, stable hash that namespaces caches per account; reveals nothing about the secrets.

        With a family, only that family's credentials count, so adding another family's token keeps the cache.
        """
        names = FAMILY_CREDENTIALS[family] if family else CREDENTIAL_FIELDS
        digest = hashlib.sha256()
        for name in names:
            digest.update(f"{name}={self.value(name) or ''}\x00".encode())
        return digest.hexdigest()[:16]


class Settings(BaseModel):
    """Everything the skill needs at start-up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    credentials: Credentials = Credentials()
    base_url: str = DEFAULT_BASE_URL
    amazon_base_url: str = DEFAULT_AMAZON_BASE_URL
    timezone: str | None = None
    """The zone periods are read in; None: the account's own zone (account info), else UTC."""
    api_timezone: str | None = None
    """The zone of the API's text times without an offset; None: detected from the data."""
    fields: dict[str, dict[str, str]] = Field(default_factory=dict)
    """The config file's [fields] table (see FIELDS_TABLE)."""
    allow_writes: bool = False
    cache_dir: Path = DEFAULT_CACHE_DIR.expanduser()
    config_path: Path = DEFAULT_CONFIG_PATH.expanduser()
    use_cache: bool = True
    """Answer from the local store where the data can no longer change (`--no-cache` turns it off)."""
    refresh: bool = False
    """Refetch everything and rewrite the local store (`--refresh`)."""
    settle_days: int = Field(DEFAULT_SETTLE_DAYS, ge=0, le=MAX_SETTLE_DAYS)
    """Orders older than this many days are final: cached once, not refetched unless `--refresh`."""
    mcp_token: SecretStr | None = None
    """Bearer token the MCP server's HTTP transport requires (mandatory off loopback)."""
    cache_url: SecretStr | None = None
    """`postgresql://…`: keep the cache in this PostgreSQL database (shared by replicas) instead of files."""
    cache_namespace: str = ""
    """A hosted tenant's id: its cache is kept apart from every other tenant's (not a variable)."""
    tenants: SecretStr | None = None
    """Hosted mode: the tenants' credentials store — a file path, or a postgresql:// URL (its pb_tenants)."""
    tenants_key: SecretStr | None = None
    """Hosted mode: the Fernet key(s) the tenants' credentials are encrypted with (comma-separated; the first
    encrypts, all decrypt, so a key can be rotated)."""
    agent_model: str = DEFAULT_AGENT_MODEL
    """The Claude model the agent (ask/chat/bots with ANTHROPIC_API_KEY) talks to."""
    agent_max_rounds: int = Field(DEFAULT_AGENT_MAX_ROUNDS, ge=1, le=50)
    """At most this many tool rounds per answer; then the model must answer with what it has."""
    agent_token_budget: int = Field(DEFAULT_AGENT_TOKEN_BUDGET, ge=1000, le=10_000_000)
    """Input plus output tokens one answer may spend across all its model calls."""
    agent_timeout: float = Field(DEFAULT_AGENT_TIMEOUT, gt=0, le=3600)
    """Seconds one agent or bot answer may take, model calls and tools included."""
    bot_allow: tuple[str, ...] = ()
    """Chat, channel, server or user ids the bots answer (nobody when empty)."""
    deadline_seconds: float = Field(DEFAULT_DEADLINE_SECONDS, ge=DEADLINE_RANGE[0], le=DEADLINE_RANGE[1])
    """Every answer and tool call ends within this many seconds: complete, marked incomplete, or an error."""
    mcp_max_sessions: int = Field(DEFAULT_MCP_MAX_SESSIONS, ge=MCP_MAX_SESSIONS_RANGE[0],
                                  le=MCP_MAX_SESSIONS_RANGE[1])
    """Open MCP sessions over HTTP; at the cap the longest-idle session is closed to admit a new one."""
    mcp_session_idle_seconds: float = Field(DEFAULT_MCP_SESSION_IDLE_SECONDS, ge=MCP_SESSION_IDLE_RANGE[0],
                                            le=MCP_SESSION_IDLE_RANGE[1])
    """An MCP session with no request for this long is closed."""
    openpartner_base_url: str | None = None
    """The OpenPartner instance's API base: https://app.openpartner.dev/api/t/<slug> (hosted) or
    https://<host>/api (self-hosted)."""

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or DEFAULT_TIMEZONE)

    @property
    def has_any_credentials(self) -> bool:
        return bool(self.credentials.families())


def _read_config_file(path: Path, *, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError(f"PARTNERBOOST_CONFIG points to {path}, which does not exist")
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot open the config file {path}: {exc.strerror}") from None
    table = data.get("partnerboost", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [partnerboost] must be a table")
    fields = table.get(FIELDS_TABLE, data.get(FIELDS_TABLE) if table is not data else None)
    table = {key: value for key, value in table.items() if key != FIELDS_TABLE}
    unknown = sorted(set(table) - set(FILE_KEYS))
    if unknown:
        allowed = ", ".join((*FILE_KEYS, f"[{FIELDS_TABLE}]"))
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; allowed: {allowed}")
    if fields is not None:
        table[FIELDS_TABLE] = _fields_table(fields, path)
    return table


def _fields_table(fields: Any, path: Path) -> dict[str, dict[str, str]]:
    """[fields.<kind>] column = "api field" as plain text; records.conventions checks kinds and columns."""
    if not isinstance(fields, dict) or not all(
        isinstance(names, dict) and all(isinstance(name, str) and name.strip() for name in names.values())
        for names in fields.values()
    ):
        raise ConfigError(f"{path}: [{FIELDS_TABLE}] must be tables of field names, e.g. [fields.orders] "
                          'partner_id = "publisher_uid"')
    return {str(kind): {str(column): name.strip() for column, name in names.items()}
            for kind, names in fields.items()}


def _validate_url(value: str, source: str) -> str:
    text = value.strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise ConfigError(f"{source} must be an http:// or https:// URL, got {text!r}")
    return text


OPENPARTNER_HOSTED_HOST = "app.openpartner.dev"
_HOSTED_BASE = re.compile(r"^/api/t/[A-Za-z0-9][A-Za-z0-9_-]*$")


def validate_openpartner_base(url: str, source: str) -> str:
    """The OpenPartner API base as given, refused when it is the hosted service without a tenant slug (every
    call would answer tenant_slug_missing)."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() == OPENPARTNER_HOSTED_HOST and not _HOSTED_BASE.fullmatch(parts.path):
        raise ConfigError(
            f"{source} must name your tenant on the hosted service: https://{OPENPARTNER_HOSTED_HOST}/api/t/"
            "<your-slug> (the slug is in your portal's URLs, /t/<slug>/...); a self-hosted instance is "
            "https://<your-host>/api"
        )
    return url


def _validate_timezone(value: str, source: str) -> str:
    text = value.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source} must be an IANA time zone name such as UTC, Asia/Shanghai or America/New_York; "
            f"got {text!r}"
        ) from None
    return text


def _validate_api_timezone(value: str, source: str) -> str:
    if zone_named(value) is None:
        raise ConfigError(f"{source} must be an IANA time zone (Asia/Shanghai) or a UTC offset (UTC+8, "
                          f"+08:00); got {value.strip()!r}")
    return value.strip()


def load_settings(env: Mapping[str, str] | None = None, *, config_file: bool = True) -> Settings:
    """Read settings from `env` (default: os.environ) and the TOML config file; the environment wins.

    The config file is PARTNERBOOST_CONFIG or ~/.config/partnerboost/config.toml; its keys are the setting
    names (api_key, brand_id, ..., timezone, allow_writes), either at the top level or under [partnerboost].
    Empty values count as unset. `config_file=False` reads `env` alone (a hosted tenant's own variables).
    """
    env = os.environ if env is None else env
    config_env = env.get(ENV_VARS["config"], "").strip()
    config_path = Path(config_env or DEFAULT_CONFIG_PATH).expanduser()
    file_values = _read_config_file(config_path, explicit=bool(config_env)) if config_file else {}

    def lookup(name: str) -> tuple[Any, str] | None:
        env_value = env.get(ENV_VARS[name], "")
        if env_value.strip():
            return env_value.strip(), ENV_VARS[name]
        file_value = file_values.get(name)
        if file_value is None or (isinstance(file_value, str) and not file_value.strip()):
            return None
        return file_value, f"{name} in {config_path}"

    secrets: dict[str, SecretStr] = {}
    for name in CREDENTIAL_FIELDS:
        found = lookup(name)
        if found:
            secrets[name] = SecretStr(str(found[0]).strip())

    values: dict[str, Any] = {"credentials": Credentials(**secrets), "config_path": config_path}
    if found := lookup("base_url"):
        values["base_url"] = _validate_url(str(found[0]), found[1])
    if found := lookup("amazon_base_url"):
        values["amazon_base_url"] = _validate_url(str(found[0]), found[1])
    if found := lookup("openpartner_base_url"):
        values["openpartner_base_url"] = validate_openpartner_base(
            _validate_url(str(found[0]), found[1]), found[1]
        )
    if found := lookup("timezone"):
        values["timezone"] = _validate_timezone(str(found[0]), found[1])
    if found := lookup("api_timezone"):
        values["api_timezone"] = _validate_api_timezone(str(found[0]), found[1])
    if FIELDS_TABLE in file_values:
        values["fields"] = file_values[FIELDS_TABLE]
    if found := lookup("allow_writes"):
        try:
            values["allow_writes"] = bool(parse_bool(found[0]))
        except ValueError:
            raise ConfigError(
                f"{found[1]} must be true or false (also 1/0, yes/no), got {found[0]!r}"
            ) from None
    if found := lookup("cache_dir"):
        values["cache_dir"] = Path(str(found[0])).expanduser()
    if found := lookup("mcp_token"):
        values["mcp_token"] = SecretStr(str(found[0]).strip())
    if found := lookup("settle_days"):
        values["settle_days"] = _settle_days(found[0], found[1])
    if found := lookup("cache_url"):
        values["cache_url"] = SecretStr(_cache_url(str(found[0]), found[1]))
    if found := lookup("tenants"):
        values["tenants"] = SecretStr(str(found[0]).strip())
    env_key = env.get(ENV_VARS["tenants_key"], "").strip()
    if env_key:
        values["tenants_key"] = SecretStr(env_key)
    if found := lookup("agent_model"):
        values["agent_model"] = _model_name(found[0], found[1])
    if found := lookup("agent_max_rounds"):
        values["agent_max_rounds"] = _whole_number(found[0], found[1], 1, 50)
    if found := lookup("agent_token_budget"):
        values["agent_token_budget"] = _whole_number(found[0], found[1], 1000, 10_000_000)
    if found := lookup("agent_timeout"):
        values["agent_timeout"] = _seconds(found[0], found[1])
    if found := lookup("bot_allow"):
        values["bot_allow"] = _id_list(found[0], found[1])
    if found := lookup("deadline_seconds"):
        values["deadline_seconds"] = _number(found[0], found[1], DEADLINE_RANGE, "seconds")
    if found := lookup("mcp_max_sessions"):
        values["mcp_max_sessions"] = int(_number(found[0], found[1], MCP_MAX_SESSIONS_RANGE, "sessions",
                                                 whole=True))
    if found := lookup("mcp_session_idle_seconds"):
        values["mcp_session_idle_seconds"] = _number(found[0], found[1], MCP_SESSION_IDLE_RANGE, "seconds")
    return Settings(**values)


def _number(
    value: Any, source: str, bounds: tuple[float, float], unit: str, *, whole: bool = False
) -> float:
    low, high = bounds
    text = str(value).strip()
    try:
        number = float(text) if not isinstance(value, bool) else math.nan
    except ValueError:
        number = math.nan
    if not (low <= number <= high) or (whole and not number.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{source} must be {kind} of {unit} from {low:g} to {high:g}, got {text!r}")
    return number


def _settle_days(value: Any, source: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_SETTLE_DAYS:
        raise ConfigError(
            f"{source} must be a whole number of days from 0 to {MAX_SETTLE_DAYS}, got {text!r}"
        )
    return int(text)


def _cache_url(value: str, source: str) -> str:
    text = value.strip()
    if not text.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{source} must be a PostgreSQL URL such as postgresql://user@host:5432/dbname (the file cache "
            "needs no URL: set PARTNERBOOST_CACHE_DIR instead)"
        )
    return text
def _whole_number(value: Any, source: str, low: int, high: int) -> int:
    text = str(value).strip().replace("_", "")
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(f"{source} must be a whole number from {low} to {high}, got {str(value)!r}")
    return int(text)


def _seconds(value: Any, source: str) -> float:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ConfigError(f"{source} must be a number of seconds above 0 and at most 3600, "
                          f"got {str(value)!r}")
    return seconds


def _model_name(value: Any, source: str) -> str:
    text = str(value).strip()
    if not text or len(text) > 100 or any(ch.isspace() for ch in text) or not text.isprintable():
        raise ConfigError(f"{source} must be a Claude model name such as {DEFAULT_AGENT_MODEL}, got {text!r}")
    return text


def _id_list(value: Any, source: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    ids = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    bad = [item for item in ids if any(ch.isspace() for ch in item) or not item.isprintable()]
    if bad:
        raise ConfigError(f"{source} must list chat or user ids separated by commas, got {bad[0]!r}")
    return ids
