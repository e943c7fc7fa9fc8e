"""The client with the real catalogue classes: what is sent, and that paging and window metadata fit."""

from email.utils import parsedate_to_datetime

import httpx2
import pytest
from api_support import (
    AMAZON_TOKEN,
    API_KEY,
    BRAND_ID,
    BRAND_TOKEN,
    START,
    body_of,
    make_client,
    merchant_ok,
    status_ok,
)

from partnerboost_skill.api.errors import UpstreamError
from partnerboost_skill.api.paging import frozen_end_rule
from partnerboost_skill.api.params import field_name
from partnerboost_skill.api.windows import split_windows
from partnerboost_tools.amazon import AmazonReport
from partnerboost_tools.brand import BrandCreateOrder, BrandTransactionReportCursor
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.merchant import MerchantListTransactions
from partnerboost_tools.publisher import PublisherListClicks, PublisherListTransactions


def test_frozen_end_rules_name_parameters_of_their_own_action():
    ruled = [action for action in ACTIONS.values() if action.frozen_end is not None]
    # the listings with a time filter and no Window that names it (the publisher listings fall back to theirs)
    assert sorted(a.tool_name for a in ruled) == sorted([
        "merchant_list_transactions", "merchant_list_bills", "merchant_list_prepayments",
        "brand_list_clicks", "brand_transaction_report", "brand_transaction_report_cursor", "amazon_report"])
    for name in ("publisher_list_transactions", "publisher_list_clicks"):
        rule = frozen_end_rule(ACTIONS[name])
        assert rule is not None and (rule.end_param, rule.start_param) == ("end_date", "begin_date")
    for action in ruled:
        rule = action.frozen_end
        assert rule is not None
        for param in (rule.end_param, rule.start_param, rule.range_start):
            if param:
                assert field_name(action, param), (action.tool_name, param)


@pytest.mark.parametrize("action", [a for a in ACTIONS.values() if a.paging or a.window],
                         ids=lambda a: a.tool_name)
def test_paging_and_window_parameters_exist_on_the_action(action):
    if action.paging:
        assert field_name(action, action.paging.page_param)
        assert field_name(action, action.paging.size_param)
    if action.window:
        assert field_name(action, action.window.start_param)
        assert field_name(action, action.window.end_param)


@pytest.mark.anyio
async def test_merchant_list_transactions_as_sent_with_frozen_end(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        page = body_of(request)["page_num"]
        rows = [{"order_id": f"o{page}-{i}"} for i in range(200 if page == 1 else 5)]
        return merchant_ok({"list": rows, "total_size": 205, "total_page": 2, "page_num": page})

    client, server = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(MerchantListTransactions(
            trans_time_start="2026-08-01", trans_status=["new", "effective"], partner_id=[12, 13]))
    assert len(result.records) == 205 and result.complete
    first = server.requests[0]
    assert first.method == "POST" and first.url.path == "/a/transaction/list4"
    assert first.headers["X-Api-Key"] == API_KEY
    body = body_of(first)
    assert body["trans_status"] == ["new", "effective"]
    assert body["partner_id"] == [12, 13]
    assert body["trans_time_start"] == 1785542400  # 2026-08-01T00:00:00Z
    assert {body_of(r)["trans_time_end"] for r in server.requests} == {int(START)}
    assert {body_of(r)["page_size"] for r in server.requests} == {200}


@pytest.mark.anyio
async def test_brand_create_order_is_signed_and_not_retried(fake_time):
    client, server = make_client(lambda r: httpx2.Response(502, text="bad gateway"), fake_time)
    order = BrandCreateOrder(order_number="SO-1", currency="USD", trans_time="2026-11-20T05:00:00Z",
                             amount="19.99")
    async with client:
        with pytest.raises(UpstreamError, match="may or may not have been applied"):
            await client.call(order)
    (request,) = server.requests
    assert request.url.params["action"] == "order/new"
    assert request.url.params["bid"] == BRAND_ID and request.url.params["token"] == BRAND_TOKEN
    assert parsedate_to_datetime(request.headers["X-PARTNERBOOST-DATE"]).timestamp() == START
    body = body_of(request)
    assert body["order_number"] == "SO-1"
    assert body["trans_time"] == "Fri, 20 Nov 2026 05:00:00 GMT"


@pytest.mark.anyio
async def test_brand_cursor_report_starts_at_the_default_cursor(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        cursor = body_of(request)["cursor"]
        if cursor == "1":
            return merchant_ok({"list": [{"id": 1}, {"id": 2}], "cursor": "next"})
        return merchant_ok({"list": [{"id": 3}], "cursor": None})

    client, server = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(BrandTransactionReportCursor(start_date="2026-11-01"))
    assert [r["id"] for r in result.records] == [1, 2, 3]
    assert [body_of(r)["cursor"] for r in server.requests] == ["1", "next"]
    # the open end was frozen at the client's "now" (2026-11-20)
    assert {body_of(r)["end_date"] for r in server.requests} == {"20261120"}


@pytest.mark.anyio
async def test_amazon_report_pages_with_has_more(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        body = body_of(request)
        assert body["token"] == AMAZON_TOKEN
        return status_ok({"list": [{"asin": f"A{body['page']}"}], "has_more": body["page"] < 4})

    client, server = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(AmazonReport(start_date="2026-10-01", end_date="2026-10-31"))
    assert [r["asin"] for r in result.records] == ["A1", "A2", "A3", "A4"]
    assert server.requests[0].url.path == "/amazon_api/get_amazon_report"


def test_publisher_transactions_150_days_split_in_three():
    windows = split_windows(PublisherListTransactions(begin_date="2026-01-01", end_date="2026-05-31"))
    assert [(w.to_wire()["begin_date"], w.to_wire()["end_date"]) for w in windows] == [
        ("2026-01-01", "2026-03-03"), ("2026-03-04", "2026-05-04"), ("2026-05-05", "2026-05-31")]


@pytest.mark.anyio
async def test_publisher_clicks_three_hours_three_requests(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        return status_ok({"list": [{"click_time": request.url.params["begin_date"]}], "total_items": 1})

    client, server = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(PublisherListClicks(begin_date="2026-09-01T00:00:00Z",
                                                            end_date="2026-09-01T03:00:00Z"))
    assert result.windows == 3
    assert sorted((r.url.params["begin_date"], r.url.params["end_date"]) for r in server.requests) == [
        ("2026-09-01 08:00:00", "2026-09-01 08:59:59"),
        ("2026-09-01 09:00:00", "2026-09-01 09:59:59"),
        ("2026-09-01 10:00:00", "2026-09-01 11:00:00"),
    ]
    assert all(r.url.params["mod"] == "medium" and r.url.params["op"] == "transfer" for r in server.requests)
