"""Bill check: a month's bills with their status and payment details, exact totals, and a reconciliation of
each bill against the commission of the orders it covers.

A bill covers the orders that carry its id (list4 `payment_id`). Expected amount = the commission of those
orders that are valid now; an order voided after the bill was issued therefore shows up as a difference
(a clawback to claim). When the orders carry no bill id, a bill covers its medium's (or partner's) orders of
its month in its currency — the month read in whichever zone (UTC or the answer's) matches more bills, and
said; with neither id, only the month's totals per currency can be compared, and no bill is disputed. Totals
are exact Decimals summed from integer cents, per status and currency.
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


MatchedBy = Literal["bill_id", "medium", "partner", "currency"]


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
    zones = tuple(dict.fromkeys(("UTC", period.timezone)))
    label = period.start.strftime("%Y-%m")
    if by == "period":
        chosen = bills[(bills["month"].astype(str) == label).to_numpy()]
    elif by == "issued":
        chosen = metrics.in_period(bills, period, column="created_at")
    else:
        raise metrics.AnalysisError(f"by must be 'period' or 'issued'; got {by!r}")
    chosen = chosen.sort_values(["currency", "commission_cents"], ascending=[True, False], kind="stable")
    matched_by, coverage, zone = _coverage_of(orders, chosen, zones)
    lines, discrepancies = _lines(chosen, coverage, disputable=matched_by != "currency")
    notes = _match_notes(matched_by, zone, chosen, orders, zones)
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
            for currency, cents in chosen.groupby("currency")["commission_cents"].sum().items()
        },
        discrepancies=discrepancies,
        reconciled=not discrepancies and matched_by != "currency",
        matched_by=matched_by,
        notes=notes,
        # without bill ids on the orders, which orders a bill covers is an estimate: say so at the top
        complete=matched_by == "bill_id",
    )


def _coverage_of(
    orders: pd.DataFrame, chosen: pd.DataFrame, zones: tuple[str, ...]
) -> tuple[MatchedBy, pd.DataFrame, str | None]:
    """How bills are matched with orders, and per bill what its orders add up to."""
    if orders.empty or (orders["bill_id"].astype(str) != "").any():
        return "bill_id", _coverage(orders, chosen["bill_id"].astype(str)), None
    bases: tuple[tuple[MatchedBy, str, str], ...] = (
        ("medium", "medium", "medium"),
        ("partner", "partner_id", "partner_id"),
    )
    for basis, bill_column, order_column in bases:
        bill_keys = set(chosen[bill_column].astype(str)) - {""}
        if bill_keys and bill_keys & set(orders[order_column].astype(str)):
            best: tuple[int, pd.DataFrame, str] | None = None
            for zone in zones:
                coverage = _coverage_by_month(orders, chosen, bill_column, order_column, zone)
                matching = _matching(chosen, coverage)
                if best is None or matching > best[0]:
                    best = (matching, coverage, zone)
            assert best is not None
            return basis, best[1], best[2]
    return "currency", pd.DataFrame(columns=["commission", "valid", "void", "currencies"]), None


def _coverage_by_month(
    orders: pd.DataFrame, chosen: pd.DataFrame, bill_column: str, order_column: str, zone: str
) -> pd.DataFrame:
    """Per bill id: the valid commission (and counts) of its medium's or partner's orders of its month and
    currency, months read in `zone`."""
    months = metrics.local_months(orders["time"], zone) if not orders.empty else np.array([], dtype=object)
    keys = (
        orders[order_column].astype(str).to_numpy(dtype=object),
        np.asarray(months, dtype=object),
        orders["currency"].astype(str).to_numpy(dtype=object),
    )
    valid = orders["is_valid"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "who": keys[0],
            "month": keys[1],
            "currency": keys[2],
            "commission": np.where(valid, orders["commission_cents"].to_numpy(np.int64), 0),
            "valid": valid,
            "void": orders["is_void"].to_numpy(dtype=bool),
        }
    )
    grouped = frame.groupby(["who", "month", "currency"]).agg(
        commission=("commission", "sum"), valid=("valid", "sum"), void=("void", "sum")
    )
    rows = {}
    for bill in chosen.to_dict("records"):
        key = (str(bill[bill_column]), str(bill["month"]), str(bill["currency"]))
        if key in grouped.index:
            found = grouped.loc[[key]].iloc[0]
            rows[str(bill["bill_id"])] = {
                "commission": int(found["commission"]),
                "valid": int(found["valid"]),
                "void": int(found["void"]),
                "currencies": str(bill["currency"]),
            }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["commission", "valid", "void", "currencies"])


def _matching(chosen: pd.DataFrame, coverage: pd.DataFrame) -> int:
    billed = dict(zip(chosen["bill_id"].astype(str), chosen["commission_cents"].astype(int), strict=True))
    return sum(
        1 for bill_id, row in coverage.iterrows() if billed.get(str(bill_id)) == int(row["commission"])
    )


def _match_notes(
    matched_by: MatchedBy,
    zone: str | None,
    chosen: pd.DataFrame,
    orders: pd.DataFrame,
    zones: tuple[str, ...],
) -> list[str]:
    if matched_by == "bill_id" or chosen.empty:
        return []
    if matched_by in ("medium", "partner"):
        return [
            f"the orders carry no bill id: each bill was checked against its {matched_by}'s orders of its "
            f"month in its currency (months in {zone}, which matches more bills than "
            f"{' or '.join(z for z in zones if z != zone) or 'any other zone'})"
        ]
    notes = [
        "the orders carry no bill id and the bills no medium or partner the orders share: no single bill "
        "can be checked; the month's totals per currency are compared instead"
    ]
    month = str(chosen["month"].iloc[0])
    months = metrics.local_months(orders["time"], zones[-1]) if not orders.empty else np.array([])
    in_month = orders[(np.asarray(months, dtype=object) == month)] if len(orders) else orders
    for currency, billed in chosen.groupby("currency")["commission_cents"].sum().items():
        mask = (in_month["currency"].astype(str) == str(currency)).to_numpy() & in_month["is_valid"].to_numpy(
            bool
        )
        expected = int(in_month["commission_cents"].to_numpy(np.int64)[mask].sum())
        notes.append(
            f"{currency}: bills {metrics.money(int(billed))}, the orders of {month} "
            f"{metrics.money(expected)} (difference {metrics.money(int(billed) - expected)})"
        )
    return notes


def _coverage(orders: pd.DataFrame, bill_ids: pd.Series) -> pd.DataFrame:
    """Per bill id: non-void commission and count, void count, and the currencies of the covered orders."""
    wanted = set(bill_ids)
    covered = orders[orders["bill_id"].isin(list(wanted)).to_numpy()]
    valid = covered["is_valid"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "bill_id": covered["bill_id"].astype(str).to_numpy(dtype=object),
            "commission": np.where(valid, covered["commission_cents"].to_numpy(dtype=np.int64), 0),
            "valid": valid,
            "void": covered["is_void"].to_numpy(dtype=bool),
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


def _lines(
    chosen: pd.DataFrame, coverage: pd.DataFrame, *, disputable: bool = True
) -> tuple[list[BillLine], list[Discrepancy]]:
    lines: list[BillLine] = []
    discrepancies: list[Discrepancy] = []
    covered = {str(key): row for key, row in coverage.to_dict("index").items()}  # not a .loc per bill
    for bill in chosen.to_dict("records"):
        bill_id = str(bill["bill_id"])
        found = covered.get(bill_id)
        expected = int(found["commission"]) if found is not None else 0
        counted = int(found["valid"]) if found is not None else 0
        voided = int(found["void"]) if found is not None else 0
        billed = int(bill["commission_cents"])
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
                expected=metrics.money(expected) if disputable else None,
                covered_orders=counted,
                difference=metrics.money(billed - expected) if disputable else None,
                fee=metrics.money(int(bill["fee_cents"])) if int(bill["fee_cents"]) else None,
            )
        )
        if not disputable:
            continue
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
    grouped = chosen.groupby(["status", "currency"])["commission_cents"].agg(["size", "sum"])
    return [
        BillTotal(
            status=str(key[0]),
            currency=str(key[1]),
            bills=int(row["size"]),
            amount=metrics.money(int(row["sum"])),
        )
        for key, row in zip(grouped.index.tolist(), grouped.to_dict("records"), strict=True)
    ]


def _time(value: object) -> datetime | None:
    if isinstance(value, datetime) and value is not pd.NaT:
        return pd.Timestamp(value).to_pydatetime()
    return None
