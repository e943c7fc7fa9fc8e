"""The tenants of a hosted server: who may connect (a bearer token, stored only as its SHA-256) and with which
credentials (sealed with sealing.Sealer). Kept in a file or in the cache's PostgreSQL database (`pb_tenants`),
as PARTNERBOOST_TENANTS says; the operator manages them with `partnerboost tenants`.

Tokens are 256 random bits, so a plain SHA-256 is enough to store them (no slow hash is needed against
guessing); a presented token is hashed and compared with every active tenant's hash in constant time.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from partnerboost_skill.config import ENV_VARS, ConfigError

TOKEN_PREFIX = "pbt_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")
DATABASE_TTL = 5.0
"""Seconds a replica trusts its copy of the tenants table (a revoked token stops working within this time)."""


class TenantError(ValueError):
    """A tenant operation that cannot be done as asked; the message names what to change."""


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    token_sha256: str
    variables: tuple[str, ...]
    """The names of the settings its sealed credentials hold (never their values)."""
    created_at: int
    revoked_at: int | None
    sealed: bytes

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_tenant(
    name: str, variables: tuple[str, ...], sealed_for: Callable[[str], bytes]
) -> tuple[Tenant, str]:
    """A tenant and its bearer token (shown once; only its hash is kept)."""
    if not NAME.match(name):
        raise TenantError(
            f"tenant name {name[:70]!r} must be 1-64 letters, digits, spaces, dots, dashes or underscores"
        )
    tenant_id = "t_" + secrets.token_hex(6)
    token = new_token()
    sealed = sealed_for(tenant_id)
    tenant = Tenant(tenant_id, name, token_hash(token), variables, int(time.time()), None, sealed)
    return tenant, token


def match(tenants: list[Tenant], token: str) -> Tenant | None:
    """The active tenant whose token this is: compared with every tenant's hash, in constant time."""
    digest = token_hash(token).encode()
    found: Tenant | None = None
    for tenant in tenants:
        if hmac.compare_digest(tenant.token_sha256.encode(), digest) and tenant.active:
            found = tenant
    return found


class Registry(Protocol):
    @property
    def label(self) -> str: ...

    def all(self) -> list[Tenant]: ...

    def add(self, tenant: Tenant) -> None: ...

    def revoke(self, tenant_id: str) -> Tenant: ...

    def find(self, token: str) -> Tenant | None: ...


def open_registry(location: str) -> Registry:
    """PARTNERBOOST_TENANTS: a postgresql:// URL or a file path."""
    if location.startswith(("postgresql://", "postgres://")):
        return DatabaseRegistry(location)
    return FileRegistry(Path(location).expanduser())


# ------------------------------------------------------------------------------------------------ file
class FileRegistry:
    """A JSON file, readable by its owner only, replaced atomically under an exclusive lock on each change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._tenants: list[Tenant] = []
        self._guard = threading.Lock()

    @property
    def label(self) -> str:
        return str(self.path)

    def all(self) -> list[Tenant]:
        with self._guard:
            try:
                status = self.path.stat()
            except FileNotFoundError:
                return []
            except OSError as error:
                problem = f"{ENV_VARS['tenants']}: cannot read {self.path}: {error.strerror}"
                raise ConfigError(problem) from None
            seen = (status.st_mtime_ns, status.st_size)
            if seen != self._seen:
                self._tenants, self._seen = self._read(), seen
            return list(self._tenants)

    def find(self, token: str) -> Tenant | None:
        return match(self.all(), token)

    def add(self, tenant: Tenant) -> None:
        with self._changing() as tenants:
            if any(other.name == tenant.name and other.active for other in tenants):
                raise TenantError(f"an active tenant is already named {tenant.name!r}")
            tenants.append(tenant)

    def revoke(self, tenant_id: str) -> Tenant:
        with self._changing() as tenants:
            for index, tenant in enumerate(tenants):
                if tenant.id == tenant_id:
                    if not tenant.active:
                        raise TenantError(f"tenant {tenant_id} is already revoked")
                    tenants[index] = replace(tenant, revoked_at=int(time.time()), token_sha256="", sealed=b"")
                    return tenants[index]
        raise TenantError(f"no tenant {tenant_id[:40]!r}; `partnerboost tenants list` shows the ids")

    def _read(self) -> list[Tenant]:
        try:
            data = json.loads(self.path.read_text())
            return [_from_json(entry) for entry in data["tenants"]]
        except (ValueError, KeyError, TypeError) as error:
            raise ConfigError(f"{ENV_VARS['tenants']}: {self.path} is not a tenants file ({error})") from None

    @contextmanager
    def _changing(self) -> Iterator[list[Tenant]]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_fd = os.open(f"{self.path}.lock", os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            tenants = self._read() if self.path.exists() else []
            yield tenants
            text = json.dumps({"version": 1, "tenants": [_to_json(t) for t in tenants]}, indent=1)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        finally:
            os.close(lock_fd)
        with self._guard:
            self._seen = None


def _to_json(tenant: Tenant) -> dict[str, Any]:
    return {
        "id": tenant.id,
        "name": tenant.name,
        "token_sha256": tenant.token_sha256,
        "variables": list(tenant.variables),
        "created_at": tenant.created_at,
        "revoked_at": tenant.revoked_at,
        "secrets": base64.b64encode(tenant.sealed).decode(),
    }


def _from_json(entry: dict[str, Any]) -> Tenant:
    return Tenant(
        str(entry["id"]),
        str(entry["name"]),
        str(entry["token_sha256"]),
        tuple(str(name) for name in entry["variables"]),
        int(entry["created_at"]),
        None if entry["revoked_at"] is None else int(entry["revoked_at"]),
        base64.b64decode(entry["secrets"]),
    )


# -------------------------------------------------------------------------------------------- database
class DatabaseRegistry:
    """The `pb_tenants` table of a PostgreSQL database (the cache's, usually): every replica sees a change
    within DATABASE_TTL seconds."""

    def __init__(self, url: str) -> None:
        from partnerboost_skill.store.postgres import PostgresDatabase

        self.database = PostgresDatabase.at(url)
        self._cached: tuple[float, list[Tenant]] | None = None
        self._guard = threading.Lock()

    @property
    def label(self) -> str:
        return "the pb_tenants table of the PostgreSQL database"

    def _query(self, job: Callable[[Any], Any]) -> Any:
        from partnerboost_skill.store.backend import StoreUnavailable

        try:
            return self.database.run(job)
        except StoreUnavailable as problem:
            raise ConfigError(f"{ENV_VARS['tenants']}: {problem.reason}") from None

    def all(self) -> list[Tenant]:
        with self._guard:
            if self._cached is not None and time.monotonic() - self._cached[0] < DATABASE_TTL:
                return list(self._cached[1])
        rows = self._query(
            lambda conn: conn.execute(
                "SELECT id, name, token_sha256, variables, created_at, revoked_at, secrets FROM pb_tenants "
                "ORDER BY created_at, id"
            ).fetchall()
        )
        tenants = [
            Tenant(r[0], r[1], r[2], tuple(json.loads(r[3])), int(r[4]), None if r[5] is None else int(r[5]),
                   bytes(r[6]))
            for r in rows
        ]
        with self._guard:
            self._cached = (time.monotonic(), tenants)
        return list(tenants)

    def find(self, token: str) -> Tenant | None:
        return match(self.all(), token)

    def add(self, tenant: Tenant) -> None:
        def job(conn: Any) -> bool:
            with conn.transaction():
                taken = conn.execute(
                    "SELECT 1 FROM pb_tenants WHERE name = %s AND revoked_at IS NULL", (tenant.name,)
                ).fetchone()
                if taken:
                    return False
                conn.execute(
                    "INSERT INTO pb_tenants "
                    "(id, name, token_sha256, secrets, variables, created_at, revoked_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, NULL)",
                    (tenant.id, tenant.name, tenant.token_sha256, tenant.sealed, json.dumps(tenant.variables),
                     tenant.created_at),
                )
                return True

        if not self._query(job):
            raise TenantError(f"an active tenant is already named {tenant.name!r}")
        self._cached = None

    def revoke(self, tenant_id: str) -> Tenant:
        row = self._query(
            lambda conn: conn.execute(
                "UPDATE pb_tenants SET revoked_at = %s, token_sha256 = '', secrets = ''::bytea "
                "WHERE id = %s AND revoked_at IS NULL RETURNING id",
                (int(time.time()), tenant_id),
            ).fetchone()
        )
        self._cached = None
        if row is None:
            raise TenantError(
                f"no active tenant {tenant_id[:40]!r}; `partnerboost tenants list` shows the ids"
            )
        return next(t for t in self.all() if t.id == tenant_id)
