"""The frames every answer is computed from — one schema each, whatever platform or record shape the data
came in: orders, clicks (performance rows), bills, partners. Money is int64 cents, times datetime64[ns, UTC],
low-cardinality text categorical."""

from __future__ import annotations

import numpy as np
import pandas as pd

ORDER_COLUMNS: tuple[str, ...] = (
    "order_id",
    "time",
    "partner_id",
    "partner_name",
    "medium",
    "medium_code",
    "channel_type",
    "partner_type",
    "partner_group",
    "country",
    "device",
    "currency",
    "amount_cents",
    "commission_cents",
    "status",
    "is_new_customer",
    "coupon",
    "uid",
    "bill_id",
    "void_reason",
    "is_void",
    "is_valid",
    "read_problems",
)
"""`is_valid`: a known status that is not void (unknown statuses are neither valid nor void);
`read_problems`: bits of what the record lacked (records.read.MISSING_COMMISSION)."""
MISSING_COMMISSION = 1
"""`read_problems` bit: the order's record carried no commission (it counts as 0)."""
ORDER_CATEGORIES: tuple[str, ...] = (
    "partner_id",
    "partner_name",
    "medium",
    "medium_code",
    "channel_type",
    "partner_type",
    "partner_group",
    "country",
    "device",
    "currency",
    "status",
    "coupon",
    "void_reason",
    "bill_id",
)
_ORDER_TEXT = ("order_id", "uid")
_ORDER_INTS = ("amount_cents", "commission_cents")
_ORDER_FLAGS = ("is_new_customer", "is_void", "is_valid")

CLICK_COLUMNS: tuple[str, ...] = (
    "start",
    "end",
    "medium",
    "medium_code",
    "partner_id",
    "medium_name",
    "channel_type",
    "clicks",
    "orders",
    "valid_orders",
)
BILL_COLUMNS: tuple[str, ...] = (
    "bill_id",
    "bill_no",
    "medium",
    "partner_id",
    "medium_name",
    "month",
    "currency",
    "commission_cents",
    "fee_cents",
    "total_cents",
    "order_count",
    "status",
    "payment_method",
    "payment_type",
    "created_at",
    "paid_at",
)
"""`commission_cents` is what a bill's orders are checked against; `total_cents` = commission + fee."""
PARTNER_COLUMNS: tuple[str, ...] = (
    "partner_id",
    "medium",
    "medium_code",
    "name",
    "partner_type",
    "channel_type",
    "country",
    "group_id",
    "group_name",
    "status",
    "joined_at",
    "commission_rate",
    "website",
)


def categorise(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str).astype("category")
    return frame.reset_index(drop=True)


def empty_orders() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in ORDER_COLUMNS})
    frame["time"] = frame["time"].astype("datetime64[ns, UTC]")
    for name in _ORDER_INTS:
        frame[name] = frame[name].astype(np.int64)
    for name in _ORDER_FLAGS:
        frame[name] = frame[name].astype(bool)
    frame["read_problems"] = frame["read_problems"].astype(np.uint8)
    return categorise(frame, ORDER_CATEGORIES)


def empty_clicks() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in CLICK_COLUMNS})
    for name in ("start", "end"):
        frame[name] = frame[name].astype("datetime64[ns, UTC]")
    for name in ("clicks", "orders", "valid_orders"):
        frame[name] = frame[name].astype(np.int64)
    return frame


def empty_bills() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in BILL_COLUMNS})
    for name in ("commission_cents", "fee_cents", "total_cents", "order_count"):
        frame[name] = frame[name].astype(np.int64)
    for name in ("created_at", "paid_at"):
        frame[name] = frame[name].astype("datetime64[ns, UTC]")
    return frame


def empty_partners() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in PARTNER_COLUMNS})
    frame["joined_at"] = frame["joined_at"].astype("datetime64[ns, UTC]")
    frame["commission_rate"] = frame["commission_rate"].astype(float)
    return frame


def concat_orders(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several orders frames as one (categories merged)."""
    chosen = [frame for frame in frames if not frame.empty]
    if not chosen:
        return empty_orders()
    if len(chosen) == 1:
        return chosen[0]
    plain = [frame.astype({name: str for name in ORDER_CATEGORIES}) for frame in chosen]
    return categorise(pd.concat(plain, ignore_index=True), ORDER_CATEGORIES)


def merge_orders(*frames: pd.DataFrame) -> pd.DataFrame:
    """Orders from several fetches, each distinct record once (a repeated order_id with a different time or
    amount is a duplicate postback and stays)."""
    combined = concat_orders(list(frames))
    keys = ["order_id", "time", "amount_cents", "commission_cents"]
    return combined.drop_duplicates(subset=keys, ignore_index=True)
