"""The one place that knows the API's record shapes.

Each contract is a typed record (the shape our sandbox writes, which is also our best guess at PartnerBoost's)
and a table of fields: the frame column each becomes, the API names tried for it (the contract's own name
first), how its values are read, and whether the answer can do without it. PartnerBoost does not publish its
merchant record fields, so the reader (records/read.py) maps whatever arrives onto these columns: names are
compared without case and punctuation (`saleAmount`, `sale-amount` and `sale_amount` are one name), nested
objects are read as dotted paths (`publisher.site.id`), a `[fields]` table in the config file overrides a
mapping, and what could not be mapped is reported, never guessed silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypedDict

Kind = Literal["orders", "clicks", "bills", "partners", "account", "stats"]
ValueKind = Literal[
    "id", "text", "label", "time", "money", "count", "status", "flag", "rate", "month", "date"
]


class OrderRecord(TypedDict):
    """A merchant order (transaction/list4, nearly_list) as our sandbox writes it."""

    order_id: str
    order_time: int
    partner_id: int
    partner_name: str
    channel_id: int
    medium_code: str
    partner_channel_type: str
    partner_type: str
    partner_location: str
    partner_group: str
    partner_group_id: int
    client_device: str
    currency: str
    sale_amount: str
    sale_comm: str
    comm_rate: str
    status: str
    void_reason: str
    is_new_customer: int
    coupon_code: str
    uid: str
    quantity: int
    sku: str
    trans_type: str
    payment_id: int


class PerformanceRow(TypedDict, total=False):
    """A performance row (performance/list_v2, charts_v2, charts_total): a group key, counts, money per
    currency."""

    date: str
    week: str
    week_start: str
    month: str
    medium_id: int
    medium_name: str
    medium_code: str
    partner_id: int
    channel: str
    clicks: int
    orders: int
    valid_orders: int
    sale_amount: dict[str, str]
    sale_comm: dict[str, str]


class BillRecord(TypedDict):
    """A bill (account/billing_list)."""

    id: int
    bill_no: str
    mid: int
    partner_id: int
    medium_name: str
    period: str
    currency: str
    amount: str
    order_count: int
    status: str
    payment_method: str
    payment_type: str
    create_time: int | None
    paid_time: int | None


class PublisherRecord(TypedDict):
    """A partner (brand publisher/list, performance/search_partner)."""

    partner_id: int
    medium_id: int
    medium_name: str
    medium_code: str
    partner_type: str
    channel_type: str
    country: str
    group_id: int
    group_name: str
    commission_rate: str
    status: str
    joined_at: int | None
    website: str


class StatusFigures(TypedDict):
    count: int
    sale_amount: dict[str, str]
    sale_comm: dict[str, str]


class OrderStats(TypedDict):
    """Order statistics (transaction/list_stats) for the same filters as list4."""

    total_size: int
    order_count: int
    sale_amount: dict[str, str]
    sale_comm: dict[str, str]
    currency_count: dict[str, int]
    status_count: dict[str, int]
    by_status: dict[str, StatusFigures]


@dataclass(frozen=True)
class Field:
    column: str
    """The frame column (or, for account/stats, the value's name)."""
    names: tuple[str, ...]
    """API field names tried, in order; the first is the contract's own."""
    kind: ValueKind
    required: bool = False
    absent: str = ""
    """What a missing value means in the answer, said in the report (empty: the value is simply unknown)."""
    accepts: Callable[[list[str]], bool] | None = None
    """A check on a sample of a candidate field's values (as text): a field whose values fail it is not this
    one (a `PB00012345` code is no partner id)."""


@dataclass(frozen=True)
class Contract:
    kind: Kind
    label: str
    """What the records are called in messages ("orders", "performance rows")."""
    fields: tuple[Field, ...]
    unread: tuple[str, ...] = ()
    """Names of the typed record that the answers do not use."""

    def field(self, column: str) -> Field:
        for candidate in self.fields:
            if candidate.column == column:
                return candidate
        raise KeyError(column)


def _code_like(values: list[str]) -> bool:
    """Medium codes are letters then digits (PB00012345, LDC000123), not plain numbers."""
    present = [value for value in values if value]
    return bool(present) and all(
        value[:1].isalpha() and any(ch.isdigit() for ch in value) for value in present
    )


def _not_code_like(values: list[str]) -> bool:
    present = [value for value in values if value]
    return not present or not _code_like(present)


_STATUS_LABEL_NAMES = ("status_name", "status_label", "status_text", "status_desc", "state_name")
_PAID_FLAG_NAMES = ("paid_status", "is_paid", "paid", "payment.paid", "settled")

ORDERS = Contract(
    "orders",
    "orders",
    (
        Field(
            "order_id",
            ("order_id", "trans_id", "order_number", "transaction_id", "order_no", "oid", "id", "transid"),
            "id",
            required=True,
        ),
        Field(
            "time",
            (
                "order_time",
                "trans_time",
                "transaction_time",
                "transaction_date",
                "order_date",
                "create_time",
                "created_at",
                "date_time",
                "time",
            ),
            "time",
            required=True,
        ),
        Field(
            "partner_id",
            (
                "partner_id",
                "publisher_id",
                "publisher.id",
                "affiliate_id",
                "pid",
                "partnerboost_id",
                "user_id",
            ),
            "id",
            accepts=_not_code_like,
        ),
        Field(
            "partner_name",
            (
                "partner_name",
                "publisher_name",
                "publisher.name",
                "affiliate_name",
                "medium_name",
                "channel_name",
                "site_name",
            ),
            "label",
        ),
        Field(
            "medium",
            (
                "channel_id",
                "medium_id",
                "mid",
                "site_id",
                "publisher.site.id",
                "site.id",
                "partner_channel_id",
            ),
            "id",
            accepts=_not_code_like,
        ),
        Field(
            "medium_code",
            (
                "medium_code",
                "partner_medium_code",
                "medium_no",
                "publisher.site.code",
                "site.code",
                "partnerboost_id",
                "pb_code",
            ),
            "id",
            accepts=_code_like,
        ),
        Field(
            "channel_type",
            ("partner_channel_type", "channel_type", "site_type", "publisher.site.type", "site.type"),
            "label",
        ),
        Field(
            "partner_type", ("partner_type", "publisher_type", "publisher.type", "affiliate_type"), "label"
        ),
        Field(
            "partner_group",
            ("partner_group", "partner_group_name", "group_name", "publisher.group.name", "group.name"),
            "label",
        ),
        Field(
            "country",
            (
                "partner_location",
                "partner_country",
                "publisher_country",
                "publisher.country",
                "country",
                "location",
            ),
            "label",
        ),
        Field("device", ("client_device", "device", "trans_client_device"), "label"),
        Field(
            "currency",
            (
                "currency",
                "currency_code",
                "order_currency",
                "currency_name",
                "sale_amount.currency",
                "commission.currency",
                "amount.currency",
            ),
            "label",
            required=True,
        ),
        Field(
            "amount_cents",
            (
                "sale_amount",
                "amount",
                "order_amount",
                "sales",
                "sale",
                "sale_amount.amount",
                "sale_amount.value",
                "amount.value",
                "amount.amount",
                "gross_amount",
                "order_value",
            ),
            "money",
            required=True,
        ),
        Field(
            "commission_cents",
            (
                "sale_comm",
                "commission",
                "commission_amount",
                "comm",
                "est_commission",
                "commission.amount",
                "commission.value",
                "sale_commission",
            ),
            "money",
            absent="counted as 0",
        ),
        Field(
            "status",
            ("status", "order_status", "trans_status", "state", "status_code"),
            "status",
            required=True,
        ),
        Field("status_label", _STATUS_LABEL_NAMES, "text"),
        Field("paid", _PAID_FLAG_NAMES, "flag"),
        Field(
            "is_new_customer",
            ("is_new_customer", "new_customer", "isnew", "customer.new", "customer.is_new", "first_order"),
            "flag",
        ),
        Field(
            "coupon",
            ("coupon_code", "couponcode", "voucher_code", "voucher", "coupon", "promo_code"),
            "label",
        ),
        Field("uid", ("uid", "customer_id", "customer_uid", "customer.id", "buyer_id"), "text"),
        Field(
            "bill_id",
            (
                "payment_id",
                "bill_id",
                "billing_id",
                "settlement_id",
                "payment.id",
                "invoice_id",
                "payment.bill_id",
            ),
            "id",
        ),
        Field("void_reason", ("void_reason", "reject_reason", "decline_reason", "reason", "note"), "label"),
    ),
    unread=("partner_group_id", "comm_rate", "quantity", "sku", "trans_type"),
)

CLICKS = Contract(
    "clicks",
    "performance rows",
    (
        Field(
            "medium",
            ("medium_id", "mid", "channel_id", "site_id", "publisher.site.id", "publisher.id", "site.id"),
            "id",
        ),
        Field(
            "medium_name",
            ("medium_name", "partner_name", "publisher_name", "channel_name", "publisher.name", "site_name"),
            "label",
        ),
        Field("channel_type", ("channel", "channel_type", "partner_channel_type", "site_type"), "label"),
        Field("partner_id", ("partner_id", "publisher_id"), "id"),
        Field("medium_code", ("medium_code", "partnerboost_id", "publisher.site.code", "site.code"), "id"),
        Field("date", ("date", "day", "stat_date", "report_date"), "date"),
        Field("week_start", ("week_start", "week_begin"), "date"),
        Field("week", ("week",), "text"),
        Field("month", ("month", "stat_month"), "text"),
        Field(
            "clicks",
            (
                "clicks",
                "click",
                "click_count",
                "clicks_count",
                "click_num",
                "transfers",
                "transfer_count",
                "transfer_num",
                "metrics.clicks",
            ),
            "count",
            required=True,
        ),
        Field("orders", ("orders", "order_count", "orders_count", "order_num", "metrics.orders"), "count"),
        Field(
            "valid_orders",
            (
                "valid_orders",
                "effective_orders",
                "valid_order_count",
                "valid_order_num",
                "metrics.valid_orders",
            ),
            "count",
        ),
    ),
    unread=("sale_amount", "sale_comm"),
)

BILLS = Contract(
    "bills",
    "bills",
    (
        Field(
            "bill_id",
            ("id", "bill_id", "billing_id", "payment_id", "settlement_id", "invoice_id"),
            "id",
            required=True,
        ),
        Field("bill_no", ("bill_no", "billing_no", "invoice_no", "reference", "number"), "text"),
        Field("medium", ("mid", "channel_id", "medium_id", "site_id", "publisher.site.id"), "id"),
        Field("partner_id", ("partner_id", "publisher_id", "publisher.id"), "id"),
        Field(
            "medium_name",
            ("medium_name", "partner_name", "publisher_name", "publisher.name", "channel_name"),
            "text",
        ),
        Field("month", ("period", "month", "bill_month", "billing_period", "settlement_month"), "month"),
        Field(
            "period_start",
            (
                "start_date",
                "period_start",
                "cycle_start",
                "period.start",
                "begin_date",
                "date_from",
                "from_date",
            ),
            "date",
        ),
        Field(
            "period_end", ("end_date", "period_end", "cycle_end", "period.end", "date_to", "to_date"), "date"
        ),
        Field(
            "currency",
            ("currency", "currency_code", "commission.currency", "total.currency", "amount.currency"),
            "label",
            required=True,
        ),
        Field(
            "commission_cents",
            ("commission", "commission_amount", "comm", "sale_comm", "commission.amount", "amount"),
            "money",
            required=True,
        ),
        Field("fee_cents", ("fee", "service_fee", "fee_amount", "platform_fee", "fee.amount"), "money"),
        Field(
            "total_cents",
            ("total", "total_amount", "amount_total", "total.amount", "amount_payable", "amount"),
            "money",
        ),
        Field("order_count", ("order_count", "orders", "trans_count", "order_num"), "count"),
        Field("status", ("status", "bill_status", "payment_status"), "label"),
        Field("payment_method", ("payment_method", "pay_method"), "label"),
        Field("payment_type", ("payment_type", "pay_type", "type"), "label"),
        Field(
            "created_at", ("create_time", "created_at", "issue_time", "bill_time", "settlement_date"), "time"
        ),
        Field("paid_at", ("paid_time", "paid_at", "pay_time", "paid_date"), "time"),
    ),
)

PARTNERS = Contract(
    "partners",
    "partners",
    (
        Field(
            "partner_id",
            ("partner_id", "publisher_id", "user_id", "userid", "pid", "id"),
            "id",
            required=True,
            accepts=_not_code_like,
        ),
        Field("medium", ("medium_id", "channel_id", "site_id", "mid", "site.id"), "id"),
        Field(
            "medium_code",
            ("medium_code", "medium_no", "partnerboost_id", "site.code"),
            "id",
            accepts=_code_like,
        ),
        Field(
            "name",
            ("name", "medium_name", "publisher_name", "partner_name", "site_name", "channel_name"),
            "text",
        ),
        Field("partner_type", ("partner_type", "publisher_type", "type"), "label"),
        Field("channel_type", ("channel_type", "partner_channel_type", "site_type", "site.type"), "label"),
        Field("country", ("country", "partner_location", "location", "region", "publisher_country"), "label"),
        Field("group_id", ("group_id", "partner_group_id", "group.id"), "id"),
        Field("group_name", ("group_name", "partner_group", "group", "group.name"), "label"),
        Field("status", ("status", "relationship", "partner_status", "relationship_status"), "label"),
        Field("joined_at", ("joined_at", "join_time", "joined_time", "create_time", "created_at"), "time"),
        Field("commission_rate", ("commission_rate", "comm_rate"), "rate"),
        Field("website", ("website", "site_url", "url", "site.url"), "text"),
    ),
)

ACCOUNT = Contract(
    "account",
    "account info",
    (
        Field("timezone", ("timezone", "time_zone", "tz", "locale.timezone", "account_timezone"), "text"),
        Field("currency", ("currency", "default_currency", "locale.currency"), "text"),
    ),
)

CONTRACTS: dict[Kind, Contract] = {
    contract.kind: contract for contract in (ORDERS, CLICKS, BILLS, PARTNERS, ACCOUNT)
}

PAID_STATUS = "paid"
VALID_STATUSES = ("new", "effective", "paid")
STATUSES = (*VALID_STATUSES, "void")
"""Canonical order statuses; every other value an API sends is mapped onto these or reported as unknown."""

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "new",
            "pending",
            "open",
            "unconfirmed",
            "untreated",
            "waiting",
            "processing",
            "in_review",
            "under_review",
            "unpaid_pending",
        ),
        "new",
    ),
    **dict.fromkeys(
        (
            "effective",
            "approved",
            "confirmed",
            "locked",
            "validated",
            "valid",
            "accepted",
            "approve",
            "completed",
            "complete",
            "cleared",
        ),
        "effective",
    ),
    **dict.fromkeys(("paid", "settled", "payed", "paid_out", "closed"), "paid"),
    **dict.fromkeys(
        (
            "void",
            "voided",
            "rejected",
            "declined",
            "invalid",
            "cancelled",
            "canceled",
            "refunded",
            "reversed",
            "reject",
            "decline",
            "cancel",
            "refund",
            "chargeback",
            "deleted",
        ),
        "void",
    ),
    "mixed": "mixed",
}
"""Status words seen in affiliate APIs (PartnerBoost's own: new/effective/paid/void in the merchant API,
Pending/Approved/Rejected in the publisher API, new/locked/paid/void in the brand report)."""
