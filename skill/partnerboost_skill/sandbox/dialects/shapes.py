"""Reshaping the default handlers' answers into a dialect, one endpoint at a time, one page at a time.

Each function takes the `data` a default handler returned (docs/contracts.md "Merchant record shapes") and
returns the same facts in the dialect's names and formats. Totals that depend on a dialect's semantics
(list_stats when void orders carry no commission, or when two statuses share one word) are recomputed from the
default figures in integer cents, so list_stats keeps agreeing with list4 under the dialect's own reading.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from partnerboost_skill.sandbox.dialects import formats
from partnerboost_skill.sandbox.dialects.traits import Dialect, FieldMap
from partnerboost_skill.sandbox.handlers.money import cents_text, to_cents

ABSENT = object()
"""A value that is left out of the record altogether."""

Shaper = Callable[[Dialect, Any], Any]


# ------------------------------------------------------------------------------------------------ records
def _put(out: dict[str, Any], path: str, value: Any) -> None:
    node = out
    *parents, leaf = path.split(".")
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def rewrite(record: Mapping[str, Any], names: FieldMap, values: Mapping[str, Any]) -> dict[str, Any]:
    """`record` with `values` applied (new keys appended), each field written where `names` sends it."""
    out: dict[str, Any] = {}
    for key, value in {**record, **values}.items():
        target = names.get(key, key)
        if target is None or value is ABSENT:
            continue
        for path in (target,) if isinstance(target, str) else target:
            _put(out, path, value)
    return out


def _times(d: Dialect, record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: formats.time(record[k], d.time_style, d.time_zone) for k in keys if k in record}


def _ids(d: Dialect, record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: formats.identifier(record[k], d.id_style) for k in keys if k in record}


def money_map(d: Dialect, amounts: Mapping[str, Any] | None) -> Any:
    """Money per currency ({"USD": "12.30"}) in the dialect's format and container."""
    amounts = amounts or {}
    if d.money_map == "list":
        return [
            {"currency": currency, "amount": formats.money(value, currency, d.money_style)}
            for currency, value in amounts.items()
        ]
    return {currency: formats.money(value, currency, d.money_style) for currency, value in amounts.items()}


def _cents_map(amounts: Mapping[str, Any] | None) -> dict[str, int]:
    return {currency: to_cents(value) for currency, value in (amounts or {}).items()}


def _texts(cents: Mapping[str, int]) -> dict[str, str]:
    return {currency: cents_text(value) for currency, value in sorted(cents.items())}


def status_word(d: Dialect, status: str) -> str:
    return d.statuses.get(status, status)


# ------------------------------------------------------------------------------------------------- orders
ORDER_IDS = ("partner_id", "channel_id", "partner_group_id")


def order(d: Dialect, record: Mapping[str, Any]) -> dict[str, Any]:
    """One list4 record in the dialect."""
    currency = str(record.get("currency", ""))
    status = str(record.get("status", ""))
    values: dict[str, Any] = {
        **_times(d, record, ("order_time",)),
        **_ids(d, record, ORDER_IDS),
        "sale_amount": formats.money(record.get("sale_amount"), currency, d.money_style),
        "sale_comm": formats.money(record.get("sale_comm"), currency, d.money_style),
        "is_new_customer": formats.flag(record.get("is_new_customer"), d.bool_style),
        "status": d.status_codes.get(status, status_word(d, status)),
    }
    if status == "void" and d.void_commission != "keep":
        values["sale_comm"] = ABSENT if d.void_commission == "absent" else None
    if "payment_id" in record:
        bill = record["payment_id"]
        values["payment_id"] = formats.identifier(bill, d.id_style) if bill else d.unbilled
    if d.status_label:
        values[d.status_label] = status_word(d, status)
    if d.paid_flag:
        values[d.paid_flag] = formats.flag(1 if status == "paid" else 0, d.bool_style)
    return rewrite(record, d.order_fields, values)


def _orders_in(d: Dialect, data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("list"), list):
        return {**data, "list": [order(d, record) for record in data["list"]]}
    return data


def stats(d: Dialect, data: Any) -> Any:
    """list_stats: statuses in the dialect's words (merged when two share a word), money in its format, and no
    void commission when its void orders carry none."""
    if not isinstance(data, dict):
        return data
    counts: dict[str, int] = {}
    amounts: dict[str, dict[str, int]] = {}
    commissions: dict[str, dict[str, int]] = {}
    for status, entry in (data.get("by_status") or {}).items():
        word = status_word(d, str(status))
        counts[word] = counts.get(word, 0) + int(entry.get("count", 0))
        for target, source in ((amounts, entry.get("sale_amount")), (commissions, entry.get("sale_comm"))):
            if target is commissions and status == "void" and d.void_commission != "keep":
                continue
            bucket = target.setdefault(word, {})
            for currency, cents in _cents_map(source).items():
                bucket[currency] = bucket.get(currency, 0) + cents
    all_amount: dict[str, int] = {}
    all_commission: dict[str, int] = {}
    for total, per_status in ((all_amount, amounts), (all_commission, commissions)):
        for by_currency in per_status.values():
            for currency, cents in by_currency.items():
                total[currency] = total.get(currency, 0) + cents
    by_status = {
        word: rewrite(
            {
                "count": count,
                "sale_amount": money_map(d, _texts(amounts.get(word, {}))),
                "sale_comm": money_map(d, _texts(commissions.get(word, {}))),
            },
            d.stats_fields,
            {},
        )
        for word, count in counts.items()
    }
    shaped = {
        **data,
        "sale_amount": money_map(d, _texts(all_amount)),
        "sale_comm": money_map(d, _texts(all_commission)),
        "status_count": counts,
        "by_status": by_status,
    }
    return rewrite(shaped, d.stats_fields, {})


# -------------------------------------------------------------------------------------------- performance
def performance_row(d: Dialect, row: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sale_amount": money_map(d, row.get("sale_amount")),
        "sale_comm": money_map(d, row.get("sale_comm")),
    }
    if "medium_id" in row:
        source = "medium_id" if d.medium_key == "channel_id" else d.medium_key
        values["medium_id"] = formats.identifier(row[source], d.id_style)
        values.update(_ids(d, row, ("partner_id",)))
    return rewrite(row, d.performance_fields, values)


def _rows_in(d: Dialect, data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("list"), list):
        return {**data, "list": [performance_row(d, row) for row in data["list"]]}
    return data


def _total(d: Dialect, data: Any) -> Any:
    return performance_row(d, data) if isinstance(data, dict) else data


# -------------------------------------------------------------------------------------------------- bills
def _month_days(month: str) -> tuple[str, str]:
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return f"{year:04d}-{number:02d}-01", f"{year:04d}-{number:02d}-{last:02d}"


def fee_cents(amount_cents: int, basis_points: int) -> int:
    """The service fee on a commission, rounded half up to the cent."""
    fee = Decimal(amount_cents) * basis_points / Decimal(10_000)
    return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def bill(d: Dialect, record: Mapping[str, Any]) -> dict[str, Any]:
    currency = str(record.get("currency", ""))
    values: dict[str, Any] = {
        **_times(d, record, ("create_time", "paid_time")),
        **_ids(d, record, ("id", "mid", "partner_id")),
        "amount": formats.money(record.get("amount"), currency, d.money_style),
    }
    if "status" in record:
        values["status"] = d.bill_statuses.get(str(record["status"]), record["status"])
    if d.bill_fee_bp is not None and record.get("amount") is not None:
        amount = to_cents(record["amount"])
        fee = fee_cents(amount, d.bill_fee_bp)
        values["fee"] = formats.money(cents_text(fee), currency, d.money_style)
        values["total"] = formats.money(cents_text(amount + fee), currency, d.money_style)
    month = str(record.get("period", ""))
    if d.bill_period == "compact":
        values["period"] = month.replace("-", "")
    elif d.bill_period == "dates":
        first, last = _month_days(month)
        values["period"] = ABSENT
        values[d.bill_period_fields[0]] = first
        values[d.bill_period_fields[1]] = last
    return rewrite(record, d.bill_fields, values)


def _bills_in(d: Dialect, data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("list"), list):
        return {**data, "list": [bill(d, record) for record in data["list"]]}
    return data


# ------------------------------------------------------------------------------- account and publishers
def zone_text(d: Dialect, zone: str) -> str:
    if d.zone_style == "iana":
        return zone
    offset = datetime(2026, 1, 15, tzinfo=UTC).astimezone(ZoneInfo(zone)).strftime("%z")
    return f"(UTC{offset[:3]}:{offset[3:]}) {zone}"


def account(d: Dialect, data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    values: dict[str, Any] = {**_times(d, data, ("created_at",))}
    if "timezone" in data:
        values["timezone"] = zone_text(d, str(data["timezone"]))
    if "balance" in data:
        values["balance"] = formats.money(data["balance"], str(data.get("currency", "USD")), d.money_style)
    return rewrite(data, d.account_fields, values)


def publisher(d: Dialect, record: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        **_times(d, record, ("joined_at",)),
        **_ids(d, record, ("partner_id", "medium_id", "group_id")),
    }
    if "status" in record:
        values["status"] = d.publisher_statuses.get(str(record["status"]), record["status"])
    return rewrite(record, d.publisher_fields, values)


def _publishers_in(d: Dialect, data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("list"), list):
        return {**data, "list": [publisher(d, record) for record in data["list"]]}
    return data


SHAPERS: dict[str, Shaper] = {
    "merchant_list_transactions": _orders_in,
    "merchant_recent_transactions": _orders_in,
    "merchant_transaction_stats": stats,
    "merchant_performance_list": _rows_in,
    "merchant_performance_chart": _rows_in,
    "merchant_performance_totals": _total,
    "merchant_list_bills": _bills_in,
    "merchant_account_info": account,
    "merchant_search_partners": _publishers_in,
    "brand_list_publishers": _publishers_in,
}
"""Per tool name; the other actions answer in the default shape in every dialect."""
