"""to_wire: documented names, wire formats, unset values left out."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from tool_samples import MINIMAL_PARAMS

from partnerboost_tools.amazon import AmazonLinksFromAsins, AmazonReport, AmazonSearchProducts
from partnerboost_tools.brand import (
    BrandCreateBonus,
    BrandCreateCreative,
    BrandCreateOrder,
    BrandListCreatives,
    BrandSetPublisherStatus,
    BrandTransactionReportCursor,
    BrandUpsertProduct,
)
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.merchant import MerchantListBills, MerchantListTransactions, MerchantPerformanceChart
from partnerboost_tools.publisher import PublisherListClicks, PublisherListTransactions

# 2026-09-01 00:00:00 UTC and the documented brand example time, computed independently of the code under test
SEPT_1_2026 = calendar.timegm((2026, 9, 1, 0, 0, 0))
JAN_20_2022_052730 = calendar.timegm((2022, 1, 20, 5, 27, 30))


@pytest.mark.parametrize("tool_name", list(MINIMAL_PARAMS))
def test_every_action_serialises_to_json_with_documented_names(tool_name: str) -> None:
    action = ACTIONS[tool_name].model_validate(MINIMAL_PARAMS[tool_name])
    wire = action.to_wire()
    json.dumps(wire)  # the client sends it as JSON or query text: no Decimal or datetime may remain
    in_route = set(getattr(action, "path_params", ()))
    assert set(MINIMAL_PARAMS[tool_name]) - in_route <= set(wire)
    assert not in_route & set(wire), "a path parameter travels in the route only"


def test_unset_parameters_are_left_out() -> None:
    assert MerchantListTransactions().to_wire() == {}
    assert AmazonSearchProducts().to_wire() == {}


def test_unix_seconds_from_an_iso_date_a_datetime_and_an_offset() -> None:
    wire = MerchantListTransactions(trans_time_start="2026-09-01").to_wire()
    assert wire == {"trans_time_start": SEPT_1_2026}
    assert MerchantListTransactions(trans_time_start="2026-09-01T08:00:00+08:00").to_wire()[
        "trans_time_start"] == SEPT_1_2026
    assert MerchantListBills(time_end=datetime(2026, 9, 1, 1, tzinfo=UTC)).to_wire() == {
        "time_end": SEPT_1_2026 + 3600}
    assert MerchantListBills(time_start=SEPT_1_2026).to_wire() == {"time_start": SEPT_1_2026}


def test_performance_dates_are_unix_seconds() -> None:
    wire = MerchantPerformanceChart(start_date="2026-09-01", end_date="2026-09-02", group_by="week").to_wire()
    assert wire == {"start_date": SEPT_1_2026, "end_date": SEPT_1_2026 + 86400, "group_by": "week"}


def test_rfc1123_trans_time_for_brand_orders_and_bonuses() -> None:
    documented = "Thu, 20 Jan 2022 05:27:30 GMT"
    order = BrandCreateOrder(order_number="201000000001", currency="USD", trans_time="2022-01-20T05:27:30Z")
    assert order.to_wire()["trans_time"] == documented
    bonus = BrandCreateBonus(medium_id="LDC000123", currency="USD", trans_time=JAN_20_2022_052730,
                             commission="11.15")
    assert bonus.to_wire()["trans_time"] == documented
    in_beijing = BrandCreateOrder(order_number="1", currency="USD", trans_time="2022-01-20T13:27:30+08:00")
    assert in_beijing.to_wire()["trans_time"] == documented


def test_compact_dates_for_the_cursor_report_and_amazon_report() -> None:
    assert BrandTransactionReportCursor(start_date="2024-11-01", end_date=date(2024, 11, 30)).to_wire() == {
        "cursor": "1", "start_date": "20241101", "end_date": "20241130"}
    assert AmazonReport(start_date="20241101").to_wire() == {"start_date": "20241101"}


def test_click_report_times_are_sent_in_utc_plus_8() -> None:
    wire = PublisherListClicks(begin_date="2024-01-01T00:00:00Z", end_date="2024-01-01T01:00:00Z").to_wire()
    assert wire == {"begin_date": "2024-01-01 08:00:00", "end_date": "2024-01-01 09:00:00"}
    beijing = timezone(timedelta(hours=8))
    same = PublisherListClicks(begin_date=datetime(2024, 1, 1, 8, tzinfo=beijing),
                               end_date=datetime(2024, 1, 1, 9, tzinfo=beijing)).to_wire()
    assert same == wire


def test_publisher_dates_are_iso_days() -> None:
    wire = PublisherListTransactions(begin_date=date(2024, 1, 1), end_date="2024-01-31T10:00:00Z").to_wire()
    assert wire == {"begin_date": "2024-01-01", "end_date": "2024-01-31"}


def test_money_is_exact_in_python_and_a_json_number_on_the_wire() -> None:
    order = BrandCreateOrder(order_number="1", currency="usd", trans_time=0, amount="111.55", quantity=2)
    assert order.amount == Decimal("111.55")
    wire = order.to_wire()
    assert wire["currency"] == "USD"
    assert isinstance(wire["amount"], float)
    assert '"amount": 111.55' in json.dumps(wire)
    assert Decimal(json.dumps(wire["amount"])) == Decimal("111.55")
    from_json_number = BrandCreateOrder(order_number="1", currency="USD", trans_time=0, amount=19.99)
    assert from_json_number.amount == Decimal("19.99")  # a float from JSON input becomes the decimal it shows
    product = BrandUpsertProduct.model_validate({**MINIMAL_PARAMS["brand_upsert_product"], "price": "100.00",
                                                 "old_price": 129.99})
    assert product.to_wire()["price"] == 100
    assert '"old_price": 129.99' in json.dumps(product.to_wire())


def test_sku_lines_are_typed_and_pass_unknown_keys_through() -> None:
    order = BrandCreateOrder(order_number="1", currency="USD", trans_time=0,
                             skus=[{"sku": "LAMP-1", "quantity": 2, "amount": "20.50", "color": "red"}])
    assert order.to_wire()["skus"] == [{"sku": "LAMP-1", "quantity": 2, "amount": 20.5, "color": "red"}]


def test_comma_lists_and_arrays() -> None:
    order = BrandCreateOrder(order_number="1", currency="USD", trans_time=0,
                             couponcode=["ZVKD234", "ZVKA111"])
    assert order.to_wire()["couponcode"] == "ZVKD234,ZVKA111"
    listing = MerchantListTransactions(trans_status="new, void", partner_id=[12, "13"], partner_location="us")
    assert listing.to_wire() == {"trans_status": ["new", "void"], "partner_id": [12, 13],
                                 "partner_location": ["US"]}
    creatives = BrandListCreatives(type="IMAGE", status=["Active"], privacy="PUBLIC")
    assert creatives.to_wire() == {"type": "IMAGE", "status": ["Active"], "privacy": ["PUBLIC"]}
    assert MerchantListBills(ids=[3, 4]).to_wire() == {"ids": "3,4"}


def test_aliases_are_the_documented_names_on_the_wire() -> None:
    by_alias = BrandSetPublisherStatus.model_validate({"userId": 40828, "status": "adopt"})
    by_name = BrandSetPublisherStatus(user_id="40828", status="adopt")
    assert by_alias.to_wire() == by_name.to_wire() == {"userId": "40828", "status": "adopt"}
    assert AmazonReport.model_validate({"adGroupIds": ["7", "8"]}).to_wire() == {"adGroupIds": "7,8"}


def test_creative_times_are_unix_seconds_as_text() -> None:
    creative = BrandCreateCreative(type="IMAGE", images=["https://cdn.example.com/a.png"],
                                   start_time="2026-09-01", end_time=SEPT_1_2026 + 86400)
    wire = creative.to_wire()
    assert (wire["start_time"], wire["end_time"]) == (str(SEPT_1_2026), str(SEPT_1_2026 + 86400))


def test_numbers_given_for_text_parameters_are_sent_as_text() -> None:
    wire = PublisherListTransactions(begin_date="2024-01-01", end_date="2024-01-31", brand_id=66303).to_wire()
    assert wire["brand_id"] == "66303"


def test_flags_and_asins() -> None:
    links = AmazonLinksFromAsins(asins=["b0c1234567", " B0C7654321 "], country_code="us",
                                 return_partnerboost_link=True)
    assert links.to_wire() == {"asins": "B0C1234567,B0C7654321", "country_code": "US",
                               "return_partnerboost_link": 1}


def test_the_cursor_is_always_sent() -> None:
    assert BrandTransactionReportCursor().to_wire() == {"cursor": "1"}
    assert BrandTransactionReportCursor(cursor="abc", limit=200).to_wire() == {"cursor": "abc", "limit": 200}
