"""Each family's authentication is checked for real, with the documented error codes and no secret echoed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_app_support import (
    FIXED_NOW,
    brand_headers,
    brand_query,
    client_for,
    data_of,
    error_of,
    fixed_app,
)

from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox import default_world
from partnerboost_skill.sandbox.handlers.auth import brand_signature

pytestmark = pytest.mark.anyio

SECRETS = (
    cred.SANDBOX_API_KEY,
    cred.SANDBOX_BRAND_TOKEN,
    cred.SANDBOX_BRAND_SECRET,
    cred.SANDBOX_PUBLISHER_TOKEN,
    cred.SANDBOX_AMAZON_TOKEN,
    cred.SANDBOX_COUPON_TOKEN,
)


@pytest.fixture(scope="module")
def app():
    return fixed_app(default_world())


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_brand_signature_matches_the_documented_test_vector() -> None:
    assert (
        brand_signature(
            "a25fb1225425ae360ec2922286e7bd01",
            "order/new",
            "Fri, 07 Jan 2022 07:21:16 GMT",
            "65906f8ecdaf1147bca07dbebf9d29656317a2913783b6ac6f08c6d5713dca5c",
        )
        == "c0603ea2f4bd66eaac5e6fbbd2093ea6426d7e13e0a8cc4f5550368f55f7e64a"
    )


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "pbk_wrong"}, {"X-Api-Key": ""}])
async def test_merchant_rejects_a_missing_or_wrong_key_with_401(app, headers: dict[str, str]) -> None:
    async with client_for(app) as client:
        response = await client.get("/a/transaction/list4", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == 1001
    assert response.json()["data"] is None
    assert_no_secret(response.text)


async def test_merchant_accepts_the_sandbox_key(app) -> None:
    async with client_for(app) as client:
        response = await client.get("/a/account/account_info", headers={"X-Api-Key": cred.SANDBOX_API_KEY})
    assert data_of(response)["brand_id"] == cred.SANDBOX_BRAND_ID


async def _brand(app, *, query=None, headers=None):
    async with client_for(app) as client:
        return await client.post(
            "/api/brand",
            params=query or brand_query("report/transaction"),
            json={},
            headers=headers or brand_headers("report/transaction"),
        )


async def test_brand_accepts_a_correctly_signed_request(app) -> None:
    assert "list" in data_of(await _brand(app))


async def test_brand_rejects_a_wrong_token(app) -> None:
    response = await _brand(app, query=brand_query("report/transaction", token="0" * 32))
    assert response.status_code == 401
    code, message = error_of(response)
    assert code == 1001 and "token" in message
    assert_no_secret(response.text)


async def test_brand_rejects_a_wrong_hash_and_says_so(app) -> None:
    headers = brand_headers("report/transaction", secret="not-the-secret")
    response = await _brand(app, headers=headers)
    assert response.status_code == 401
    code, message = error_of(response)
    assert code == 1001 and "hash mismatch" in message
    assert_no_secret(response.text)


async def test_brand_rejects_a_hash_signed_for_another_action(app) -> None:
    response = await _brand(app, headers=brand_headers("order/new"))
    assert error_of(response)[0] == 1001


@pytest.mark.parametrize("skew", [timedelta(minutes=16), -timedelta(minutes=16), timedelta(days=2)])
async def test_brand_rejects_a_date_more_than_15_minutes_off(app, skew: timedelta) -> None:
    response = await _brand(app, headers=brand_headers("report/transaction", FIXED_NOW + skew))
    assert response.status_code == 401
    code, message = error_of(response)
    assert code == 1001 and "stale date" in message


async def test_brand_accepts_a_date_within_15_minutes(app) -> None:
    response = await _brand(
        app, headers=brand_headers("report/transaction", FIXED_NOW - timedelta(minutes=14))
    )
    data_of(response)


async def test_brand_rejects_missing_signature_headers(app) -> None:
    headers = brand_headers("report/transaction")
    del headers["X-PARTNERBOOST-AUTHENTICATION"]
    response = await _brand(app, headers=headers)
    code, message = error_of(response)
    assert (response.status_code, code) == (401, 1001) and "X-PARTNERBOOST-AUTHENTICATION" in message


async def test_brand_unknown_action_is_a_bad_request(app) -> None:
    response = await _brand(app, query=brand_query("order/teleport"), headers=brand_headers("order/teleport"))
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == 1003 and "order/teleport" in message


@pytest.mark.parametrize("token", [None, "pubtoken_wrong"])
async def test_publisher_rejects_a_bad_token_with_status_1001_over_http_200(app, token: str | None) -> None:
    query = {"mod": "medium", "op": "monetization_api", **({"token": token} if token else {})}
    async with client_for(app) as client:
        response = await client.get("/api.php", params=query)
    assert response.status_code == 200
    assert response.json()["status"]["code"] == 1001
    assert_no_secret(response.text)


@pytest.mark.parametrize(
    "path", ["/amazon_api/get_amazon_joined_brands", "/api/datafeed/get_amazon_joined_brands"]
)
async def test_amazon_rejects_a_bad_token_with_1001(app, path: str) -> None:
    async with client_for(app) as client:
        bad = await client.post(path, json={"token": "amz_wrong"})
        good = await client.post(path, json={"token": cred.SANDBOX_AMAZON_TOKEN})
    assert bad.json()["status"]["code"] == 1001
    assert "has_more" in data_of(good)


async def test_tokens_of_one_family_do_not_open_another(app) -> None:
    async with client_for(app) as client:
        response = await client.post(
            "/amazon_api/get_amazon_joined_brands", json={"token": cred.SANDBOX_PUBLISHER_TOKEN}
        )
    assert response.json()["status"]["code"] == 1001


async def test_the_coupon_feed_takes_the_coupon_token_and_the_channel_ops_do_not() -> None:
    app = fixed_app(default_world())
    coupons = {"mod": "coupon", "op": "list"}
    brands = {"mod": "medium", "op": "monetization_api"}
    async with client_for(app) as client:
        channel = await client.get("/api.php", params={**coupons, "token": cred.SANDBOX_PUBLISHER_TOKEN})
        coupon_token = await client.get("/api.php", params={**coupons, "token": cred.SANDBOX_COUPON_TOKEN})
        brands_with_coupon_token = await client.get(
            "/api.php", params={**brands, "token": cred.SANDBOX_COUPON_TOKEN}
        )
    assert channel.json()["status"]["code"] == 1001
    assert data_of(coupon_token)["list"]
    assert brands_with_coupon_token.json()["status"]["code"] == 1001
