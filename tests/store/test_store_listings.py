"""Small listings: settled ones from the cache, recent ones live; an outage falls back to the saved copy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from store_support import Sandbox, caching

from partnerboost_skill.api.errors import UpstreamError
from partnerboost_tools.brand import BrandListPublishers, BrandSetPublisherStatus
from partnerboost_tools.merchant import MerchantListBills, MerchantPerformanceList

PERFORMANCE = "/a/performance/list_v2"
JUNE = {
    "start_date": datetime(2026, 6, 1, tzinfo=UTC),
    "end_date": datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC),
}
OCTOBER = {
    "start_date": datetime(2026, 10, 1, tzinfo=UTC),
    "end_date": datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC),
}


@pytest.mark.anyio
async def test_a_settled_listing_is_read_once(world, tmp_path):
    sandbox = Sandbox.over(world)
    action = MerchantPerformanceList(**JUNE, group_by="medium")
    async with caching(sandbox, tmp_path) as client:
        live = await client.fetch_all(action)
        cached = await client.fetch_all(action)
    assert sandbox.app.paths[PERFORMANCE] == 1
    assert cached.records == live.records and cached.total == live.total
    assert cached.notes == [
        "performance rows Jun 1 – Jun 30 2026 from the local cache (settled; fetched 2026-11-20 06:00 UTC)"
    ]
    assert live.notes == []


@pytest.mark.anyio
async def test_a_recent_listing_is_read_live_every_time(world, tmp_path):
    sandbox = Sandbox.over(world)
    action = MerchantPerformanceList(**OCTOBER, group_by="medium")
    async with caching(sandbox, tmp_path) as client:
        await client.fetch_all(action)
        again = await client.fetch_all(action)
    assert sandbox.app.paths[PERFORMANCE] == 2
    assert again.notes == []


@pytest.mark.anyio
async def test_an_outage_serves_the_saved_copy_with_its_age(world, tmp_path):
    sandbox = Sandbox.over(world)
    action = MerchantPerformanceList(**OCTOBER, group_by="medium")
    async with caching(sandbox, tmp_path, max_retries=0) as client:
        live = await client.fetch_all(action)
        sandbox.app.down.add(PERFORMANCE)
        fallback = await client.fetch_all(action)
    assert fallback.records == live.records
    assert len(fallback.notes) == 1
    assert fallback.notes[0].startswith(
        "performance rows Oct 1 – Oct 31 2026: PartnerBoost could not be read"
    )
    assert "using the copy saved 2026-11-20 06:00 UTC" in fallback.notes[0]


@pytest.mark.anyio
async def test_an_outage_without_a_saved_copy_is_an_error(world, tmp_path):
    sandbox = Sandbox.over(world)
    sandbox.app.down.add(PERFORMANCE)
    async with caching(sandbox, tmp_path, max_retries=0) as client:
        with pytest.raises(UpstreamError):
            await client.fetch_all(MerchantPerformanceList(**OCTOBER, group_by="medium"))


@pytest.mark.anyio
async def test_a_write_forgets_saved_listings(world, tmp_path):
    sandbox = Sandbox.over(world)
    bills = MerchantListBills(
        time_start=datetime(2026, 5, 1, tzinfo=UTC), time_end=datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)
    )
    async with caching(sandbox, tmp_path) as client:
        await client.fetch_all(bills)
        assert (await client.fetch_all(bills)).notes  # from the cache
        await client.fetch_all(BrandListPublishers(status="joined"))
        publisher = world.partners.loc[world.partners["status"] == "joined", "partner_id"].iloc[0]
        await client.call(BrandSetPublisherStatus(userId=str(publisher), status="terminated"))
        after = await client.fetch_all(bills)
    assert after.notes == []  # read live again after the write
