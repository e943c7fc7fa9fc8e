"""Brand open API (`/api/brand`, bid/token/secret signed requests): order postback, reports, creatives,
datafeed and publisher management.

Only `order/new` is documented with its action name; the others are our inference (`inferred = True`). Every
action is sent as POST with a JSON body (the API takes GET or POST; JSON keeps numbers, booleans and arrays
typed). The auth parameters (bid, token, action, version) are added by the client and are not fields here.
The response envelope is not public; paged data is taken to follow the merchant shape (`list`, `total_size`,
`total_page`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from partnerboost_tools.base import Action, Cached, FrozenEnd, Paging
from partnerboost_tools.types import (
    CommaList,
    CompactDate,
    Currency,
    Money,
    OneOrMany,
    Rfc1123Time,
    UnixTime,
    check_time_order,
    to_unix_datetime,
)

BRAND_REPORT_MAX_PAGE_SIZE = 100
BRAND_REPORT_MIN_PAGE_SIZE = 20
BRAND_CURSOR_MAX_LIMIT = 200

_TIME = "ISO date/datetime (UTC) or Unix seconds"


UnixTimeText = Annotated[
    datetime,
    BeforeValidator(to_unix_datetime),
    PlainSerializer(lambda d: str(int(d.timestamp())), return_type=str),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}], "examples": ["2026-09-01"]}),
]
"""Sent as Unix seconds in a string, as the creative actions document their times."""

Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


class BrandAction(Action):
    """Base of the brand open API actions."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    family = "brand"
    method = "POST"


class OrderSku(BaseModel):
    """One SKU line of an order. PartnerBoost does not document this shape publicly: sku, quantity and amount
    are our assumption, and other keys are passed through unchanged."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    sku: str = Field(min_length=1, description="SKU code")
    quantity: int | None = Field(None, ge=1, description="Units of this SKU")
    amount: Money | None = Field(None, description="Amount for this SKU line")


class BrandCreateOrder(BrandAction):
    """Report (post back) a new order so the referring partner is credited; a write.

    Returns the API's acknowledgement. The item shape of `skus` (sku, quantity, amount) is not documented
    publicly; it is our assumption.
    """

    endpoint = "order/new"
    tool_name = "brand_create_order"
    example = {"order_number": "201000000001", "currency": "USD", "trans_time": "2022-01-20T05:27:30Z"}
    writes = True
    idempotent = False

    order_number: str = Field(min_length=1, description="Your unique order number")
    pbtid: str | None = Field(None, description="PartnerBoost click track code from the landing URL")
    is_new_customer: bool | None = Field(None, description="Whether the buyer is a new customer of the brand")
    uid: str | None = Field(None, description="The buyer's id in your system")
    currency: Currency = Field(description="Order currency, ISO 4217 (USD)")
    trans_time: Rfc1123Time = Field(description=f"Order time; {_TIME}")
    amount: Money | None = Field(None, description="Actual order amount")
    quantity: int | None = Field(None, ge=0, description="Number of products")
    remark: str | None = Field(None, description="Any message")
    couponcode: CommaList | None = Field(None, description="Coupon codes used")
    skus: list[OrderSku] | None = Field(None, min_length=1,
                                        description="SKU lines (required when the order has SKUs)")


class BrandVoidOrder(BrandAction):
    """Void (cancel) a reported order, e.g. after a refund, so no commission is paid on it; destructive.

    Returns the API's acknowledgement.
    """

    endpoint = "order/void"
    tool_name = "brand_void_order"
    example = {"order_number": "201000000001"}
    inferred = True
    writes = True
    destructive = True

    order_number: str = Field(min_length=1, description="The order number to void")


class BrandGetOrder(BrandAction):
    """Look up one reported order by its order number.

    Returns the order as PartnerBoost recorded it (field names not publicly documented).
    """

    endpoint = "order/detail"
    tool_name = "brand_get_order"
    example = {"order_number": "201000000001"}
    inferred = True

    order_number: str = Field(min_length=1, description="The order number to look up")


class BrandCreateBonus(BrandAction):
    """Pay a publisher a bonus commission that is not tied to an order; a write.

    Returns the API's acknowledgement.
    """

    endpoint = "order/bonus"
    tool_name = "brand_create_bonus"
    example = {
        "medium_id": "LDC000123",
        "currency": "USD",
        "trans_time": "2022-01-20T05:27:30Z",
        "commission": "11.15",
    }
    inferred = True
    writes = True
    idempotent = False

    medium_id: str = Field(min_length=1, description="Publisher identity, e.g. LDC000123")
    currency: Currency = Field(description="Bonus currency, ISO 4217 (USD)")
    trans_time: Rfc1123Time = Field(description=f"Bonus time; {_TIME}")
    commission: Money = Field(description="Bonus commission for the publisher")
    remark: str | None = Field(None, description="Any message")


class BrandListClicks(BrandAction):
    """List clicks (transfers) on your tracking links, optionally for one publisher or channel.

    One page per call, paged by record offset `first`; `list` holds clicks, `total_size` the total count.
    """

    endpoint = "report/transfer"
    tool_name = "brand_list_clicks"
    frozen_end = FrozenEnd("end_time", "start_time")
    inferred = True
    paging = Paging(kind="offset", page_param="first", size_param="page_size", first_page=0,
                    max_size=BRAND_REPORT_MAX_PAGE_SIZE, default_size=BRAND_REPORT_MIN_PAGE_SIZE,
                    total_items_key="total_size", total_pages_key="total_page", id_key="id")

    start_time: UnixTime | None = Field(None, description=f"Clicks from this time; {_TIME}")
    end_time: UnixTime | None = Field(None, description=f"Clicks up to this time; {_TIME}")
    first: int | None = Field(None, ge=0, description="Offset of the first record (default 0)")
    page_size: int | None = Field(None, ge=BRAND_REPORT_MIN_PAGE_SIZE, le=BRAND_REPORT_MAX_PAGE_SIZE,
                                  description="Records per page, 20 to 100")
    publisher_id: str | None = Field(None, description="Only this publisher")
    channel_id: str | None = Field(None, description="Only this channel")

    @model_validator(mode="after")
    def _time_order(self) -> BrandListClicks:
        check_time_order(self.start_time, self.end_time, "start_time", "end_time")
        return self


class BrandGetClick(BrandAction):
    """Look up one click (transfer) by its transfer id or its pbtid tracking flag.

    Returns the click record.
    """

    endpoint = "report/transfer_detail"
    tool_name = "brand_get_click"
    example = {"id": 720078}
    inferred = True

    id: int | None = Field(None, description="Transfer id (give id or pbtid)")
    pbtid: str | None = Field(None, description="Tracking flag from the landing URL (give id or pbtid)")

    @model_validator(mode="after")
    def _one_key(self) -> BrandGetClick:
        if self.id is None and not self.pbtid:
            raise ValueError("one of id or pbtid is required")
        return self


class BrandTransactionReport(BrandAction):
    """Transaction report: your orders with status and commission, sortable, paged by page number.

    One page per call; `list` holds transactions, `total_size`/`total_page` the totals. For long exports
    brand_transaction_report_cursor pages more reliably.
    """

    endpoint = "report/transaction"
    tool_name = "brand_transaction_report"
    frozen_end = FrozenEnd("end_time", "start_time", record_time_key="order_time")
    inferred = True
    paging = Paging(kind="page", page_param="page_number", size_param="page_size",
                    max_size=BRAND_REPORT_MAX_PAGE_SIZE, default_size=BRAND_REPORT_MIN_PAGE_SIZE,
                    total_items_key="total_size", total_pages_key="total_page")

    start_time: UnixTime | None = Field(None, description=f"Transactions from this time; {_TIME}")
    end_time: UnixTime | None = Field(None, description=f"Transactions up to this time; {_TIME}")
    page_number: int | None = Field(None, ge=1, description="Page number, from 1")
    page_size: int | None = Field(None, ge=BRAND_REPORT_MIN_PAGE_SIZE, le=BRAND_REPORT_MAX_PAGE_SIZE,
                                  description="Records per page, 20 to 100")
    sort_dir: Literal["desc", "asc"] | None = Field(None, description="Sort direction (default desc)")
    sort_col: Literal["transid", "commission", "amount"] | None = Field(None, description="Sort column")
    status: Literal["new", "void", "effective"] | None = Field(None, description="Transaction status")
    type: str | None = Field(None, description="Transaction type, e.g. normal, bonus, manually_added")

    @model_validator(mode="after")
    def _time_order(self) -> BrandTransactionReport:
        check_time_order(self.start_time, self.end_time, "start_time", "end_time")
        return self


class BrandTransactionReportCursor(BrandAction):
    """Transaction report paged by cursor, filterable by order, SKU or transaction status, publisher, group.

    One page per call; pass the cursor the previous page returned to get the next one. Dates are calendar
    days.
    """

    endpoint = "report/transaction_v2"
    tool_name = "brand_transaction_report_cursor"
    frozen_end = FrozenEnd("end_date", "start_date")
    inferred = True
    paging = Paging(kind="cursor", page_param="cursor", size_param="limit", max_size=BRAND_CURSOR_MAX_LIMIT,
                    default_size=100, cursor_key="cursor")

    cursor: str = Field("1", min_length=1,
                        description="Page cursor: leave the default for page one, then pass the one returned")
    limit: int | None = Field(None, ge=1, le=BRAND_CURSOR_MAX_LIMIT,
                              description="Records per page (default 100, at most 200)")
    start_date: CompactDate | None = Field(None, description="First day; ISO date or YYYYMMDD")
    end_date: CompactDate | None = Field(None, description="Last day; ISO date or YYYYMMDD")
    order_status: Literal["new", "void", "mixed", "locked", "paid"] | None = Field(
        None, description="Order status")
    sku_status: Literal["new", "void", "locked", "paid"] | None = Field(None, description="SKU/ASIN status")
    transaction_type: Literal["bonus", "manually_added", "normal"] | None = Field(
        None, description="Transaction type")
    publisher_id: str | None = Field(None, description="Only this publisher")
    group_id: str | None = Field(None, description="Only this publisher group")

    @model_validator(mode="after")
    def _date_order(self) -> BrandTransactionReportCursor:
        check_time_order(self.start_date, self.end_date, "start_date", "end_date")
        return self


CreativeType = Literal["IMAGE", "TEXT", "COUPON"]
Privacy = Literal["PUBLIC", "PRIVATE"]


class BrandListCreatives(BrandAction):
    """List your creatives (images, text links, coupons) of one type, by status, privacy or keyword.

    One page per call; `list` holds creatives with their ids, `total_size` the count.
    """

    endpoint = "creative/list"
    tool_name = "brand_list_creatives"
    example = {"type": "IMAGE"}
    inferred = True
    paging = Paging(kind="page", page_param="page_num", size_param="page_size", max_size=100, default_size=10,
                    total_items_key="total_size", total_pages_key="total_page", id_key="id")

    type: CreativeType = Field(description="Creative type")
    status: OneOrMany[Literal["Scheduled", "Active", "Expired"]] | None = Field(None, description="Statuses")
    privacy: OneOrMany[Privacy] | None = Field(None, description="Privacy settings")
    keyword: str | None = Field(None, description="Keyword search")
    page_num: int | None = Field(None, ge=1, description="Page number, from 1")
    page_size: int | None = Field(None, ge=1, description="Records per page (default 10)")


class BrandCreateCreative(BrandAction):
    """Create a creative (image, text link or coupon) for publishers to promote; a write.

    TEXT needs link and content; IMAGE needs images. Returns the API's acknowledgement (with the new id).
    """

    endpoint = "creative/new"
    tool_name = "brand_create_creative"
    example = {"type": "COUPON", "start_time": 1680241332, "end_time": 1682574132}
    inferred = True
    writes = True
    idempotent = False

    type: CreativeType = Field(description="Creative type")
    start_time: UnixTimeText = Field(description=f"When it becomes active; {_TIME}")
    end_time: UnixTimeText = Field(description=f"When it expires; {_TIME}")
    link: Url | None = Field(None, description="Landing link (required for TEXT)")
    content: str | None = Field(None, description="Text content (required for TEXT)")
    images: list[Url] | None = Field(None, min_length=1, description="Image URLs (required for IMAGE)")
    title: str | None = Field(None, description="Title")
    privacy: Privacy | None = Field(None, description="Who may see it")

    @model_validator(mode="after")
    def _required_by_type(self) -> BrandCreateCreative:
        if self.type == "TEXT":
            missing = [name for name in ("link", "content") if not getattr(self, name)]
            if missing:
                verb = "are" if len(missing) > 1 else "is"
                raise ValueError(f"{' and '.join(missing)} {verb} required when type is TEXT")
        if self.type == "IMAGE" and not self.images:
            raise ValueError("images are required when type is IMAGE")
        check_time_order(self.start_time, self.end_time, "start_time", "end_time")
        return self


class BrandUpdateCreative(BrandAction):
    """Change a creative's title, active period or privacy; a write.

    Returns the API's acknowledgement.
    """

    endpoint = "creative/update"
    tool_name = "brand_update_creative"
    example = {"id": "132505", "title": "Spring sale"}
    inferred = True
    writes = True

    id: str = Field(min_length=1, description="Creative id")
    title: str | None = Field(None, description="New title")
    start_time: UnixTimeText | None = Field(None, description=f"New start; {_TIME}")
    end_time: UnixTimeText | None = Field(None, description=f"New end; {_TIME}")
    privacy: Privacy | None = Field(None, description="New privacy")

    @model_validator(mode="after")
    def _something_to_change(self) -> BrandUpdateCreative:
        if all(getattr(self, name) is None for name in ("title", "start_time", "end_time", "privacy")):
            raise ValueError("nothing to update: give title, start_time, end_time or privacy")
        check_time_order(self.start_time, self.end_time, "start_time", "end_time")
        return self


class BrandSetDatafeedConfig(BrandAction):
    """Set where and how often PartnerBoost fetches your product datafeed file; a write.

    Returns the API's acknowledgement.
    """

    endpoint = "datafeed/config"
    tool_name = "brand_set_datafeed_config"
    example = {"fetch_period": "DAILY", "fetch_url": "http://www.yousite.com/datafeed.xml"}
    inferred = True
    writes = True

    fetch_period: Literal["NEVER", "DAILY", "WEEKLY", "MONTH"] = Field(description="How often to fetch")
    fetch_url: Url = Field(description="URL of the datafeed file")


class BrandUpsertProduct(BrandAction):
    """Add a product to your datafeed, or update it when the SKU exists; a write.

    Returns the API's acknowledgement.
    """

    endpoint = "datafeed/product"
    tool_name = "brand_upsert_product"
    example = {
        "name": "Lamp",
        "url": "http://www.yousite.com/product/1",
        "image": "http://www.yousite.com/product/1.jpg",
        "sku": "SKU-1",
        "price": "100",
        "currency": "USD",
    }
    inferred = True
    writes = True

    name: str = Field(min_length=1, description="Product name")
    url: Url = Field(description="Product page URL")
    image: Url = Field(description="Product image URL")
    sku: str = Field(min_length=1, description="Product SKU (unique; an existing SKU is updated)")
    price: Money = Field(description="Price")
    currency: Currency = Field(description="Currency, ISO 4217 (USD)")
    description: str | None = Field(None, description="Description")
    category: str | None = Field(None, description="Category")
    old_price: Money | None = Field(None, description="Price before discount")
    brand: str | None = Field(None, description="Brand")
    gtin: str | None = Field(None, description="Global Trade Item Number")
    mpn: str | None = Field(None, description="Manufacturer part number")
    availability: str | None = Field(None, description="Availability, e.g. In Stock")


class BrandListPublishers(BrandAction):
    """List the publishers you work with, optionally one publisher, one channel or one relationship status.

    Returns the publishers with their channels and relationship status.
    """

    endpoint = "publisher/list"
    tool_name = "brand_list_publishers"
    cached = Cached("the partner list")
    inferred = True

    publisher_id: int | None = Field(None, description="Only this publisher")
    channel_id: int | None = Field(None, description="Only this channel")
    status: str | None = Field(None, description="Relationship status, e.g. joined")


class BrandSetPublisherStatus(BrandAction):
    """Approve, unblock, terminate or refuse a publisher relationship; destructive (terminate, refuse).

    Give the publisher's userId or its site_ids. Returns the API's acknowledgement.
    """

    endpoint = "publisher/status"
    tool_name = "brand_set_publisher_status"
    example = {"userId": "40828", "status": "adopt"}
    inferred = True
    writes = True
    destructive = True

    user_id: str | None = Field(None, alias="userId",
                                description="Publisher user id (give userId or site_ids)")
    site_ids: CommaList | None = Field(None, description="Publisher site ids (give userId or site_ids)")
    mail_id: str | None = Field(None, description="Mail template id")
    auto_approve: Literal[0, 1] | None = Field(None, description="1 to auto-approve")
    status: Literal["adopt", "unblock", "terminated", "refuse"] = Field(description="New relationship status")

    @model_validator(mode="after")
    def _one_target(self) -> BrandSetPublisherStatus:
        if not self.user_id and not self.site_ids:
            raise ValueError("one of userId or site_ids is required")
        return self


BRAND_ACTIONS: tuple[type[Action], ...] = (
    BrandCreateOrder,
    BrandVoidOrder,
    BrandGetOrder,
    BrandCreateBonus,
    BrandListClicks,
    BrandGetClick,
    BrandTransactionReport,
    BrandTransactionReportCursor,
    BrandListCreatives,
    BrandCreateCreative,
    BrandUpdateCreative,
    BrandSetDatafeedConfig,
    BrandUpsertProduct,
    BrandListPublishers,
    BrandSetPublisherStatus,
)
