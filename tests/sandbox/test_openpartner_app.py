"""The sandbox's OpenPartner tenant, checked with hand-built requests that follow
shared/reference/openpartner-api.md (not our client): routes, bearer auth and scopes, the hosted slug and the
self-hosted base, cursor paging, the commission lists' limits and order, writes, and the injected anomalies in
the raw records."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import httpx2
import pytest
from test_app_support import fixed_app, small_world

from partnerboost_skill.sandbox import SANDBOX_BASE_URL
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.openpartner import tenant_of
from partnerboost_skill.sandbox.openpartner.world import generate_tenant
from partnerboost_skill.sandbox.world import World

HOSTED = "/openpartner/api/t/sandbox-brand"
SELF_HOSTED = "/openpartner-selfhosted/api"
ADMIN = {"Authorization": f"Bearer {cred.OPENPARTNER_ADMIN_KEY}"}
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def world() -> World:
    return small_world()


@pytest.fixture
def http(world: World) -> httpx2.AsyncClient:
    """A fresh app per test (writes stay in it) over the module's world."""
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=fixed_app(world)), base_url=SANDBOX_BASE_URL)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_the_same_tenant_on_the_hosted_slug_and_the_self_hosted_base(http: httpx2.AsyncClient) -> None:
    async with http:
        hosted = (await http.get(f"{HOSTED}/partners", params={"limit": 200}, headers=ADMIN)).json()
        own = (await http.get(f"{SELF_HOSTED}/partners", params={"limit": 200}, headers=ADMIN)).json()
    assert hosted == own and len(hosted["partners"]) == 36 and hosted["nextCursor"] is None


async def test_a_multi_tenant_route_without_the_slug_is_refused(http: httpx2.AsyncClient) -> None:
    async with http:
        missing = await http.get("/openpartner/api/partners", headers=ADMIN)
        unknown = await http.get("/openpartner/api/t/other-brand/partners", headers=ADMIN)
    assert missing.status_code == 400 and missing.json()["error"] == "tenant_slug_missing"
    assert unknown.status_code == 404 and unknown.json()["error"] == "tenant_not_found"


@pytest.mark.parametrize(
    ("key", "path", "status", "body"),
    [
        (None, "/partners", 401, {"error": "unauthorized"}),
        ("op_not_a_key", "/partners", 401, {"error": "unauthorized"}),
        (cred.OPENPARTNER_PARTNERS_KEY, "/commissions", 403,
         {"error": "forbidden_scope", "required": "commissions:read"}),
        (cred.OPENPARTNER_EVENTS_KEY, "/partners", 403,
         {"error": "forbidden_scope", "required": "partners:read"}),
        (cred.OPENPARTNER_READ_KEY, "/commissions", 200, None),
        (cred.OPENPARTNER_PARTNERS_KEY, "/partners", 200, None),
    ],
)
async def test_keys_and_scopes(
    http: httpx2.AsyncClient, key: str | None, path: str, status: int, body: dict[str, Any] | None
) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with http:
        response = await http.get(f"{HOSTED}{path}", headers=headers)
    assert response.status_code == status
    if body is not None:
        assert response.json() == body


async def test_a_read_key_cannot_write(http: httpx2.AsyncClient) -> None:
    async with http:
        response = await http.post(f"{HOSTED}/partners", json={"email": "x@example.com", "name": "X"},
                                   headers={"Authorization": f"Bearer {cred.OPENPARTNER_READ_KEY}"})
    assert response.status_code == 403 and response.json()["required"] == "partners:write"


async def test_the_partner_list_pages_by_cursor_to_the_end(http: httpx2.AsyncClient, world: World) -> None:
    seen: list[str] = []
    cursor = None
    async with http:
        for _ in range(10):
            params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
            page = (await http.get(f"{HOSTED}/partners", params=params, headers=ADMIN)).json()
            seen += [p["id"] for p in page["partners"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        forged = await http.get(f"{HOSTED}/partners", params={"cursor": "MTAuZmFrZQ"}, headers=ADMIN)
        too_many = await http.get(f"{HOSTED}/partners", params={"limit": 201}, headers=ADMIN)
    assert len(seen) == len(set(seen)) == 36
    by_id = {p["id"]: p for p in tenant_of(world).partners}
    created = [by_id[i]["createdAt"] for i in seen]
    assert created == sorted(created, reverse=True), "newest first"
    assert forged.status_code == 400 and forged.json()["error"] == "invalid_cursor"
    assert too_many.status_code == 400 and too_many.json()["error"] == "invalid_query"
    assert "limit" in too_many.json()["detail"]["fieldErrors"]


async def test_commission_lists_are_newest_first_and_capped_at_500(
    http: httpx2.AsyncClient, world: World
) -> None:
    tenant = tenant_of(world)
    async with http:
        default = (await http.get(f"{HOSTED}/commissions", headers=ADMIN)).json()["commissions"]
        most = (await http.get(f"{HOSTED}/commissions", params={"limit": 500}, headers=ADMIN)).json()
        reversed_ = (await http.get(f"{HOSTED}/commissions", params={"status": "reversed", "limit": 500},
                                    headers=ADMIN)).json()["commissions"]
        over = await http.get(f"{HOSTED}/commissions", params={"limit": 501}, headers=ADMIN)
        partner = tenant.partners[0]["id"]
        own = (await http.get(f"{HOSTED}/partners/{partner}/commissions", params={"limit": 500},
                              headers=ADMIN)).json()["commissions"]
    assert len(default) == 100 and len(most["commissions"]) == 500 and set(most) == {"commissions"}
    times = [c["accruedAt"] for c in most["commissions"]]
    assert times == sorted(times, reverse=True)
    newest = sorted(tenant.commissions, key=lambda c: c["accruedAt"], reverse=True)[:500]
    assert [c["id"] for c in most["commissions"]] == [c["id"] for c in newest]
    assert {c["status"] for c in reversed_} == {"reversed"}
    assert len(reversed_) == min(500, sum(c["status"] == "reversed" for c in tenant.commissions))
    assert over.status_code == 400
    assert own and {c["partnerId"] for c in own} == {partner}


async def test_writes_change_what_later_reads_see(http: httpx2.AsyncClient, world: World) -> None:
    tenant = tenant_of(world)
    invited = next(p for p in tenant.partners if p["activatedAt"] is None)
    active = next(p for p in tenant.partners if p["activatedAt"] and not p["revokedAt"])
    async with http:
        created = await http.post(f"{HOSTED}/partners", json={"email": "New@Example.com", "name": "New"},
                                  headers=ADMIN)
        again = await http.post(f"{HOSTED}/partners", json={"email": "new@example.com", "name": "New"},
                                headers=ADMIN)
        invite = await http.post(f"{HOSTED}/partners/{invited['id']}/invite", headers=ADMIN)
        invite_active = await http.post(f"{HOSTED}/partners/{active['id']}/invite", headers=ADMIN)
        revoke = await http.post(f"{HOSTED}/partners/{active['id']}/revoke", json={"reason": "fraud"},
                                 headers=ADMIN)
        revoke_again = await http.post(f"{HOSTED}/partners/{active['id']}/revoke", headers=ADMIN)
        after = (await http.get(f"{HOSTED}/partners/{active['id']}", headers=ADMIN)).json()
        missing = await http.get(f"{HOSTED}/partners/01NOPE", headers=ADMIN)
    assert created.status_code == 201 and created.json()["invited"] is True
    assert created.json()["email"] == "new@example.com" and created.json()["activatedAt"] is None
    assert again.status_code == 409 and again.json()["error"] == "email_taken"
    assert invite.json() == {"ok": True}
    assert invite_active.status_code == 409 and invite_active.json()["error"] == "already_activated"
    assert revoke.json()["ok"] is True and revoke.json()["notified"] is True
    assert revoke_again.status_code == 409 and revoke_again.json()["error"] == "already_revoked"
    assert after["revokedAt"] == revoke.json()["revokedAt"] and after["revokeReason"] == "fraud"
    assert missing.status_code == 404 and missing.json() == {"error": "not_found"}


async def test_an_attributed_event_creates_an_accrued_commission(http: httpx2.AsyncClient) -> None:
    event = {"userId": "customer-42", "type": "purchase", "value": 80.0, "currency": "USD"}
    async with http:
        answer = (await http.post(f"{HOSTED}/attribution/events", json=event, headers=ADMIN)).json()
        lost = (await http.post(f"{HOSTED}/attribution/events", json={"userId": "anon-1", "type": "signup"},
                                headers=ADMIN)).json()
        bad = await http.post(f"{HOSTED}/attribution/events", json={"type": "purchase"}, headers=ADMIN)
        newest = (await http.get(f"{HOSTED}/commissions", params={"limit": 1}, headers=ADMIN)).json()
    assert answer["ok"] and answer["eventId"].startswith("evt_")
    (touch,) = answer["attribution"]["touches"]
    (commission,) = newest["commissions"]
    assert commission["id"] == touch["commissionId"] and commission["amount"] == "8.00"
    assert commission["status"] == "accrued" and commission["partnerId"] == touch["partnerId"]
    assert lost["attribution"] == {"status": "unattributed", "model": "last_click", "touches": []}
    assert bad.status_code == 400 and "userId" in bad.json()["detail"]["fieldErrors"]


def test_the_tenant_is_deterministic_and_in_openpartners_record_shape(world: World) -> None:
    first, second = generate_tenant(world), generate_tenant(world)
    assert first.partners == second.partners and first.commissions == second.commissions
    fields = {"id", "attributionId", "partnerId", "amount", "currency", "status", "accruedAt", "approvedAt",
              "paidAt", "payoutId", "holdbackDays", "campaignId", "campaignName", "matureAt"}
    for commission in first.commissions:
        assert set(commission) == fields
        assert len(commission["id"]) == 26 and commission["amount"].count(".") == 1
        assert commission["status"] in {"accrued", "approved", "paid", "reversed"}
        assert (commission["paidAt"] is not None) == (commission["status"] == "paid")
    assert {p["name"] for p in first.partners} <= set(world.partners["name"])


def test_the_injected_anomalies_are_in_the_raw_records(world: World) -> None:
    tenant = tenant_of(world)
    spike = next(a for a in tenant.anomalies if a["kind"] == "reversal_spike")
    month = [c for c in tenant.commissions if c["accruedAt"].startswith(spike["month"])]
    rate = Counter(c["status"] == "reversed" for c in month if c["partnerId"] == spike["partner_id"])
    overall = Counter(c["status"] == "reversed" for c in tenant.commissions)
    assert rate[True] / sum(rate.values()) > 3 * overall[True] / sum(overall.values())
    late = next(a for a in tenant.anomalies if a["kind"] == "commission_after_revocation")
    partner = next(p for p in tenant.partners if p["id"] == late["partner_id"])
    after = [c for c in tenant.commissions
             if c["partnerId"] == partner["id"] and when(c["accruedAt"]) > when(partner["revokedAt"])]
    assert sorted(c["id"] for c in after) == late["commission_ids"] and len(after) >= 3
