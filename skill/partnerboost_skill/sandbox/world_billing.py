"""Monthly bills, the order lifecycle and the merchant's prepayments (the rules in docs/contracts.md).

A bill for month M is issued on the 1st of M+1 per partner and currency and bills the non-void commission of
the partner's orders placed in M. An order is void (with a reason), else `new` while younger than 14 days,
else `effective` until its bill is paid, then `paid`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.world_orders import CURRENCIES, OrderColumns
from partnerboost_skill.sandbox.world_time import DAY_NS, Calendar

NEW_ORDER_DAYS = 14
ORDER_STATUSES = ("new", "effective", "paid", "void")
PAYMENT_METHODS = ("balance", "credit_card", "wire_transfer")
_PAYMENT_SHARES = np.array([0.7, 0.2, 0.1])
OVERDUE_BILLS = 3
USD_CENTS_PER_UNIT = {"USD": 100, "EUR": 108, "GBP": 127}
"""Fixed exchange rates for the merchant's USD balance: US cents per cent of each currency."""


def month_number(times_ns: np.ndarray) -> np.ndarray:
    """Months since 1970-01 (UTC) of Unix nanosecond times."""
    return times_ns.astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def month_label(months: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(months.astype("datetime64[M]"), unit="M")


def month_start_ns(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[ns]").astype(np.int64)


def build_bills(
    rng: np.random.Generator, columns: OrderColumns, partners: pd.DataFrame, calendar: Calendar
) -> tuple[pd.DataFrame, np.ndarray]:
    """Bills for every issued month, and each order's bill_id (0 when void or not billed yet)."""
    times = columns["order_time_ns"]
    months = month_number(times)
    current_month = month_number(np.array([calendar.now.value]))[0]
    billable = (columns["void_reason"] == 0) & (months < current_month)

    n_currencies = len(CURRENCIES)
    key = (months * len(partners) + columns["partner_idx"]) * n_currencies + columns["currency"]
    keys, inverse = np.unique(key[billable], return_inverse=True)
    exact = np.zeros(len(keys), dtype=np.int64)
    np.add.at(exact, inverse, columns["commission_cents"][billable])
    count = np.bincount(inverse).astype(np.int64)

    bill_month = keys // n_currencies // len(partners)
    partner_idx = (keys // n_currencies) % len(partners)
    currency = keys % n_currencies
    bill_ids = 70_001 + np.arange(len(keys), dtype=np.int64)

    created = (
        month_start_ns(bill_month + 1) + 2 * 3_600 * 10**9 + rng.integers(0, 180, len(keys)) * 60 * 10**9
    )
    scheduled_paid = created + rng.integers(5 * 24, 28 * 24, len(keys)) * 3_600 * 10**9
    overdue = np.zeros(len(keys), dtype=bool)
    candidates = np.nonzero(created < calendar.now.value - 40 * DAY_NS)[0]
    if len(candidates):
        overdue[rng.choice(candidates, size=min(OVERDUE_BILLS, len(candidates)), replace=False)] = True
    paid = (scheduled_paid <= calendar.now.value) & ~overdue
    status = np.where(overdue, "overdue", np.where(paid, "paid", "pending"))
    nat = np.iinfo(np.int64).min

    bills = pd.DataFrame(
        {
            "bill_id": bill_ids,
            "partner_id": partners["partner_id"].to_numpy()[partner_idx],
            "channel_id": partners["channel_id"].to_numpy()[partner_idx],
            "month": month_label(bill_month),
            "currency": np.array(CURRENCIES, dtype=object)[currency],
            "amount_cents": exact,
            "order_count": count,
            "status": status,
            "payment_method": np.array(PAYMENT_METHODS, dtype=object)[
                rng.choice(len(PAYMENT_METHODS), size=len(keys), p=_PAYMENT_SHARES)
            ],
            "payment_type": "commission",
            "created_at": pd.to_datetime(created, utc=True),
            "paid_at": pd.to_datetime(np.where(paid, scheduled_paid, nat), utc=True),
        }
    )
    order_bill = np.zeros(len(times), dtype=np.int64)
    order_bill[billable] = bill_ids[inverse]
    return bills, order_bill


def order_status(
    columns: OrderColumns, order_bill: np.ndarray, bills: pd.DataFrame, calendar: Calendar
) -> np.ndarray:
    """Codes into ORDER_STATUSES by the lifecycle rule."""
    paid_bills = bills.loc[bills["status"] == "paid", "bill_id"].to_numpy()
    bill_paid = np.isin(order_bill, paid_bills)
    young = columns["order_time_ns"] > calendar.now.value - NEW_ORDER_DAYS * DAY_NS
    void = columns["void_reason"] > 0
    return np.where(void, 3, np.where(young, 0, np.where(bill_paid, 2, 1))).astype(np.int8)


def usd_cents(amount_cents: np.ndarray, currencies: np.ndarray) -> np.ndarray:
    """Integer US cents at the fixed rates (half up)."""
    factor = np.array([USD_CENTS_PER_UNIT[c] for c in currencies], dtype=np.int64)
    return (np.asarray(amount_cents, dtype=np.int64) * factor + 50) // 100


def build_prepayments(
    rng: np.random.Generator, bills: pd.DataFrame, top_up_times_ns: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """Monthly top-ups sized to last month's bills paid from the balance, and the resulting USD balance."""
    bill_usd = usd_cents(bills["amount_cents"].to_numpy(), bills["currency"].to_numpy())
    bill_usd = np.where((bills["payment_method"] == "balance").to_numpy(), bill_usd, 0)
    month_of_bill = bills["month"].to_numpy()
    amounts = []
    for time_ns in top_up_times_ns:
        previous = np.datetime_as_string(
            (np.datetime64(int(time_ns), "ns").astype("datetime64[M]") - 1), unit="M"
        )
        due = int(bill_usd[month_of_bill == previous].sum())
        amounts.append(max(200_000, -(-int(due * 1.15) // 100_000) * 100_000))
    amounts_arr = np.array(amounts, dtype=np.int64)
    # An opening deposit covers the first month's bills before any top-up has been sized to them.
    if len(amounts_arr):
        amounts_arr[0] += 500_000
    prepayments = pd.DataFrame(
        {
            "prepayment_id": 40_001 + np.arange(len(amounts_arr), dtype=np.int64),
            "created_at": pd.to_datetime(top_up_times_ns, utc=True),
            "currency": "USD",
            "amount_cents": amounts_arr,
            "payment_method": rng.choice(
                ["credit_card", "wire_transfer"], size=len(amounts_arr), p=[0.6, 0.4]
            ),
            "status": "completed",
        }
    )
    spent = bill_usd[(bills["status"] == "paid").to_numpy()]
    return prepayments, int(amounts_arr.sum() - spent.sum())
