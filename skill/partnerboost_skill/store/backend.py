"""The storage interface every cache backend implements (a SQLite file per account, PostgreSQL for replicas).

A backend stores bytes for one account; it knows nothing about orders, settling or PartnerBoost. The sync
logic (orders.py, listings.py) is written once against this interface:

- order days: one row per UTC day (`day` = days since 1970-01-01) holding that day's encoded orders, the time
  it was fetched and last checked, its row count and a checksum of the bytes (written by the backend on save,
  verified by the sync logic on read: a day whose bytes no longer match is refetched);
- listings: one row per query key holding the records as JSON bytes, with the same checksum;
- events: records pushed to us (e.g. OpenPartner webhooks), kept per platform and kind, once per event id;
- claims: `try_claim(days)` takes the right to fetch those days, across processes (a PostgreSQL advisory lock,
  a byte-range lock on a file); a process that dies releases its claims.

Every method is synchronous (callers run them in a worker thread) and raises only `StoreUnavailable`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from partnerboost_skill.config import DEFAULT_BASE_URL, Credentials

Problem = Literal["locked", "damaged", "unusable"]


class StoreUnavailable(Exception):
    """The cache cannot be used right now. `kind` says why; `reason` is a short plain phrase for an answer's
    note; `detail` is the database's own words (for the log, never for an answer)."""

    def __init__(self, kind: Problem, detail: str, reason: str | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: Problem = kind
        self.detail = detail
        self.reason = reason or _REASONS[kind]


_REASONS: dict[Problem, str] = {
    "locked": "it is locked by another process",
    "damaged": "it is damaged",
    "unusable": "it cannot be opened or written",
}


def checksum(body: bytes) -> str:
    """What a stored body is checked against when it is read back (SHA-256, hex)."""
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class DayInfo:
    day: int
    fetched_at: int
    checked_at: int
    rows: int


@dataclass(frozen=True)
class StoredBody:
    body: bytes
    checksum: str

    @property
    def intact(self) -> bool:
        return checksum(self.body) == self.checksum


@dataclass(frozen=True)
class Listing:
    fetched_at: int
    range_end: int | None
    total: int | None
    body: bytes
    checksum: str

    @property
    def intact(self) -> bool:
        return checksum(self.body) == self.checksum


@dataclass(frozen=True)
class Event:
    """A record pushed to us by a platform (a webhook): stored once per (platform, kind, event_id)."""

    platform: str
    kind: str
    event_id: str
    occurred_at: int
    received_at: int
    body: bytes


class Claim(Protocol):
    """The right to fetch some days of an account; `release()` gives it back (idempotent)."""

    def release(self) -> None: ...


class CacheBackend(Protocol):
    """One account's cache (see the module docstring)."""

    generation: int
    """How many times the store was rebuilt (a damaged store is rebuilt once per question)."""

    @property
    def label(self) -> str: ...

    @property
    def rebuilt_note(self) -> str:
        """Where the damaged data went when the store was last rebuilt ('' when nothing was kept)."""
        ...

    def close(self) -> None: ...

    def rebuild(self, seen: int | None = None) -> None:
        """Start empty after damage; `seen`: the generation the caller found damaged (skip if it moved)."""
        ...

    # orders by day
    def order_days(self, first: int, last: int) -> dict[int, DayInfo]: ...

    def order_bodies(self, days: Iterable[int]) -> dict[int, StoredBody]: ...

    def save_order_days(self, bodies: dict[int, tuple[int, bytes]], fetched_at: int) -> None:
        """Replace the given days (day → (rows, encoded orders)) in one transaction."""
        ...

    def mark_checked(self, days: Iterable[int], checked_at: int) -> None: ...

    def forget_days(self, days: Iterable[int]) -> None: ...

    def days_holding(self, needle: bytes) -> list[int]:
        """Days whose stored orders contain these exact bytes (e.g. a JSON-quoted order id)."""
        ...

    # listings by query
    def listing(self, key: str) -> Listing | None: ...

    def save_listing(
        self, key: str, tool_name: str, *, range_end: int | None, fetched_at: int, total: int | None,
        body: bytes,
    ) -> None: ...

    def forget_listings(self, tool_names: Iterable[str] | None = None) -> None: ...

    # events pushed to us
    def record_event(self, event: Event) -> bool:
        """Store the event unless one with its (platform, kind, event_id) is stored; True when it was new."""
        ...

    def events(self, platform: str, kind: str, since: int = 0) -> list[Event]:
        """The stored events of a platform and kind that occurred at or after `since`, oldest first."""
        ...

    # claims across processes
    def try_claim(self, days: list[int]) -> Claim | None:
        """The right to fetch these days, or None when another process holds any of them."""
        ...


def account_key(credentials: Credentials, base_url: str = DEFAULT_BASE_URL, namespace: str = "") -> str:
    """The name an account's cache goes by: its merchant credentials' fingerprint (or, without a merchant key,
    the fingerprint of all its credentials), plus a hash of the API address when it is not PartnerBoost's own;
    `namespace` (a hosted tenant's id) keeps tenants apart even when they share credentials."""
    fingerprint = (
        credentials.fingerprint("merchant")
        if credentials.has_family("merchant")
        else credentials.fingerprint()
    )
    name = f"account-{fingerprint}"
    base = base_url.rstrip("/")
    if base != DEFAULT_BASE_URL:
        name += "-" + hashlib.sha256(base.encode()).hexdigest()[:8]
    return f"{namespace}/{name}" if namespace else name
