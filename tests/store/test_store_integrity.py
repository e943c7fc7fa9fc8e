"""Issue #12: cached data that changed on disk is refetched and said so; cache files are private whatever they
were before; notes about the cache say what happened in plain words and never contradict each other."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from store_support import NOW, Sandbox, caching, flip_first_amount, store_path, without_notes

from partnerboost_skill import answers
from partnerboost_skill.store.codec import decode
from partnerboost_skill.store.freshness import DAY_SECONDS


async def fresh_review(sandbox: Sandbox):
    async with sandbox.client() as plain:
        return await answers.review(plain, now=NOW)


@pytest.mark.anyio
async def test_a_flipped_bit_in_a_settled_day_is_caught_by_its_checksum_and_refetched(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
    settled_before = int(NOW.timestamp()) // DAY_SECONDS - 120  # in the comparison period, long settled
    with sqlite3.connect(store_path(tmp_path)) as db:
        day, body = db.execute(
            "SELECT day, body FROM order_days WHERE day <= ? AND rows > 0 ORDER BY day LIMIT 1",
            (settled_before,),
        ).fetchone()
        tampered = flip_first_amount(bytes(body))
        db.execute("UPDATE order_days SET body = ? WHERE day = ?", (tampered, day))
    # the damage is invisible to the decoder: without the checksum these wrong amounts would be served
    original, rotten = decode(bytes(body)), decode(tampered)
    assert rotten.rows == original.rows
    amounts = [int(np.sum(part.columns["amount_cents"])) for part in (rotten, original)]
    assert abs(amounts[0] - amounts[1]) == 4096

    async with caching(sandbox, tmp_path) as client:
        answer = await answers.review(client, now=NOW)
    assert answer.complete
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    assert any("1 cached day of orders" in n and "checksum" in n and "refetched" in n for n in answer.notes)
    with sqlite3.connect(store_path(tmp_path)) as db:  # the day was stored again, intact
        (stored,) = db.execute("SELECT body FROM order_days WHERE day = ?", (day,)).fetchone()
    assert bytes(stored) == bytes(body)


@pytest.mark.anyio
async def test_a_cached_listing_whose_bytes_changed_is_fetched_again(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
    with sqlite3.connect(store_path(tmp_path)) as db:
        key, body = db.execute(
            "SELECT key, body FROM listings WHERE range_end IS NOT NULL ORDER BY range_end LIMIT 1"
        ).fetchone()
        altered = bytes(body).replace(b'"clicks":', b'"clicks":1', 1)
        assert altered != bytes(body)
        db.execute("UPDATE listings SET body = ? WHERE key = ?", (altered, key))
    async with caching(sandbox, tmp_path) as client:
        answer = await answers.review(client, now=NOW)
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    assert any("no longer matched the checksum" in note for note in answer.notes)


@pytest.mark.anyio
async def test_a_cache_file_that_existed_with_0644_becomes_owner_only(world, tmp_path):
    path = store_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o644)
    path.chmod(0o644)
    wal = path.with_name(path.name + "-wal")
    wal.touch()
    wal.chmod(0o644)
    async with caching(Sandbox.over(world), tmp_path) as client:
        answer = await answers.review(client, now=NOW)
        modes = {file.name[-4:]: file.stat().st_mode & 0o777 for file in (path, wal)}  # while open
    assert answer.complete
    assert modes == {"ite3": 0o600, "-wal": 0o600}
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.anyio
async def test_a_cache_that_reads_but_cannot_be_written_says_so_plainly_and_consistently(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
    writer = sqlite3.connect(store_path(tmp_path), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock; WAL readers still read
        async with caching(sandbox, tmp_path, lock_timeout=0.2) as client:
            answer = await answers.review(client, now=NOW)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert answer.complete
    assert without_notes(answer) == without_notes(await fresh_review(sandbox))
    notes = " | ".join(answer.notes)
    assert "from the local cache" in notes  # the settled days were read from it …
    assert "new data was not saved in the local cache: it is locked by another process" in notes
    assert "could not be read" not in notes and "could not be used" not in notes
    assert "database is locked" not in notes.lower()  # SQLite's own words stay in the log
