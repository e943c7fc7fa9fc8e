"""The commission ledger as one frame: one row per commission a partner earned, whatever platform it came
from (OpenPartner's commission records, or PartnerBoost orders read as commissions).

Columns (COMMISSION_COLUMNS): commission_id, partner_id, partner_name, currency, amount_cents (int64, exact),
status (accrued | approved | paid | reversed), accrued_at / approved_at / paid_at / reversed_at (UTC, NaT when
unknown), payout_id, campaign, partner_ended_at (when the partner's relationship ended, NaT while it lasts),
source ("api" or "webhook": where the row's latest state came from).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.parsing import parse_time, to_cents
from partnerboost_skill.records.read import FrameError

COMMISSION_STATUSES: tuple[str, ...] = ("accrued", "approved", "paid", "reversed")
COMMISSION_COLUMNS: tuple[str, ...] = (
    "commission_id", "partner_id", "partner_name", "currency", "amount_cents", "status", "accrued_at",
    "approved_at", "paid_at", "reversed_at", "payout_id", "campaign", "partner_ended_at", "source",
)
TIME_COLUMNS = ("accrued_at", "approved_at", "paid_at", "reversed_at", "partner_ended_at")
TEXT_COLUMNS = ("commission_id", "partner_id", "partner_name", "currency", "status", "payout_id", "campaign",
                "source")


def money_to_cents(values: pd.Series, *, kind: str, field: str) -> np.ndarray:
    """Money values (decimal strings, numbers) → exact int64 cents, each parsed as a Decimal; an absent or
    unreadable value → FrameError naming the record and the field (money is never silently zero)."""
    if values.dtype.kind in "iu":
        return values.to_numpy(dtype=np.int64) * 100
    cents = np.zeros(len(values), dtype=np.int64)
    for position, value in enumerate(values.to_numpy(dtype=object)):
        try:
            cents[position] = to_cents(value)
        except ValueError as error:
            raise FrameError(f"{kind} record {position}: field {field!r}: {error}") from None
    return cents


def times_utc(values: pd.Series, *, kind: str, field: str) -> pd.Series:
    """Times (ISO text with or without an offset — UTC when none —, Unix seconds or ms, datetimes) →
    datetime64[ns, UTC]; an absent or unreadable value → FrameError naming the record and the field."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
    if values.dtype.kind == "M":
        return values.dt.tz_localize("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
    nanos = np.zeros(len(values), dtype=np.int64)
    for position, value in enumerate(values.to_numpy(dtype=object)):
        try:
            moment = parse_time(value)
        except ValueError as error:
            raise FrameError(f"{kind} record {position}: field {field!r}: {error}") from None
        if moment is None:
            raise FrameError(f"{kind} record {position}: field {field!r} is empty")
        nanos[position] = pd.Timestamp(moment).value
    return pd.Series(pd.to_datetime(nanos, utc=True)).astype("datetime64[ns, UTC]")


def empty_commissions() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in COMMISSION_COLUMNS})
    frame["amount_cents"] = frame["amount_cents"].astype(np.int64)
    for name in TIME_COLUMNS:
        frame[name] = frame[name].astype("datetime64[ns, UTC]")
    return frame


def optional_times(values: pd.Series, *, field: str) -> pd.Series:
    """Times where present (ISO text, datetimes), NaT where absent; unreadable text → FrameError."""
    present = values.notna().to_numpy() & (values.astype(str).str.strip() != "").to_numpy()
    result = pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns, UTC]")
    if present.any():
        converted = times_utc(values[present].reset_index(drop=True), kind="commissions", field=field)
        result.iloc[np.flatnonzero(present)] = converted.to_numpy()
    return result


def commissions_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The ledger from rows already keyed by COMMISSION_COLUMNS (missing optional columns are empty).

    `amount` (a decimal string or number) may stand in for amount_cents. Every row needs an id, a currency,
    an amount, a status among COMMISSION_STATUSES and an accrual time."""
    if not rows:
        return empty_commissions()
    raw = pd.DataFrame.from_records(rows)
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for name in TEXT_COLUMNS:
        column = raw[name] if name in raw.columns else pd.Series([""] * n)
        out[name] = column.fillna("").astype(str).str.strip().to_numpy()
    for required in ("commission_id", "currency", "status"):
        blank = (out[required] == "").to_numpy()
        if blank.any():
            raise FrameError(f"commissions record {int(np.flatnonzero(blank)[0])} has no {required!r}")
    out["currency"] = out["currency"].str.upper()
    out["status"] = out["status"].str.lower()
    unknown = ~out["status"].isin(COMMISSION_STATUSES).to_numpy()
    if unknown.any():
        position = int(np.flatnonzero(unknown)[0])
        raise FrameError(f"commissions record {position}: status {out['status'].iloc[position]!r} is not one "
                         f"of {', '.join(COMMISSION_STATUSES)}")
    if "amount_cents" in raw.columns:
        out["amount_cents"] = raw["amount_cents"].to_numpy(dtype=np.int64)
    elif "amount" in raw.columns:
        out["amount_cents"] = money_to_cents(raw["amount"], kind="commissions", field="amount")
    else:
        raise FrameError("commissions: no field for 'amount'")
    for name in TIME_COLUMNS:
        column = raw[name] if name in raw.columns else pd.Series([None] * n, dtype=object)
        out[name] = optional_times(column.reset_index(drop=True), field=name)
    missing = out["accrued_at"].isna().to_numpy()
    if missing.any():
        raise FrameError(f"commissions record {int(np.flatnonzero(missing)[0])} has no accrual time")
    return out[list(COMMISSION_COLUMNS)].reset_index(drop=True)


ORDER_STATUS_TO_COMMISSION = {"new": "accrued", "effective": "approved", "paid": "paid", "void": "reversed"}
"""An order's status as the status of its commission (PartnerBoost: new orders await validation, effective
ones are validated and not yet paid)."""


def ledger_from_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """An orders frame (records.frames) read as a commission ledger: one commission per order."""
    if orders.empty:
        return empty_commissions()
    status = orders["status"].astype(str).map(ORDER_STATUS_TO_COMMISSION).fillna("accrued")
    status = status.where(~orders["is_void"].to_numpy(dtype=bool), "reversed")
    frame = pd.DataFrame({
        "commission_id": orders["order_id"].astype(str).to_numpy(dtype=object),
        "partner_id": orders["partner_id"].astype(str).to_numpy(dtype=object),
        "partner_name": orders["partner_name"].astype(str).to_numpy(dtype=object),
        "currency": orders["currency"].astype(str).to_numpy(dtype=object),
        "amount_cents": orders["commission_cents"].to_numpy(dtype=np.int64),
        "status": status.to_numpy(dtype=object),
        "accrued_at": orders["time"].to_numpy(),
        "payout_id": orders["bill_id"].astype(str).to_numpy(dtype=object),
    })
    for name in TIME_COLUMNS:
        if name != "accrued_at":
            frame[name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    frame["accrued_at"] = pd.to_datetime(frame["accrued_at"], utc=True)
    for name in ("campaign", "source"):
        frame[name] = "" if name == "campaign" else "api"
    return frame[list(COMMISSION_COLUMNS)]
