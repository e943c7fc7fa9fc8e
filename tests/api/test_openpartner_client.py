"""The OpenPartner client against a recording fake at the network edge: bearer auth, both kinds of base URL,
complete cursor paging, the stable error codes as clear messages, retries for reads only, no secret in any
message. (The same client against the sandbox tenant: tests/sandbox/test_openpartner_app.py.)"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from api_support import CANARY, FakeTime, Recorder

from partnerboost_skill.api.errors import (
    BadRequest,
    Conflict,
    ForbiddenScope,
    IncompleteData,
    InvalidCredentials,
    InvalidCursor,
    MissingCredentials,
    NotFound,
    RateLimited,
    TenantSlugMissing,
    UpstreamError,
)
from partnerboost_skill.api.openpartner import OpenPartnerClient
from partnerboost_skill.config import Credentials
from partnerboost_tools.openpartner import (
    OpenpartnerCreatePartner,
    OpenpartnerGetPartner,
    OpenpartnerListCommissions,
    OpenpartnerListPartners,
    OpenpartnerRecordEvent,
    OpenpartnerRevokePartner,
)

KEY = f"op_{CANARY}"
HOSTED = "https://app.openpartner.dev/api/t/acme"
SELF_HOSTED = "https://partners.example.com/api"
pytestmark = pytest.mark.anyio


def client(handler: Any, time: FakeTime, base: str | None = HOSTED, **options: Any) -> tuple[
        OpenPartnerClient, Recorder]:
    recorder = Recorder(handler)
    made = OpenPartnerClient(Credentials(openpartner_api_key=KEY), base_url=base,
                             transport=httpx2.MockTransport(recorder), clock=time.clock, sleep=time.sleep,
                             jitter=lambda: 0.5, **options)
    return made, recorder


def error(status: int, code: str | None, **extra: Any) -> httpx2.Response:
    return httpx2.Response(status, json={"error": code, **extra} if code else {})


async def test_bearer_key_and_the_route_under_a_hosted_or_self_hosted_base(fake_time: FakeTime) -> None:
    for base in (HOSTED, SELF_HOSTED, SELF_HOSTED + "/"):
        made, recorder = client(lambda r: httpx2.Response(200, json={"id": "01ABC"}), fake_time, base)
        async with made:
            assert await made.call(OpenpartnerGetPartner(partner_id="01ABC")) == {"id": "01ABC"}
        (request,) = recorder.requests
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert str(request.url) == f"{base.rstrip('/')}/partners/01ABC"


async def test_get_parameters_in_the_query_and_post_parameters_as_json(fake_time: FakeTime) -> None:
    made, recorder = client(lambda r: httpx2.Response(200, json={"ok": True}), fake_time)
    async with made:
        await made.call(OpenpartnerListCommissions(status="reversed", limit=500))
        await made.call(OpenpartnerRevokePartner(partner_id="01ABC", reason="fraud", notify=False))
        await made.call(OpenpartnerRecordEvent(userId="u-1", type="purchase", value="12.50", currency="eur",
                                               ts="2026-11-19T10:00:00+01:00"))
    listing, revoke, event = recorder.requests
    assert listing.method == "GET" and dict(listing.url.params) == {"status": "reversed", "limit": "500"}
    assert revoke.method == "POST" and revoke.url.path == "/api/t/acme/partners/01ABC/revoke"
    assert json.loads(revoke.content) == {"reason": "fraud", "notify": False}
    assert json.loads(event.content) == {"userId": "u-1", "type": "purchase", "value": 12.5,
                                         "currency": "EUR", "ts": "2026-11-19T09:00:00Z"}


async def test_cursor_paging_reads_every_page_passing_each_cursor_back_exactly(fake_time: FakeTime) -> None:
    pages = {None: ("c/1+=", 200), "c/1+=": ("c2", 200), "c2": (None, 17)}

    def handler(request: httpx2.Request) -> httpx2.Response:
        cursor = request.url.params.get("cursor")
        following, size = pages[cursor]
        rows = [{"id": f"{cursor}-{i}"} for i in range(size)]
        return httpx2.Response(200, json={"partners": rows, "nextCursor": following})

    made, recorder = client(handler, fake_time)
    async with made:
        result = await made.fetch_all(OpenpartnerListPartners())
    assert result.complete and len(result.records) == 417
    assert [r.url.params.get("cursor") for r in recorder.requests] == [None, "c/1+=", "c2"]
    assert all(r.url.params["limit"] == "200" for r in recorder.requests)


async def test_a_cursor_given_twice_is_reported_not_read_forever(fake_time: FakeTime) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        rows = [{"id": f"{request.url.params.get('cursor')}-{i}"} for i in range(200)]
        return httpx2.Response(200, json={"partners": rows, "nextCursor": "again"})

    made, recorder = client(handler, fake_time)
    async with made:
        with pytest.raises(IncompleteData) as raised:
            await made.fetch_all(OpenpartnerListPartners())
    assert len(recorder.requests) == 2
    assert "cursor it had already given" in raised.value.missing[0]
    assert len(raised.value.records) == 400


async def test_a_failure_in_the_middle_of_the_listing_is_named(fake_time: FakeTime) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.params.get("cursor") == "c2":
            return error(400, "invalid_cursor")
        return httpx2.Response(200, json={"partners": [{"id": "a"}], "nextCursor": "c2"})

    made, _ = client(handler, fake_time)
    async with made:
        result = await made.fetch_all(OpenpartnerListPartners(), allow_partial=True)
    assert not result.complete and len(result.records) == 1
    assert "nextCursor exactly as returned" in result.missing[0]


@pytest.mark.parametrize(
    ("response", "kind", "words"),
    [
        (error(403, "forbidden_scope", required="commissions:read"), ForbiddenScope,
         ["lacks the scope commissions:read", "openpartner_list_commissions needs",
          "Admin → CRM integration"]),
        (error(403, "forbidden_scope"), ForbiddenScope, ["likely commissions:read"]),
        (error(403, "forbidden"), InvalidCredentials, ["admin key"]),
        (error(401, "unauthorized"), InvalidCredentials, ["OPENPARTNER_API_KEY", "never shown"]),
        (error(400, "invalid_cursor"), InvalidCursor, ["nextCursor exactly as returned"]),
        (error(400, "invalid_query", detail={"formErrors": [], "fieldErrors": {"limit": ["Too big"]}}),
         BadRequest, ["limit: Too big", "Parameter `limit`"]),
        (error(404, None), NotFound, ["no route /commissions", "OPENPARTNER_BASE_URL"]),
        (error(429, "rate_limited"), RateLimited, ["too many requests"]),
    ],
)
async def test_error_codes_become_clear_messages(
    fake_time: FakeTime, response: httpx2.Response, kind: type[Exception], words: list[str]
) -> None:
    made, _ = client(lambda r: response, fake_time, max_retries=0)
    async with made:
        with pytest.raises(kind) as raised:
            await made.call(OpenpartnerListCommissions())
    for word in words:
        assert word in str(raised.value)
    assert raised.value.action == "openpartner_list_commissions"  # type: ignore[attr-defined]


async def test_a_missing_tenant_slug_says_how_to_fix_the_base_url(fake_time: FakeTime) -> None:
    detail = "Multi-tenant mode: the URL must include /t/<slug>"
    made, _ = client(lambda r: error(400, "tenant_slug_missing", detail=detail), fake_time,
                     "https://partners.acme.io/api", max_retries=0)
    async with made:
        with pytest.raises(TenantSlugMissing) as raised:
            await made.call(OpenpartnerListPartners())
    assert "https://partners.acme.io/api/t/<your-slug>" in str(raised.value)
    assert "OPENPARTNER_BASE_URL" in str(raised.value) and not raised.value.retryable


@pytest.mark.parametrize(
    ("code", "meaning"),
    [("email_taken", "already in the program"), ("already_activated", "nothing to resend"),
     ("already_revoked", "already revoked")],
)
async def test_conflicts_say_what_the_state_is(fake_time: FakeTime, code: str, meaning: str) -> None:
    made, _ = client(lambda r: error(409, code), fake_time)
    async with made:
        with pytest.raises(Conflict) as raised:
            await made.call(OpenpartnerCreatePartner(email="a@b.co", name="A"))
    assert meaning in str(raised.value)


async def test_an_unknown_partner_is_not_found(fake_time: FakeTime) -> None:
    made, _ = client(lambda r: error(404, "not_found"), fake_time)
    async with made:
        with pytest.raises(NotFound, match="no such partner"):
            await made.call(OpenpartnerGetPartner(partner_id="01NOPE"))


async def test_reads_are_retried_and_writes_are_not(fake_time: FakeTime) -> None:
    made, recorder = client(lambda r: httpx2.Response(503, text="busy"), fake_time, max_retries=2)
    async with made:
        with pytest.raises(UpstreamError):
            await made.call(OpenpartnerListCommissions())
        assert len(recorder.requests) == 3
        with pytest.raises(UpstreamError) as raised:
            await made.call(OpenpartnerRevokePartner(partner_id="01ABC"))
    assert len(recorder.requests) == 4
    assert "may or may not have been applied" in str(raised.value)


async def test_a_rate_limit_waits_as_asked(fake_time: FakeTime) -> None:
    answers = iter([httpx2.Response(429, json={"error": "rate_limited"}, headers={"Retry-After": "7"}),
                    httpx2.Response(200, json={"commissions": []})])
    made, recorder = client(lambda r: next(answers), fake_time)
    async with made:
        assert await made.call(OpenpartnerListCommissions()) == {"commissions": []}
    assert len(recorder.requests) == 2 and fake_time.sleeps == [7.0]


async def test_malformed_json_is_an_upstream_error(fake_time: FakeTime) -> None:
    made, _ = client(lambda r: httpx2.Response(200, content=b'{"partners": ['), fake_time, max_retries=0)
    async with made:
        with pytest.raises(UpstreamError, match="malformed JSON"):
            await made.call(OpenpartnerListPartners())


async def test_missing_settings_are_named_before_any_request(fake_time: FakeTime) -> None:
    made, recorder = client(lambda r: httpx2.Response(200, json={}), fake_time, base=None)
    async with made:
        with pytest.raises(MissingCredentials, match="OPENPARTNER_BASE_URL"):
            await made.call(OpenpartnerListPartners())
    keyless = OpenPartnerClient(Credentials(), base_url=HOSTED, transport=httpx2.MockTransport(recorder))
    async with keyless:
        with pytest.raises(MissingCredentials, match="OPENPARTNER_API_KEY"):
            await keyless.call(OpenpartnerListPartners())
    assert recorder.requests == []


async def test_the_key_never_appears_in_an_error_even_when_the_server_echoes_it(fake_time: FakeTime) -> None:
    def echo(request: httpx2.Request) -> httpx2.Response:
        said = request.headers["authorization"]
        return httpx2.Response(400, json={"error": "invalid_query", "detail": f"bad header {said}"})

    made, _ = client(echo, fake_time)
    async with made:
        with pytest.raises(BadRequest) as raised:
            await made.call(OpenpartnerListPartners())
    assert CANARY not in str(raised.value) and CANARY not in json.dumps(raised.value.to_dict())
    assert "[redacted]" in str(raised.value)
