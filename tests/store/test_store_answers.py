"""The cache answers as a fresh fetch does, keeps the recent window current and settled days fixed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from store_support import LIST4, NOW, STATS, Sandbox, caching, without_notes

from partnerboost_skill import answers
from partnerboost_tools.brand import BrandCreateOrder, BrandVoidOrder

RECENT = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
"""Inside the review period (Aug 1 – Oct 31) and inside the 90-day settle window before NOW (Nov 20)."""
SETTLED = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
"""Inside the review's previous period (May 1 – Jul 31), long settled."""


async def fresh_review(sandbox: Sandbox):
    async with sandbox.client() as plain:
        return await answers.review(plain, now=NOW)


async def create_order(sandbox: Sandbox, number: str, when: datetime) -> None:
    """A new order posted by someone else (not through the caching client)."""
    async with sandbox.client() as writer:
        await writer.call(
            BrandCreateOrder(order_number=number, currency="USD", trans_time=when, amount="250.00")
        )


@pytest.mark.anyio
async def test_cold_and_warm_answers_equal_a_fresh_fetch(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        cold = {
            "review": await answers.review(client, now=NOW),
            "monitor": await answers.monitor(client, now=NOW),
            "bills": await answers.bills(client, now=NOW),
            "compare": await answers.compare(client, "last month", "year_before", now=NOW),
        }
        warm = {
            "review": await answers.review(client, now=NOW),
            "monitor": await answers.monitor(client, now=NOW),
            "bills": await answers.bills(client, now=NOW),
            "compare": await answers.compare(client, "last month", "year_before", now=NOW),
        }
    async with sandbox.client() as plain:
        fresh = {
            "review": await answers.review(plain, now=NOW),
            "monitor": await answers.monitor(plain, now=NOW),
            "bills": await answers.bills(plain, now=NOW),
            "compare": await answers.compare(plain, "last month", "year_before", now=NOW),
        }
    for name in fresh:
        assert without_notes(cold[name]) == without_notes(fresh[name]), name
        assert without_notes(warm[name]) == without_notes(fresh[name]), name
        assert warm[name].complete
    assert any("from the local cache" in note for note in warm["review"].notes)


@pytest.mark.anyio
async def test_a_warm_question_reads_no_order_pages_and_says_how_fresh_its_data_is(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
        pages_cold = sandbox.app.paths[LIST4]
        stats_before = sandbox.app.paths[STATS]
        warm = await answers.review(client, now=NOW)
    assert pages_cold > 0
    assert sandbox.app.paths[LIST4] == pages_cold  # nothing changed: no order page is read again
    # the recent days (Aug 22 – Oct 31) are checked with one statistics request per month they touch
    assert sandbox.app.paths[STATS] - stats_before == 3
    note = next(n for n in warm.notes if n.startswith("orders"))
    assert "May 1 – Aug 21 2026 from the local cache (settled; fetched 2026-11-20 06:00 UTC)" in note
    assert "Aug 22 – Oct 31 2026 (inside the 90-day settle window) checked live" in note
    assert "unchanged" in note


@pytest.mark.anyio
async def test_a_new_order_in_the_recent_window_appears_on_the_next_question(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        before = await answers.review(client, now=NOW)
        await create_order(sandbox, "RECENT-1", RECENT)
        pages = sandbox.app.paths[LIST4]
        after = await answers.review(client, now=NOW)
        refetched_pages = sandbox.app.paths[LIST4] - pages
    fresh = await fresh_review(sandbox)
    assert without_notes(after) == without_notes(fresh)
    assert without_notes(after) != without_notes(before)
    assert after.totals.orders == before.totals.orders + 1
    assert refetched_pages == 1  # only the day that changed (40 orders a day fit one page)
    assert any("1 day refetched" in note for note in after.notes)


@pytest.mark.anyio
async def test_a_new_order_in_a_settled_month_shows_only_after_refresh(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        before = await answers.review(client, now=NOW)
    await create_order(sandbox, "SETTLED-1", SETTLED)
    fresh = await fresh_review(sandbox)
    assert without_notes(fresh) != without_notes(before)

    async with caching(sandbox, tmp_path) as client:
        cached = await answers.review(client, now=NOW)
    assert without_notes(cached) == without_notes(before)  # settled days are not refetched

    async with caching(sandbox, tmp_path, refresh=True) as client:
        refreshed = await answers.review(client, now=NOW)
    assert without_notes(refreshed) == without_notes(fresh)
    assert not any("from the local cache" in note for note in refreshed.notes)

    async with caching(sandbox, tmp_path) as client:  # the refresh rewrote the cache
        again = await answers.review(client, now=NOW)
    assert without_notes(again) == without_notes(fresh)


@pytest.mark.anyio
async def test_a_write_through_the_client_refreshes_the_settled_day_it_touches(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        before = await answers.review(client, now=NOW)
        await client.call(
            BrandCreateOrder(order_number="OWN-1", currency="USD", trans_time=SETTLED, amount="99.00")
        )
        after = await answers.review(client, now=NOW)
    fresh = await fresh_review(sandbox)
    assert without_notes(after) == without_notes(fresh)
    assert without_notes(after) != without_notes(before)


@pytest.mark.anyio
async def test_voiding_through_the_client_refreshes_the_day_holding_the_order(world, tmp_path):
    orders = world.orders
    settled_unpaid = orders[
        (orders["order_time"] >= datetime(2026, 5, 1, tzinfo=UTC))
        & (orders["order_time"] < datetime(2026, 8, 21, tzinfo=UTC))
        & (orders["status"] == "effective")
        & ~orders["order_id"].duplicated(keep=False)
    ]
    assert not settled_unpaid.empty, "the small world should have an unpaid settled order (an unpaid bill)"
    order_id = str(settled_unpaid["order_id"].iloc[0])
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        before = await answers.review(client, now=NOW)
        await client.call(BrandVoidOrder(order_number=order_id))
        after = await answers.review(client, now=NOW)
    fresh = await fresh_review(sandbox)
    assert without_notes(after) == without_notes(fresh)
    assert without_notes(after) != without_notes(before)


@pytest.mark.anyio
async def test_a_new_connection_on_a_warm_cache_asks_the_api_nothing_it_already_learnt(world, tmp_path):
    """The end-bound probe (two small order queries, records/probe.py) runs on the first connection only; the
    next one (a new CLI run, another replica) reads what it found from the cache; `refresh` asks again."""
    sandbox = Sandbox.over(world)
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
        assert client.conventions.end_inclusive is True  # the sandbox includes its end second
    sandbox.app.paths.clear()
    async with caching(sandbox, tmp_path) as client:
        await answers.review(client, now=NOW)
        assert client.conventions.end_inclusive is True
    assert sandbox.app.paths[LIST4] == 0
    async with caching(sandbox, tmp_path, refresh=True) as client:
        await answers.review(client, now=NOW)
    assert sandbox.app.paths[LIST4] > 0
