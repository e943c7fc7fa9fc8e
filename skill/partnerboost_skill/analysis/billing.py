"""Bill check: a month's bills with their status and payment details, exact totals, and a reconciliation of
each bill against the commission of the orders it covers.

A bill covers the orders that carry its id (list4 `payment_id`). Expected amount = the commission of those
orders that are not void now; an order voided after the bill was issued therefore shows up as a difference
(a clawback to claim). Totals are exact Decimals summed from integer cents, per status and currency.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

import numpy as np
import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import BillCheck, BillLine, BillTotal, Discrepancy, PeriodEcho
from partnerboost_skill.periods import Period, resolve_period

BILL_MONTH = re.compile(r"\d{4}-\d{2}")
"""A billing month as bills and check_bill name it."""


def month_period(month: Period | str, tz: str = "UTC") -> Period:
    """A Period for a billing month given as a Period or 'YYYY-MM'."""
    if isinstance(month, Period):
        return month
    if not isinstance(month, str) or not BILL_MONTH.fullmatch(month.strip()):
        raise metrics.AnalysisError(
            f"month must be 'YYYY-MM' (e.g. 2026-10) or a resolved period; got {month!r}"
        )
    return resolve_period(month.strip(), now=datetime(2000, 1, 1, tzinfo=UTC), tz=tz)


def check_bill(
    bills: pd.DataFrame,
    orders: pd.DataFrame,
    month: Period | str,
    *,
    by: Literal["period", "issued"] = "period",
) -> BillCheck:
    """Check one month's bills. by="period": bills whose billing period is the month (the commission earned
    in it); by="issued": bills created during the month."""
    period = month_period(month)
    label = period.start.strftime("%Y-%m")
    if by == "period":
        chosen = bills[(bills["month"].astype(str) == label).to_numpy()]
    elif by == "issued":
        chosen = metrics.in_period(bills, period, column="created_at")
    else:
        raise metrics.AnalysisError(f"by must be 'period' or 'issued'; got {by!r}")
    chosen = chosen.sort_values(["currency", "amount_cents"], ascending=[True, False], kind="stable")
    coverage = _coverage(orders, chosen["bill_id"].astype(str))
    lines, discrepancies = _lines(chosen, coverage)
    notes = []
    if by == "period":
        notes.append(f"bills for commission earned in {label} (issued at the start of the following month)")
    if chosen.empty:
        notes.append(f"no bills for {label}")
    return BillCheck(
        period=PeriodEcho.of(period),
        month=label,
        bills=lines,
        totals_by_status=_totals_by_status(chosen),
        totals_by_currency={
            str(currency): metrics.money(cents)
            for currency, cents in chosen.groupby("currency")["amount_cents"].sum().items()
        },
        discrepancies=discrepancies,
        reconciled=not discrepancies,
        notes=notes,
    )


def _coverage(orders: pd.DataFrame, bill_ids: pd.Series) -> pd.DataFrame:
    """Per bill id: non-void commission and count, void count, and the currencies of the covered orders."""
    wanted = set(bill_ids)
    covered = orders[orders["bill_id"].isin(list(wanted)).to_numpy()]
    valid = ~covered["is_void"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "bill_id": covered["bill_id"].astype(str).to_numpy(dtype=object),
            "commission": np.where(valid, covered["commission_cents"].to_numpy(dtype=np.int64), 0),
            "valid": valid,
            "void": ~valid,
            "currency": covered["currency"].astype(str).to_numpy(dtype=object),
        }
    )
    grouped = frame.groupby("bill_id")
    return pd.DataFrame(
        {
            "commission": grouped["commission"].sum(),
            "valid": grouped["valid"].sum(),
            "void": grouped["void"].sum(),
            "currencies": grouped["currency"].agg(lambda values: ",".join(sorted(set(values)))),
        }
    )


def _lines(chosen: pd.DataFrame, coverage: pd.DataFrame) -> tuple[list[BillLine], list[Discrepancy]]:
    lines: list[BillLine] = []
    discrepancies: list[Discrepancy] = []
    for bill in chosen.to_dict("records"):
        bill_id = str(bill["bill_id"])
        found = coverage.loc[bill_id] if bill_id in coverage.index else None
        expected = int(found["commission"]) if found is not None else 0
        counted = int(found["valid"]) if found is not None else 0
        voided = int(found["void"]) if found is not None else 0
        billed = int(bill["amount_cents"])
        lines.append(
            BillLine(
                bill_id=bill_id,
                bill_no=str(bill["bill_no"]),
                medium=str(bill["medium"]),
                medium_name=str(bill["medium_name"]),
                month=str(bill["month"]),
                currency=str(bill["currency"]),
                amount=metrics.money(billed),
                order_count=int(bill["order_count"]),
                status=str(bill["status"]),
                payment_method=str(bill["payment_method"]),
                payment_type=str(bill["payment_type"]),
                created_at=_time(bill["created_at"]),
                paid_at=_time(bill["paid_at"]),
                expected=metrics.money(expected),
                covered_orders=counted,
                difference=metrics.money(billed - expected),
            )
        )
        currencies = str(found["currencies"]) if found is not None else ""
        problems = []
        if billed != expected:
            problems.append(
                f"billed {metrics.money(billed)} but the covered orders' commission is "
                f"{metrics.money(expected)}"
            )
        if found is None:
            problems.append("no loaded order carries this bill id")
        if voided:
            problems.append(f"{voided} covered order(s) are void now")
        if currencies and currencies != str(bill["currency"]):
            problems.append(f"covered orders are in {currencies}, the bill in {bill['currency']}")
        if billed != expected or (currencies and currencies != str(bill["currency"])):
            discrepancies.append(
                Discrepancy(
                    bill_id=bill_id,
                    bill_no=str(bill["bill_no"]),
                    medium=str(bill["medium"]),
                    medium_name=str(bill["medium_name"]),
                    currency=str(bill["currency"]),
                    billed=metrics.money(billed),
                    expected=metrics.money(expected),
                    difference=metrics.money(billed - expected),
                    billed_orders=int(bill["order_count"]),
                    counted_orders=counted,
                    voided_orders=voided,
                    note="; ".join(problems),
                )
            )
    return lines, discrepancies


def _totals_by_status(chosen: pd.DataFrame) -> list[BillTotal]:
    if chosen.empty:
        return []
    grouped = chosen.groupby(["status", "currency"])["amount_cents"].agg(["size", "sum"])
    return [
        BillTotal(
            status=str(status),
            currency=str(currency),
            bills=int(row["size"]),
            amount=metrics.money(int(row["sum"])),
        )
        for (status, currency), row in grouped.iterrows()
    ]


def _time(value: object) -> datetime | None:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return None
    return pd.Timestamp(value).to_pydatetime()  # type: ignore[arg-type]
