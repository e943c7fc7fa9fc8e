"""One fetch per account and days at a time: a second question about the same days waits for the first and
reads what it saved (same process here; across processes the claim is a file lock or an advisory lock)."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime

import anyio
import pytest
from store_support import LIST4, Sandbox, caching, small_world

from partnerboost_skill.store import AccountStore
from partnerboost_tools.merchant import MerchantListTransactions

JUNE = MerchantListTransactions(
    trans_time_start=datetime(2026, 6, 1, tzinfo=UTC),
    trans_time_end=datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC),
)
HOLDER = """
import sys
from partnerboost_skill.store import AccountStore
claim = AccountStore(sys.argv[1]).try_claim([10, 11, 12])
print("held" if claim else "refused", flush=True)
sys.stdin.read()
"""


@pytest.mark.anyio
async def test_two_questions_about_the_same_days_fetch_them_once(tmp_path):
    alone = Sandbox.over(small_world())
    async with caching(alone, tmp_path / "alone") as client:
        expected = (await client.fetch_orders_frame(JUNE)).frame
    one_fetch = alone.app.paths[LIST4]
    assert one_fetch > 0

    sandbox = Sandbox.over(small_world())
    results = {}

    async def ask(name: str) -> None:
        async with caching(sandbox, tmp_path / "shared") as client:
            results[name] = await client.fetch_orders_frame(JUNE)

    async with anyio.create_task_group() as group:
        group.start_soon(ask, "first")
        group.start_soon(ask, "second")
    assert sandbox.app.paths[LIST4] == one_fetch
    for fetched in results.values():
        assert fetched.result.complete
        assert fetched.frame.equals(expected)
    shared = [n for f in results.values() for n in f.result.notes if "being fetched by another request" in n]
    assert len(shared) == 1


def test_a_claim_held_elsewhere_is_refused_until_released(tmp_path):
    first, second = AccountStore(tmp_path / "a.sqlite3"), AccountStore(tmp_path / "a.sqlite3")
    claim = first.try_claim([10, 11, 12])
    assert claim is not None
    assert second.try_claim([12, 13]) is None
    other = second.try_claim([13, 14])
    assert other is not None
    claim.release()
    again = second.try_claim([12])
    assert again is not None
    for held in (other, again):
        held.release()
    first.close()
    second.close()


def test_a_claim_held_by_a_process_that_is_killed_is_free_again(tmp_path):
    path = tmp_path / "a.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = AccountStore(path)
        assert store.try_claim([12]) is None
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    claim = store.try_claim([12])
    assert claim is not None
    claim.release()
    store.close()
