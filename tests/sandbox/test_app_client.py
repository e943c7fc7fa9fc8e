"""The real client (skill/api) against the in-process sandbox: every paging kind, brand signing, faults."""

from __future__ import annotations

import pytest
from test_app_support import money_cents, unix, world_totals

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import Credentials
from partnerboost_skill.sandbox import (
    SANDBOX_AMAZON_BASE_URL,
    SANDBOX_BASE_URL,
    default_world,
    sandbox_transport,
)
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_tools.amazon import AmazonReport
from partnerboost_tools.brand import BrandListClicks, BrandTransactionReportCursor
from partnerboost_tools.merchant import MerchantListTransactions, MerchantTransactionStats
from partnerboost_tools.publisher import PublisherListClicks

pytestmark = pytest.mark.anyio
START, END = unix("2026-09-01"), unix("2026-09-30T23:59:59")
CREDENTIALS = Credentials(
    api_key=cred.SANDBOX_API_KEY,
    brand_id=cred.SANDBOX_BRAND_ID,
    brand_token=cred.SANDBOX_BRAND_TOKEN,
    brand_secret=cred.SANDBOX_BRAND_SECRET,
    publisher_token=cred.SANDBOX_PUBLISHER_TOKEN,
    amazon_token=cred.SANDBOX_AMAZON_TOKEN,
)


async def no_sleep(seconds: float) -> None:
    return None


def client(faults: Faults | None = None) -> PartnerBoostClient:
    return PartnerBoostClient(
        CREDENTIALS,
        base_url=SANDBOX_BASE_URL,
        amazon_base_url=SANDBOX_AMAZON_BASE_URL,
        transport=sandbox_transport(faults=faults),
        sleep=no_sleep,
    )


async def test_fetch_all_list4_equals_the_world_and_the_stats() -> None:
    async with client() as pb:
        result = await pb.fetch_all(MerchantListTransactions(trans_time_start=START, trans_time_end=END))
        stats = await pb.call(MerchantTransactionStats(trans_time_start=START, trans_time_end=END))
    count, _, commission = world_totals(default_world(), START, END)
    assert result.complete and len(result.records) == result.total == count == stats["total_size"]
    assert money_cents(stats["sale_comm"]) == commission


async def test_fetch_all_survives_server_errors() -> None:
    async with client(Faults(error_rate=0.15, seed=4)) as pb:
        result = await pb.fetch_all(MerchantListTransactions(trans_time_start=START, trans_time_end=END))
    assert result.complete and len(result.records) == world_totals(default_world(), START, END)[0]
    assert pb.http_requests > result.requests


async def test_signed_brand_calls_page_by_offset_and_by_cursor() -> None:
    async with client() as pb:
        clicks = await pb.fetch_all(
            BrandListClicks(start_time=unix("2026-11-18T10:00:00"), end_time=unix("2026-11-18T10:30:00"))
        )
        report = await pb.fetch_all(
            BrandTransactionReportCursor(start_date="2026-09-01", end_date="2026-09-30")
        )
    assert clicks.complete and len(clicks.records) == clicks.total > 100
    assert report.complete and len(report.records) == world_totals(default_world(), START, END)[0]


async def test_publisher_clicks_over_three_hours_are_split_into_one_hour_windows() -> None:
    async with client() as pb:
        result = await pb.fetch_all(
            PublisherListClicks(begin_date="2026-11-19T00:00:00Z", end_date="2026-11-19T03:00:00Z")
        )
    assert result.complete and result.windows == 3
    assert all("2026-11-19 08:00:00" <= r["click_time"] <= "2026-11-19 11:00:00" for r in result.records)


async def test_amazon_has_more_paging_reads_to_the_end() -> None:
    async with client() as pb:
        result = await pb.fetch_all(AmazonReport(start_date="2026-11-01", end_date="2026-11-07"))
    world = default_world()
    report = world.amazon_report
    days = report[(report["date"] >= "2026-11-01") & (report["date"] <= "2026-11-07")]
    assert result.complete and len(result.records) == len(days)
