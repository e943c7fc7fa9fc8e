"""A long-running process answers a warm question from memory — no cached day decoded again — and never from
memory once a day changed: refetched after the statistics check, forgotten after a write, or closed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from store_support import LIST4, NOW, Sandbox, caching, without_notes

from partnerboost_skill import answers
from partnerboost_skill.store import memo, orders
from partnerboost_tools.brand import BrandCreateOrder
from partnerboost_tools.merchant import MerchantListTransactions

RECENT = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
"""Inside the review period and inside the 90-day settle window before NOW (Nov 20)."""
REVIEW_RANGE = MerchantListTransactions(trans_time_start=datetime(2026, 5, 1, tzinfo=UTC),
                                        trans_time_end=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC))


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many stored days were decoded (one entry per decoded day)."""
    counted: list[int] = []
    real = orders.decode

    def counting(body: bytes) -> Any:
        counted.append(1)
        return real(body)

    monkeypatch.setattr(orders, "decode", counting)
    return counted


@pytest.mark.anyio
async def test_a_warm_question_decodes_no_day_and_equals_the_first(world, tmp_path, decodes):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        cold = await client.fetch_orders_frame(REVIEW_RANGE)
        first_warm = await client.fetch_orders_frame(REVIEW_RANGE)
        decoded_before = len(decodes)
        requests_before = sandbox.app.paths[LIST4]
        warm = await client.fetch_orders_frame(REVIEW_RANGE)
    assert decoded_before > 0, "the first warm question reads the cache"
    assert len(decodes) == decoded_before, "the second one decodes nothing"
    assert sandbox.app.paths[LIST4] == requests_before, "and fetches nothing"
    pd.testing.assert_frame_equal(warm.frame, cold.frame)
    pd.testing.assert_frame_equal(first_warm.frame, cold.frame)
    assert warm.result.notes == first_warm.result.notes


@pytest.mark.anyio
async def test_the_frame_handed_out_is_a_copy(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await client.fetch_orders_frame(REVIEW_RANGE)
        await client.fetch_orders_frame(REVIEW_RANGE)
        handed = await client.fetch_orders_frame(REVIEW_RANGE)
        expected = handed.frame.copy()
        handed.frame.iloc[:100, handed.frame.columns.get_loc("amount_cents")] = 0  # a caller scribbling on it
        handed.frame["order_id"] = "scribbled"
        again = await client.fetch_orders_frame(REVIEW_RANGE)
    pd.testing.assert_frame_equal(again.frame, expected)


@pytest.mark.anyio
async def test_an_order_that_arrived_in_a_recent_day_is_not_answered_from_memory(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
        before = await answers.review(client, now=NOW)  # fills the memory
        async with sandbox.client() as writer:  # someone else posts an order in the recent window
            await writer.call(BrandCreateOrder(order_number="MEMO-NEW-1", currency="USD", trans_time=RECENT,
                                               amount="250.00"))
        after = await answers.review(client, now=NOW)
    async with sandbox.client() as plain:
        fresh = await answers.review(plain, now=NOW)
    assert without_notes(after) == without_notes(fresh)
    assert after.totals.orders == before.totals.orders + 1


@pytest.mark.anyio
async def test_a_write_through_the_cache_forgets_its_day_in_memory_too(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await client.fetch_orders_frame(REVIEW_RANGE)
        before = await client.fetch_orders_frame(REVIEW_RANGE)
        await client.call(BrandCreateOrder(order_number="MEMO-NEW-2", currency="USD",
                                           trans_time=datetime(2026, 6, 10, 12, tzinfo=UTC), amount="9.99"))
        after = await client.fetch_orders_frame(REVIEW_RANGE)
    assert len(after.frame) == len(before.frame) + 1
    assert "MEMO-NEW-2" in set(after.frame["order_id"])


@pytest.mark.anyio
async def test_closing_the_cache_frees_its_frames(world, tmp_path):
    sandbox = Sandbox.over(world)
    held = memo.memory_rows()
    async with caching(sandbox, tmp_path) as client:
        await client.fetch_orders_frame(REVIEW_RANGE)
        await client.fetch_orders_frame(REVIEW_RANGE)
        assert memo.memory_rows() > held
    assert memo.memory_rows() == held


def test_the_process_keeps_at_most_its_row_budget() -> None:
    frames = memo._FrameLRU(max_rows=10)
    for key in "abc":
        frames.put(key, pd.DataFrame({"x": range(4)}))
    assert frames.rows == 8 and frames.get("a") is None and frames.get("c") is not None
    frames.put("huge", pd.DataFrame({"x": range(11)}))
    assert frames.get("huge") is None and frames.rows == 8
