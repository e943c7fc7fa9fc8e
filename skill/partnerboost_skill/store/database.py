"""The SQLite file of one account: orders by UTC day, listings by query, each with the time it was fetched.

One file per account under the cache directory, named by a hash of the account's credentials (never the
credentials) and of the API address. Everything is written in WAL mode, so one process can read while another
writes. Every failure surfaces as `StoreUnavailable` with a kind: "locked" (another process holds the file),
"damaged" (not a database, or a malformed one: the caller may `rebuild()`), or "unusable" (cannot be opened
or written at all). The cache only ever holds copies of API data, so rebuilding it loses nothing.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from partnerboost_skill.config import DEFAULT_BASE_URL, Credentials

SCHEMA_VERSION = "1"
IN_MEMORY = ":memory:"
DEFAULT_LOCK_TIMEOUT = 2.0
"""Seconds to wait for another process's write to finish before answering without the cache."""

Problem = Literal["locked", "damaged", "unusable"]
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS order_days (
    day INTEGER PRIMARY KEY,
    fetched_at INTEGER NOT NULL,
    checked_at INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS listings (
    key TEXT PRIMARY KEY,
    tool_name TEXT NOT NULL,
    range_end INTEGER,
    fetched_at INTEGER NOT NULL,
    total INTEGER,
    body BLOB NOT NULL
);
"""


class StoreUnavailable(Exception):
    """The cache file cannot be used right now; `kind` says why, `detail` is SQLite's own words."""

    def __init__(self, kind: Problem, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: Problem = kind
        self.detail = detail


@dataclass(frozen=True)
class DayInfo:
    day: int
    fetched_at: int
    checked_at: int
    rows: int


@dataclass(frozen=True)
class Listing:
    fetched_at: int
    range_end: int | None
    total: int | None
    body: bytes


def account_file(cache_dir: Path, credentials: Credentials, base_url: str = DEFAULT_BASE_URL) -> Path:
    """The cache file of an account: its merchant credentials' fingerprint (or, without a merchant key, the
    fingerprint of all its credentials), plus a hash of the API address when it is not PartnerBoost's own."""
    fingerprint = (
        credentials.fingerprint("merchant")
        if credentials.has_family("merchant")
        else (credentials.fingerprint())
    )
    name = f"account-{fingerprint}"
    base = base_url.rstrip("/")
    if base != DEFAULT_BASE_URL:
        name += "-" + hashlib.sha256(base.encode()).hexdigest()[:8]
    return Path(cache_dir).expanduser() / f"{name}.sqlite3"


def _classify(error: sqlite3.Error) -> Problem:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if isinstance(error, sqlite3.OperationalError) and not (
        "no such table" in text or "no such column" in text or "malformed" in text
    ):
        return "unusable"
    return "damaged"


class AccountStore:
    """Access to one cache file (or an in-memory database with `IN_MEMORY`). Thread-safe; opened lazily."""

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path if path == IN_MEMORY else Path(path)
        self.lock_timeout = lock_timeout
        self._db: sqlite3.Connection | None = None
        self._mutex = threading.Lock()
        self.rebuilt_from: Path | None = None
        """Where a damaged file was moved when the store was rebuilt."""
        self.generation = 0
        """How many times the file was rebuilt."""

    @property
    def label(self) -> str:
        return "memory" if self.path == IN_MEMORY else str(self.path)

    # ---------------------------------------------------------------------------------------- lifecycle
    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        target = str(self.path)
        if isinstance(self.path, Path):
            # orders carry customer ids: the cache is readable by its owner only (SQLite gives its -wal and
            # -shm files the database file's permissions)
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(target, timeout=self.lock_timeout, isolation_level=None, check_same_thread=False)
        try:
            if isinstance(self.path, Path):
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                db.executescript("DELETE FROM order_days; DELETE FROM listings;")
                db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        with self._mutex:
            try:
                return job(self._open())
            except sqlite3.Error as error:
                raise StoreUnavailable(_classify(error), str(error)) from None
            except OSError as error:
                raise StoreUnavailable("unusable", error.strerror or str(error)) from None

    def close(self) -> None:
        with self._mutex:
            if self._db is not None:
                self._db.close()
                self._db = None

    def rebuild(self, seen: int | None = None) -> None:
        """Move a damaged file aside (as `<name>.damaged`, replacing an older one) and start an empty one.

        `seen` is the `generation` the caller found damaged: when another caller has rebuilt the file since,
        the new file is kept.
        """
        with self._mutex:
            if seen is not None and seen != self.generation:
                return
            self.generation += 1
            if self._db is not None:
                self._db.close()
                self._db = None
            if not isinstance(self.path, Path):
                return
            aside = self.path.with_name(self.path.name + ".damaged")
            try:
                if self.path.exists():
                    self.path.replace(aside)
                    self.rebuilt_from = aside
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            except OSError as error:
                raise StoreUnavailable("unusable", error.strerror or str(error)) from None

    # ------------------------------------------------------------------------------------------- orders
    def order_days(self, first: int, last: int) -> dict[int, DayInfo]:
        def job(db: sqlite3.Connection) -> dict[int, DayInfo]:
            rows = db.execute(
                "SELECT day, fetched_at, checked_at, rows FROM order_days WHERE day BETWEEN ? AND ?",
                (first, last),
            ).fetchall()
            return {int(r[0]): DayInfo(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows}

        return self._run(job)

    def order_bodies(self, days: Iterable[int]) -> dict[int, bytes]:
        wanted = sorted(set(days))

        def job(db: sqlite3.Connection) -> dict[int, bytes]:
            found: dict[int, bytes] = {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for day, body in db.execute(
                    f"SELECT day, body FROM order_days WHERE day IN ({marks})", chunk
                ):
                    found[int(day)] = bytes(body)
            return found

        return self._run(job)

    def save_order_days(self, bodies: dict[int, tuple[int, bytes]], fetched_at: int) -> None:
        """Replace the given days: day → (rows, encoded orders)."""

        def job(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO order_days (day, fetched_at, checked_at, rows, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(day, fetched_at, fetched_at, rows, body) for day, (rows, body) in bodies.items()],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        self._run(job)

    def mark_checked(self, days: Iterable[int], checked_at: int) -> None:
        chosen = [(checked_at, day) for day in days]

        def job(db: sqlite3.Connection) -> None:
            db.executemany("UPDATE order_days SET checked_at = ? WHERE day = ?", chosen)

        self._run(job)

    def forget_days(self, days: Iterable[int]) -> None:
        chosen = [(day,) for day in days]

        def job(db: sqlite3.Connection) -> None:
            db.executemany("DELETE FROM order_days WHERE day = ?", chosen)

        self._run(job)

    def days_holding(self, needle: bytes) -> list[int]:
        """Days whose stored orders contain these exact bytes (e.g. a JSON-quoted order id)."""

        def job(db: sqlite3.Connection) -> list[int]:
            return [
                int(r[0])
                for r in db.execute("SELECT day FROM order_days WHERE instr(body, ?) > 0", (needle,))
            ]

        return self._run(job)

    # ----------------------------------------------------------------------------------------- listings
    def listing(self, key: str) -> Listing | None:
        def job(db: sqlite3.Connection) -> Listing | None:
            row = db.execute(
                "SELECT fetched_at, range_end, total, body FROM listings WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            return Listing(
                int(row[0]),
                None if row[1] is None else int(row[1]),
                None if row[2] is None else int(row[2]),
                bytes(row[3]),
            )

        return self._run(job)

    def save_listing(
        self,
        key: str,
        tool_name: str,
        *,
        range_end: int | None,
        fetched_at: int,
        total: int | None,
        body: bytes,
    ) -> None:
        def job(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO listings (key, tool_name, range_end, fetched_at, total, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, tool_name, range_end, fetched_at, total, body),
            )

        self._run(job)

    def forget_listings(self, tool_names: Iterable[str] | None = None) -> None:
        names = None if tool_names is None else [(name,) for name in tool_names]

        def job(db: sqlite3.Connection) -> None:
            if names is None:
                db.execute("DELETE FROM listings")
            else:
                db.executemany("DELETE FROM listings WHERE tool_name = ?", names)

        self._run(job)
