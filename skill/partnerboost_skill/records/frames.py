"""API records → pandas frames with one schema each: orders, clicks (performance), bills, partners.

Field names differ between PartnerBoost's APIs (list4 says `sale_amount`, the brand report `amount`, the
publisher API `order_id` where the postback says `order_number`), so each frame has one alias table:
canonical column → the record fields tried, in order. A record set that lacks a required field raises
`FrameError` naming the field and every name tried.

Conversion is vectorised (records → DataFrame → column operations). Money becomes exact integer cents: a
decimal string with at most two decimals is read through float64 and rounded to the nearest cent, which is
exact for any amount below 10^11; every other value (thousands separators, more decimals) goes through
`skill.parsing.to_cents` one by one, so the rules are the same as everywhere else in the skill.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.parsing import parse_time, to_cents


class FrameError(ValueError):
    """Records that cannot be mapped onto a frame's schema; the message names the field and names tried."""


Records = Iterable[Mapping[str, Any]] | pd.DataFrame

ORDER_ALIASES: dict[str, tuple[str, ...]] = {
    "order_id": ("order_id", "trans_id", "order_number", "transaction_id", "orderid", "oid"),
    "time": ("order_time", "trans_time", "create_time", "order_date", "created_at", "time"),
    "partner_id": ("partner_id", "publisher_id", "pid", "partnerboost_id", "affiliate_id"),
    "partner_name": ("partner_name", "publisher_name", "medium_name", "channel_name", "site_name"),
    "medium": ("channel_id", "mid", "medium_id", "site_id", "partner_channel_id", "mcid"),
    "medium_code": ("medium_code", "partner_medium_code", "medium_no"),
    "channel_type": ("partner_channel_type", "channel_type", "site_type"),
    "partner_type": ("partner_type", "publisher_type", "affiliate_type"),
    "partner_group": ("partner_group", "group_name", "partner_group_name"),
    "country": ("partner_location", "country", "partner_country", "customer_country", "location"),
    "device": ("client_device", "device", "trans_client_device"),
    "currency": ("currency", "currency_code", "currency_name", "order_currency"),
    "amount_cents": ("sale_amount", "amount", "order_amount", "sales", "sale"),
    "commission_cents": ("sale_comm", "commission", "comm", "commission_amount", "est_commission"),
    "status": ("status", "order_status", "trans_status"),
    "is_new_customer": ("is_new_customer", "new_customer", "isnew"),
    "coupon": ("coupon_code", "couponcode", "voucher_code", "coupon"),
    "uid": ("uid", "customer_id", "customer_uid"),
    "bill_id": ("payment_id", "bill_id", "billing_id", "settlement_id"),
    "void_reason": ("void_reason", "reason", "reject_reason"),
}
ORDER_REQUIRED = ("order_id", "time", "currency", "amount_cents", "commission_cents", "status")
ORDER_COLUMNS = (*ORDER_ALIASES, "is_void")
_ORDER_CATEGORIES = (
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

CLICK_ALIASES: dict[str, tuple[str, ...]] = {
    "medium": ("medium_id", "mid", "channel_id", "site_id"),
    "medium_name": ("medium_name", "partner_name", "publisher_name", "channel_name"),
    "channel_type": ("channel", "channel_type", "partner_channel_type"),
    "partner_id": ("partner_id", "publisher_id"),
    "medium_code": ("medium_code",),
    "date": ("date", "day"),
    "week_start": ("week_start",),
    "week": ("week",),
    "month": ("month",),
    "clicks": ("clicks", "click", "click_count", "transfers"),
    "orders": ("orders", "order_count", "orders_count"),
    "valid_orders": ("valid_orders", "effective_orders"),
}
CLICK_REQUIRED = ("clicks",)
CLICK_COLUMNS = (
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

BILL_ALIASES: dict[str, tuple[str, ...]] = {
    "bill_id": ("id", "bill_id", "billing_id", "payment_id"),
    "bill_no": ("bill_no", "billing_no", "invoice_no", "number"),
    "medium": ("mid", "channel_id", "medium_id", "site_id"),
    "medium_name": ("medium_name", "partner_name", "publisher_name"),
    "month": ("period", "month", "bill_month", "billing_period"),
    "currency": ("currency", "currency_code"),
    "amount_cents": ("amount", "bill_amount", "commission", "total_amount"),
    "order_count": ("order_count", "orders", "trans_count"),
    "status": ("status", "bill_status", "payment_status"),
    "payment_method": ("payment_method", "pay_method"),
    "payment_type": ("payment_type", "pay_type", "type"),
    "created_at": ("create_time", "created_at", "issue_time", "bill_time"),
    "paid_at": ("paid_time", "paid_at", "pay_time", "paid_date"),
}
BILL_REQUIRED = ("bill_id", "month", "currency", "amount_cents")
BILL_COLUMNS = tuple(BILL_ALIASES)

PARTNER_ALIASES: dict[str, tuple[str, ...]] = {
    "partner_id": ("partner_id", "publisher_id", "user_id", "userId", "pid"),
    "medium": ("channel_id", "site_id", "mid", "medium_id"),
    "medium_code": ("medium_code", "medium_no"),
    "name": ("name", "publisher_name", "partner_name", "medium_name", "site_name", "channel_name"),
    "partner_type": ("partner_type", "publisher_type", "type"),
    "channel_type": ("channel_type", "partner_channel_type", "site_type"),
    "country": ("country", "partner_location", "location", "region"),
    "group_id": ("group_id", "partner_group_id"),
    "group_name": ("group_name", "partner_group", "group"),
    "status": ("status", "relationship", "partner_status"),
    "joined_at": ("joined_at", "join_time", "joined_time", "create_time", "created_at"),
    "commission_rate": ("commission_rate", "comm_rate"),
    "website": ("website", "site_url", "url"),
}
PARTNER_REQUIRED = ("partner_id",)
PARTNER_COLUMNS = tuple(PARTNER_ALIASES)

_VOID = {"void", "voided", "rejected", "declined", "invalid", "cancelled", "canceled", "refunded", "reversed"}
_STATUS_SYNONYMS = {
    **dict.fromkeys(_VOID, "void"),
    "pending": "new",
    "new": "new",
    "open": "new",
    "unconfirmed": "new",
    "approved": "effective",
    "effective": "effective",
    "confirmed": "effective",
    "locked": "effective",
    "validated": "effective",
    "paid": "paid",
    "settled": "paid",
    "mixed": "mixed",
}
_ABSENT = {"", "-", "--", "null", "none", "nan", "0"}
_EXACT_FLOAT_LIMIT = 1e11


# --- public builders ----------------------------------------------------------------------------------------


def orders_frame(records: Records, *, default_currency: str | None = None) -> pd.DataFrame:
    """Orders: one row per order, columns ORDER_COLUMNS (time as UTC datetime64, money as int64 cents)."""
    raw = _as_frame(records)
    if raw.empty:
        return empty_orders()
    fields = _map_fields(
        raw,
        ORDER_ALIASES,
        ORDER_REQUIRED,
        "orders",
        defaults={"currency": default_currency} if default_currency else None,
    )
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    out["order_id"] = _text(fields["order_id"], "orders", "order_id", required=True)
    out["time"] = times_utc(fields["time"], kind="orders", field="time")
    for name in ("partner_id", "medium", "medium_code", "bill_id"):
        out[name] = _id_text(fields.get(name), len(raw))
    out["partner_name"] = _plain(fields.get("partner_name"), len(raw))
    out["channel_type"] = _plain(fields.get("channel_type"), len(raw), case="upper")
    out["partner_type"] = _plain(fields.get("partner_type"), len(raw), case="lower")
    out["partner_group"] = _plain(fields.get("partner_group"), len(raw))
    out["country"] = _plain(fields.get("country"), len(raw), case="upper")
    out["device"] = _plain(fields.get("device"), len(raw), case="lower")
    out["currency"] = _currency(fields["currency"], "orders")
    out["amount_cents"] = money_to_cents(fields["amount_cents"], kind="orders", field="amount_cents")
    out["commission_cents"] = money_to_cents(
        fields["commission_cents"], kind="orders", field="commission_cents"
    )
    out["status"] = _status(fields["status"])
    out["is_new_customer"] = _flag(fields.get("is_new_customer"), len(raw))
    out["coupon"] = _plain(fields.get("coupon"), len(raw))
    out["uid"] = _free_text(fields.get("uid"), len(raw))
    out["void_reason"] = _plain(fields.get("void_reason"), len(raw))
    out["is_void"] = (out["status"] == "void").to_numpy()
    return _categorise(out[list(ORDER_COLUMNS)], _ORDER_CATEGORIES)


def clicks_frame(records: Records, *, start: datetime, end: datetime) -> pd.DataFrame:
    """Performance rows: the window each row covers ([start, end), UTC), its key (medium/channel), counts.

    Rows keyed by `date`, `week` or `month` cover that day, week or month, cut to the queried window [start,
    end) (a day row of a period that starts at 16:00 UTC, midnight in Shanghai, holds only that day's clicks
    after 16:00 and belongs to the period); other rows (grouped by medium or channel) cover the window.
    """
    raw = _as_frame(records)
    if raw.empty:
        return empty_clicks()
    fields = _map_fields(raw, CLICK_ALIASES, CLICK_REQUIRED, "clicks")
    n = len(raw)
    window_start = pd.Series(pd.Timestamp(start).tz_convert("UTC"), index=raw.index)
    window_end = pd.Series(pd.Timestamp(end).tz_convert("UTC"), index=raw.index)
    for key, step in (
        ("month", pd.DateOffset(months=1)),
        ("week", pd.DateOffset(weeks=1)),
        ("week_start", pd.DateOffset(weeks=1)),
        ("date", pd.DateOffset(days=1)),
    ):
        if key in fields:
            text = fields[key].astype(str)
            if key == "week":
                text = text.where(~text.str.contains("W"), text + "-1")
                parsed = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
                iso = pd.to_datetime(text, utc=True, errors="coerce", format="%G-W%V-%u")
                parsed = iso.fillna(parsed)
            else:
                parsed = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
            known = parsed.notna()
            window_start = window_start.where(~known, parsed)
            window_end = window_end.where(~known, parsed + step)
    first, stop = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    window_start = window_start.where(window_start >= first, first)
    window_end = window_end.where(window_end <= stop, stop)
    out = pd.DataFrame(
        {"start": window_start.astype("datetime64[ns, UTC]"), "end": window_end.astype("datetime64[ns, UTC]")}
    )
    out["medium"] = _id_text(fields.get("medium"), n)
    out["medium_code"] = _id_text(fields.get("medium_code"), n)
    out["partner_id"] = _id_text(fields.get("partner_id"), n)
    out["medium_name"] = _plain(fields.get("medium_name"), n)
    out["channel_type"] = _plain(fields.get("channel_type"), n, case="upper")
    out["clicks"] = _count(fields["clicks"], "clicks", "clicks")
    out["orders"] = _count(fields.get("orders"), "clicks", "orders", n)
    out["valid_orders"] = _count(fields.get("valid_orders"), "clicks", "valid_orders", n)
    return out[list(CLICK_COLUMNS)].reset_index(drop=True)


def bills_frame(records: Records) -> pd.DataFrame:
    """Bills: one row per bill, amount in int64 cents, month as 'YYYY-MM'."""
    raw = _as_frame(records)
    if raw.empty:
        return empty_bills()
    fields = _map_fields(raw, BILL_ALIASES, BILL_REQUIRED, "bills")
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["bill_id"] = _id_text(fields["bill_id"], n).astype(str)
    out["bill_no"] = _plain(fields.get("bill_no"), n).astype(str)
    out["medium"] = _id_text(fields.get("medium"), n).astype(str)
    out["medium_name"] = _plain(fields.get("medium_name"), n).astype(str)
    out["month"] = _month_text(fields["month"])
    out["currency"] = _currency(fields["currency"], "bills").astype(str)
    out["amount_cents"] = money_to_cents(fields["amount_cents"], kind="bills", field="amount_cents")
    out["order_count"] = _count(fields.get("order_count"), "bills", "order_count", n)
    out["status"] = _plain(fields.get("status"), n, case="lower").astype(str)
    out["payment_method"] = _plain(fields.get("payment_method"), n, case="lower").astype(str)
    out["payment_type"] = _plain(fields.get("payment_type"), n, case="lower").astype(str)
    out["created_at"] = _optional_times(fields.get("created_at"), n, "bills", "created_at")
    out["paid_at"] = _optional_times(fields.get("paid_at"), n, "bills", "paid_at")
    return out[list(BILL_COLUMNS)]


def partners_frame(records: Records) -> pd.DataFrame:
    """Partners (media): one row per partner channel with type, channel type, country, group and status."""
    raw = _as_frame(records)
    if raw.empty:
        return empty_partners()
    fields = _map_fields(raw, PARTNER_ALIASES, PARTNER_REQUIRED, "partners")
    n = len(raw)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["partner_id"] = _id_text(fields["partner_id"], n).astype(str)
    out["medium"] = _id_text(fields.get("medium"), n).astype(str)
    out["medium_code"] = _id_text(fields.get("medium_code"), n).astype(str)
    out["name"] = _plain(fields.get("name"), n).astype(str)
    out["partner_type"] = _plain(fields.get("partner_type"), n, case="lower").astype(str)
    out["channel_type"] = _plain(fields.get("channel_type"), n, case="upper").astype(str)
    out["country"] = _plain(fields.get("country"), n, case="upper").astype(str)
    out["group_id"] = _id_text(fields.get("group_id"), n).astype(str)
    out["group_name"] = _plain(fields.get("group_name"), n).astype(str)
    out["status"] = _plain(fields.get("status"), n, case="lower").astype(str)
    out["joined_at"] = _optional_times(fields.get("joined_at"), n, "partners", "joined_at")
    rate = fields.get("commission_rate")
    out["commission_rate"] = _rate(rate, n)
    out["website"] = _plain(fields.get("website"), n).astype(str)
    return out[list(PARTNER_COLUMNS)]


def concat_orders(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several orders frames as one (categories merged)."""
    chosen = [frame for frame in frames if not frame.empty]
    if not chosen:
        return empty_orders()
    if len(chosen) == 1:
        return chosen[0]
    plain = [frame.astype({name: str for name in _ORDER_CATEGORIES}) for frame in chosen]
    return _categorise(pd.concat(plain, ignore_index=True), _ORDER_CATEGORIES)


def empty_orders() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "order_id": pd.Series([], dtype=str),
            "time": pd.Series([], dtype="datetime64[ns, UTC]"),
            **{name: pd.Series([], dtype=str) for name in ORDER_ALIASES if name not in ("order_id", "time")},
        }
    )
    for name in ("amount_cents", "commission_cents"):
        frame[name] = frame[name].astype(np.int64)
    frame["is_new_customer"] = frame["is_new_customer"].astype(bool)
    frame["is_void"] = pd.Series([], dtype=bool)
    return _categorise(frame[list(ORDER_COLUMNS)], _ORDER_CATEGORIES)


def empty_clicks() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in CLICK_COLUMNS})
    for name in ("start", "end"):
        frame[name] = frame[name].astype("datetime64[ns, UTC]")
    for name in ("clicks", "orders", "valid_orders"):
        frame[name] = frame[name].astype(np.int64)
    return frame


def empty_bills() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in BILL_COLUMNS})
    frame["amount_cents"] = frame["amount_cents"].astype(np.int64)
    frame["order_count"] = frame["order_count"].astype(np.int64)
    for name in ("created_at", "paid_at"):
        frame[name] = frame[name].astype("datetime64[ns, UTC]")
    return frame


def empty_partners() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=str) for name in PARTNER_COLUMNS})
    frame["joined_at"] = frame["joined_at"].astype("datetime64[ns, UTC]")
    frame["commission_rate"] = frame["commission_rate"].astype(float)
    return frame


# --- column conversion --------------------------------------------------------------------------------------


def money_to_cents(values: pd.Series, *, kind: str, field: str) -> np.ndarray:
    """Money values (decimal strings, numbers) → exact int64 cents; unreadable or absent → FrameError."""
    if values.dtype.kind in "iu":
        return values.to_numpy(dtype=np.int64) * 100
    floats = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    scaled = floats * 100.0
    rounded = np.rint(scaled)
    exact = np.isfinite(scaled) & (np.abs(scaled - rounded) < 1e-6) & (np.abs(floats) < _EXACT_FLOAT_LIMIT)
    cents = np.where(exact, rounded, 0.0).astype(np.int64)
    slow = np.flatnonzero(~exact)
    if len(slow):
        originals = values.to_numpy(dtype=object)
        for position in slow:
            try:
                cents[position] = to_cents(originals[position])
            except ValueError as error:
                raise FrameError(f"{kind} record {position}: field {field!r}: {error}") from None
    return cents


def times_utc(values: pd.Series, *, kind: str, field: str) -> pd.Series:
    """Times (Unix seconds or ms, ISO text, datetimes) → datetime64[ns, UTC]; absent → FrameError."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
    if values.dtype.kind == "M":
        return values.dt.tz_localize("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    numeric = np.isfinite(numbers) & (numbers > 0)
    nanos = np.full(len(values), np.iinfo(np.int64).min, dtype=np.int64)
    seconds = np.where(numbers >= 1e12, numbers / 1000.0, numbers)
    nanos[numeric] = np.rint(seconds[numeric] * 1e6).astype(np.int64) * 1000
    rest = np.flatnonzero(~numeric)
    if len(rest):
        originals = values.to_numpy(dtype=object)
        texts = pd.Series(originals[rest], dtype=object)
        parsed = pd.to_datetime(texts, utc=True, errors="coerce", format="ISO8601")
        parsed_ns = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        for offset, position in enumerate(rest):
            if parsed_ns[offset] != np.iinfo(np.int64).min:
                nanos[position] = parsed_ns[offset]
                continue
            try:
                moment = parse_time(originals[position])
            except ValueError as error:
                raise FrameError(f"{kind} record {position}: field {field!r}: {error}") from None
            if moment is None:
                raise FrameError(f"{kind} record {position}: field {field!r} is empty")
            nanos[position] = pd.Timestamp(moment).value
    return pd.Series(pd.to_datetime(nanos, utc=True)).astype("datetime64[ns, UTC]")


# --- helpers -----------------------------------------------------------------------------------------------


def _as_frame(records: Records) -> pd.DataFrame:
    if isinstance(records, pd.DataFrame):
        return records.reset_index(drop=True)
    rows = records if isinstance(records, list) else list(records)
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame()


def _map_fields(
    raw: pd.DataFrame,
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    kind: str,
    defaults: dict[str, Any] | None = None,
) -> dict[str, pd.Series]:
    """Canonical name → Series, coalescing aliases in order (mixed sources fill each other's gaps)."""
    fields: dict[str, pd.Series] = {}
    for name, names in aliases.items():
        present = [column for column in names if column in raw.columns]
        if not present:
            continue
        series = raw[present[0]]
        for column in present[1:]:
            series = series.where(series.notna(), raw[column])
        fields[name] = series
    for name, value in (defaults or {}).items():
        if name not in fields:
            fields[name] = pd.Series(value, index=raw.index)
        else:
            fields[name] = fields[name].fillna(value)
    for name in required:
        tried = ", ".join(aliases[name])
        if name not in fields:
            sample = ", ".join(map(str, list(raw.columns)[:20]))
            raise FrameError(f"{kind}: no field for {name!r} (tried: {tried}); the records have: {sample}")
        missing = fields[name].isna().to_numpy()
        if missing.any():
            position = int(np.flatnonzero(missing)[0])
            raise FrameError(f"{kind} record {position} has no value for {name!r} (tried: {tried})")
    return fields


def _text(values: pd.Series, kind: str, field: str, *, required: bool = False) -> pd.Series:
    text = values.astype(str).str.strip().reset_index(drop=True)
    if required:
        blank = (text == "").to_numpy()
        if blank.any():
            raise FrameError(f"{kind} record {int(np.flatnonzero(blank)[0])} has an empty {field!r}")
    return text


def _free_text(values: pd.Series | None, n: int) -> pd.Series:
    """High-cardinality optional text (customer ids): absent → "", control characters removed."""
    if values is None:
        return pd.Series([""] * n, dtype=str)
    present = values.notna().to_numpy()
    raw = np.where(present, values.to_numpy(dtype=object), "")
    raw = np.array([str(value) for value in raw], dtype=object) if not all(map(_is_str, raw)) else raw
    printable = np.fromiter(map(str.isprintable, raw), dtype=bool, count=len(raw))
    if not printable.all():
        raw[~printable] = [_clean(value, None) for value in raw[~printable]]
    return pd.Series(raw, dtype=str)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _currency(values: pd.Series, kind: str) -> pd.Series:
    codes = _plain(values, len(values), case="upper")
    blank = (codes == "").to_numpy()
    if blank.any():
        raise FrameError(f"{kind} record {int(np.flatnonzero(blank)[0])} has an empty 'currency'")
    return codes


def _plain(values: pd.Series | None, n: int, *, case: str | None = None) -> pd.Series:
    """Optional text: absent → "", otherwise stripped; converted once per distinct value."""
    if values is None:
        return pd.Series(pd.Categorical([""] * n)) if n else pd.Series([], dtype=str)
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    cleaned = [_clean(value, case) for value in np.asarray(uniques, dtype=object)]
    labels = np.array([*cleaned, ""], dtype=object)
    return pd.Series(pd.Categorical.from_codes(*_dedupe_codes(codes, labels)))


def _id_text(values: pd.Series | None, n: int) -> pd.Series:
    """Identifiers as text ("123", "PB00012345"); 0, "" and absent become ""; 12.0 becomes "12"."""
    if values is None:
        return pd.Series(pd.Categorical([""] * n)) if n else pd.Series([], dtype=str)
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    cleaned = []
    for value in np.asarray(uniques, dtype=object):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = _clean(value, None)
        cleaned.append("" if text.lower() in _ABSENT else text)
    labels = np.array([*cleaned, ""], dtype=object)
    return pd.Series(pd.Categorical.from_codes(*_dedupe_codes(codes, labels)))


def _dedupe_codes(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Map factorize codes (with -1 for missing → the last label) onto unique category labels."""
    codes = np.where(codes < 0, len(labels) - 1, codes)
    unique_labels, inverse = np.unique(labels.astype(str), return_inverse=True)
    return inverse[codes].astype(np.int32), [str(label) for label in unique_labels]


def _clean(value: Any, case: str | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    if not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable())
    text = text.strip()
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    return text


def _status(values: pd.Series) -> pd.Series:
    lowered = _plain(values, len(values), case="lower")
    categories = [_STATUS_SYNONYMS.get(category, category) for category in lowered.cat.categories]
    codes, uniques = pd.factorize(pd.Series(categories))
    return pd.Series(pd.Categorical.from_codes(codes[lowered.cat.codes.to_numpy()], list(uniques)))


def _flag(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    truth = np.array([_truthy(value) for value in uniques] + [False], dtype=bool)
    return truth[np.where(codes < 0, len(truth) - 1, codes)]


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "new"}
    try:
        return bool(value) and not (isinstance(value, float) and np.isnan(value))
    except (TypeError, ValueError):
        return False


def _count(values: pd.Series | None, kind: str, field: str, n: int | None = None) -> np.ndarray:
    if values is None:
        return np.zeros(n or 0, dtype=np.int64)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    text = values.astype(str).str.replace(",", "", regex=False)
    retry = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    numbers = np.where(np.isnan(numbers), retry, numbers)
    blank = values.isna().to_numpy() | values.astype(str).str.strip().isin(["", "-"]).to_numpy()
    bad = np.isnan(numbers) & ~blank
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise FrameError(
            f"{kind} record {position}: field {field!r}: cannot read {values.iloc[position]!r} as a count"
        )
    return np.nan_to_num(numbers, nan=0.0).round().astype(np.int64)


def _rate(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    text = values.astype(str).str.strip()
    percent = text.str.endswith("%").to_numpy()
    numbers = pd.to_numeric(text.str.rstrip("%"), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(percent | (numbers > 1), numbers / 100.0, numbers)


def _month_text(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().reset_index(drop=True)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    good = parsed.notna()
    return text.where(~good, parsed.dt.strftime("%Y-%m")).astype(str)


def _optional_times(values: pd.Series | None, n: int, kind: str, field: str) -> pd.Series:
    if values is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    numeric = pd.to_numeric(values, errors="coerce")
    absent = (
        values.isna().to_numpy()
        | (numeric == 0).to_numpy()
        | values.astype(str).str.strip().str.lower().isin(list(_ABSENT)).to_numpy()
    )
    result = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    present = np.flatnonzero(~absent)
    if len(present):
        converted = times_utc(values.iloc[present].reset_index(drop=True), kind=kind, field=field)
        result.iloc[present] = converted.to_numpy()
    return result


def _categorise(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str).astype("category")
    return frame.reset_index(drop=True)
