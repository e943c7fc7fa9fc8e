"""The answers end to end through the client and the in-process sandbox app: figures against plain sums over
the world, the partner list only with brand credentials, and incomplete data flagged, never silently short."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx2
import pytest
from analysis_support import NOW, cents, in_range, valid_money

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.config import Credentials
from partnerboost_skill.periods import PeriodError, resolve_period
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox import credentials as sandbox
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_tools.brand import BrandVoidOrder

pytestmark = pytest.mark.anyio

MERCHANT = Credentials(api_key=sandbox.SANDBOX_API_KEY)
MERCHANT_AND_BRAND = Credentials(
    api_key=sandbox.SANDBOX_API_KEY,
    brand_id=sandbox.SANDBOX_BRAND_ID,
    brand_token=sandbox.SANDBOX_BRAND_TOKEN,
    brand_secret=sandbox.SANDBOX_BRAND_SECRET,
)


def _client(transport: httpx2.AsyncBaseTransport, credentials: Credentials = MERCHANT) -> PartnerBoostClient:
    return PartnerBoostClient(
        credentials,
        base_url=SANDBOX_BASE_URL,
        amazon_base_url=SANDBOX_AMAZON_BASE_URL,
        transport=transport,
        max_retries=0,
    )


@pytest.fixture
async def client(world: World) -> AsyncIterator[PartnerBoostClient]:
    async with _client(sandbox_transport(world)) as pb:
        yield pb


async def test_review_through_the_api_matches_plain_sums(
    client: PartnerBoostClient, order_rows: list[dict]
) -> None:
    result = await answers.review(client, "上个月", "channel_type", now=NOW, tz="Asia/Shanghai")
    period = resolve_period("上个月", now=NOW, tz="Asia/Shanghai")
    rows = in_range(order_rows, period.start, period.end)
    assert result.complete and result.notes == []
    assert result.period.label == "Oct 1 – Oct 31 2026" and result.period.timezone == "Asia/Shanghai"
    assert result.totals.orders == len(rows)
    assert {c: cents(m.commission) for c, m in result.totals.money.items()} == valid_money(
        rows, "commission_cents"
    )
    assert result.totals.clicks and result.totals.clicks > result.totals.valid_orders
    assert sum(g.clicks or 0 for g in result.groups) == result.totals.clicks


async def test_clicks_by_day_in_shanghai_add_up_to_the_clicks_by_medium(client: PartnerBoostClient) -> None:
    # Month grouping fetches clicks per (UTC) day, the other groupings per medium: the same clicks either way,
    # in the period and in the previous one (the partial first day belongs to the period, not to both).
    tz = "Asia/Shanghai"
    by_month = await answers.review(client, "last three months", "month", now=NOW, tz=tz)
    by_channel = await answers.review(client, "last three months", "channel_type", now=NOW, tz=tz)
    assert by_month.totals.clicks == by_channel.totals.clicks
    assert by_month.previous_totals.clicks == by_channel.previous_totals.clicks
    assert by_month.totals.clicks and by_month.totals.conversion_rate == by_channel.totals.conversion_rate


async def test_monitor_through_the_api_finds_the_injected_anomalies(
    client: PartnerBoostClient, world: World
) -> None:
    result = await answers.monitor(client, "last 60 days", now=NOW)
    flagged = {o.order_id for o in result.abnormal_orders if any(f.code != "voided" for f in o.flags)}
    injected = {
        i
        for a in world.anomalies
        if a.kind in ("burst", "duplicate_order", "repeat_customer")
        for i in a.order_ids
    }
    assert result.complete
    assert injected and injected <= flagged
    assert result.totals.clicks is not None and len(result.best_channels) == 5


async def test_bill_check_through_the_api_finds_the_mismatch(
    client: PartnerBoostClient, world: World
) -> None:
    (mismatch,) = [a for a in world.anomalies if a.kind == "bill_mismatch"]
    result = await answers.bills(client, mismatch.month, now=NOW)
    assert result.complete
    assert [d.bill_id for d in result.discrepancies] == [str(mismatch.detail["bill_id"])]
    assert cents(result.discrepancies[0].difference) == mismatch.detail["difference_cents"]
    expected = sum(
        int(b["amount_cents"])
        for b in world.bills.to_dict("records")
        if b["month"] == mismatch.month and b["currency"] == "USD"
    )
    assert cents(result.totals_by_currency["USD"]) == expected


async def test_bills_issued_in_a_month_reconcile_against_the_months_they_cover(
    client: PartnerBoostClient, world: World
) -> None:
    # The bills for June are issued on July 1: checked "by issued" in July they cover June's orders.
    (mismatch,) = [a for a in world.anomalies if a.kind == "bill_mismatch"]
    issued_in = resolve_period(mismatch.month, now=NOW).end.strftime("%Y-%m")
    result = await answers.bills(client, issued_in, now=NOW, by="issued")
    created = world.bills["created_at"]
    month = resolve_period(issued_in, now=NOW)
    expected = world.bills[(created >= month.start) & (created < month.end)]
    assert len(result.bills) == len(expected) > 100
    assert [d.bill_id for d in result.discrepancies] == [str(mismatch.detail["bill_id"])]
    assert cents(result.discrepancies[0].difference) == mismatch.detail["difference_cents"]


@pytest.mark.parametrize(("month", "in_progress"), [("2026-11", True), ("2025-10", False)])
async def test_a_month_without_bills_says_so(
    client: PartnerBoostClient, month: str, in_progress: bool
) -> None:
    result = await answers.bills(client, month, now=NOW)
    assert result.bills == [] and result.totals_by_status == [] and result.totals_by_currency == {}
    assert result.discrepancies == [] and result.complete
    assert f"no bills for {month}" in result.notes
    assert any("is not over yet" in note for note in result.notes) == in_progress


async def test_an_order_voided_after_its_month_ended() -> None:
    # An October order voided on November 20 (after October's bill was issued, before it was paid): the API
    # shows it as void now, so October's review no longer counts it as a sale, and October's bill, which
    # still carries its commission, no longer reconciles — a clawback of exactly that commission.
    world = World.generate(WorldConfig(seed=11, days=90, orders_per_day=30, n_partners=20))
    orders, bills = world.orders, world.bills
    pending = set(bills.loc[(bills["month"] == "2026-10") & (bills["status"] == "pending"), "bill_id"])
    october = resolve_period("2026-10", now=NOW)
    candidates = orders[
        orders["bill_id"].isin(pending) & (orders["status"] == "effective")
        & (orders["order_time"] >= october.start) & (orders["order_time"] < october.end)
        & ~orders["order_id"].duplicated(keep=False)
    ]
    target = candidates.iloc[0]
    async with _client(sandbox_transport(world), MERCHANT_AND_BRAND) as pb:
        before = await answers.review(pb, "2026-10", now=NOW)
        assert (await answers.bills(pb, "2026-10", now=NOW)).reconciled
        await pb.call(BrandVoidOrder(order_number=str(target["order_id"])))
        after = await answers.review(pb, "2026-10", now=NOW)
        check = await answers.bills(pb, "2026-10", now=NOW)
    currency = str(target["currency"])
    assert after.totals.void_orders == before.totals.void_orders + 1
    assert cents(before.totals.money[currency].sales) - cents(after.totals.money[currency].sales) == int(
        target["amount_cents"]
    )
    (found,) = check.discrepancies
    assert found.bill_id == str(target["bill_id"]) and found.voided_orders == 1
    assert cents(found.difference) == int(target["commission_cents"]) and "void now" in found.note


async def test_bill_check_needs_one_month(client: PartnerBoostClient) -> None:
    with pytest.raises(AnalysisError, match="one complete calendar month"):
        await answers.bills(client, "last 7 days", now=NOW)


async def test_media_use_the_partner_list_with_brand_credentials(world: World) -> None:
    async with _client(sandbox_transport(world), MERCHANT_AND_BRAND) as pb:
        listed = await answers.media(pb, now=NOW)
    joined = int((world.partners["status"] == "joined").sum())
    assert not listed.derived_from_activity and len(listed.media) == joined and listed.complete


async def test_media_status_all_lists_every_partner(world: World) -> None:
    async with _client(sandbox_transport(world), MERCHANT_AND_BRAND) as pb:
        everyone = await answers.media(pb, status="all", now=NOW)
    assert len(everyone.media) == len(world.partners)


async def test_media_without_brand_credentials_are_derived(client: PartnerBoostClient) -> None:
    derived = await answers.media(client, now=NOW)
    assert derived.derived_from_activity and derived.dormant_media == 0
    assert any("only media with orders or clicks" in note for note in derived.notes)


async def test_compare_through_the_api(client: PartnerBoostClient, order_rows: list[dict]) -> None:
    result = await answers.compare(client, "2026-10", "previous", now=NOW)
    september = resolve_period("2026-09", now=NOW)
    change = {(c.metric, c.currency): c for c in result.changes}[("sales", "GBP")]
    assert (
        cents(change.b)
        == valid_money(in_range(order_rows, september.start, september.end), "amount_cents")["GBP"]
    )


async def test_bad_input_is_a_clear_error(client: PartnerBoostClient) -> None:
    with pytest.raises(PeriodError, match="last three months"):
        await answers.review(client, "the other day", now=NOW)
    with pytest.raises(AnalysisError, match="group_by must be one of"):
        await answers.review(client, "last month", "colour", now=NOW)


class FailingPages(httpx2.AsyncBaseTransport):
    """The sandbox, except that list4 page 3 always answers 503."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/transaction/list4"):
            body = json.loads(await request.aread() or b"{}")  # list4 is a POST with a JSON body
            if body.get("page_num") == 3:
                return httpx2.Response(503, json={"code": 5000, "message": "unavailable", "data": None})
        return await self.inner.handle_async_request(request)


async def test_missing_pages_make_the_answer_incomplete(world: World) -> None:
    async with _client(FailingPages(sandbox_transport(world))) as pb:
        result = await answers.review(pb, "2026-10", now=NOW)
    assert not result.complete
    assert any(note.startswith("incomplete orders") for note in result.notes)
    full = result.totals.orders + result.previous_totals.orders
    assert full < sum(
        1
        for _ in world.orders_between(
            resolve_period("2026-09", now=NOW).start, resolve_period("2026-10", now=NOW).end
        ).itertuples()
    )


class FailingPath(httpx2.AsyncBaseTransport):
    """The sandbox, except that every request to one API path answers 503."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, path: str) -> None:
        self.inner, self.path = inner, path

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith(self.path):
            return httpx2.Response(503, json={"code": 5000, "message": "unavailable", "data": None})
        return await self.inner.handle_async_request(request)


async def test_failed_clicks_leave_an_incomplete_answer_without_conversion(
    world: World, order_rows: list[dict]
) -> None:
    async with _client(FailingPath(sandbox_transport(world), "/performance/list_v2")) as pb:
        review = await answers.review(pb, "2026-10", "partner", now=NOW)
        monitor = await answers.monitor(pb, "last 7 days", now=NOW)
        media = await answers.media(pb, "2026-10", now=NOW)
    october = resolve_period("2026-10", now=NOW)
    rows = in_range(order_rows, october.start, october.end)
    for result in (review, monitor, media):
        assert not result.complete
        assert any("clicks could not be fetched" in n and "conversion" in n for n in result.notes)
    assert review.totals.orders == len(rows)
    assert {c: cents(m.sales) for c, m in review.totals.money.items()} == valid_money(rows, "amount_cents")
    # unknown, not zero: no click counts and no conversion anywhere
    assert review.totals.clicks is None and review.previous_totals.clicks is None
    assert all(g.clicks is None and g.conversion_rate is None for g in review.groups)
    assert monitor.totals.clicks is None and monitor.totals.conversion_rate is None
    assert all(m.clicks is None for m in media.media)


async def test_failed_orders_are_still_an_error(world: World) -> None:
    async with _client(FailingPath(sandbox_transport(world), "/transaction/list4")) as pb:
        with pytest.raises(PartnerBoostError):
            await answers.review(pb, "2026-10", now=NOW)
