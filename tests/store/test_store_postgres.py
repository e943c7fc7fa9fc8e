"""The PostgreSQL backend on a real server: the schema it creates and migrates, the same cache semantics as
the SQLite file (settled days, checks, checksums), accounts kept apart, claims across connections, events."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from store_support import LIST4, NOW, STATS, Sandbox, caching, flip_first_amount, without_notes

from partnerboost_skill import answers
from partnerboost_skill.config import ConfigError, Credentials, Settings, load_settings
from partnerboost_skill.store import open_backend
from partnerboost_skill.store.backend import Event
from partnerboost_skill.store.postgres import MIGRATIONS, SCHEMA_VERSION, PostgresDatabase, PostgresStore
from partnerboost_tools.merchant import MerchantListTransactions

JUNE = MerchantListTransactions(
    trans_time_start=datetime(2026, 6, 1, tzinfo=UTC),
    trans_time_end=datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC),
)


def store_on(url: str, account: str = "account-test") -> PostgresStore:
    return PostgresStore(PostgresDatabase.at(url), account)


def test_the_schema_is_created_then_migrated_from_an_older_version(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # a database left at version 1
        conn.execute("CREATE TABLE partnerboost_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)")
        conn.execute(MIGRATIONS[0][1])
        conn.execute("INSERT INTO partnerboost_schema VALUES (1, now())")
        assert conn.execute("SELECT to_regclass('pb_tenants')").fetchone()[0] is None
    database = PostgresDatabase(postgres_url)
    assert database.migrate() == SCHEMA_VERSION == 3
    assert database.migrate() == 3  # idempotent
    with psycopg.connect(postgres_url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM partnerboost_schema ORDER BY version")]
        assert versions == [1, 2, 3]
        assert conn.execute("SELECT to_regclass('pb_tenants')").fetchone()[0] == "pb_tenants"
    database.close()


@pytest.mark.anyio
async def test_a_review_is_cached_checked_and_served_as_with_the_file(world, tmp_path, postgres_url):
    sandbox = Sandbox.over(world)
    async with sandbox.client() as plain:
        fresh = await answers.review(plain, now=NOW)
    async with caching(sandbox, tmp_path, store=store_on(postgres_url)) as client:
        cold = await answers.review(client, now=NOW)
    assert cold.complete and without_notes(cold) == without_notes(fresh)
    cold_list4 = sandbox.app.paths[LIST4]

    sandbox.app.paths.clear()
    async with caching(sandbox, tmp_path, store=store_on(postgres_url)) as client:
        warm = await answers.review(client, now=NOW)
    assert without_notes(warm) == without_notes(fresh)
    assert any("from the local cache (settled" in note for note in warm.notes)
    assert any("checked live" in note for note in warm.notes)
    assert sandbox.app.paths[LIST4] == 0 < cold_list4  # nothing changed upstream: checked, not refetched
    assert sandbox.app.paths[STATS] > 0
    assert not list(tmp_path.iterdir())  # no file cache was written


@pytest.mark.anyio
async def test_a_flipped_bit_in_postgres_is_caught_by_the_checksum(world, tmp_path, postgres_url):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path, store=store_on(postgres_url)) as client:
        await answers.review(client, now=NOW)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        day, body = conn.execute(
            "SELECT day, body FROM pb_order_days WHERE rows > 0 ORDER BY day LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE pb_order_days SET body = %s WHERE day = %s", (flip_first_amount(body), day))
    async with caching(sandbox, tmp_path, store=store_on(postgres_url)) as client:
        answer = await answers.review(client, now=NOW)
    async with sandbox.client() as plain:
        assert without_notes(answer) == without_notes(await answers.review(plain, now=NOW))
    assert any("checksum" in note and "refetched" in note for note in answer.notes)


@pytest.mark.anyio
async def test_two_accounts_in_one_database_never_see_each_others_rows(world, tmp_path, postgres_url):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path, store=store_on(postgres_url, "tenant-a/account-1")) as client:
        mine = await client.fetch_orders_frame(JUNE)
    assert len(mine.frame) > 100
    other = store_on(postgres_url, "tenant-b/account-1")
    assert other.order_days(0, 10**6) == {}
    assert other.listing("anything") is None
    assert store_on(postgres_url, "tenant-a/account-1").order_days(0, 10**6)


def test_claims_exclude_other_connections_and_die_with_theirs(postgres_url):
    replica_one, replica_two = PostgresDatabase(postgres_url), PostgresDatabase(postgres_url)
    first = PostgresStore(replica_one, "account-x")
    second = PostgresStore(replica_two, "account-x")
    elsewhere = PostgresStore(replica_two, "account-y")
    claim = first.try_claim([100, 101, 102])
    assert claim is not None
    assert second.try_claim([102, 103]) is None
    partial = second.try_claim([103, 104])  # the refused claim left nothing held
    other = elsewhere.try_claim([100])  # another account's days are its own
    claim.release()
    again = second.try_claim([102])
    for held in (partial, other, again):
        assert held is not None
        held.release()

    held_by_one = first.try_claim([200])
    assert held_by_one is not None and second.try_claim([200]) is None
    replica_one._claims.close()  # the replica's connection dies (as when its process is killed)
    taken = second.try_claim([200])
    assert taken is not None
    taken.release()
    replica_one.close()
    replica_two.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_events_are_stored_once_per_id_and_read_back_in_order(backend, tmp_path, request):
    settings = Settings(credentials=Credentials(api_key="k-1"), cache_dir=tmp_path)
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        chosen = load_settings({"PARTNERBOOST_CACHE_URL": url}).cache_url
        settings = settings.model_copy(update={"cache_url": chosen})
    store = open_backend(settings)
    late = Event("openpartner", "commission", "c-2", 200, 300, b'{"id":"c-2"}')
    early = Event("openpartner", "commission", "c-1", 100, 300, b'{"id":"c-1"}')
    assert store.record_event(late) and store.record_event(early)
    assert not store.record_event(early)  # a webhook delivered twice is stored once
    assert store.record_event(Event("openpartner", "partner", "c-1", 100, 300, b"{}"))
    assert [e.event_id for e in store.events("openpartner", "commission")] == ["c-1", "c-2"]
    assert [e.event_id for e in store.events("openpartner", "commission", since=150)] == ["c-2"]
    assert store.events("openpartner", "commission")[0].body == b'{"id":"c-1"}'
    store.close()


def test_the_cache_url_must_be_postgresql():
    with pytest.raises(ConfigError, match="PARTNERBOOST_CACHE_URL must be a PostgreSQL URL"):
        load_settings({"PARTNERBOOST_CACHE_URL": "mysql://x@y/z", "PARTNERBOOST_CONFIG": ""})
