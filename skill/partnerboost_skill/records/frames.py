"""Records → frames with one schema each (records/schema.py): the public entry points.

    orders_frame(records)                       # list4 records (or any dialect of them) → orders frame
    read_orders(records, conventions=..., window=...).report   # the same, with what was read and how

The reader (records/read.py) maps whatever field names and formats the API sends onto the contracts in
records/contracts.py; see there for what it tolerates.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from partnerboost_skill.records.read import (
    FrameError,
    Read,
    ReadReport,
    Records,
    RecordShapeError,
    read_bills,
    read_clicks,
    read_orders,
    read_partners,
)
from partnerboost_skill.records.schema import (
    BILL_COLUMNS,
    CLICK_COLUMNS,
    ORDER_CATEGORIES,
    ORDER_COLUMNS,
    PARTNER_COLUMNS,
    concat_orders,
    empty_bills,
    empty_clicks,
    empty_orders,
    empty_partners,
    merge_orders,
)

__all__ = [
    "BILL_COLUMNS",
    "CLICK_COLUMNS",
    "ORDER_CATEGORIES",
    "ORDER_COLUMNS",
    "PARTNER_COLUMNS",
    "FrameError",
    "Read",
    "ReadReport",
    "RecordShapeError",
    "Records",
    "bills_frame",
    "clicks_frame",
    "concat_orders",
    "empty_bills",
    "empty_clicks",
    "empty_orders",
    "empty_partners",
    "merge_orders",
    "orders_frame",
    "partners_frame",
    "read_bills",
    "read_clicks",
    "read_orders",
    "read_partners",
]


def orders_frame(records: Records) -> pd.DataFrame:
    return read_orders(records).frame


def clicks_frame(records: Records, *, start: datetime, end: datetime) -> pd.DataFrame:
    return read_clicks(records, start=start, end=end).frame


def bills_frame(records: Records) -> pd.DataFrame:
    return read_bills(records).frame


def partners_frame(records: Records) -> pd.DataFrame:
    return read_partners(records).frame
