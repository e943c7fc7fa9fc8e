"""The SQLite backend: one file per account (the embedded default), implementing store.backend.CacheBackend.

One file per account under the cache directory, named by `account_key` (a hash of the account's credentials,
never the credentials, and of the API address). Written in WAL mode, so one process can read while another
writes. The file and its -wal/-shm companions are readable by their owner only, also when they existed before
with wider permissions. Failures surface as `StoreUnavailable`: "locked" (another process holds the file),
"damaged" (not a database, or a malformed one: `rebuild()` moves it aside), "unusable" (cannot be opened or
written). Claims to fetch days are byte-range locks on a companion `.claims` file, one byte per day.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from partnerboost_skill.config import DEFAULT_BASE_URL, Credentials
from partnerboost_skill.store.backend import (
    DayInfo,
    Event,
    Listing,
    Problem,
    StoredBody,
    StoreUnavailable,
    account_key,
    checksum,
)
from partnerboost_skill.store.claims import LocalClaim, claim_locally

SCHEMA_VERSION = "3"
"""3: stored orders carry is_valid and read_problems (a cache of another version is emptied and refilled)."""
IN_MEMORY = ":memory:"
DEFAULT_LOCK_TIMEOUT = 2.0
"""Seconds to wait for another process's write to finish before answering without the cache."""

T = TypeVar("T")
logger = logging.getLogger("partnerboost.store")

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS order_days (
    day INTEGER PRIMARY KEY,
    fetched_at INTEGER NOT NULL,
    checked_at INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS listings (
    key TEXT PRIMARY KEY,
    tool_name TEXT NOT NULL,
    range_end INTEGER,
    fetched_at INTEGER NOT NULL,
    total INTEGER,
    checksum TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    event_id TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (platform, kind, event_id)
);
"""

_COPIES = ("order_days", "listings")
"""Tables that hold only copies of API data: a schema change may drop them (they are fetched again)."""


def account_file(cache_dir: Path, credentials: Credentials, base_url: str = DEFAULT_BASE_URL) -> Path:
    """The cache file of an account (see backend.account_key)."""
    return Path(cache_dir).expanduser() / f"{account_key(credentials, base_url)}.sqlite3"


def _classify(error: sqlite3.Error) -> tuple[Problem, str]:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "locked", "it is locked by another process"
    if "readonly" in text or "read-only" in text:
        return "unusable", "the cache file is read-only"
    if "disk is full" in text:
        return "unusable", "the disk is full"
    if isinstance(error, sqlite3.OperationalError) and not (
        "no such table" in text or "no such column" in text or "malformed" in text
    ):
        return "unusable", "the cache file cannot be opened or written"
    return "damaged", "the cache file is damaged"


def _owner_only(path: Path) -> None:
    """Create `path` if missing, never through a symlink, and make it readable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_RDONLY | os.O_NOFOLLOW, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


class AccountStore:
    """One SQLite cache file (or an in-memory database with `IN_MEMORY`). Thread-safe; opened lazily."""

    def __init__(self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path if path == IN_MEMORY else Path(path)
        self.lock_timeout = lock_timeout
        self._db: sqlite3.Connection | None = None
        self._mutex = threading.Lock()
        self.rebuilt_from: Path | None = None
        """Where a damaged file was moved when the store was rebuilt."""
        self.generation = 0

    @property
    def label(self) -> str:
        return "memory" if self.path == IN_MEMORY else str(self.path)

    @property
    def rebuilt_note(self) -> str:
        return f"the old file is kept as {self.rebuilt_from.name}" if self.rebuilt_from else ""

    # ---------------------------------------------------------------------------------------- lifecycle
    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        target = str(self.path)
        if isinstance(self.path, Path):
            # orders carry customer ids: the cache is readable by its owner only
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _owner_only(self.path)
            for suffix in ("-wal", "-shm"):
                companion = Path(f"{self.path}{suffix}")
                if companion.exists():
                    _owner_only(companion)
        db = sqlite3.connect(target, timeout=self.lock_timeout, isolation_level=None, check_same_thread=False)
        try:
            if isinstance(self.path, Path):
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] != SCHEMA_VERSION:
            # an older layout of the copies (version 1 had no checksums): start them afresh
            db.executescript("".join(f"DROP TABLE IF EXISTS {table};" for table in _COPIES))
        db.executescript(_TABLES)
        if row is None or row[0] != SCHEMA_VERSION:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def _run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        with self._mutex:
            try:
                return job(self._open())
            except sqlite3.Error as error:
                kind, reason = _classify(error)
                logger.warning("cache %s: %s", self.label, error)
                raise StoreUnavailable(kind, str(error), reason) from None
            except OSError as error:
                logger.warning("cache %s: %s", self.label, error)
                reason = (
                    "the disk is full" if error.errno == errno.ENOSPC
                    else "the cache file is a symbolic link" if error.errno == errno.ELOOP
                    else "the cache file cannot be opened or written"
                )
                raise StoreUnavailable("unusable", error.strerror or str(error), reason) from None

    def close(self) -> None:
        with self._mutex:
            if self._db is not None:
                self._db.close()
                self._db = None

    def rebuild(self, seen: int | None = None) -> None:
        """Move a damaged file aside (as `<name>.damaged`, replacing an older one) and start an empty one."""
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

    def order_bodies(self, days: Iterable[int]) -> dict[int, StoredBody]:
        wanted = sorted(set(days))

        def job(db: sqlite3.Connection) -> dict[int, StoredBody]:
            found: dict[int, StoredBody] = {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for day, body, digest in db.execute(
                    f"SELECT day, body, checksum FROM order_days WHERE day IN ({marks})", chunk
                ):
                    found[int(day)] = StoredBody(bytes(body), str(digest))
            return found

        return self._run(job)

    def save_order_days(self, bodies: dict[int, tuple[int, bytes]], fetched_at: int) -> None:
        rows = [
            (day, fetched_at, fetched_at, count, checksum(body), body)
            for day, (count, body) in bodies.items()
        ]

        def job(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO order_days (day, fetched_at, checked_at, rows, checksum, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
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
                "SELECT fetched_at, range_end, total, body, checksum FROM listings WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            return Listing(
                int(row[0]),
                None if row[1] is None else int(row[1]),
                None if row[2] is None else int(row[2]),
                bytes(row[3]),
                str(row[4]),
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
                "INSERT OR REPLACE INTO listings "
                "(key, tool_name, range_end, fetched_at, total, checksum, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, tool_name, range_end, fetched_at, total, checksum(body), body),
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

    # ------------------------------------------------------------------------------------------- events
    def record_event(self, event: Event) -> bool:
        def job(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "INSERT OR IGNORE INTO events (platform, kind, event_id, occurred_at, received_at, body) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (event.platform, event.kind, event.event_id, event.occurred_at, event.received_at,
                 event.body),
            )
            return cursor.rowcount == 1

        return self._run(job)

    def events(self, platform: str, kind: str, since: int = 0) -> list[Event]:
        def job(db: sqlite3.Connection) -> list[Event]:
            rows = db.execute(
                "SELECT event_id, occurred_at, received_at, body FROM events "
                "WHERE platform = ? AND kind = ? AND occurred_at >= ? ORDER BY occurred_at, event_id",
                (platform, kind, since),
            ).fetchall()
            return [Event(platform, kind, str(r[0]), int(r[1]), int(r[2]), bytes(r[3])) for r in rows]

        return self._run(job)

    # ------------------------------------------------------------------------------------------- claims
    def try_claim(self, days: list[int]) -> LocalClaim | None:
        local = claim_locally(self.label, days)
        if local is None:
            return None
        if not isinstance(self.path, Path):
            return local
        try:
            ranges = _FileRanges.of(Path(f"{self.path}.claims"))
            if not ranges.lock(min(days), max(days) - min(days) + 1):
                local.release()
                return None
        except OSError as error:
            local.release()
            raise StoreUnavailable("unusable", error.strerror or str(error)) from None
        first, length = min(days), max(days) - min(days) + 1
        local.on_release(lambda: ranges.unlock(first, length))
        return local


class _FileRanges:
    """Byte-range locks on one claims file. POSIX record locks belong to the process and all of them on a file
    go when any descriptor of it closes, so each file keeps one descriptor open for the process's lifetime;
    claims inside the process never overlap (claims.claim_locally), so unlocking a range keeps the others."""

    _open: dict[Path, _FileRanges] = {}  # noqa: RUF012 (one registry per process)
    _guard = threading.Lock()

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def of(cls, path: Path) -> _FileRanges:
        with cls._guard:
            found = cls._open.get(path)
            if found is None:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                found = cls(os.open(path, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600))
                cls._open[path] = found
            return found

    def lock(self, start: int, length: int) -> bool:
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, os.SEEK_SET)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise
        return True

    def unlock(self, start: int, length: int) -> None:
        fcntl.lockf(self.fd, fcntl.LOCK_UN, length, start, os.SEEK_SET)
