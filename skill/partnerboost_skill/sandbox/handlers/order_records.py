"""Order records as each family shows them, built only for the rows of one page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from partnerboost_skill.records.contracts import OrderRecord
from partnerboost_skill.sandbox.handlers.money import cents_text, percent_text
from partnerboost_skill.sandbox.handlers.orderbook import (
    DEVICES,
    INT_COLUMNS,
    STATUSES,
    TEXT_COLUMNS,
    TRANS_TYPES,
)
from partnerboost_skill.sandbox.handlers.state import NEW_ORDER_DAYS, SandboxState
from partnerboost_tools.types import CHINA_TZ

PUBLISHER_STATUS = {"new": "Pending", "effective": "Approved", "paid": "Approved", "void": "Rejected"}
"""Order status → the publisher API's commission status."""


def _columns(state: SandboxState, index: np.ndarray, names: tuple[str, ...]) -> dict[str, list[Any]]:
    cols = state.orders.cols
    return {name: cols[name][index].tolist() for name in names}


def merchant_records(state: SandboxState, index: np.ndarray) -> list[OrderRecord]:
    """list4 records: records/contracts.OrderRecord, the shape the reader's contract is written from."""
    c = _columns(state, index, INT_COLUMNS + TEXT_COLUMNS)
    p = state.partners
    currencies = state.orders.currencies
    records: list[OrderRecord] = []
    for i in range(len(index)):
        row = c["partner_row"][i]
        amount, commission = c["amount"][i], c["commission"][i]
        records.append(
            {
                "order_id": c["order_id"][i],
                "order_time": c["t"][i],
                "partner_id": int(p.partner_id[row]),
                "partner_name": str(p.name[row]),
                "channel_id": c["channel_id"][i],
                "medium_code": str(p.medium_code[row]),
                "partner_channel_type": str(p.channel_type[row]),
                "partner_type": str(p.partner_type[row]),
                "partner_location": str(p.country[row]),
                "partner_group": str(p.group_name[row]),
                "partner_group_id": int(p.group_id[row]),
                "client_device": DEVICES[c["device"][i]],
                "currency": currencies[c["currency"][i]],
                "sale_amount": cents_text(amount),
                "sale_comm": cents_text(commission),
                "comm_rate": percent_text(commission, amount),
                "status": STATUSES[c["status"][i]],
                "void_reason": c["void_reason"][i],
                "is_new_customer": int(c["is_new"][i]),
                "coupon_code": c["coupon_code"][i],
                "uid": c["uid"][i],
                "quantity": c["quantity"][i],
                "sku": c["sku"][i],
                "trans_type": TRANS_TYPES[c["trans_type"][i]],
                "payment_id": c["bill_id"][i],
            }
        )
    return records


def validation_seconds(order_time: int, status: str) -> int | None:
    """When an order left `new` (validated): 14 days after it was placed; None while still pending."""
    return None if status == "new" else order_time + NEW_ORDER_DAYS * 86_400


def _us_date(seconds: int | None) -> str:
    return "" if seconds is None else datetime.fromtimestamp(seconds, tz=UTC).strftime("%m-%d-%Y")


def publisher_records(state: SandboxState, index: np.ndarray) -> list[dict[str, Any]]:
    """medium/transaction records: the publisher API's names and formats."""
    c = _columns(
        state,
        index,
        (
            "t",
            "channel_id",
            "currency",
            "amount",
            "commission",
            "quantity",
            "status",
            "bill_id",
            "order_id",
            "sku",
            "coupon_code",
            "uid",
            "partner_row",
        ),
    )
    account = state.world.account
    p = state.partners
    records = []
    for i in range(len(index)):
        status = STATUSES[c["status"][i]]
        validated = validation_seconds(c["t"][i], status)
        amount, commission = c["amount"][i], c["commission"][i]
        records.append(
            {
                "channel_id": str(c["channel_id"][i]),
                "partnerboost_id": str(p.medium_code[c["partner_row"][i]]),
                "brand_id": str(account["brand_id"]),
                "mcid": str(account["mcid"]),
                "merchant_name": str(account["brand_name"]),
                "order_id": c["order_id"][i],
                "order_time": str(c["t"][i]),
                "sale_amount": cents_text(amount),
                "sale_comm": cents_text(commission),
                "currency": state.orders.currencies[c["currency"][i]],
                "status": PUBLISHER_STATUS[status],
                "uid": c["uid"][i],
                "uid2": "",
                "uid3": "",
                "uid4": "",
                "uid5": "",
                "click_ref": "",
                "prod_id": c["sku"][i],
                "order_unit": str(c["quantity"][i]),
                "comm_rate": percent_text(commission, amount),
                "validation_date": _us_date(validated),
                "note": "",
                "customer_country": str(p.country[c["partner_row"][i]]),
                "voucher_code": c["coupon_code"][i],
                "paid_status": 1 if status == "paid" else 0,
                "last_update_time": str(validated if validated is not None else c["t"][i]),
                "settlement_id": str(c["bill_id"][i]) if c["bill_id"][i] else "",
            }
        )
    return records


def brand_records(state: SandboxState, index: np.ndarray) -> list[dict[str, Any]]:
    """Brand report records: the merchant record with the brand API's transaction id name."""
    records: list[dict[str, Any]] = [dict(record) for record in merchant_records(state, index)]
    for record, position in zip(records, index.tolist(), strict=True):
        record["transid"] = position_id(state, position)
        record["order_number"] = record["order_id"]
    return records


def position_id(state: SandboxState, position: int) -> str:
    """A stable transaction id: the order's time and its rank among orders of that second."""
    t = state.orders.t
    first = int(np.searchsorted(t, t[position], side="left"))
    return f"{int(t[position])}{position - first:03d}"


def china_time_text(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
