"""A damaged or locked cache file never fails an answer: it is rebuilt or bypassed, and the answer says so."""

from __future__ import annotations

import sqlite3
import time

import pytest
from store_support import NOW, Sandbox, caching, store_path, without_notes

from partnerboost_skill import answers
from partnerboost_skill.store import AccountStore


async def fresh_review(sandbox: Sandbox):
    async with sandbox.client() as plain:
        return await answers.review(plain, now=NOW)


@pytest.mark.anyio
async def test_a_file_of_garbage_is_set_aside_and_rebuilt(world, tmp_path):
    sandbox = Sandbox.over(world)
    path = store_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)

    async with caching(sandbox, tmp_path) as client:
        answer = await answers.review(client, now=NOW)
    assert answer.complete
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    assert any("damaged and has been rebuilt" in note for note in answer.notes)
    aside = path.with_name(path.name + ".damaged")
    assert aside.read_bytes() == garbage
    with sqlite3.connect(path) as db:  # the rebuilt file is a good database holding the fetched days
        assert db.execute("SELECT count(*) FROM order_days").fetchone()[0] > 100

    async with caching(sandbox, tmp_path) as client:
        warm = await answers.review(client, now=NOW)
    assert any("from the local cache" in note for note in warm.notes)


@pytest.mark.anyio
async def test_a_damaged_day_is_refetched(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
    with sqlite3.connect(store_path(tmp_path)) as db:
        db.execute(
            "UPDATE order_days SET body = ? WHERE day = (SELECT min(day) FROM order_days)", (b"\x00junk",)
        )
    async with caching(sandbox, tmp_path) as client:
        answer = await answers.review(client, now=NOW)
    assert answer.complete
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    assert any("1 cached day of orders could not be read and were refetched" in note for note in answer.notes)


@pytest.mark.anyio
async def test_a_file_locked_by_another_process_is_bypassed(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
    locker = sqlite3.connect(store_path(tmp_path), isolation_level=None)
    try:
        locker.execute("PRAGMA locking_mode=EXCLUSIVE")
        locker.execute("BEGIN EXCLUSIVE")
        locker.execute("DELETE FROM listings")  # holds the write lock until rollback
        started = time.perf_counter()
        async with caching(sandbox, tmp_path, lock_timeout=0.2) as client:
            answer = await answers.review(client, now=NOW)
        waited = time.perf_counter() - started
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert answer.complete
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    assert any("locked by another process" in note for note in answer.notes)
    assert not any("from the local cache" in note for note in answer.notes)
    assert waited < 10  # a short wait for the lock, not a hang


def test_a_second_report_of_the_same_damage_keeps_the_rebuilt_file(tmp_path):
    """Two questions find the file damaged at once: the second rebuild keeps the first one's new file."""
    path = tmp_path / "account.sqlite3"
    path.write_bytes(b"not a database" * 100)
    store = AccountStore(path)
    seen = store.generation
    store.rebuild(seen)
    store.save_listing("k", "merchant_list_bills", range_end=None, fetched_at=1, total=0, body=b"[]")
    store.rebuild(seen)  # stale: reported against the file that is already gone
    assert store.listing("k") is not None
    assert path.with_name(path.name + ".damaged").read_bytes() == b"not a database" * 100
    store.close()
