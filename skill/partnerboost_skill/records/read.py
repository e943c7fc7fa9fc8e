"""API records → frames (records/frames.py's schemas), tolerant by design.

Per-record problems never abort an answer: a record without a required value (an order without a time) is
left out and counted; a missing optional value is counted and said ("12 of 7,851 orders had no commission;
counted as 0"); an unknown status is reported and not counted as a valid order. Only a required field that no
record has stops the answer, with a message that names the field, the names tried and the names the records
do have (`RecordShapeError`, shown to the merchant like any PartnerBoost error). Every read returns a
`ReadReport`: the mapping it used, what it could not map and the notes an answer shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.records import values as v
from partnerboost_skill.records.contracts import (
    BILLS,
    CLICKS,
    ORDERS,
    PARTNERS,
    STATUSES,
    Contract,
)
from partnerboost_skill.records.conventions import Conventions, ZoneChoice, describe
from partnerboost_skill.records.mapping import FieldMap, flatten, map_fields
from partnerboost_skill.records.schema import (
    BILL_COLUMNS,
    CLICK_COLUMNS,
    MISSING_COMMISSION,
    ORDER_CATEGORIES,
    ORDER_COLUMNS,
    PARTNER_COLUMNS,
    categorise,
    empty_bills,
    empty_clicks,
    empty_orders,
    empty_partners,
)

Records = Iterable[Mapping[str, Any]] | pd.DataFrame



class RecordShapeError(PartnerBoostError):
    """Records an answer cannot use at all: a required field no record has. The message names the field,
    the names tried and the names the records have."""


FrameError = RecordShapeError


@dataclass
class ReadReport:
    kind: str
    records: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    """column → the API field it was read from."""
    configured: list[str] = field(default_factory=list)
    """Columns mapped by the config file's [fields] table."""
    unmapped: list[str] = field(default_factory=list)
    """API fields nothing reads."""
    absent: list[str] = field(default_factory=list)
    """Optional columns no field was found for."""
    dropped: int = 0
    notes: list[str] = field(default_factory=list)
    zone: ZoneChoice | None = None


@dataclass
class Read:
    frame: pd.DataFrame
    report: ReadReport


def _plural(count: int, word: str) -> str:
    return (
        f"{count:,} {word}"
        if count == 1
        else f"{count:,} {word}s"
        if not word.endswith("s")
        else f"{count:,} {word}"
    )


def _tried(contract: Contract, column: str) -> str:
    return ", ".join(contract.field(column).names)


def _prepare(
    records: Records, contract: Contract, conventions: Conventions | None
) -> tuple[pd.DataFrame, FieldMap, ReadReport]:
    if isinstance(records, pd.DataFrame):
        raw = records.reset_index(drop=True)
    else:
        rows = [record for record in records if isinstance(record, Mapping)]
        raw = flatten(rows)
    overrides = (conventions.fields.get(contract.kind) if conventions else None) or {}
    mapping = map_fields(raw, contract, overrides)
    report = ReadReport(
        kind=contract.kind,
        records=len(raw),
        mapping=dict(mapping.keys),
        configured=sorted(mapping.configured),
        unmapped=list(mapping.unmapped),
        absent=[f.column for f in contract.fields if not f.required and f.column not in mapping.keys],
    )
    for required in (f for f in contract.fields if f.required and not raw.empty):
        if required.column not in mapping.keys and not _derivable(contract, required.column, mapping):
            present = ", ".join(str(c) for c in list(raw.columns)[:30]) or "no fields"
            raise RecordShapeError(
                f"PartnerBoost's {contract.label} carry no field for {required.column!r} (tried: "
                f"{_tried(contract, required.column)}); the records have: {present}. If one of these is it, "
                f'name it in the config file: [fields.{contract.kind}] {required.column} = "<field>".'
            )
    return raw, mapping, report


def _derivable(contract: Contract, column: str, mapping: FieldMap) -> bool:
    """Required columns another field can stand in for: a currency written inside the amounts."""
    return (contract is ORDERS and column == "currency" and "amount_cents" in mapping.keys) or (
        contract is BILLS and column == "commission_cents" and "total_cents" in mapping.keys
    )


def _column(raw: pd.DataFrame, mapping: FieldMap, column: str) -> pd.Series | None:
    key = mapping.keys.get(column)
    if key is None:
        return None
    series = raw[key]
    for other in mapping.fills.get(column, ()):
        series = series.where(series.notna(), raw[other])
    return series.reset_index(drop=True)


def _money_column(raw: pd.DataFrame, mapping: FieldMap, column: str) -> v.Money | None:
    series = _column(raw, mapping, column)
    return None if series is None else v.money(series)


def _times(
    raw: pd.DataFrame,
    mapping: FieldMap,
    column: str,
    conventions: Conventions | None,
    window: tuple[float, float] | None = None,
) -> v.Times | None:
    series = _column(raw, mapping, column)
    return None if series is None else v.times(series, conventions=conventions, window=window)


def _counts(raw: pd.DataFrame, mapping: FieldMap, column: str, report: ReadReport, label: str) -> np.ndarray:
    found = v.counts(_column(raw, mapping, column), len(raw))
    if found.unreadable:
        report.notes.append(
            f"{found.unreadable:,} {label} had an unreadable {mapping.keys[column]!r} "
            f"(e.g. {found.example!r}): counted as 0"
        )
    return found.values


def _currency(raw: pd.DataFrame, mapping: FieldMap, *amounts: v.Money | None) -> tuple[pd.Series, int]:
    """The currency column; where records name none, the currency their amounts are written in. (series,
    how many records took it from an amount)."""
    named = _column(raw, mapping, "currency")
    n = len(raw)
    codes = (
        v.label(named, n, case="upper").astype(str).to_numpy(dtype=object)
        if named is not None
        else np.full(n, "", dtype=object)
    )
    filled = 0
    for amount in amounts:
        if amount is None:
            continue
        gap = (codes == "") & (amount.currency != "")
        filled += int(gap.sum())
        codes = np.where(gap, amount.currency, codes)
    return pd.Series(codes, dtype=object), filled


# --- orders -----------------------------------------------------------------------------------------------


def read_orders(
    records: Records,
    *,
    conventions: Conventions | None = None,
    window: tuple[float, float] | None = None,
) -> Read:
    """Orders: one row per order (records/frames.py ORDER_COLUMNS). `window` is the Unix-second range the
    records were asked for (it lets text times reveal their zone)."""
    raw, mapping, report = _prepare(records, ORDERS, conventions)
    if raw.empty:
        return Read(empty_orders(), report)
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["order_id"] = v.ids(_column(raw, mapping, "order_id"), n).astype(str)
    when = _times(raw, mapping, "time", conventions, window)
    assert when is not None
    report.zone = when.zone
    out["time"] = when.values
    for name in ("partner_id", "medium", "medium_code", "bill_id"):
        out[name] = v.ids(_column(raw, mapping, name), n)
    out["partner_name"] = v.label(_column(raw, mapping, "partner_name"), n)
    out["channel_type"] = v.label(_column(raw, mapping, "channel_type"), n, case="upper")
    out["partner_type"] = v.label(_column(raw, mapping, "partner_type"), n, case="lower")
    out["partner_group"] = v.label(_column(raw, mapping, "partner_group"), n)
    out["country"] = v.label(_column(raw, mapping, "country"), n, case="upper")
    out["device"] = v.label(_column(raw, mapping, "device"), n, case="lower")
    amount = _money_column(raw, mapping, "amount_cents")
    commission = _money_column(raw, mapping, "commission_cents")
    assert amount is not None
    currency, from_amounts = _currency(raw, mapping, amount, commission)
    out["currency"] = v.label(currency, n)
    out["amount_cents"] = amount.cents
    out["commission_cents"] = commission.cents if commission is not None else np.zeros(n, dtype=np.int64)
    paid = _column(raw, mapping, "paid")
    status_source = _column(raw, mapping, "status")
    assert status_source is not None
    status, unknown = v.statuses(
        status_source, _column(raw, mapping, "status_label"), v.flags(paid, n) if paid is not None else None
    )
    out["status"] = status
    out["is_new_customer"] = v.flags(_column(raw, mapping, "is_new_customer"), n)
    out["coupon"] = v.label(_column(raw, mapping, "coupon"), n)
    out["uid"] = v.text(_column(raw, mapping, "uid"), n)
    out["void_reason"] = v.label(_column(raw, mapping, "void_reason"), n)
    status_text = out["status"].astype(str).to_numpy()
    out["is_void"] = status_text == "void"
    out["is_valid"] = np.isin(status_text, STATUSES) & ~out["is_void"].to_numpy()
    no_commission = commission.missing if commission is not None else np.ones(n, dtype=bool)
    if commission is not None and commission.unreadable.any():
        report.notes.append(
            f"{int(commission.unreadable.sum()):,} orders had an unreadable commission "
            f"(e.g. {commission.example!r} in {mapping.keys['commission_cents']!r}): counted as 0"
        )
    out["read_problems"] = np.where(no_commission, MISSING_COMMISSION, 0).astype(np.uint8)

    keep = ~(
        when.missing
        | amount.missing
        | (out["order_id"].to_numpy() == "")
        | (status_source.isna().to_numpy())
        | (out["currency"].to_numpy() == "")
    )
    _explain_orders(report, raw, mapping, when, amount, out, keep, unknown, from_amounts)
    if not keep.all():
        out = out[keep]
    return Read(categorise(out[list(ORDER_COLUMNS)], ORDER_CATEGORIES), report)


def _explain_orders(
    report: ReadReport,
    raw: pd.DataFrame,
    mapping: FieldMap,
    when: v.Times,
    amount: v.Money,
    out: pd.DataFrame,
    keep: np.ndarray,
    unknown: list[str],
    from_amounts: int,
) -> None:
    n = len(raw)
    report.dropped = int((~keep).sum())
    if report.dropped:
        reasons = []
        for what, column, missing, example in (
            ("an order id", "order_id", out["order_id"].to_numpy() == "", None),
            ("a readable time", "time", when.missing, when.example),
            ("a readable amount", "amount_cents", amount.missing, amount.example),
            ("a currency", "currency", out["currency"].to_numpy() == "", None),
        ):
            if missing.any():
                key = mapping.keys.get(column, column)
                shown = f" (e.g. {example!r})" if example else ""
                reasons.append(f"{int(missing.sum()):,} without {what} in {key!r}{shown}")
        report.notes.append(f"{report.dropped:,} of {n:,} orders were left out: {'; '.join(reasons)}")
    if unknown:
        shown = ", ".join(repr(word) for word in unknown[:5])
        count = int((~out["is_valid"].to_numpy() & ~out["is_void"].to_numpy() & keep).sum())
        report.notes.append(
            f"{count:,} orders have a status this skill does not know ({shown}): they count as "
            "orders but not as valid orders or sales"
        )
    if from_amounts:
        report.notes.append(
            f"{from_amounts:,} orders name no currency; the one written with their amount was used"
        )
    if report.zone is not None:
        report.notes.append(describe(report.zone, "order"))


def missing_commission_note(orders: pd.DataFrame) -> str | None:
    """'12 of 7,851 orders had no commission; …' for the orders of an answer (None when all had one)."""
    if orders.empty or "read_problems" not in orders:
        return None
    flagged = (orders["read_problems"].to_numpy(dtype=np.uint8) & MISSING_COMMISSION) != 0
    count = int(flagged.sum())
    if not count:
        return None
    void = int((flagged & orders["is_void"].to_numpy(dtype=bool)).sum())
    if void == count:
        return (
            f"{count:,} of {len(orders):,} orders had no commission, all of them void: void orders count 0 "
            "(they never count towards commission)"
        )
    return (
        f"{count:,} of {len(orders):,} orders had no commission ({void:,} of them void): counted as 0, so "
        "commission, ROAS and ROI leave them out"
    )


# --- performance rows -------------------------------------------------------------------------------------


def read_clicks(
    records: Records, *, start: datetime, end: datetime, conventions: Conventions | None = None
) -> Read:
    """Performance rows: the window each covers ([start, end), UTC), its key (medium/channel), counts.

    Rows keyed by date, week or month cover that day, week or month, cut to the queried window; other rows
    (grouped by medium or channel) cover the window.
    """
    raw, mapping, report = _prepare(records, CLICKS, conventions)
    if raw.empty:
        return Read(empty_clicks(), report)
    n = len(raw)
    first, stop = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    window_start = pd.Series(first, index=raw.index)
    window_end = pd.Series(stop, index=raw.index)
    for key, step in (
        ("month", pd.DateOffset(months=1)),
        ("week", pd.DateOffset(weeks=1)),
        ("week_start", pd.DateOffset(weeks=1)),
        ("date", pd.DateOffset(days=1)),
    ):
        series = _column(raw, mapping, key)
        if series is None:
            continue
        texts = series.astype(str)
        if key == "week":
            texts = texts.where(~texts.str.contains("W"), texts + "-1")
            parsed = pd.to_datetime(texts, utc=True, errors="coerce", format="mixed")
            iso = pd.to_datetime(texts, utc=True, errors="coerce", format="%G-W%V-%u")
            parsed = iso.fillna(parsed)
        else:
            parsed = pd.to_datetime(texts, utc=True, errors="coerce", format="mixed")
        known = parsed.notna()
        window_start = window_start.where(~known, parsed)
        window_end = window_end.where(~known, parsed + step)
    window_start = window_start.where(window_start >= first, first)
    window_end = window_end.where(window_end <= stop, stop)
    out = pd.DataFrame(
        {"start": window_start.astype("datetime64[ns, UTC]"), "end": window_end.astype("datetime64[ns, UTC]")}
    )
    out["medium"] = v.ids(_column(raw, mapping, "medium"), n)
    out["medium_code"] = v.ids(_column(raw, mapping, "medium_code"), n)
    out["partner_id"] = v.ids(_column(raw, mapping, "partner_id"), n)
    out["medium_name"] = v.label(_column(raw, mapping, "medium_name"), n)
    out["channel_type"] = v.label(_column(raw, mapping, "channel_type"), n, case="upper")
    for column in ("clicks", "orders", "valid_orders"):
        out[column] = _counts(raw, mapping, column, report, "performance rows")
    return Read(out[list(CLICK_COLUMNS)].reset_index(drop=True), report)


# --- bills ------------------------------------------------------------------------------------------------


def read_bills(records: Records, *, conventions: Conventions | None = None) -> Read:
    """Bills: one row per bill; commission, fee and total kept apart (int64 cents); month as 'YYYY-MM', from
    a month field or from the bill's first and last day."""
    raw, mapping, report = _prepare(records, BILLS, conventions)
    if raw.empty:
        return Read(empty_bills(), report)
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["bill_id"] = v.ids(_column(raw, mapping, "bill_id"), n).astype(str)
    out["bill_no"] = v.label(_column(raw, mapping, "bill_no"), n).astype(str)
    out["medium"] = v.ids(_column(raw, mapping, "medium"), n).astype(str)
    out["partner_id"] = v.ids(_column(raw, mapping, "partner_id"), n).astype(str)
    out["medium_name"] = v.label(_column(raw, mapping, "medium_name"), n).astype(str)
    out["month"] = _bill_months(raw, mapping, report)
    commission = _money_column(raw, mapping, "commission_cents")
    fee = _money_column(raw, mapping, "fee_cents")
    total = _money_column(raw, mapping, "total_cents")
    currency, _ = _currency(raw, mapping, commission, total, fee)
    out["currency"] = v.label(currency, n).astype(str)
    zeros = np.zeros(n, dtype=np.int64)
    fee_cents = fee.cents if fee is not None else zeros
    if commission is None:
        assert total is not None
        commission_cents = total.cents - fee_cents
        report.notes.append("bills carry no commission field: commission = total − fee")
    else:
        commission_cents = commission.cents
    out["commission_cents"] = commission_cents
    out["fee_cents"] = fee_cents
    out["total_cents"] = total.cents if total is not None else commission_cents + fee_cents
    if fee is not None and total is not None and commission is not None:
        off = int((total.cents != commission.cents + fee.cents).sum())
        if off:
            report.notes.append(
                f"{off:,} of {n:,} bills: total ≠ commission + fee (the commission is what is "
                "checked against the orders)"
            )
    out["order_count"] = _counts(raw, mapping, "order_count", report, "bills")
    out["status"] = v.label(_column(raw, mapping, "status"), n, case="lower").astype(str)
    out["payment_method"] = v.label(_column(raw, mapping, "payment_method"), n, case="lower").astype(str)
    out["payment_type"] = v.label(_column(raw, mapping, "payment_type"), n, case="lower").astype(str)
    for column in ("created_at", "paid_at"):
        when = _times(raw, mapping, column, conventions)
        out[column] = (
            when.values
            if when is not None
            else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
        )
    keep = (
        (out["month"].to_numpy() != "")
        & (out["currency"].to_numpy() != "")
        & (out["bill_id"] != "").to_numpy()
    )
    if not keep.all():
        report.dropped = int((~keep).sum())
        report.notes.append(f"{report.dropped:,} of {n:,} bills were left out: no bill id, month or currency")
        out = out[keep].reset_index(drop=True)
    return Read(out[list(BILL_COLUMNS)], report)


def _bill_months(raw: pd.DataFrame, mapping: FieldMap, report: ReadReport) -> pd.Series:
    n = len(raw)
    month = _column(raw, mapping, "month")
    months = v.months(month) if month is not None else pd.Series([""] * n, dtype=str)
    months = (
        months.where(~pd.Series(v.absent(month), index=months.index), "") if month is not None else months
    )
    starts = _column(raw, mapping, "period_start")
    if starts is not None:
        first = v.dates(starts)
        ends = _column(raw, mapping, "period_end")
        last = v.dates(ends) if ends is not None else first
        from_dates = first.str.slice(0, 7)
        spans = (first != "") & (last != "") & (first.str.slice(0, 7) != last.str.slice(0, 7))
        if spans.any():
            report.notes.append(
                f"{int(spans.sum()):,} bills cover more than one calendar month; each is "
                "counted in the month it starts"
            )
        months = months.where(months != "", from_dates)
    return months.astype(str)


# --- partners ---------------------------------------------------------------------------------------------


def read_partners(records: Records, *, conventions: Conventions | None = None) -> Read:
    """Partners (media): one row per partner channel with type, channel type, country, group and status."""
    raw, mapping, report = _prepare(records, PARTNERS, conventions)
    if raw.empty:
        return Read(empty_partners(), report)
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["partner_id"] = v.ids(_column(raw, mapping, "partner_id"), n).astype(str)
    out["medium"] = v.ids(_column(raw, mapping, "medium"), n).astype(str)
    out["medium_code"] = v.ids(_column(raw, mapping, "medium_code"), n).astype(str)
    out["name"] = v.label(_column(raw, mapping, "name"), n).astype(str)
    out["partner_type"] = v.label(_column(raw, mapping, "partner_type"), n, case="lower").astype(str)
    out["channel_type"] = v.label(_column(raw, mapping, "channel_type"), n, case="upper").astype(str)
    out["country"] = v.label(_column(raw, mapping, "country"), n, case="upper").astype(str)
    out["group_id"] = v.ids(_column(raw, mapping, "group_id"), n).astype(str)
    out["group_name"] = v.label(_column(raw, mapping, "group_name"), n).astype(str)
    out["status"] = v.label(_column(raw, mapping, "status"), n, case="lower").astype(str)
    joined = _times(raw, mapping, "joined_at", conventions)
    if joined is not None and joined.zone is not None:
        report.zone = joined.zone
        report.notes.append(describe(joined.zone, "partner join"))
    out["joined_at"] = (
        joined.values
        if joined is not None
        else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    )
    out["commission_rate"] = v.rates(_column(raw, mapping, "commission_rate"), n)
    out["website"] = v.label(_column(raw, mapping, "website"), n).astype(str)
    return Read(out[list(PARTNER_COLUMNS)], report)


def read_account(data: Any) -> dict[str, str]:
    """The fields of account info the answers use (timezone, currency), whatever they are called."""
    from partnerboost_skill.records.contracts import ACCOUNT

    if not isinstance(data, Mapping):
        return {}
    raw = flatten([data])
    mapping = map_fields(raw, ACCOUNT)
    found: dict[str, str] = {}
    for column, key in mapping.keys.items():
        value = raw[key].iloc[0]
        if isinstance(value, str) and value.strip():
            found[column] = value.strip()
    return found


def notes_of(reports: Sequence[ReadReport]) -> list[str]:
    notes: list[str] = []
    for report in reports:
        notes.extend(note for note in report.notes if note not in notes)
    return notes
