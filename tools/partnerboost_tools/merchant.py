"""Merchant WebUI API (header X-Api-Key, paths under /a/): orders, performance, bills, account.

Times are sent as Unix seconds. Paged actions use page_num/page_size and answer
`{"list": [...], "total_size", "total_page", "page_size", "page_num", "current_size"}`. The filtered order
actions are POST with a JSON body (their array filters travel best that way); the others are GET.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from partnerboost_tools.base import Action, Cached, FrozenEnd, Paging
from partnerboost_tools.types import CommaList, CountryCode, OneOrMany, UnixTime, check_time_order

MERCHANT_MAX_PAGE_SIZE = 200
"""Our assumption: the API clamps page_size without documenting the limit; we never ask for more than this."""

MERCHANT_DEFAULT_PAGE_SIZE = 20
"""The documented default page size."""

_TIME = "ISO date/datetime (UTC) or Unix seconds"

MERCHANT_PAGING = Paging(
    kind="page",
    page_param="page_num",
    size_param="page_size",
    max_size=MERCHANT_MAX_PAGE_SIZE,
    default_size=MERCHANT_DEFAULT_PAGE_SIZE,
    records_key="list",
    total_items_key="total_size",
    total_pages_key="total_page",
)


def _page_num() -> Any:
    return Field(None, ge=1, description="Page number, from 1 (default 1)")


def _page_size() -> Any:
    return Field(None, ge=1, le=MERCHANT_MAX_PAGE_SIZE,
                 description=f"Records per page (default {MERCHANT_DEFAULT_PAGE_SIZE}, at most "
                             f"{MERCHANT_MAX_PAGE_SIZE})")


class MerchantAction(Action):
    """Base of the merchant WebUI actions."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    family = "merchant"


class _TransactionFilters(MerchantAction):
    """The order filters shared by list4 and list_stats."""

    trans_time_start: UnixTime | None = Field(None, description=f"Orders placed from this time; {_TIME}")
    trans_time_end: UnixTime | None = Field(None, description=f"Orders placed up to this time; {_TIME}")
    trans_keywords: str | None = Field(None, description="Keyword search")
    trans_tag: str | None = Field(None, description="Order tag")
    trans_status: OneOrMany[Literal["new", "void", "paid", "effective", "mixed"]] | None = Field(
        None, description="Order statuses")
    trans_sku_status: OneOrMany[Literal["paid", "new", "void", "effective"]] | None = Field(
        None, description="SKU statuses")
    trans_type: OneOrMany[str] | None = Field(
        None, description="Transaction types, e.g. normal, bonus, manually_added")
    trans_client_device: OneOrMany[Literal["mobile", "pc", "admin", "-"]] | None = Field(
        None, description="Client devices")
    trans_norm_id: OneOrMany[str] | None = Field(None, description="Norm ids")
    partner_channel_id: OneOrMany[str] | None = Field(
        None, description="Partner channels: numeric site ids or PB… medium codes")
    partner_id: OneOrMany[int] | None = Field(None, description="Partner ids")
    partner_group: OneOrMany[str] | None = Field(None, description="Partner group ids")
    partner_channel_type: OneOrMany[Literal["WEBSITE", "SOCIAL_NETWORK", "MOBILE"]] | None = Field(
        None, description="Partner channel types")
    partner_location: OneOrMany[CountryCode] | None = Field(
        None, description="Partner countries, two-letter codes")
    partner_type: OneOrMany[Literal["influencer", "publisher"]] | None = Field(
        None, description="Partner types")
    payment_id: int | None = Field(None, description="Bill (payment) id the orders belong to")
    acc_upload_id: int | None = Field(None, description="ACC upload id")
    performance_bonus_type_id: int | None = Field(None, description="Performance bonus type id")
    amazon_shop_country: str | None = Field(None, description="Amazon shop country (Amazon orders)")
    amazon_product_brand: str | None = Field(None, description="Amazon product brand (Amazon orders)")
    affiliate_type: str | None = Field(None, description="Affiliate type (Amazon orders)")

    @model_validator(mode="after")
    def _time_order(self) -> _TransactionFilters:
        check_time_order(self.trans_time_start, self.trans_time_end, "trans_time_start", "trans_time_end")
        return self


class MerchantListTransactions(_TransactionFilters):
    """List orders (transactions) with filters: the records behind any order, channel or partner question.

    One page per call, newest first. `list` holds orders (order_id, order_time, partner and channel, currency,
    sale_amount, sale_comm, comm_rate, status, void_reason, sku, coupon_code, ...); `total_size` and
    `total_page` give the totals. The time filters apply to the order time.
    """

    endpoint = "/a/transaction/list4"
    method = "POST"
    tool_name = "merchant_list_transactions"
    frozen_end = FrozenEnd("trans_time_end", record_time_key="order_time", range_start="trans_time_start")
    # No id_key: the same order_id twice is data here (a duplicate postback the monitor must see), and the
    # rows carry no other identity. The pager fixes the end time first, so new orders cannot shift pages, and
    # collapses records repeated identically across pages when late ones do.
    paging = MERCHANT_PAGING

    page_num: int | None = _page_num()
    page_size: int | None = _page_size()


class MerchantTransactionStats(_TransactionFilters):
    """Order statistics (counts and totals) for the same filters as merchant_list_transactions, no records.

    Returns one aggregate object; its field names are not publicly documented.
    """

    endpoint = "/a/transaction/list_stats"
    method = "POST"
    tool_name = "merchant_transaction_stats"


class MerchantRecentTransactions(MerchantAction):
    """The latest 10 orders, for a quick look at what just came in; takes no parameters.

    Returns the orders in the same shape as merchant_list_transactions records.
    """

    endpoint = "/a/transaction/nearly_list"
    tool_name = "merchant_recent_transactions"


class _PerformanceFilters(MerchantAction):
    """The date range and filters shared by the performance actions."""

    start_date: UnixTime = Field(description=f"Start of the period; {_TIME}")
    end_date: UnixTime = Field(description=f"End of the period; {_TIME}")
    medium_id: str | None = Field(None, description="Only this partner (medium) id")
    channel: str | None = Field(None, description="Only this channel")
    partner_group_id: int | None = Field(None, description="Only this partner group")

    @model_validator(mode="after")
    def _date_order(self) -> _PerformanceFilters:
        check_time_order(self.start_date, self.end_date, "start_date", "end_date")
        return self


class MerchantPerformanceChart(_PerformanceFilters):
    """Clicks, orders, sales and commission over time (by day, week or month) for a period.

    Returns one row per period (date, week or month) with clicks, orders, valid_orders and sale_amount /
    sale_comm per currency.
    """

    endpoint = "/a/performance/charts_v2"
    tool_name = "merchant_performance_chart"
    example = {"start_date": "2026-08-01", "end_date": "2026-09-01"}

    group_by: Literal["day", "week", "month"] | None = Field(None, description="Period length (default day)")


class MerchantPerformanceList(_PerformanceFilters):
    """Performance rows grouped by day, week, month, partner (medium) or channel: who or what drove results.

    One page per call. Each row carries its group key (date, week, month, medium_id + medium_name, or
    channel) with clicks, orders, valid_orders and sale_amount / sale_comm per currency; `total_size` gives
    the row count.
    """

    endpoint = "/a/performance/list_v2"
    tool_name = "merchant_performance_list"
    cached = Cached("performance rows", "start_date", "end_date")
    example = {"start_date": "2026-08-01", "end_date": "2026-09-01"}
    paging = MERCHANT_PAGING

    group_by: Literal["day", "week", "month", "medium", "channel"] | None = Field(
        None, description="Row grouping (default day)")
    sort_type: str | None = Field(None, description="Field to sort by")
    sort_order: Literal["desc", "asc"] | None = Field(None, description="Sort direction")
    page_num: int | None = _page_num()
    page_size: int | None = _page_size()


class MerchantPerformanceTotals(_PerformanceFilters):
    """Total clicks, orders, sales and commission for a period, optionally for one partner, channel or group.

    Returns one row: clicks, orders, valid_orders and sale_amount / sale_comm per currency.
    """

    endpoint = "/a/performance/charts_total"
    tool_name = "merchant_performance_totals"
    example = {"start_date": "2026-08-01", "end_date": "2026-09-01"}


class MerchantSearchPartners(MerchantAction):
    """Find partners (media) by name or keyword, e.g. to get the medium_id the performance filters take.

    Returns the matching partners with their ids and names.
    """

    endpoint = "/a/performance/search_partner"
    tool_name = "merchant_search_partners"
    example = {"word": "blog"}

    word: str = Field(min_length=1, description="Name or keyword to search for")


class MerchantListBills(MerchantAction):
    """List commission bills with amount, status and payment details; filter by partner, time or bill ids.

    One page per call. Records: id, bill_no, mid (partner channel), medium_name, period (YYYY-MM), currency,
    amount, order_count, status, payment_method, payment_type, create_time, paid_time.
    """

    endpoint = "/a/account/billing_list"
    tool_name = "merchant_list_bills"
    frozen_end = FrozenEnd("time_end", range_start="time_start")
    cached = Cached("bills", "time_start", "time_end")
    paging = replace(MERCHANT_PAGING, id_key="id")

    mid: str | None = Field(None, description="Only this partner channel (media) id")
    ids: CommaList | None = Field(None, description="Bill ids")
    time_start: UnixTime | None = Field(None, description=f"Bills created from this time; {_TIME}")
    time_end: UnixTime | None = Field(None, description=f"Bills created up to this time; {_TIME}")
    payment_method: str | None = Field(None, description="Payment method, e.g. balance, credit_card")
    payment_type: str | None = Field(None, description="Payment type, e.g. commission, bonus")
    status: str | None = Field(None, description="Bill status, e.g. paid, pending")
    search_word: str | None = Field(None, description="Keyword search")
    page_num: int | None = _page_num()
    page_size: int | None = _page_size()

    @model_validator(mode="after")
    def _time_order(self) -> MerchantListBills:
        check_time_order(self.time_start, self.time_end, "time_start", "time_end")
        return self


class MerchantAccountInfo(MerchantAction):
    """Account information, including the account balance; takes no parameters."""

    endpoint = "/a/account/account_info"
    tool_name = "merchant_account_info"


class MerchantCurrentPlan(MerchantAction):
    """The current subscription plan and its details; takes no parameters."""

    endpoint = "/a/account/current_plan"
    tool_name = "merchant_current_plan"


class MerchantListPrepayments(MerchantAction):
    """List prepayment (account top-up) records, optionally for one partner or a time range.

    One page per call; `total_size` gives the record count.
    """

    endpoint = "/a/account/pre_payment"
    tool_name = "merchant_list_prepayments"
    frozen_end = FrozenEnd("time_end", range_start="time_start")
    paging = MERCHANT_PAGING

    mid: str | None = Field(None, description="Only this partner channel (media) id")
    time_start: UnixTime | None = Field(None, description=f"Records from this time; {_TIME}")
    time_end: UnixTime | None = Field(None, description=f"Records up to this time; {_TIME}")
    page_num: int | None = _page_num()
    page_size: int | None = _page_size()

    @model_validator(mode="after")
    def _time_order(self) -> MerchantListPrepayments:
        check_time_order(self.time_start, self.time_end, "time_start", "time_end")
        return self


MERCHANT_ACTIONS: tuple[type[Action], ...] = (
    MerchantListTransactions,
    MerchantTransactionStats,
    MerchantRecentTransactions,
    MerchantPerformanceChart,
    MerchantPerformanceList,
    MerchantPerformanceTotals,
    MerchantSearchPartners,
    MerchantListBills,
    MerchantAccountInfo,
    MerchantCurrentPlan,
    MerchantListPrepayments,
)
