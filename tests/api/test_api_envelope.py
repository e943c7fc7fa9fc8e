import httpx2
import pytest

from partnerboost_skill.api.envelope import parse_retry_after, unwrap
from partnerboost_skill.api.errors import (
    BadRequest,
    InvalidCredentials,
    PartnerBoostError,
    RateLimited,
    UpstreamError,
    error_for_code,
)
from partnerboost_skill.api.redaction import Redactor

NOW = 1_795_154_400.0  # Fri, 20 Nov 2026 06:00:00 GMT


def response(status: int, body: object = None, *, text: str | None = None, headers=None) -> httpx2.Response:
    if text is not None:
        return httpx2.Response(status, text=text, headers=headers)
    return httpx2.Response(status, json=body, headers=headers)


def test_merchant_style_success_returns_data():
    data = {"list": [{"order_id": "1"}], "total_size": 1}
    assert unwrap(response(200, {"code": 0, "message": "ok", "data": data})) == data


def test_status_style_success_returns_data():
    assert unwrap(response(200, {"status": {"code": 0, "msg": "Success"}, "data": [1, 2]})) == [1, 2]
    # codes sent as strings are read too
    body = {"status": {"code": "0", "msg": "success"}, "data": {"has_more": False}}
    assert unwrap(response(200, body)) == {"has_more": False}


def test_success_with_null_data():
    assert unwrap(response(200, {"code": 0, "message": "ok", "data": None})) is None


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [(1001, 401, InvalidCredentials), (1000, 200, InvalidCredentials), (1002, 429, RateLimited),
     (1012, 429, RateLimited), (1012, 200, RateLimited), (1003, 400, BadRequest), (1005, 200, BadRequest),
     (1006, 200, BadRequest), (1011, 400, BadRequest)],
)
@pytest.mark.parametrize("style", ["merchant", "status"])
def test_documented_codes_map_to_typed_errors(code, status, error, style):
    message = "upstream says no"
    if style == "merchant":
        body = {"code": code, "message": message, "data": None}
    else:
        body = {"status": {"code": code, "msg": message}, "data": None}
    with pytest.raises(error) as info:
        unwrap(response(status, body), action="some_tool")
    exc = info.value
    assert exc.code == code
    assert exc.action == "some_tool"
    assert exc.http_status == status
    assert str(code) in str(exc)
    if error is InvalidCredentials:  # a rejection may quote the key back: its text is never repeated
        assert exc.upstream_message is None and message not in str(exc)
    else:
        assert exc.upstream_message == message and message in str(exc)


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, InvalidCredentials), (403, InvalidCredentials), (429, RateLimited), (400, BadRequest),
     (422, BadRequest), (500, UpstreamError), (502, UpstreamError), (503, UpstreamError)],
)
def test_http_statuses_without_an_envelope(status, error):
    with pytest.raises(error) as info:
        unwrap(response(status, text="<html>nope</html>"))
    assert info.value.http_status == status
    assert info.value.code is None


def test_5xx_is_retryable_and_bad_request_is_not():
    assert error_for_code(code=None, http_status=503, upstream_message=None, action=None).retryable
    assert not error_for_code(code=1003, http_status=400, upstream_message=None, action=None).retryable
    assert not error_for_code(code=1001, http_status=401, upstream_message=None, action=None).retryable
    assert error_for_code(code=1002, http_status=429, upstream_message=None, action=None).retryable


def test_undocumented_code_is_a_plain_error_keeping_the_code():
    with pytest.raises(PartnerBoostError) as info:
        unwrap(response(200, {"code": 4242, "message": "strange", "data": None}))
    assert type(info.value) is PartnerBoostError
    assert info.value.code == 4242 and info.value.upstream_message == "strange"


def test_malformed_json_is_an_upstream_error():
    with pytest.raises(UpstreamError, match="malformed JSON") as info:
        unwrap(response(200, text='{"code": 0, "data": [1, 2'), action="t")
    assert info.value.retryable


def test_unexpected_envelope_is_an_upstream_error():
    with pytest.raises(UpstreamError, match="envelope"):
        unwrap(response(200, {"list": []}))
    with pytest.raises(UpstreamError, match="envelope"):
        unwrap(response(200, [1, 2, 3]))


def test_code_zero_with_server_error_status_is_not_success():
    with pytest.raises(UpstreamError):
        unwrap(response(502, {"code": 0, "message": "ok", "data": {}}))


def test_bad_request_names_the_parameter_the_upstream_message_mentions():
    body = {"status": {"code": 1003, "msg": "Parameter begin_date is missing"}, "data": None}
    with pytest.raises(BadRequest) as info:
        unwrap(response(200, body), action="publisher_list_transactions",
               parameters={"begin_date", "end_date", "date"})
    assert info.value.parameter == "begin_date"
    assert "Parameter `begin_date`" in str(info.value)


def test_bad_request_without_a_known_parameter_explains_the_code():
    body = {"status": {"code": 1006, "msg": "span too long"}, "data": None}
    with pytest.raises(BadRequest, match="62 days") as info:
        unwrap(response(200, body), parameters={"begin_date"})
    assert info.value.parameter is None


def test_rate_limit_retry_after_seconds_and_http_date():
    headers = {"Retry-After": "7"}
    with pytest.raises(RateLimited) as info:
        unwrap(response(429, {"code": 1002, "message": "slow down", "data": None}, headers=headers))
    assert info.value.retry_after == 7
    assert "Retry after 7 s" in str(info.value)

    later = {"Retry-After": "Fri, 20 Nov 2026 06:00:30 GMT"}
    with pytest.raises(RateLimited) as info:
        unwrap(response(429, text="", headers=later), clock=lambda: NOW)
    assert info.value.retry_after == 30


def test_parse_retry_after_edge_cases():
    assert parse_retry_after(None) is None
    assert parse_retry_after("  ") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Fri, 20 Nov 2026 05:00:00 GMT", clock=lambda: NOW) == 0.0


def test_upstream_message_is_scrubbed_of_credentials():
    secret = "tok-SECRET-123456"
    body = {"status": {"code": 1001, "msg": f"invalid token {secret}"}, "data": None}
    with pytest.raises(InvalidCredentials) as info:
        unwrap(response(200, body), scrub=Redactor([secret]))
    assert secret not in str(info.value)
    assert secret not in (info.value.upstream_message or "")
    assert "invalid token" not in str(info.value)


def test_error_to_dict_is_json_friendly():
    exc = error_for_code(code=1002, http_status=429, upstream_message="m", action="a", retry_after=3)
    assert exc.to_dict() == {
        "error": "RateLimited", "message": str(exc), "code": 1002, "upstream_message": "m", "action": "a",
        "http_status": 429, "retry_after": 3,
    }


def test_redactor_hides_raw_and_url_encoded_forms_but_not_short_values():
    redact = Redactor(["a/b+c secret", "1"])
    text = "raw a/b+c secret, encoded a%2Fb%2Bc%20secret, plus a%2Fb%2Bc+secret, id 1"
    assert redact(text) == "raw [redacted], encoded [redacted], plus [redacted], id 1"
