"""Helpers for the analysis tests: hand-made list4 records and plain-Python expectations. No tests here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from partnerboost_skill.periods import Period, resolve_period
from partnerboost_skill.records.frames import clicks_frame, orders_frame

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
OCTOBER = resolve_period("2026-10", now=NOW)

PARTNERS: dict[str, dict[str, str]] = {
    "A": {
        "partner_id": "1",
        "channel_id": "101",
        "partner_name": "Alpha Deals",
        "partner_channel_type": "WEBSITE",
        "partner_type": "publisher",
        "partner_location": "US",
    },
    "B": {
        "partner_id": "2",
        "channel_id": "102",
        "partner_name": "@bravo",
        "partner_channel_type": "SOCIAL_NETWORK",
        "partner_type": "influencer",
        "partner_location": "GB",
    },
    "C": {
        "partner_id": "3",
        "channel_id": "103",
        "partner_name": "Charlie App",
        "partner_channel_type": "MOBILE",
        "partner_type": "publisher",
        "partner_location": "DE",
    },
    "D": {
        "partner_id": "4",
        "channel_id": "104",
        "partner_name": "Delta Cashback",
        "partner_channel_type": "WEBSITE",
        "partner_type": "publisher",
        "partner_location": "US",
    },
}

_serial = [0]


def record(
    partner: str,
    when: datetime,
    amount: str,
    commission: str,
    *,
    currency: str = "USD",
    status: str = "effective",
    **extra: Any,
) -> dict[str, Any]:
    """One list4 record of a hand-made partner."""
    _serial[0] += 1
    return {
        "order_id": extra.pop("order_id", f"T{_serial[0]}"),
        "order_time": int(when.timestamp()),
        **PARTNERS[partner],
        "client_device": extra.pop("device", "mobile"),
        "currency": currency,
        "sale_amount": amount,
        "sale_comm": commission,
        "status": status,
        "void_reason": "returned" if status == "void" else "",
        "is_new_customer": 0,
        "coupon_code": "",
        "uid": extra.pop("uid", f"U{_serial[0]}"),
        "payment_id": extra.pop("payment_id", 0),
        **extra,
    }


def spread(
    partner: str, count: int, period: Period, amount: str, commission: str, **extra: Any
) -> list[dict[str, Any]]:
    """`count` orders of one partner spread evenly over a period (one per slot, never at the same second)."""
    start, end = period.start.timestamp(), period.end.timestamp()
    step = (end - start) / (count + 1)
    return [
        record(partner, datetime.fromtimestamp(start + step * (i + 1), UTC), amount, commission, **extra)
        for i in range(count)
    ]


def frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    return orders_frame(list(records))


def clicks(counts: dict[str, int], period: Period) -> pd.DataFrame:
    rows = [
        {"medium_id": PARTNERS[p]["channel_id"], "medium_name": PARTNERS[p]["partner_name"], "clicks": n}
        for p, n in counts.items()
    ]
    return clicks_frame(rows, start=period.start, end=period.end)


def in_range(rows: list[dict[str, Any]], start: datetime, end: datetime) -> list[dict[str, Any]]:
    return [row for row in rows if start <= row["order_time"] < end]


def valid_money(rows: list[dict[str, Any]], column: str) -> dict[str, int]:
    """Sum of a cents column over non-void rows, per currency."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["status"] != "void":
            totals[row["currency"]] += int(row[column])
    return dict(totals)


def cents(value: Any) -> int:
    """A result's Decimal money back to integer cents (exactly)."""
    scaled = value * 100
    assert scaled == int(scaled), value
    return int(scaled)
