"""The dialects the sandbox speaks: each one's traits in one place, with why a real API might look like it.

They were chosen from what PartnerBoost itself documents elsewhere (the publisher API's names, UTC+8 text
times, decimal strings, "11.20%", Pending/Approved/Rejected, paid_status 1/0, the brand report's
new/locked/paid/void, medium ids like "LDC000123", clicks called "transfers") and from how other affiliate
and e-commerce APIs shape the same facts — never from the client's list of names it can read.
"""

from __future__ import annotations

from partnerboost_skill.sandbox.dialects.traits import Dialect

DEFAULT = Dialect(
    name="default",
    summary="The shapes in docs/contracts.md: snake_case, Unix seconds, decimal strings, inclusive ends.",
    plausible="Our own reading of the merchant API; every other dialect departs from it.",
)

PUBLISHER_API = Dialect(
    name="publisher_api",
    summary="The merchant API answering in the publisher API's vocabulary: channel_id + partnerboost_id and "
    "no partner id, Pending/Approved/Rejected with paid_status, Unix seconds as text, clicks called "
    "transfers.",
    plausible="The publisher API's medium/transaction is the only PartnerBoost record whose fields are "
    "published; a merchant endpoint on the same backend may reuse its names (partnerboost_id, prod_id, "
    "order_unit, voucher_code, settlement_id), its statuses and its habit of numbers as strings. "
    "PartnerBoost calls a click a 'transfer' (medium/transfer, report/transfer).",
    time_style="unix_text",
    id_style="text",
    unbilled="",
    order_fields={
        "partner_id": None,
        "partner_name": "channel_name",
        "medium_code": "partnerboost_id",
        "partner_channel_type": "channel_type",
        "partner_type": "publisher_type",
        "partner_location": "publisher_country",
        "partner_group": "group_name",
        "partner_group_id": None,
        "client_device": "device",
        "is_new_customer": "new_customer",
        "coupon_code": "voucher_code",
        "quantity": "order_unit",
        "sku": "prod_id",
        "void_reason": "note",
        "payment_id": "settlement_id",
    },
    statuses={"new": "Pending", "effective": "Approved", "paid": "Approved", "void": "Rejected"},
    paid_flag="paid_status",
    performance_fields={
        "medium_id": "channel_id",
        "medium_name": "channel_name",
        "medium_code": "partnerboost_id",
        "partner_id": None,
        "clicks": "transfers",
    },
    bill_fields={
        "id": "settlement_id",
        "mid": "channel_id",
        "partner_id": None,
        "medium_name": "channel_name",
        "period": "settlement_month",
        "amount": "sale_comm",
        "create_time": "settlement_date",
        "paid_time": "paid_date",
    },
    publisher_fields={
        "partner_id": "publisher_id",
        "medium_id": "channel_id",
        "medium_name": "channel_name",
        "medium_code": "partnerboost_id",
    },
    publisher_statuses={"joined": "Joined", "pending": "Pending", "refused": "Rejected",
                        "terminated": "Terminated"},
)

BEIJING_TIME = Dialect(
    name="beijing_time",
    summary="Times as 'YYYY-MM-DD HH:MM:SS' text in UTC+8 (no offset), end bounds exclusive, the brand "
    "report's 'locked' for approved orders, null commission on void orders, bills by first/last day whose "
    "'amount' is commission plus a 3 % service fee.",
    plausible="PartnerBoost's publisher API already writes click times in UTC+8 (China time) with no offset; "
    "a MySQL DATETIME served as text carries no zone. Filters written 'time >= start AND time < end' "
    "exclude the end second. The brand transaction report documents the statuses new, locked, paid, void. "
    "Invoices usually give the billing cycle as first/last day and an amount payable that includes the fee.",
    exclusive_end=True,
    time_style="local_text",
    time_zone="Asia/Shanghai",
    statuses={"effective": "locked"},
    void_commission="null",
    bill_period="dates",
    bill_period_fields=("cycle_start", "cycle_end"),
    bill_fee_bp=300,
    bill_fields={"amount": "commission", "fee": "service_fee", "total": "amount"},
    account_fields={"timezone": "time_zone"},
    zone_style="display",
)

CAMEL_JAVA = Dialect(
    name="camel_java",
    summary="camelCase everywhere, epoch milliseconds, money as JSON numbers, numeric status codes beside a "
    "statusName, money per currency as a list of {currency, amount}, bills with commission, fee and total.",
    plausible="A dashboard API on a Java/Spring or Node service (common in Chinese SaaS) serialises with "
    "Jackson defaults: camelCase, Date as epoch milliseconds, BigDecimal as a JSON number, enums stored as "
    "integers with a display name beside them.",
    time_style="unix_ms",
    money_style="number",
    bool_style="bool",
    unbilled=None,
    order_fields={
        "order_id": "orderId",
        "order_time": "orderTime",
        "partner_id": "partnerId",
        "partner_name": "partnerName",
        "channel_id": "channelId",
        "medium_code": "mediumCode",
        "partner_channel_type": "channelType",
        "partner_type": "partnerType",
        "partner_location": "partnerCountry",
        "partner_group": "groupName",
        "partner_group_id": "groupId",
        "client_device": "device",
        "currency": "currencyCode",
        "sale_amount": "saleAmount",
        "sale_comm": "commissionAmount",
        "comm_rate": "commissionRate",
        "void_reason": "voidReason",
        "is_new_customer": "newCustomer",
        "coupon_code": "couponCode",
        "uid": "customerId",
        "trans_type": "transType",
        "payment_id": "billId",
    },
    statuses={"new": "pending", "effective": "approved", "paid": "settled", "void": "invalid"},
    status_codes={"new": 1, "effective": 2, "paid": 3, "void": 4},
    status_label="statusName",
    stats_fields={
        "total_size": "totalSize",
        "order_count": "orderCount",
        "sale_amount": "saleAmount",
        "sale_comm": "commissionAmount",
        "currency_count": "currencyCount",
        "status_count": "statusCount",
        "by_status": "byStatus",
    },
    performance_fields={
        "clicks": "clickCount",
        "orders": "orderCount",
        "valid_orders": "validOrderCount",
        "sale_amount": "saleAmount",
        "sale_comm": "commissionAmount",
        "medium_id": "mediumId",
        "medium_name": "mediumName",
        "medium_code": "mediumCode",
        "partner_id": "partnerId",
        "week_start": "weekStart",
    },
    money_map="list",
    bill_fields={
        "id": "billId",
        "bill_no": "billNo",
        "mid": "mediumId",
        "partner_id": "partnerId",
        "medium_name": "mediumName",
        "amount": "commissionAmount",
        "fee": "serviceFee",
        "total": "totalAmount",
        "order_count": "orderCount",
        "payment_method": "paymentMethod",
        "payment_type": "paymentType",
        "create_time": "createTime",
        "paid_time": "paidTime",
    },
    bill_period="dates",
    bill_period_fields=("startDate", "endDate"),
    bill_fee_bp=250,
    account_fields={
        "brand_id": "brandId",
        "brand_name": "brandName",
        "company_name": "companyName",
        "contact_name": "contactName",
        "timezone": "timeZone",
        "created_at": "createTime",
    },
    publisher_fields={
        "partner_id": "partnerId",
        "medium_id": "mediumId",
        "medium_name": "mediumName",
        "medium_code": "mediumCode",
        "partner_type": "partnerType",
        "channel_type": "channelType",
        "group_id": "groupId",
        "group_name": "groupName",
        "commission_rate": "commissionRate",
        "joined_at": "joinTime",
    },
)

NESTED_OBJECTS = Dialect(
    name="nested_objects",
    summary="Nested objects: publisher {id, name, site {id, code, type}}, sale_amount/commission {amount, "
    "currency}, ISO 8601 times with the account's offset, pending/approved/declined with a paid flag, void "
    "commission null, bills with a period {start, end} and commission/fee/total objects.",
    plausible="This is how Awin, Partnerize and impact.com shape transactions and invoices (publisher and "
    "money as sub-objects, ISO times with offsets, 'declined'); an API designed after 2020 often follows "
    "them.",
    time_style="iso_offset",
    time_zone="America/Los_Angeles",
    bool_style="bool",
    unbilled=None,
    order_fields={
        "order_id": "id",
        "order_time": "transaction_date",
        "partner_id": "publisher.id",
        "partner_name": "publisher.name",
        "channel_id": "publisher.site.id",
        "medium_code": "publisher.site.code",
        "partner_channel_type": "publisher.site.type",
        "partner_type": "publisher.type",
        "partner_location": "publisher.country",
        "partner_group": "publisher.group.name",
        "partner_group_id": "publisher.group.id",
        "currency": ("sale_amount.currency", "commission.currency"),
        "sale_amount": "sale_amount.amount",
        "sale_comm": "commission.amount",
        "comm_rate": "commission.rate",
        "void_reason": "decline_reason",
        "is_new_customer": "customer.new",
        "uid": "customer.id",
        "coupon_code": "voucher",
        "sku": "product.sku",
        "quantity": "product.quantity",
        "trans_type": "type",
        "payment_id": "payment.id",
    },
    statuses={"new": "pending", "effective": "approved", "paid": "approved", "void": "declined"},
    paid_flag="paid",
    void_commission="null",
    performance_fields={
        "medium_id": "publisher.id",
        "medium_name": "publisher.name",
        "medium_code": "publisher.site.code",
        "partner_id": None,
        "clicks": "metrics.clicks",
        "orders": "metrics.orders",
        "valid_orders": "metrics.valid_orders",
        "sale_amount": "metrics.sale_amount",
        "sale_comm": "metrics.commission",
    },
    medium_key="partner_id",
    bill_fields={
        "bill_no": "reference",
        "mid": "publisher.site.id",
        "partner_id": "publisher.id",
        "medium_name": "publisher.name",
        "currency": ("commission.currency", "fee.currency", "total.currency"),
        "amount": "commission.amount",
        "fee": "fee.amount",
        "total": "total.amount",
        "create_time": "created_at",
        "paid_time": "paid_at",
    },
    bill_period="dates",
    bill_period_fields=("period.start", "period.end"),
    bill_fee_bp=200,
    bill_statuses={"pending": "awaiting_payment"},
    account_fields={"timezone": "locale.timezone", "currency": "locale.currency"},
    publisher_fields={
        "partner_id": "id",
        "medium_name": "name",
        "medium_id": "site.id",
        "medium_code": "site.code",
        "channel_type": "site.type",
        "group_id": "group.id",
        "group_name": "group.name",
    },
)

DASHBOARD_DISPLAY = Dialect(
    name="dashboard_display",
    summary="Money as the dashboard shows it ('$217.58', '£1,273.57', '1.234,56 €'), no commission field at "
    "all on void orders, end bounds exclusive.",
    plausible="The merchant API lives under /a/, the web dashboard's own routes; an endpoint built for the "
    "UI often returns display-formatted amounts and leaves out what the UI shows as '—'. A European "
    "storefront writes euros the continental way.",
    exclusive_end=True,
    money_style="locale",
    void_commission="absent",
)

MEDIA_CODES = Dialect(
    name="media_codes",
    summary="Orders name the partner only by its medium (medium_id = site id, medium_code, medium_name): no "
    "partner id, no group, no bill id; performance rows key the medium by its PB code and count click_num, "
    "order_num, valid_order_num.",
    plausible="PartnerBoost's filters take a medium as 'numeric site id or PB… code', and the brand API's "
    "bonus action takes medium_id like 'LDC000123': its reports are likely keyed by a medium code, not a "
    "number. An order list per site needs no partner id, and a bill id is a billing-side concept an order "
    "list may not carry. PHP backends often name counts *_num.",
    order_fields={
        "partner_id": None,
        "partner_group_id": None,
        "payment_id": None,
        "channel_id": "medium_id",
        "partner_name": "medium_name",
    },
    medium_key="medium_code",
    performance_fields={
        "medium_code": None,
        "partner_id": None,
        "clicks": "click_num",
        "orders": "order_num",
        "valid_orders": "valid_order_num",
    },
)

LEDGER_CODES = Dialect(
    name="ledger_codes",
    summary="Performance rows without clicks (clicks live in a separate report), money as 'USD 12.00', "
    "statuses pending/approved/paid/reversed, ids as text.",
    plausible="Click counts often come from a separate traffic report (PartnerBoost's own click data is a "
    "separate 'transfer' report with its own limits); multi-currency ledgers print money with its ISO code; "
    "'reversed' is impact.com's and CJ's word for a cancelled commission.",
    money_style="code",
    id_style="text",
    unbilled="",
    statuses={"new": "pending", "effective": "approved", "void": "reversed"},
    performance_fields={"clicks": None},
)

DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        DEFAULT,
        PUBLISHER_API,
        BEIJING_TIME,
        CAMEL_JAVA,
        NESTED_OBJECTS,
        DASHBOARD_DISPLAY,
        MEDIA_CODES,
        LEDGER_CODES,
    )
}
