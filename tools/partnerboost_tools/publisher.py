"""Publisher API (`/api.php?mod=&op=`, one token per channel): transactions, clicks, brands, commissions,
payments, coupons and product datafeed, seen from a publisher's channel.

The endpoint is 'mod/op'. `token` is added by the client (the channel token; the coupon feed takes its own
coupon token) and is not a field here. The return format `type` is left at its default, json (the coupon
action's own `type`, coupon or deal, is a real filter). Everything is sent as GET.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from partnerboost_tools.base import Action, Paging, Window
from partnerboost_tools.types import ChinaDateTime, IsoDate, check_time_order

PUBLISHER_TRANSACTION_MAX_LIMIT = 2000
PUBLISHER_DATAFEED_MAX_LIMIT = 100

_DAY = "ISO date (YYYY-MM-DD)"

DATE_SPAN_WINDOW = Window(start_param="begin_date", end_param="end_date", max_span=timedelta(days=62),
                          error_code=1006)
"""Result code 1006: the date span is over 62 days."""


class PublisherAction(Action):
    """Base of the publisher API actions."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    family = "publisher"


class PublisherListTransactions(PublisherAction):
    """List your transactions (orders you referred) with commission status, by order date or validation date.

    One page per call: `list` holds order items (order_id, order_time, brand_id, mcid, merchant_name,
    sale_amount, sale_comm, comm_rate, status, uid, prod_id, validation_date, ...); `total_page` and
    `total_items` give the totals. One request may span at most 62 days (order or validation dates).
    """

    endpoint = "medium/transaction"
    tool_name = "publisher_list_transactions"
    example = {"begin_date": "2024-01-01", "end_date": "2024-01-31"}
    paging = Paging(kind="page", page_param="page", size_param="limit",
                    max_size=PUBLISHER_TRANSACTION_MAX_LIMIT, default_size=100,
                    total_items_key="total_items", total_pages_key="total_page")
    window = replace(DATE_SPAN_WINDOW, other_ranges=(("validation_date_begin", "validation_date_end"),))

    begin_date: IsoDate | None = Field(None, description=f"Order period start; {_DAY}")
    end_date: IsoDate | None = Field(None, description=f"Order period end; {_DAY}")
    validation_date_begin: IsoDate | None = Field(None, description=f"Validation period start; {_DAY}")
    validation_date_end: IsoDate | None = Field(None, description=f"Validation period end; {_DAY}")
    order_id: str | None = Field(None, description="Only this order")
    status: Literal["Pending", "Approved", "Rejected", "Normal", "All"] | None = Field(
        None, description="Commission status")
    uid: str | None = Field(None, max_length=200, description="Your custom tracking variable")
    brand_id: str | None = Field(None, description="Only this brand")
    mcid: str | None = Field(None, description="Only this brand (its mcid)")
    page: int | None = Field(None, ge=1, description="Page number, from 1")
    limit: int | None = Field(None, ge=1, le=PUBLISHER_TRANSACTION_MAX_LIMIT,
                              description="Transactions per page, at most 2000")

    @model_validator(mode="after")
    def _one_period(self) -> PublisherListTransactions:
        pairs = (("begin_date", "end_date"), ("validation_date_begin", "validation_date_end"))
        for start, end in pairs:
            if (getattr(self, start) is None) != (getattr(self, end) is None):
                raise ValueError(f"{start} and {end} go together: give both or neither")
            check_time_order(getattr(self, start), getattr(self, end), start, end)
        if self.begin_date is None and self.validation_date_begin is None:
            raise ValueError("give begin_date and end_date (order period) or validation_date_begin and "
                             "validation_date_end (validation period)")
        return self


class PublisherListClicks(PublisherAction):
    """List your clicks (click log) in a time range, with brand, click_ref and uid.

    `list` holds clicks (click_time in UTC+8, brand_id, mcid, merchant_name, click_ref, uid); `total_items`
    the count. One request may span at most one hour, and at most 10 requests a minute are allowed.
    """

    endpoint = "medium/transfer"
    tool_name = "publisher_list_clicks"
    example = {"begin_date": "2024-01-01T00:00:00Z", "end_date": "2024-01-01T01:00:00Z"}
    window = Window(start_param="begin_date", end_param="end_date", max_span=timedelta(hours=1),
                    requests_per_minute=10, error_code=1011)

    begin_date: ChinaDateTime = Field(description="Start time; ISO datetime (UTC unless an offset is given)")
    end_date: ChinaDateTime = Field(description="End time, at most one hour after begin_date")

    @model_validator(mode="after")
    def _time_order(self) -> PublisherListClicks:
        check_time_order(self.begin_date, self.end_date, "begin_date", "end_date")
        return self


class PublisherListBrands(PublisherAction):
    """Find brands to promote, with your relationship, commission and tracking links (monetization).

    One page per call: `list` holds brands (brand_id, mcid, merchant_name, brand_type, comm_rate,
    relationship, tracking_url, site_url, country, ...); `total_mcid` and `total_page` give the totals.
    """

    endpoint = "medium/monetization_api"
    tool_name = "publisher_list_brands"
    paging = Paging(kind="page", page_param="page", size_param="limit", max_size=100, default_size=20,
                    total_items_key="total_mcid", total_pages_key="total_page", id_key="mcid")

    brand_type: Literal["TikTok", "DTC", "Amazon", "Walmart", "Indirect"] | None = Field(
        None, description="Brand type")
    approval_type: Literal["Auto", "Manual"] | None = Field(None, description="Approval type")
    offer_type: Literal["CPS", "CPA", "CPC", "CPL", "CPX", "CPM"] | None = Field(
        None, description="Pricing model")
    relationship: Literal["Joined", "Pending", "Rejected", "No Relationship"] | None = Field(
        None, description="Your relationship with the brand")
    categories: str | None = Field(None, description="Brand category, e.g. Apparel")
    country: str | None = Field(None, description="Brand country, e.g. US")
    page: int | None = Field(None, ge=1, description="Page number, from 1")
    limit: int | None = Field(None, ge=1, description="Brands per page")


class PublisherListCommissions(PublisherAction):
    """Approved commission by brand and month (settlements) in a date range, e.g. to see what will be paid.

    Returns settlements: brand_id, mcid, sale_comm, settlement_date, note (the period), settlement_id (use it
    with publisher_commission_details). One request may span at most 62 days.
    """

    endpoint = "settlement/merchant_commission"
    tool_name = "publisher_list_commissions"
    example = {"begin_date": "2024-01-01", "end_date": "2024-01-31"}
    window = DATE_SPAN_WINDOW

    begin_date: IsoDate = Field(description=f"Start date; {_DAY}")
    end_date: IsoDate = Field(description=f"End date; {_DAY}")

    @model_validator(mode="after")
    def _date_order(self) -> PublisherListCommissions:
        check_time_order(self.begin_date, self.end_date, "begin_date", "end_date")
        return self


class PublisherCommissionDetails(PublisherAction):
    """The transactions behind one approved settlement (from publisher_list_commissions).

    Returns transactions: order_id, order_time, brand, sale_amount, sale_comm, status, uid, prod_id,
    validation_date.
    """

    endpoint = "settlement/commission_details"
    tool_name = "publisher_commission_details"
    example = {"settlement_id": "12345"}

    settlement_id: str = Field(min_length=1, description="Settlement id")


class _PaymentQuery(PublisherAction):
    """One payment, or the payments in a paid-date range."""

    payment_id: str | None = Field(None, description="Payment id (or give paid_date_begin and paid_date_end)")
    paid_date_begin: IsoDate | None = Field(None, description=f"Paid from this day; {_DAY}")
    paid_date_end: IsoDate | None = Field(None, description=f"Paid up to this day; {_DAY}")

    @model_validator(mode="after")
    def _payment_or_dates(self) -> _PaymentQuery:
        if not self.payment_id and (self.paid_date_begin is None or self.paid_date_end is None):
            raise ValueError("give payment_id, or paid_date_begin and paid_date_end")
        check_time_order(self.paid_date_begin, self.paid_date_end, "paid_date_begin", "paid_date_end")
        return self


class PublisherPaymentHistory(_PaymentQuery):
    """Your payouts: one payment by id, or those paid in a date range.

    Returns payments: payment_id, request_date, paid_date, payment_type, payment_details, invoice, Amount.
    """

    endpoint = "settlement/payment_history"
    tool_name = "publisher_payment_history"
    example = {"payment_id": "12345"}
    inferred = True


class PublisherPaymentDetails(_PaymentQuery):
    """What a payout contained: commission and bonus lines by brand, for one payment or a paid-date range.

    Returns lines: brand_id, mcid, merchant_name, amount, type (commission or bonus), validation_date, note,
    settlement_id, payment_id, paid_date, sign_id.
    """

    endpoint = "settlement/payment_details"
    tool_name = "publisher_payment_details"
    example = {"payment_id": "12345"}
    inferred = True


class PublisherListCoupons(PublisherAction):
    """Find coupons and deals offered by brands; needs the coupon token, not a channel token.

    One page per call: coupons and deals with creative_id, brand_id, restrictions, keywords, image and
    smart_url.
    """

    endpoint = "coupon/list"
    tool_name = "publisher_list_coupons"
    inferred = True
    paging = Paging(kind="page", page_param="page", size_param="per_page", max_size=2000, default_size=50,
                    total_pages_key="total_page", id_key="creative_id")

    brand_type: Literal["D2C", "Amazon", "Indirect"] | None = Field(None, description="Brand type")
    brand_id: str | None = Field(None, description="Only this brand")
    mcid: str | None = Field(None, description="Only this brand (its mcid)")
    track: str | None = Field(None, description="Track code to put in the tracking links")
    type: Literal["coupon", "deal"] | None = Field(None, description="Coupons or deals")
    country: str | None = Field(None, description="Country where it can be used, e.g. US")
    origin_category: str | None = Field(None, description="The brand's category, e.g. Apparel")
    level: int | None = Field(None, ge=1, le=4, description="Level 1 (highest) to 4")
    lang: str | None = Field(None, description="Language, e.g. en")
    per_page: int | None = Field(None, ge=1, le=2000, description="Items per page (default 50, at most 2000)")
    page: int | None = Field(None, ge=1, description="Page number, from 1")
    created_at: IsoDate | None = Field(None, description=f"Created on; {_DAY}")
    updated_at: IsoDate | None = Field(None, description=f"Updated on; {_DAY}")


class PublisherListProducts(PublisherAction):
    """Search brands' product datafeeds for products to promote, with tracking links.

    One page per call: `list` holds products (name, sku, brand_id, mcid, merchant_name, price, old_price,
    currency, url, image, tracking_url, tracking_url_short, ...); `total` the count.
    """

    endpoint = "datafeed/list"
    tool_name = "publisher_list_products"
    paging = Paging(kind="page", page_param="page", size_param="limit", max_size=PUBLISHER_DATAFEED_MAX_LIMIT,
                    default_size=50, total_items_key="total")

    brand_type: Literal["TikTok", "DTC", "Walmart"] | None = Field(None, description="Brand type")
    brand_id: str | None = Field(None, description="Only this brand")
    mcid: str | None = Field(None, description="Only this brand (its mcid)")
    page: int | None = Field(None, ge=1, description="Page number, from 1")
    limit: int | None = Field(None, ge=1, le=PUBLISHER_DATAFEED_MAX_LIMIT,
                              description="Products per page, at most 100")
    keywords: str | None = Field(None, description="Keywords")
    price_range: Literal["0-75", "75-150", "150-300", "300-500", "500-1000", "1000+"] | None = Field(
        None, description="Price range")
    min_discount: Literal[75, 50, 25, 10] | None = Field(None, description="Minimum discount, percent")


PUBLISHER_ACTIONS: tuple[type[Action], ...] = (
    PublisherListTransactions,
    PublisherListClicks,
    PublisherListBrands,
    PublisherListCommissions,
    PublisherCommissionDetails,
    PublisherPaymentHistory,
    PublisherPaymentDetails,
    PublisherListCoupons,
    PublisherListProducts,
)
