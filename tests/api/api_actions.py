"""Small actions shaped like the real catalogue's, so the client tests do not depend on catalogue details."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from partnerboost_tools.base import Action, Paging, Window
from partnerboost_tools.types import ChinaDateTime, CompactDate, IsoDate, UnixTime


class SampleMerchantList(Action):
    """A paged merchant listing."""

    family = "merchant"
    endpoint = "/a/sample/list"
    tool_name = "sample_merchant_list"
    paging = Paging(kind="page", page_param="page_num", size_param="page_size", max_size=200, default_size=20,
                    total_items_key="total_size", total_pages_key="total_page", id_key="id")

    page_num: int | None = Field(None, ge=1)
    page_size: int | None = Field(None, ge=1, le=200)
    status: list[str] | None = None
    time_start: UnixTime | None = None
    time_end: UnixTime | None = None


class SampleMerchantPost(SampleMerchantList):
    """The same listing sent as POST with a JSON body."""

    method = "POST"
    tool_name = "sample_merchant_post"


class SampleMerchantWrite(Action):
    """A merchant write."""

    family = "merchant"
    endpoint = "/a/sample/write"
    method = "POST"
    writes = True
    idempotent = False
    tool_name = "sample_merchant_write"

    note: str


class SampleBrandWrite(Action):
    """A brand write (like order/new)."""

    family = "brand"
    endpoint = "order/new"
    method = "POST"
    writes = True
    tool_name = "sample_brand_write"

    order_number: str
    amount: float | None = None


class SampleBrandGet(Action):
    """A brand read sent as GET."""

    family = "brand"
    endpoint = "report/sample"
    tool_name = "sample_brand_get"

    publisher_id: str | None = None


class SampleBrandOffset(Action):
    """Brand click list style: offset paging."""

    family = "brand"
    endpoint = "report/offset"
    tool_name = "sample_brand_offset"
    paging = Paging(kind="offset", page_param="first", size_param="page_size", first_page=0, max_size=100,
                    default_size=20, total_items_key="total_size", id_key="id")

    first: int | None = Field(None, ge=0)
    page_size: int | None = Field(None, ge=20, le=100)


class SampleBrandCursor(Action):
    """Brand transaction report v2 style: cursor paging."""

    family = "brand"
    endpoint = "report/cursor"
    method = "POST"
    tool_name = "sample_brand_cursor"
    paging = Paging(kind="cursor", page_param="cursor", size_param="limit", max_size=200, default_size=100,
                    cursor_key="cursor", id_key="id")

    cursor: str = Field("1", min_length=1)
    limit: int | None = Field(None, ge=1, le=200)
    start_date: CompactDate | None = None
    end_date: CompactDate | None = None


PUBLISHER_WINDOW = Window(start_param="begin_date", end_param="end_date", max_span=timedelta(days=62),
                          error_code=1006)


class SamplePublisherList(Action):
    """Publisher transactions style: page paging and a 62-day window."""

    family = "publisher"
    endpoint = "medium/sample"
    tool_name = "sample_publisher_list"
    paging = Paging(kind="page", page_param="page", size_param="limit", max_size=2000, default_size=100,
                    total_items_key="total_items", total_pages_key="total_page", id_key="order_id")
    window: ClassVar[Window | None] = PUBLISHER_WINDOW

    begin_date: IsoDate | None = None
    end_date: IsoDate | None = None
    page: int | None = Field(None, ge=1)
    limit: int | None = Field(None, ge=1, le=2000)


class SampleClicks(Action):
    """Publisher click report style: one-hour window, ten requests a minute, not paged."""

    family = "publisher"
    endpoint = "medium/clicks"
    tool_name = "sample_clicks"
    window = Window(start_param="begin_date", end_param="end_date", max_span=timedelta(hours=1),
                    requests_per_minute=10, error_code=1011)

    begin_date: ChinaDateTime
    end_date: ChinaDateTime


class SampleAmazonList(Action):
    """Amazon style: POST, has_more paging."""

    family = "amazon"
    endpoint = "get_sample"
    method = "POST"
    tool_name = "sample_amazon_list"
    paging = Paging(kind="has_more", page_param="page", size_param="page_size", max_size=100, default_size=20,
                    id_key="asin")

    page: int | None = Field(None, ge=1)
    page_size: int | None = Field(None, ge=1, le=100)
    country_code: str | None = None
