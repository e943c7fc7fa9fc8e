"""The answers on OpenPartner data, against the sandbox tenant: every figure equals a sum computed here,
directly from the tenant's raw commission records with plain Python and Decimal (never through our frames
or analysis), to the cent. Plus what OpenPartner lacks is shown as unavailable, never as zero."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from partnerboost_skill import answers
from partnerboost_skill.answers.openpartner import OpenPartnerProvider
from partnerboost_skill.api.errors import ForbiddenScope
from partnerboost_skill.api.openpartner import OpenPartnerClient
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.platform_source import PlatformSource
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import sandbox_clients
from partnerboost_skill.sandbox import SANDBOX_OPENPARTNER_SELF_HOSTED_URL, sandbox_transport
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.openpartner import tenant_of
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_skill.store.webhook_events import Delivery, memory_events

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
OCTOBER = ("2026-10-01T00:00:00", "2026-11-01T00:00:00")
AUG_TO_OCT = ("2026-08-01T00:00:00", "2026-11-01T00:00:00")
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig())


@pytest.fixture(scope="module")
def raw(world: World) -> dict[str, Any]:
    """The tenant's records exactly as generated (the app serves copies of them)."""
    tenant = tenant_of(world)
    return {"commissions": tenant.commissions, "partners": tenant.partners, "anomalies": tenant.anomalies}


@pytest.fixture
async def provider(world: World) -> AsyncIterator[OpenPartnerProvider]:
    async with sandbox_clients(sandbox_transport(world), max_retries=0) as (client, openpartner):
        yield OpenPartnerProvider(PlatformSource(LiveSource(client), openpartner))


def accrued_in(commissions: list[dict[str, Any]], span: tuple[str, str]) -> list[dict[str, Any]]:
    """ISO 8601 UTC texts compare in time order."""
    return [c for c in commissions if span[0] <= c["accruedAt"][:19] < span[1]]


def by_status(commissions: list[dict[str, Any]]) -> dict[tuple[str, str], Decimal]:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for c in commissions:
        sums[(c["currency"], c["status"])] += Decimal(c["amount"])
    return sums


async def test_the_commission_check_equals_the_raw_commissions_to_the_cent(
    provider: OpenPartnerProvider, raw: dict[str, Any]
) -> None:
    result = await answers.commissions(provider, "last month", now=NOW)
    october = accrued_in(raw["commissions"], OCTOBER)
    expected = by_status(october)
    assert result.complete and result.platform == "openpartner"
    assert result.period.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert {t.currency for t in result.totals} == {c["currency"] for c in october}
    for total in result.totals:
        cur = total.currency
        for status in ("accrued", "approved", "paid", "reversed"):
            assert getattr(total, status) == expected[(cur, status)], (cur, status)
        assert total.owed == expected[(cur, "accrued")] + expected[(cur, "approved")]
        assert total.commissions == sum(c["currency"] == cur for c in october)
        reversed_n = sum(c["currency"] == cur and c["status"] == "reversed" for c in october)
        assert total.reversal_rate == round(reversed_n / total.commissions, 6)
    owed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for c in october:
        if c["status"] in ("accrued", "approved"):
            owed[(c["partnerId"], c["currency"])] += Decimal(c["amount"])
    assert {(p.partner_id, p.currency): p.owed for p in result.partners} == {
        (p.partner_id, p.currency): owed[(p.partner_id, p.currency)] for p in result.partners}
    assert sum(p.commissions for p in result.partners) == len(october)


async def test_the_injected_anomalies_are_flagged(provider: OpenPartnerProvider, raw: dict[str, Any]) -> None:
    result = await answers.commissions(provider, "last month", now=NOW)
    spike = next(a for a in raw["anomalies"] if a["kind"] == "reversal_spike")
    late = next(a for a in raw["anomalies"] if a["kind"] == "commission_after_revocation")
    spikes = [f for f in result.flags if f.code == "reversal_spike"]
    assert [f.partner_id for f in spikes] == [spike["partner_id"]]
    in_october = {c["id"] for c in accrued_in(raw["commissions"], OCTOBER)}
    after = [f for f in result.flags if f.code == "after_revocation"]
    assert {f.partner_id for f in after} == {late["partner_id"]}
    flagged = sorted(i for f in after for i in f.commission_ids)
    assert flagged == sorted(set(late["commission_ids"]) & in_october)


async def test_the_review_sums_commissions_and_withholds_what_openpartner_lacks(
    provider: OpenPartnerProvider, raw: dict[str, Any]
) -> None:
    review = await answers.review(provider, "last three months", now=NOW)
    chosen = accrued_in(raw["commissions"], AUG_TO_OCT)
    valid: dict[str, Decimal] = defaultdict(Decimal)
    for c in chosen:
        if c["status"] != "reversed":
            valid[c["currency"]] += Decimal(c["amount"])
    assert review.group_by == "partner"
    assert review.totals.orders == len(chosen)
    assert review.totals.void_orders == sum(c["status"] == "reversed" for c in chosen)
    assert {cur: money.commission for cur, money in review.totals.money.items()} == dict(valid)
    for money in review.totals.money.values():
        assert money.sales is None and money.roas is None and money.aov is None
    assert review.totals.clicks is None and review.totals.conversion_rate is None
    assert set(review.unavailable) == {"sales", "clicks", "new_customers", "partner_attributes"}
    assert not [r for r in review.recommendations if r.kind in ("scale", "cut", "concentration")]
    per_partner: dict[str, Decimal] = defaultdict(Decimal)
    for c in chosen:
        if c["status"] != "reversed" and c["currency"] == "USD":
            per_partner[c["partnerId"]] += Decimal(c["amount"])
    shown = {g.key: g.money["USD"].commission for g in review.groups if "USD" in g.money}
    assert shown == {k: v for k, v in per_partner.items() if v or k in shown}


async def test_compare_and_orders_count_the_raw_commissions(
    provider: OpenPartnerProvider, raw: dict[str, Any]
) -> None:
    comparison = await answers.compare(provider, "last month", now=NOW)
    september = accrued_in(raw["commissions"], ("2026-09-01T00:00:00", "2026-10-01T00:00:00"))
    october = accrued_in(raw["commissions"], OCTOBER)
    changes = {(c.metric, c.currency): c for c in comparison.changes}
    assert changes[("orders", None)].a == len(october) and changes[("orders", None)].b == len(september)
    usd = [c for c in changes if c[0] == "commission"]
    assert usd, "commission changes are shown"
    for _, cur in usd:
        a = sum((Decimal(c["amount"]) for c in october if c["currency"] == cur and c["status"] != "reversed"),
                Decimal(0))
        assert changes[("commission", cur)].a == a
    assert not {m for m, _ in changes} & {"sales", "roas", "aov", "roi"}

    monitor = await answers.monitor(provider, "last 7 days", now=NOW)
    week = accrued_in(raw["commissions"], ("2026-11-14T00:00:00", "2026-11-20T06:00:00"))
    assert monitor.totals.orders == len(week)
    assert monitor.new_customer_share is None
    assert all(order.amount is None for order in monitor.abnormal_orders)


async def test_partners_come_from_the_partner_list(
    provider: OpenPartnerProvider, raw: dict[str, Any]
) -> None:
    media = await answers.media(provider, "last 30 days", None, now=NOW)
    assert len(media.media) == len(raw["partners"]) and not media.derived_from_activity
    statuses = Counter(m.status for m in media.media)
    assert statuses["terminated"] == sum(p["revokedAt"] is not None for p in raw["partners"])
    assert statuses["pending"] == sum(p["activatedAt"] is None for p in raw["partners"])
    assert media.structure == {}
    recent = [c for c in raw["commissions"] if c["accruedAt"][:19] >= "2026-10-22T00:00:00"]
    assert media.active_media == len({c["partnerId"] for c in recent})
    assert all(not m.sales for m in media.media)


async def test_reading_past_the_500_limit_goes_partner_by_partner_and_status_by_status(
    world: World, raw: dict[str, Any]
) -> None:
    asked: list[str] = []

    class Recording(httpx2.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = sandbox_transport(world)

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            if "/openpartner" in request.url.path:
                asked.append(f"{request.url.path} {request.url.query.decode()}")
            return await self.inner.handle_async_request(request)

    async with sandbox_clients(Recording(), max_retries=0) as (client, openpartner):
        provider = OpenPartnerProvider(PlatformSource(LiveSource(client), openpartner))
        result = await answers.commissions(provider, "last 6 months", now=NOW)
    assert result.complete
    everything = len(raw["commissions"])
    assert everything > 500
    busiest, count = Counter(c["partnerId"] for c in raw["commissions"]).most_common(1)[0]
    assert count > 500, "the sandbox has a partner with more than one list's worth"
    assert any(f"/partners/{busiest}/commissions" in line and "status=paid" in line for line in asked)
    assert (result.period.start, result.period.end) == (datetime(2026, 5, 1, tzinfo=UTC),
                                                        datetime(2026, 11, 1, tzinfo=UTC))
    expected = accrued_in(raw["commissions"], ("2026-05-01T00:00:00", "2026-11-01T00:00:00"))
    assert sum(t.commissions for t in result.totals) == len(expected)
    sums = by_status(expected)
    for total in result.totals:
        assert total.paid == sums[(total.currency, "paid")]


async def test_a_list_that_cannot_reach_the_period_start_is_reported_missing() -> None:
    """One partner with 700 paid commissions: the API lists only the newest 500 of them."""
    partner = {"id": "01BUSY", "name": "Busy", "activatedAt": "2025-01-01T00:00:00.000Z", "revokedAt": None}
    commissions = [
        {"id": f"c{i:04d}", "partnerId": "01BUSY", "amount": "1.00", "currency": "USD", "status": "paid",
         "accruedAt": f"2026-{10 - i // 100:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00.000Z"}
        for i in range(700)
    ]
    commissions.sort(key=lambda c: c["accruedAt"], reverse=True)

    def handler(request: httpx2.Request) -> httpx2.Response:
        limit = int(request.url.params.get("limit", 100))
        status = request.url.params.get("status")
        if request.url.path.endswith("/partners"):
            return httpx2.Response(200, json={"partners": [partner], "nextCursor": None})
        chosen = [c for c in commissions if status in (None, c["status"])]
        return httpx2.Response(200, json={"commissions": chosen[:limit]})

    async with OpenPartnerClient(Credentials(openpartner_api_key="op_test"), base_url="https://op.test/api",
                                 transport=httpx2.MockTransport(handler)) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner))  # type: ignore[arg-type]
        result = await answers.commissions(provider, "2026", now=NOW)
    assert not result.complete
    assert any("more than 500 paid commissions" in note and "Busy" in note for note in result.notes)


async def test_a_key_without_commissions_read_is_told_which_scope_it_lacks(world: World) -> None:
    credentials = Credentials(openpartner_api_key=cred.OPENPARTNER_PARTNERS_KEY)
    async with OpenPartnerClient(credentials, base_url=SANDBOX_OPENPARTNER_SELF_HOSTED_URL,
                                 transport=sandbox_transport(world), max_retries=0) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner))  # type: ignore[arg-type]
        with pytest.raises(ForbiddenScope) as raised:
            await answers.commissions(provider, "last month", now=NOW)
    assert raised.value.scope == "commissions:read"
    assert "commissions:read" in raised.value.message


async def test_a_read_only_scoped_key_answers(world: World, raw: dict[str, Any]) -> None:
    credentials = Credentials(openpartner_api_key=cred.OPENPARTNER_READ_KEY)
    async with OpenPartnerClient(credentials, base_url=SANDBOX_OPENPARTNER_SELF_HOSTED_URL,
                                 transport=sandbox_transport(world), max_retries=0) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner))  # type: ignore[arg-type]
        result = await answers.commissions(provider, "last month", now=NOW)
    expected = by_status(accrued_in(raw["commissions"], OCTOBER))
    assert {(t.currency, "paid"): t.paid for t in result.totals} == {
        (cur, "paid"): expected[(cur, "paid")] for cur in {t.currency for t in result.totals}}


def test_the_platform_is_the_configured_one_partnerboost_first() -> None:
    assert answers.choose_platform(None, ("partnerboost", "openpartner")) == "partnerboost"
    assert answers.choose_platform(None, ("openpartner",)) == "openpartner"
    assert answers.choose_platform(None, ()) == "partnerboost"
    assert answers.choose_platform("OpenPartner", ("partnerboost", "openpartner")) == "openpartner"
    with pytest.raises(answers.UnknownPlatform, match="partnerboost, openpartner"):
        answers.choose_platform("shopify", ("partnerboost",))
    with pytest.raises(Exception, match="OPENPARTNER_BASE_URL and OPENPARTNER_API_KEY"):
        answers.choose_platform("openpartner", ("partnerboost",))


async def test_openpartner_has_no_bills_and_says_where_to_look(provider: OpenPartnerProvider) -> None:
    with pytest.raises(Exception, match="commission check"):
        await answers.bills(provider, "last month", now=NOW)


def reversal(commission: dict[str, Any], created: str, delivery_id: str) -> Delivery:
    return Delivery(delivery_id, "commission.reversed", created,
                    {"commissionId": commission["id"], "partnerId": commission["partnerId"],
                     "amount": commission["amount"], "currency": commission["currency"]})


async def test_a_webhook_newer_than_the_api_makes_the_answer_fresher(
    world: World, raw: dict[str, Any]
) -> None:
    approved = [c for c in accrued_in(raw["commissions"], OCTOBER) if c["status"] == "approved"]
    fresh, stale = approved[0], approved[1]
    events = memory_events()
    events.record(reversal(fresh, "2026-11-20T05:00:00.000Z", "evt_1"), NOW)
    events.record(reversal(stale, "2026-10-02T00:00:00.000Z", "evt_2"), NOW)  # before it was approved
    async with sandbox_clients(sandbox_transport(world), max_retries=0) as (client, openpartner):
        provider = OpenPartnerProvider(PlatformSource(LiveSource(client), openpartner), events)
        result = await answers.commissions(provider, "last month", now=NOW)
    expected = by_status(accrued_in(raw["commissions"], OCTOBER))
    cur = fresh["currency"]
    total = next(t for t in result.totals if t.currency == cur)
    moved = Decimal(fresh["amount"])
    assert total.reversed == expected[(cur, "reversed")] + moved
    assert total.approved == expected[(cur, "approved")] - moved
    assert any("1 commission(s) updated from OpenPartner webhook events" in note for note in result.notes)
    events.backend.close()


async def test_webhook_only_commissions_fill_a_gap_the_api_cannot() -> None:
    partner = {"id": "01P1", "name": "P", "activatedAt": "2025-01-01T00:00:00.000Z", "revokedAt": None}
    listed = [{"id": f"c{i:03d}", "partnerId": "01P1", "amount": "2.00", "currency": "USD",
               "status": "paid", "accruedAt": f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z"}
              for i in range(600)]
    listed.sort(key=lambda c: c["accruedAt"], reverse=True)
    events = memory_events()
    hooked = {"commissionId": "hooked", "partnerId": "01P1", "amount": "7.25", "currency": "USD"}
    events.record(Delivery("evt_9", "commission.accrued", "2026-10-15T10:00:00.000Z", hooked), NOW)

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/partners"):
            return httpx2.Response(200, json={"partners": [partner], "nextCursor": None})
        status = request.url.params.get("status")
        chosen = [c for c in listed if status in (None, c["status"])]
        return httpx2.Response(200, json={"commissions": chosen[: int(request.url.params["limit"])]})

    async with OpenPartnerClient(Credentials(openpartner_api_key="op_test"), base_url="https://op.test/api",
                                 transport=httpx2.MockTransport(handler)) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner), events)  # type: ignore[arg-type]
        result = await answers.commissions(provider, "last month", now=NOW)
    assert not result.complete
    (total,) = result.totals
    assert total.accrued == Decimal("7.25") and total.paid == Decimal("2.00") * 500
    assert any("known only from OpenPartner webhook events" in note for note in result.notes)
    events.backend.close()


async def test_an_older_openpartner_that_lists_commissions_to_admins_only_is_read_per_partner() -> None:
    """403 forbidden (not forbidden_scope) on /commissions: the partner lists still answer a scoped key."""
    partners = [{"id": f"01P{i}", "name": f"P{i}", "activatedAt": "2025-01-01T00:00:00.000Z",
                 "revokedAt": None} for i in range(3)]

    def handler(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path.endswith("/api/commissions"):
            return httpx2.Response(403, json={"error": "forbidden"})
        if path.endswith("/partners"):
            return httpx2.Response(200, json={"partners": partners, "nextCursor": None})
        partner_id = path.split("/")[-2]
        return httpx2.Response(200, json={"commissions": [
            {"id": f"{partner_id}-c", "partnerId": partner_id, "amount": "3.10", "currency": "USD",
             "status": "approved", "accruedAt": "2026-10-10T10:00:00.000Z"}]})

    async with OpenPartnerClient(Credentials(openpartner_api_key="op_test"), base_url="https://op.test/api",
                                 transport=httpx2.MockTransport(handler)) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner))  # type: ignore[arg-type]
        result = await answers.commissions(provider, "last month", now=NOW)
    assert result.complete and result.totals[0].approved == Decimal("9.30")


async def test_a_rejected_key_is_the_answer_not_a_list_of_missing_partners() -> None:
    partners = [{"id": "01P1", "name": "P1", "activatedAt": "2025-01-01T00:00:00.000Z", "revokedAt": None}]

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/api/commissions"):
            return httpx2.Response(403, json={"error": "forbidden"})
        if request.url.path.endswith("/partners"):
            return httpx2.Response(200, json={"partners": partners, "nextCursor": None})
        return httpx2.Response(403, json={"error": "forbidden_scope", "required": "commissions:read"})

    async with OpenPartnerClient(Credentials(openpartner_api_key="op_test"), base_url="https://op.test/api",
                                 transport=httpx2.MockTransport(handler)) as openpartner:
        provider = OpenPartnerProvider(PlatformSource(LiveSource(None), openpartner))  # type: ignore[arg-type]
        with pytest.raises(ForbiddenScope, match="commissions:read"):
            await answers.commissions(provider, "last month", now=NOW)
