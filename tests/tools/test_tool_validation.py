"""Bad input is rejected with a ValidationError that names the parameter (and, for rules, every parameter
involved)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from tool_samples import MINIMAL_PARAMS

from partnerboost_tools.amazon import AmazonLinksFromAsins, AmazonReport, AmazonSearchProducts
from partnerboost_tools.base import Action
from partnerboost_tools.brand import (
    BrandCreateBonus,
    BrandCreateCreative,
    BrandCreateOrder,
    BrandGetClick,
    BrandListClicks,
    BrandSetPublisherStatus,
    BrandTransactionReport,
    BrandTransactionReportCursor,
    BrandUpdateCreative,
    BrandVoidOrder,
)
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.merchant import (
    MerchantListTransactions,
    MerchantPerformanceChart,
    MerchantSearchPartners,
)
from partnerboost_tools.publisher import (
    PublisherListBrands,
    PublisherListClicks,
    PublisherListCoupons,
    PublisherListProducts,
    PublisherListTransactions,
    PublisherPaymentHistory,
)


def _errors(action: type[Action], params: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        action.model_validate(params)
    return [dict(error) for error in caught.value.errors()]


def _rejects(action: type[Action], params: dict[str, Any], parameter: str) -> dict[str, Any]:
    """Assert the first error is located at `parameter` and return it."""
    errors = _errors(action, params)
    assert errors[0]["loc"][0] == parameter, errors
    return errors[0]


def _rule_message(action: type[Action], params: dict[str, Any]) -> str:
    errors = _errors(action, params)
    assert len(errors) == 1 and errors[0]["loc"] == (), errors
    return str(errors[0]["msg"])


@pytest.mark.parametrize("tool_name", list(MINIMAL_PARAMS))
def test_unknown_parameters_are_rejected_by_every_action(tool_name: str) -> None:
    errors = _errors(ACTIONS[tool_name], {**MINIMAL_PARAMS[tool_name], "not_a_parameter": 1})
    assert [(e["type"], e["loc"]) for e in errors] == [("extra_forbidden", ("not_a_parameter",))]


def test_auth_parameters_cannot_be_passed_as_fields() -> None:
    assert _errors(BrandVoidOrder, {"order_number": "1", "token": "t"})[0]["type"] == "extra_forbidden"
    assert _errors(PublisherListBrands, {"token": "t"})[0]["loc"] == ("token",)
    assert _errors(PublisherListBrands, {"type": "json"})[0]["loc"] == ("type",)


def test_required_parameters_are_named() -> None:
    errors = _errors(MerchantPerformanceChart, {})
    assert {(e["type"], e["loc"]) for e in errors} == {
        ("missing", ("start_date",)), ("missing", ("end_date",))}
    assert _rejects(BrandVoidOrder, {}, "order_number")["type"] == "missing"
    assert _rejects(MerchantSearchPartners, {"word": ""}, "word")["type"] == "string_too_short"


def test_enum_violations_name_the_parameter_and_the_allowed_values() -> None:
    error = _rejects(MerchantListTransactions, {"trans_status": ["cancelled"]}, "trans_status")
    assert error["type"] == "literal_error" and "'void'" in error["ctx"]["expected"]
    assert _rejects(PublisherListBrands, {"brand_type": "Shopify"}, "brand_type")["type"] == "literal_error"
    assert _rejects(BrandTransactionReport, {"sort_col": "date"}, "sort_col")["type"] == "literal_error"
    assert _rejects(PublisherListProducts, {"min_discount": 30}, "min_discount")["type"] == "literal_error"
    assert _rejects(AmazonSearchProducts, {"has_acc": 2}, "has_acc")["type"] == "literal_error"


@pytest.mark.parametrize(
    ("action", "parameter", "bad", "good"),
    [
        (MerchantListTransactions, "page_size", 201, 200),
        (MerchantListTransactions, "page_num", 0, 1),
        (BrandListClicks, "page_size", 19, 20),
        (BrandListClicks, "page_size", 101, 100),
        (BrandTransactionReport, "page_size", 10, 20),
        (BrandTransactionReportCursor, "limit", 201, 200),
        (PublisherListProducts, "limit", 101, 100),
        (PublisherListCoupons, "per_page", 2001, 2000),
        (PublisherListCoupons, "level", 5, 4),
        (PublisherListCoupons, "level", 0, 1),
    ],
)
def test_documented_ranges(action: type[Action], parameter: str, bad: int, good: int) -> None:
    _rejects(action, {parameter: bad}, parameter)
    action.model_validate({parameter: good})


def test_publisher_transactions_limit_and_uid_length() -> None:
    period = MINIMAL_PARAMS["publisher_list_transactions"]
    _rejects(PublisherListTransactions, {**period, "limit": 2001}, "limit")
    PublisherListTransactions.model_validate({**period, "limit": 2000})
    _rejects(PublisherListTransactions, {**period, "uid": "u" * 201}, "uid")


def test_at_most_50_asins_for_links() -> None:
    asins = [f"B0C{n:07d}" for n in range(51)]
    error = _rejects(AmazonLinksFromAsins, {"asins": asins, "country_code": "US"}, "asins")
    assert "50" in error["msg"]
    AmazonLinksFromAsins(asins=asins[:50], country_code="US")
    assert "B0C12" in _rejects(AmazonLinksFromAsins, {"asins": "B0C12", "country_code": "US"}, "asins")["msg"]


def test_codes_and_money() -> None:
    order = MINIMAL_PARAMS["brand_create_order"]
    _rejects(BrandCreateOrder, {**order, "currency": "US Dollar"}, "currency")
    _rejects(BrandCreateOrder, {**order, "amount": "-1"}, "amount")
    _rejects(BrandCreateOrder, {**order, "amount": "NaN"}, "amount")
    _rejects(BrandCreateOrder, {**order, "skus": [{"quantity": 1}]}, "skus")
    _rejects(BrandCreateBonus, {**MINIMAL_PARAMS["brand_create_bonus"], "commission": "ten"}, "commission")
    _rejects(AmazonLinksFromAsins, {"asins": "B0C1234567", "country_code": "USA"}, "country_code")


def test_unreadable_times_name_the_parameter() -> None:
    error = _rejects(MerchantListTransactions, {"trans_time_start": "last tuesday"}, "trans_time_start")
    assert "ISO date" in error["msg"]


@pytest.mark.parametrize(
    ("action", "params", "parameter"),
    [
        (MerchantListTransactions, {"trans_time_start": "x" * 5000}, "trans_time_start"),
        (MerchantListTransactions, {"trans_time_end": 10**30}, "trans_time_end"),
        (AmazonLinksFromAsins, {"asins": "y" * 5000, "country_code": "US"}, "asins"),
    ],
)
def test_a_long_bad_value_is_not_echoed_whole(action: type[Action], params: dict[str, Any],
                                             parameter: str) -> None:
    message = str(_rejects(action, params, parameter)["msg"])
    assert len(message) < 300, message


def test_one_of_id_or_pbtid() -> None:
    message = _rule_message(BrandGetClick, {})
    assert "id" in message and "pbtid" in message
    BrandGetClick(pbtid="pb_xxxx")


def test_one_of_user_id_or_site_ids() -> None:
    message = _rule_message(BrandSetPublisherStatus, {"status": "terminated"})
    assert "userId" in message and "site_ids" in message
    BrandSetPublisherStatus(site_ids=["40828", "40829"], status="terminated")


def test_publisher_transactions_need_one_complete_period() -> None:
    message = _rule_message(PublisherListTransactions, {"order_id": "ORD1"})
    for name in ("begin_date", "end_date", "validation_date_begin", "validation_date_end"):
        assert name in message
    half = _rule_message(PublisherListTransactions, {"validation_date_begin": "2024-01-01"})
    assert "validation_date_begin" in half and "validation_date_end" in half
    PublisherListTransactions(validation_date_begin="2024-01-01", validation_date_end="2024-01-31")


def test_payment_id_or_paid_dates() -> None:
    message = _rule_message(PublisherPaymentHistory, {"paid_date_begin": "2024-01-01"})
    for name in ("payment_id", "paid_date_begin", "paid_date_end"):
        assert name in message
    PublisherPaymentHistory(paid_date_begin="2024-01-01", paid_date_end="2024-01-31")


def test_text_creatives_need_link_and_content() -> None:
    period = {"start_time": "2026-09-01", "end_time": "2026-10-01"}
    message = _rule_message(BrandCreateCreative, {"type": "TEXT", **period})
    assert "link" in message and "content" in message and "TEXT" in message
    only_link = _rule_message(BrandCreateCreative,
                              {"type": "TEXT", "link": "https://shop.example.com", **period})
    assert "content" in only_link and "link" not in only_link.replace("content", "")
    BrandCreateCreative(type="TEXT", link="https://shop.example.com", content="20% off", **period)


def test_image_creatives_need_images() -> None:
    period = {"start_time": "2026-09-01", "end_time": "2026-10-01"}
    assert "images" in _rule_message(BrandCreateCreative, {"type": "IMAGE", **period})
    _rejects(BrandCreateCreative, {"type": "IMAGE", "images": ["not a url"], **period}, "images")
    BrandCreateCreative(type="IMAGE", images=["https://cdn.example.com/banner.png"], **period)


def test_update_creative_needs_something_to_change() -> None:
    message = _rule_message(BrandUpdateCreative, {"id": "132505"})
    assert "title" in message and "privacy" in message


@pytest.mark.parametrize(
    ("action", "params", "start", "end"),
    [
        (MerchantListTransactions, {"trans_time_start": "2026-09-02", "trans_time_end": "2026-09-01"},
         "trans_time_start", "trans_time_end"),
        (MerchantPerformanceChart, {"start_date": "2026-09-02", "end_date": "2026-09-01"},
         "start_date", "end_date"),
        (PublisherListClicks, {"begin_date": "2024-01-01T01:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
         "begin_date", "end_date"),
        (BrandTransactionReportCursor, {"start_date": "20241102", "end_date": "20241101"},
         "start_date", "end_date"),
        (AmazonReport, {"start_date": "20241102", "end_date": "20241101"}, "start_date", "end_date"),
    ],
)
def test_ranges_that_end_before_they_start(action: type[Action], params: dict[str, Any], start: str,
                                           end: str) -> None:
    message = _rule_message(action, params)
    assert start in message and end in message


def test_long_spans_are_left_to_the_window_helper() -> None:
    # A request may span more than the documented window; the client splits it (see Window), so the model
    # must not refuse it.
    PublisherListClicks(begin_date="2024-01-01T00:00:00Z", end_date="2024-01-02T00:00:00Z")
    PublisherListTransactions(begin_date="2024-01-01", end_date="2024-12-31")
