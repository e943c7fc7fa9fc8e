import hashlib
from email.utils import parsedate_to_datetime

import pytest
from api_actions import (
    SampleAmazonList,
    SampleBrandGet,
    SampleBrandWrite,
    SampleMerchantList,
    SampleMerchantPost,
    SamplePublisherList,
)
from api_support import (
    AMAZON_BASE,
    AMAZON_TOKEN,
    API_KEY,
    BASE,
    BRAND_ID,
    BRAND_SECRET,
    BRAND_TOKEN,
    COUPON_TOKEN,
    PUBLISHER_TOKEN,
    START,
    body_of,
    make_client,
    merchant_ok,
    status_ok,
)

from partnerboost_skill.api.auth import auth_for, brand_signature, rfc1123_now
from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.config import Credentials
from partnerboost_tools.publisher import PublisherListCoupons


def test_brand_signature_matches_the_documented_vector():
    assert brand_signature(
        "a25fb1225425ae360ec2922286e7bd01",
        "order/new",
        "Fri, 07 Jan 2022 07:21:16 GMT",
        "65906f8ecdaf1147bca07dbebf9d29656317a2913783b6ac6f08c6d5713dca5c",
    ) == "c0603ea2f4bd66eaac5e6fbbd2093ea6426d7e13e0a8cc4f5550368f55f7e64a"


def test_rfc1123_now_is_gmt_and_uses_the_clock():
    assert rfc1123_now(lambda: 1641540076.0) == "Fri, 07 Jan 2022 07:21:16 GMT"


@pytest.mark.parametrize(
    ("family", "env_vars"),
    [("merchant", ["PARTNERBOOST_API_KEY"]),
     ("brand", ["PARTNERBOOST_BRAND_ID", "PARTNERBOOST_BRAND_TOKEN", "PARTNERBOOST_BRAND_SECRET"]),
     ("publisher", ["PARTNERBOOST_PUBLISHER_TOKEN"]),
     ("amazon", ["PARTNERBOOST_AMAZON_TOKEN"])],
)
def test_missing_credentials_name_the_env_vars(family, env_vars):
    with pytest.raises(MissingCredentials) as info:
        auth_for(family, Credentials(brand_id="1"), "x/y", action="some_tool")
    for name in env_vars:
        assert name in str(info.value)
    assert info.value.family == family


@pytest.mark.anyio
async def test_merchant_get_sends_api_key_header_and_repeated_list_params(fake_time):
    client, server = make_client(lambda r: merchant_ok({"list": []}), fake_time)
    async with client:
        await client.call(SampleMerchantList(page_num=2, status=["new", "paid"], time_start="2026-01-01"))
    (request,) = server.requests
    assert request.method == "GET"
    assert request.url.path == "/a/sample/list"
    assert str(request.url).startswith(BASE + "/a/sample/list?")
    assert request.headers["X-Api-Key"] == API_KEY
    assert request.url.params.get_list("status[]") == ["new", "paid"]
    assert request.url.params["page_num"] == "2"
    assert request.url.params["time_start"] == "1767225600"  # 2026-01-01T00:00:00Z in Unix seconds
    assert "token" not in request.url.params


@pytest.mark.anyio
async def test_merchant_post_sends_json_body(fake_time):
    client, server = make_client(lambda r: merchant_ok({"list": []}), fake_time)
    async with client:
        await client.call(SampleMerchantPost(page_size=50, status=["void"]))
    (request,) = server.requests
    assert request.method == "POST"
    assert request.url.query == b""
    assert request.headers["content-type"].startswith("application/json")
    assert body_of(request) == {"page_size": 50, "status": ["void"]}


@pytest.mark.anyio
async def test_brand_request_is_signed_as_documented(fake_time):
    client, server = make_client(lambda r: merchant_ok({"order_number": "A1"}), fake_time)
    async with client:
        await client.call(SampleBrandWrite(order_number="A1", amount=12.5))
    (request,) = server.requests
    assert request.method == "POST"
    assert request.url.path == "/api/brand"
    assert dict(request.url.params) == {
        "bid": BRAND_ID, "token": BRAND_TOKEN, "action": "order/new", "version": "1.0",
    }
    date = request.headers["X-PARTNERBOOST-DATE"]
    assert date.endswith(" GMT")
    assert parsedate_to_datetime(date).timestamp() == START
    expected = hashlib.sha256(f"{BRAND_TOKEN};order/new;{date};{BRAND_SECRET}".encode()).hexdigest()
    assert request.headers["X-PARTNERBOOST-AUTHENTICATION"] == expected
    assert request.headers["content-type"].startswith("application/json")
    assert body_of(request) == {"order_number": "A1", "amount": 12.5}
    assert BRAND_SECRET not in str(request.url) and BRAND_SECRET not in request.content.decode()


@pytest.mark.anyio
async def test_brand_get_puts_parameters_in_the_query(fake_time):
    client, server = make_client(lambda r: merchant_ok({}), fake_time)
    async with client:
        await client.call(SampleBrandGet(publisher_id="77"))
    (request,) = server.requests
    assert request.method == "GET"
    assert request.url.params["action"] == "report/sample"
    assert request.url.params["publisher_id"] == "77"
    assert request.headers["content-type"] == "application/json"


@pytest.mark.anyio
async def test_publisher_sends_mod_op_and_token_in_query(fake_time):
    client, server = make_client(lambda r: status_ok({"list": [], "total_items": 0}), fake_time)
    async with client:
        await client.call(SamplePublisherList(begin_date="2026-01-01", end_date="2026-01-31", page=1))
    (request,) = server.requests
    assert request.method == "GET"
    assert request.url.path == "/api.php"
    assert dict(request.url.params) == {
        "mod": "medium", "op": "sample", "token": PUBLISHER_TOKEN,
        "begin_date": "2026-01-01", "end_date": "2026-01-31", "page": "1",
    }
    assert "X-Api-Key" not in request.headers


@pytest.mark.anyio
async def test_amazon_posts_json_with_token_to_the_amazon_base(fake_time):
    client, server = make_client(lambda r: status_ok({"list": [], "has_more": False}), fake_time)
    async with client:
        await client.call(SampleAmazonList(page=3, country_code="US"))
    (request,) = server.requests
    assert str(request.url) == AMAZON_BASE + "/get_sample"
    assert request.method == "POST"
    assert body_of(request) == {"token": AMAZON_TOKEN, "page": 3, "country_code": "US"}


@pytest.mark.anyio
async def test_missing_credentials_raise_before_any_request(fake_time):
    client, server = make_client(lambda r: merchant_ok({}), fake_time,
                                 credentials=Credentials(publisher_token="p-12345"))
    async with client:
        with pytest.raises(MissingCredentials, match="PARTNERBOOST_API_KEY"):
            await client.call(SampleMerchantList())
        with pytest.raises(MissingCredentials, match="PARTNERBOOST_BRAND_SECRET"):
            await client.call(SampleBrandGet())
    assert server.requests == []


@pytest.mark.anyio
async def test_the_coupon_feed_sends_the_coupon_token_not_the_channel_token(fake_time):
    client, server = make_client(lambda r: status_ok({"list": [], "total_page": 0}), fake_time)
    async with client:
        await client.call(PublisherListCoupons(type="coupon"))
    (request,) = server.requests
    assert request.url.params["op"] == PublisherListCoupons.endpoint.split("/")[1]
    assert request.url.params["token"] == COUPON_TOKEN
    assert request.url.params["type"] == "coupon"


@pytest.mark.anyio
async def test_the_coupon_feed_without_a_coupon_token_names_the_setting(fake_time):
    client, server = make_client(lambda r: status_ok({"list": []}), fake_time,
                                 credentials=Credentials(publisher_token=PUBLISHER_TOKEN))
    async with client:
        with pytest.raises(MissingCredentials, match="PARTNERBOOST_COUPON_TOKEN") as info:
            await client.call(PublisherListCoupons())
        await client.call(SamplePublisherList(begin_date="2026-01-01", end_date="2026-01-02"))
    assert info.value.action == "publisher_list_coupons"
    assert len(server.requests) == 1 and server.requests[0].url.params["token"] == PUBLISHER_TOKEN
