"""No credential ever reaches an error message or a log line, even when the server or transport repeats it."""

import logging

import httpx2
import pytest
from api_actions import SampleBrandWrite, SampleMerchantList, SamplePublisherList
from api_support import CANARY, all_credentials, make_client, merchant_error, status_error

from partnerboost_skill.api.errors import (
    BadRequest,
    IncompleteData,
    InvalidCredentials,
    MissingCredentials,
    UpstreamError,
)
from partnerboost_skill.config import Credentials

PUBLISHER_QUERY = SamplePublisherList(begin_date="2026-01-01", end_date="2026-01-02")


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert CANARY not in text


def error_texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), *map(str, exc.args)]
    to_dict = getattr(exc, "to_dict", None)
    if to_dict:
        texts.append(str(to_dict()))
    return texts


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG, logger="partnerboost")
    return caplog


@pytest.mark.anyio
async def test_upstream_message_repeating_the_token(fake_time, logs):
    token = all_credentials().value("publisher_token")
    client, _ = make_client(lambda r: status_error(1001, f"invalid token {token} for channel"), fake_time)
    async with client:
        with pytest.raises(InvalidCredentials) as info:
            await client.call(PUBLISHER_QUERY)
    assert "invalid token" not in str(info.value) and "token or key is invalid" in str(info.value)
    assert_clean(*error_texts(info.value), logs.text)


@pytest.mark.anyio
async def test_transport_errors_quoting_the_url_with_the_token(fake_time, logs):
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"cannot connect to {request.url}")

    client, server = make_client(handler, fake_time, max_retries=2)
    async with client:
        with pytest.raises(UpstreamError) as info:
            await client.call(PUBLISHER_QUERY)
    assert CANARY in str(server.requests[0].url)  # the token really was in the URL
    assert "ConnectError" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert_clean(*error_texts(info.value), logs.text)
    assert "attempt 1 of 3 failed" in logs.text


@pytest.mark.anyio
async def test_brand_write_failure_quoting_the_secret(fake_time, logs):
    secret = all_credentials().value("brand_secret")
    client, _ = make_client(lambda r: merchant_error(1003, f"bad signature with {secret}", 400), fake_time)
    async with client:
        with pytest.raises(BadRequest) as info:
            await client.call(SampleBrandWrite(order_number="A1"))
    assert_clean(*error_texts(info.value), logs.text)


@pytest.mark.anyio
async def test_incomplete_data_descriptions_are_clean(fake_time, logs):
    key = all_credentials().value("api_key")

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.params["page_num"] == "1":
            return httpx2.Response(200, json={"code": 0, "message": "ok", "data": {
                "list": [{"id": i} for i in range(200)], "total_size": 400, "total_page": 2}})
        return merchant_error(5000, f"internal error for key {key}", 500)

    client, _ = make_client(handler, fake_time, max_retries=1)
    async with client:
        with pytest.raises(IncompleteData) as info:
            await client.fetch_all(SampleMerchantList())
    assert_clean(*error_texts(info.value), *info.value.missing, logs.text)


@pytest.mark.anyio
async def test_debug_logs_of_successful_calls_hold_no_credentials(fake_time, logs):
    client, _ = make_client(
        lambda r: httpx2.Response(200, json={"status": {"code": 0, "msg": "Success"}, "data": []}), fake_time)
    async with client:
        await client.call(PUBLISHER_QUERY)
    assert "sample_publisher_list" in logs.text
    assert_clean(logs.text)


def test_missing_credentials_and_client_repr_are_clean():
    exc = MissingCredentials("brand", ["PARTNERBOOST_BRAND_ID"], action="brand_create_order")
    assert_clean(*error_texts(exc))
    credentials = Credentials(api_key=f"key-{CANARY}")
    assert_clean(repr(credentials), str(credentials))
