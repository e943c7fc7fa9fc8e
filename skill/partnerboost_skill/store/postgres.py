"""The PostgreSQL backend: one database shared by every replica (`PARTNERBOOST_CACHE_URL=postgresql://…`).

Same semantics as the SQLite file (store.backend.CacheBackend), with every row keyed by its account. The
program creates and migrates the schema itself: `partnerboost_schema` records the applied versions, and a
migration runs under a transaction-level advisory lock so replicas starting together apply it once.

Claims to fetch days are session-level advisory locks `(account hash, day)` held on one connection per
process and database: a replica that dies (even by kill -9) drops its connection and PostgreSQL frees its
claims. Saves are one transaction per chunk of days, so what a killed replica had saved is complete and what
it had not is simply fetched by the next question.

Connections come from a `psycopg_pool.ConnectionPool` per URL and process (psycopg 3's own pool: it checks,
replaces and bounds connections better than a hand-made queue).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from partnerboost_skill.store.backend import (
    DayInfo,
    Event,
    Listing,
    StoredBody,
    StoreUnavailable,
    checksum,
)
from partnerboost_skill.store.claims import LocalClaim, claim_locally

T = TypeVar("T")
logger = logging.getLogger("partnerboost.store")

POOL_SIZE = 8
"""Connections per process and database for queries (claims use one more of their own)."""
CONNECT_TIMEOUT = 5.0
STATEMENT_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 0x5042_0001  # advisory lock key taken while migrating ("PB" 1)

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE IF NOT EXISTS pb_order_days (
            account TEXT NOT NULL,
            day INTEGER NOT NULL,
            fetched_at BIGINT NOT NULL,
            checked_at BIGINT NOT NULL,
            rows INTEGER NOT NULL,
            checksum TEXT NOT NULL,
            body BYTEA NOT NULL,
            PRIMARY KEY (account, day)
        );
        CREATE TABLE IF NOT EXISTS pb_listings (
            account TEXT NOT NULL,
            key TEXT NOT NULL,
            tool_name TEXT NOT NULL,
            range_end BIGINT,
            fetched_at BIGINT NOT NULL,
            total BIGINT,
            checksum TEXT NOT NULL,
            body BYTEA NOT NULL,
            PRIMARY KEY (account, key)
        );
        CREATE TABLE IF NOT EXISTS pb_events (
            account TEXT NOT NULL,
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            event_id TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            body BYTEA NOT NULL,
            PRIMARY KEY (account, platform, kind, event_id)
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE IF NOT EXISTS pb_tenants (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            token_sha256 TEXT NOT NULL,
            secrets BYTEA NOT NULL,
            variables TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT
        );
        CREATE INDEX IF NOT EXISTS pb_events_time ON pb_events (account, platform, kind, occurred_at);
        """,
    ),
    (
        3,
        """
        -- stored orders carry is_valid and read_problems: the copies of the old shape are fetched again
        DELETE FROM pb_order_days;
        """,
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError:
        raise StoreUnavailable(
            "unusable",
            "psycopg is not installed",
            "PostgreSQL support is not installed (pip install 'partnerboost-skill[hosted]')",
        ) from None
    return psycopg, psycopg_pool


def _unavailable(error: Exception) -> StoreUnavailable:
    psycopg, psycopg_pool = _psycopg()
    errors = psycopg.errors
    if isinstance(error, errors.LockNotAvailable | errors.QueryCanceled | psycopg_pool.PoolTimeout):
        return StoreUnavailable("locked", str(error), "the database is busy")
    if isinstance(error, errors.UndefinedTable | errors.UndefinedColumn):
        return StoreUnavailable("damaged", str(error), "the database schema is incomplete")
    if isinstance(error, psycopg.OperationalError):
        return StoreUnavailable("unusable", str(error), "the database cannot be reached")
    return StoreUnavailable("unusable", str(error), "the database refused the request")


class PostgresDatabase:
    """One PostgreSQL database: a connection pool, the schema, and the process's claims connection."""

    _open: dict[str, PostgresDatabase] = {}  # noqa: RUF012 (one per URL and process)
    _registry_guard = threading.Lock()

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.pool_size = pool_size
        self._pool: Any = None
        self._claims: Any = None
        self._guard = threading.Lock()
        self._claims_guard = threading.Lock()

    @classmethod
    def at(cls, url: str) -> PostgresDatabase:
        with cls._registry_guard:
            found = cls._open.get(url)
            if found is None:
                found = cls._open[url] = cls(url)
            return found

    @classmethod
    def close_all(cls) -> None:
        with cls._registry_guard:
            databases, cls._open = list(cls._open.values()), {}
        for database in databases:
            database.close()

    def _options(self) -> dict[str, Any]:
        return {
            "autocommit": True,
            "connect_timeout": int(CONNECT_TIMEOUT),
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            "application_name": "partnerboost",
        }

    def pool(self) -> Any:
        with self._guard:
            if self._pool is None:
                psycopg, psycopg_pool = _psycopg()
                try:
                    self.migrate()
                    pool = psycopg_pool.ConnectionPool(
                        self.url, min_size=1, max_size=self.pool_size, kwargs=self._options(),
                        timeout=CONNECT_TIMEOUT * 2, open=False, name="partnerboost",
                    )
                    pool.open(wait=True, timeout=CONNECT_TIMEOUT * 2)
                except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
                    raise _unavailable(error) from None
                self._pool = pool
            return self._pool

    def migrate(self) -> int:
        """Apply the migrations this database lacks; the schema version afterwards."""
        psycopg, _ = _psycopg()
        with psycopg.connect(self.url, **self._options()) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s::bigint)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS partnerboost_schema "
                "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            applied = {row[0] for row in conn.execute("SELECT version FROM partnerboost_schema")}
            for version, script in MIGRATIONS:
                if version not in applied:
                    conn.execute(script)
                    conn.execute("INSERT INTO partnerboost_schema (version) VALUES (%s)", (version,))
            return max(applied | {version for version, _ in MIGRATIONS})

    def run(self, job: Callable[[Any], T]) -> T:
        psycopg, psycopg_pool = _psycopg()
        try:
            with self.pool().connection() as conn:
                return job(conn)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
            logger.warning("cache database: %s", error)
            raise _unavailable(error) from None

    def claim(self, key: int, days: list[int]) -> bool:
        """Take the advisory locks (key, day) for every day on the claims connection, or none of them."""
        psycopg, _ = _psycopg()
        with self._claims_guard:
            try:
                conn = self._claims_connection()
                got = conn.execute(
                    "SELECT array_agg(d) FROM unnest(%s::int[]) AS d WHERE pg_try_advisory_lock(%s::int4, d)",
                    (days, key),
                ).fetchone()[0] or []
                if len(got) == len(days):
                    return True
                if got:
                    conn.execute(
                        "SELECT pg_advisory_unlock(%s::int4, d) FROM unnest(%s::int[]) AS d", (key, got)
                    )
                return False
            except psycopg.Error as error:
                self._drop_claims_connection()
                raise _unavailable(error) from None

    def unclaim(self, key: int, days: list[int]) -> None:
        psycopg, _ = _psycopg()
        with self._claims_guard:
            if self._claims is None:
                return  # the connection that held them is gone, and its locks with it
            try:
                self._claims.execute(
                    "SELECT pg_advisory_unlock(%s::int4, d) FROM unnest(%s::int[]) AS d", (key, days)
                )
            except psycopg.Error:
                self._drop_claims_connection()

    def _claims_connection(self) -> Any:
        psycopg, _ = _psycopg()
        if self._claims is None or self._claims.closed:
            self.pool()  # the schema exists before anything is claimed
            self._claims = psycopg.connect(self.url, **self._options())
        return self._claims

    def _drop_claims_connection(self) -> None:
        if self._claims is not None:
            try:
                self._claims.close()
            finally:
                self._claims = None

    def close(self) -> None:
        with self._guard:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        with self._claims_guard:
            self._drop_claims_connection()


def lock_key(account: str) -> int:
    """A signed 32-bit number for the account (advisory locks take two int4 keys: account, day)."""
    return int.from_bytes(hashlib.sha256(account.encode()).digest()[:4], "big", signed=True)


class PostgresStore:
    """One account's rows in a shared PostgreSQL database (store.backend.CacheBackend)."""

    def __init__(self, database: PostgresDatabase, account: str) -> None:
        self.database = database
        self.account = account
        self.generation = 0
        self._key = lock_key(account)

    @property
    def label(self) -> str:
        return f"postgresql:{self.account}"

    @property
    def rebuilt_note(self) -> str:
        return ""

    def close(self) -> None:
        """The pool is shared by every account of the process; nothing to close per account."""

    def rebuild(self, seen: int | None = None) -> None:
        if seen is not None and seen != self.generation:
            return
        self.generation += 1
        psycopg, _ = _psycopg()
        try:
            self.database.migrate()
        except psycopg.Error as error:
            raise _unavailable(error) from None

    def _run(self, job: Callable[[Any], T]) -> T:
        return self.database.run(job)

    # ------------------------------------------------------------------------------------------- orders
    def order_days(self, first: int, last: int) -> dict[int, DayInfo]:
        def job(conn: Any) -> dict[int, DayInfo]:
            rows = conn.execute(
                "SELECT day, fetched_at, checked_at, rows FROM pb_order_days "
                "WHERE account = %s AND day BETWEEN %s AND %s",
                (self.account, first, last),
            ).fetchall()
            return {int(r[0]): DayInfo(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows}

        return self._run(job)

    def order_bodies(self, days: Iterable[int]) -> dict[int, StoredBody]:
        wanted = sorted(set(days))

        def job(conn: Any) -> dict[int, StoredBody]:
            rows = conn.execute(
                "SELECT day, body, checksum FROM pb_order_days WHERE account = %s AND day = ANY(%s)",
                (self.account, wanted),
            ).fetchall()
            return {int(r[0]): StoredBody(bytes(r[1]), str(r[2])) for r in rows}

        return self._run(job)

    def save_order_days(self, bodies: dict[int, tuple[int, bytes]], fetched_at: int) -> None:
        rows = [
            (self.account, day, fetched_at, fetched_at, count, checksum(body), body)
            for day, (count, body) in bodies.items()
        ]

        def job(conn: Any) -> None:
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO pb_order_days (account, day, fetched_at, checked_at, rows, checksum, body) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (account, day) DO UPDATE SET "
                    "fetched_at = EXCLUDED.fetched_at, checked_at = EXCLUDED.checked_at, "
                    "rows = EXCLUDED.rows, "
                    "checksum = EXCLUDED.checksum, body = EXCLUDED.body",
                    rows,
                )

        self._run(job)

    def mark_checked(self, days: Iterable[int], checked_at: int) -> None:
        chosen = list(days)

        def job(conn: Any) -> None:
            conn.execute(
                "UPDATE pb_order_days SET checked_at = %s WHERE account = %s AND day = ANY(%s)",
                (checked_at, self.account, chosen),
            )

        self._run(job)

    def forget_days(self, days: Iterable[int]) -> None:
        chosen = list(days)

        def job(conn: Any) -> None:
            conn.execute(
                "DELETE FROM pb_order_days WHERE account = %s AND day = ANY(%s)", (self.account, chosen)
            )

        self._run(job)

    def days_holding(self, needle: bytes) -> list[int]:
        def job(conn: Any) -> list[int]:
            rows = conn.execute(
                "SELECT day FROM pb_order_days WHERE account = %s AND position(%s::bytea IN body) > 0",
                (self.account, needle),
            ).fetchall()
            return [int(r[0]) for r in rows]

        return self._run(job)

    # ----------------------------------------------------------------------------------------- listings
    def listing(self, key: str) -> Listing | None:
        def job(conn: Any) -> Listing | None:
            row = conn.execute(
                "SELECT fetched_at, range_end, total, body, checksum FROM pb_listings "
                "WHERE account = %s AND key = %s",
                (self.account, key),
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
        def job(conn: Any) -> None:
            conn.execute(
                "INSERT INTO pb_listings "
                "(account, key, tool_name, range_end, fetched_at, total, checksum, body) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (account, key) DO UPDATE SET "
                "tool_name = EXCLUDED.tool_name, range_end = EXCLUDED.range_end, "
                "fetched_at = EXCLUDED.fetched_at, total = EXCLUDED.total, checksum = EXCLUDED.checksum, "
                "body = EXCLUDED.body",
                (self.account, key, tool_name, range_end, fetched_at, total, checksum(body), body),
            )

        self._run(job)

    def forget_listings(self, tool_names: Iterable[str] | None = None) -> None:
        names = None if tool_names is None else list(tool_names)

        def job(conn: Any) -> None:
            if names is None:
                conn.execute("DELETE FROM pb_listings WHERE account = %s", (self.account,))
            else:
                conn.execute(
                    "DELETE FROM pb_listings WHERE account = %s AND tool_name = ANY(%s)",
                    (self.account, names),
                )

        self._run(job)

    # ------------------------------------------------------------------------------------------- events
    def record_event(self, event: Event) -> bool:
        def job(conn: Any) -> bool:
            cursor = conn.execute(
                "INSERT INTO pb_events (account, platform, kind, event_id, occurred_at, received_at, body) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.account, event.platform, event.kind, event.event_id, event.occurred_at,
                 event.received_at, event.body),
            )
            return bool(cursor.rowcount == 1)

        return self._run(job)

    def events(self, platform: str, kind: str, since: int = 0) -> list[Event]:
        def job(conn: Any) -> list[Event]:
            rows = conn.execute(
                "SELECT event_id, occurred_at, received_at, body FROM pb_events WHERE account = %s "
                "AND platform = %s AND kind = %s AND occurred_at >= %s ORDER BY occurred_at, event_id",
                (self.account, platform, kind, since),
            ).fetchall()
            return [Event(platform, kind, str(r[0]), int(r[1]), int(r[2]), bytes(r[3])) for r in rows]

        return self._run(job)

    # ------------------------------------------------------------------------------------------- claims
    def try_claim(self, days: list[int]) -> LocalClaim | None:
        local = claim_locally(f"{id(self.database)}:{self.account}", days)
        if local is None:
            return None
        try:
            held = self.database.claim(self._key, days)
        except BaseException:
            local.release()
            raise
        if not held:
            local.release()
            return None
        chosen = list(days)
        local.on_release(lambda: self.database.unclaim(self._key, chosen))
        return local
