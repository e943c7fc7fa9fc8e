"""Shared building blocks: period masks, group keys, per-(group, currency) money tables and click attribution.

All work is column-wise; the only Python loops run over result groups (tens to hundreds), never over orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from partnerboost_skill.analysis.results import GROUP_BY_CHOICES, CurrencyFigures, GroupFigures
from partnerboost_skill.parsing import cents_to_decimal
from partnerboost_skill.periods import Period

UNKNOWN = "(unknown)"
TOTAL_KEY = "total"
_RATIO_DIGITS = 6

_GROUP_COLUMNS = {
    "channel_type": "channel_type",
    "partner_type": "partner_type",
    "country": "country",
    "device": "device",
    "partner": "partner_id",
    "medium": "medium",
}
_PARTNER_COLUMNS = {
    "channel_type": "channel_type",
    "partner_type": "partner_type",
    "country": "country",
    "partner": "partner_id",
    "medium": "medium",
}


class ClickAttribution(NamedTuple):
    by_group: dict[str, int] | None
    """Clicks per group key; None when the dimension has no clicks (device) or no click data was supplied."""
    unattributed: int
    labels: dict[str, str]
    """Labels for groups that only the click data knows."""


class AnalysisError(ValueError):
    """Bad analysis input (an unknown group_by, a malformed month); the message names the allowed values."""


def check_group_by(group_by: str) -> str:
    if group_by not in GROUP_BY_CHOICES:
        raise AnalysisError(f"group_by must be one of {', '.join(GROUP_BY_CHOICES)}; got {group_by!r}")
    return group_by


def bounds(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(period.start).tz_convert("UTC"), pd.Timestamp(period.end).tz_convert("UTC")


def in_period(frame: pd.DataFrame, period: Period, column: str = "time") -> pd.DataFrame:
    start, end = bounds(period)
    times = frame[column]
    return frame[((times >= start) & (times < end)).to_numpy()]


def ratio(
    numerator: float | int | Decimal, denominator: float | int | Decimal, digits: int = _RATIO_DIGITS
) -> float | None:
    """numerator ÷ denominator, or None when the denominator is zero (never inf or NaN)."""
    if not denominator:
        return None
    value = float(numerator) / float(denominator)
    return round(value, digits) if np.isfinite(value) else None


def change(current: float | int | Decimal | None, previous: float | int | Decimal | None) -> float | None:
    """Relative change (current − previous) ÷ previous; None when previous is zero or unknown."""
    if current is None or previous is None or not previous:
        return None
    return round((float(current) - float(previous)) / float(previous), _RATIO_DIGITS)


def money(cents: int | np.integer) -> Decimal:
    return cents_to_decimal(int(cents))


def per_order(cents: int, orders: int) -> Decimal:
    """cents ÷ orders as money, exact and rounded half up to the cent (an average order value)."""
    return (Decimal(int(cents)) / Decimal(int(orders)) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def local_months(times: pd.Series, timezone: str) -> np.ndarray:
    """'YYYY-MM' of each time in the given timezone (formatting only the distinct months)."""
    if times.empty:
        return np.array([], dtype=object)
    local = times.dt.tz_convert(timezone)
    index = (local.dt.year.to_numpy() * 12 + local.dt.month.to_numpy() - 1).astype(np.int64)
    uniques, inverse = np.unique(index, return_inverse=True)
    names = np.array([f"{value // 12:04d}-{value % 12 + 1:02d}" for value in uniques], dtype=object)
    return names[inverse]


def group_keys(orders: pd.DataFrame, group_by: str, timezone: str) -> np.ndarray:
    """The group key of each order for a dimension; empty values become UNKNOWN."""
    if group_by == "month":
        return local_months(orders["time"], timezone)
    column = orders[_GROUP_COLUMNS[group_by]]
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = np.array([value if value else UNKNOWN for value in column.cat.categories], dtype=object)
        codes = column.cat.codes.to_numpy()
        return categories[codes] if len(categories) else np.array([UNKNOWN] * len(codes), dtype=object)
    values = column.astype(str).to_numpy(dtype=object)
    return np.where(values == "", UNKNOWN, values)


def group_labels(orders: pd.DataFrame, group_by: str, partners: pd.DataFrame | None = None) -> dict[str, str]:
    """Human labels: partner and medium keys get the partner's name; other keys label themselves."""
    labels: dict[str, str] = {}
    if group_by in ("partner", "medium"):
        key = _GROUP_COLUMNS[group_by]
        if partners is not None and not partners.empty:
            source = "partner_id" if group_by == "partner" else "medium"
            labels.update(zip(partners[source].astype(str), partners["name"].astype(str), strict=True))
        if not orders.empty:
            named = orders[[key, "partner_name"]].drop_duplicates(subset=[key])
            for value, name in zip(named[key].astype(str), named["partner_name"].astype(str), strict=True):
                if name:
                    labels.setdefault(value or UNKNOWN, name)
    return labels


def money_table(orders: pd.DataFrame, keys: np.ndarray) -> pd.DataFrame:
    """Per (key, currency): orders, valid orders, sales and commission of non-void orders (int64 cents)."""
    valid = orders["is_valid"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "key": keys,
            "currency": orders["currency"].astype(str).to_numpy(dtype=object),
            "valid": valid,
            "sales": np.where(valid, orders["amount_cents"].to_numpy(dtype=np.int64), 0),
            "commission": np.where(valid, orders["commission_cents"].to_numpy(dtype=np.int64), 0),
        }
    )
    if frame.empty:
        return pd.DataFrame(
            columns=["orders", "valid", "sales", "commission"],
            index=pd.MultiIndex.from_tuples([], names=["key", "currency"]),
        ).astype(np.int64)
    table = frame.groupby(["key", "currency"], sort=True).agg(
        orders=("valid", "size"),
        valid=("valid", "sum"),
        sales=("sales", "sum"),
        commission=("commission", "sum"),
    )
    return table.astype(np.int64)


def currency_totals(table: pd.DataFrame) -> dict[str, int]:
    """Total sales cents per currency of a money table."""
    if table.empty:
        return {}
    summed = table["sales"].groupby(level="currency").sum()
    return {str(currency): int(cents) for currency, cents in summed.items()}


def build_groups(
    table: pd.DataFrame,
    previous: pd.DataFrame | None,
    clicks: Mapping[str, int] | None,
    labels: Mapping[str, str],
    *,
    keys: list[str] | None = None,
) -> list[GroupFigures]:
    """GroupFigures for every key of `table` (or the given keys), with shares within each currency."""
    totals = currency_totals(table)
    present = [] if table.empty else list(dict.fromkeys(table.index.get_level_values("key")))
    wanted = present if keys is None else keys
    rows = _rows_by_key(table)
    previous_rows = _rows_by_key(previous) if previous is not None else {}
    return [
        figures(
            key,
            labels.get(key, key),
            rows.get(key, {}),
            previous_rows.get(key, {}) if previous is not None else None,
            None if clicks is None else int(clicks.get(key, 0)),
            totals,
        )
        for key in wanted
    ]


def total_figures(
    table: pd.DataFrame, previous: pd.DataFrame | None, clicks: int | None, label: str = "All"
) -> GroupFigures:
    """The totals across all groups (per currency for money)."""
    by_currency = _collapse(table)
    previous_by_currency = _collapse(previous) if previous is not None else None
    return figures(TOTAL_KEY, label, by_currency, previous_by_currency, clicks, currency_totals(table))


def figures(
    key: str,
    label: str,
    rows: Mapping[str, Mapping[str, int]],
    previous_rows: Mapping[str, Mapping[str, int]] | None,
    clicks: int | None,
    currency_sales: Mapping[str, int],
) -> GroupFigures:
    """One group's figures from its per-currency rows {currency: {orders, valid, sales, commission}}."""
    orders = sum(row["orders"] for row in rows.values())
    valid = sum(row["valid"] for row in rows.values())
    previous_valid = None if previous_rows is None else sum(row["valid"] for row in previous_rows.values())
    money_map: dict[str, CurrencyFigures] = {}
    for currency, row in sorted(rows.items()):
        sales, commission = row["sales"], row["commission"]
        before = None if previous_rows is None else previous_rows.get(currency, {}).get("sales", 0)
        money_map[currency] = CurrencyFigures(
            currency=currency,
            orders=row["orders"],
            valid_orders=row["valid"],
            sales=money(sales),
            commission=money(commission),
            roas=ratio(sales, commission),
            roi=ratio(sales - commission, commission),
            aov=None if not row["valid"] else per_order(sales, row["valid"]),
            effective_commission_rate=ratio(commission, sales),
            share_of_sales=ratio(sales, currency_sales.get(currency, 0)),
            previous_sales=None if before is None else money(before),
            sales_change=change(sales, before),
        )
    return GroupFigures(
        key=key,
        label=label,
        clicks=clicks,
        orders=orders,
        valid_orders=valid,
        void_orders=orders - valid,
        conversion_rate=None if clicks is None else ratio(valid, clicks),
        void_rate=ratio(orders - valid, orders),
        money=money_map,
        previous_valid_orders=previous_valid,
        valid_orders_change=change(valid, previous_valid),
    )


def _rows_by_key(table: pd.DataFrame | None) -> dict[str, dict[str, dict[str, int]]]:
    result: dict[str, dict[str, dict[str, int]]] = {}
    if table is None or table.empty:
        return result
    for (key, currency), row in zip(table.index, table.to_dict("records"), strict=True):
        figures = {str(name): int(value) for name, value in row.items()}
        result.setdefault(str(key), {})[str(currency)] = figures
    return result


def _collapse(table: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    if table is None or table.empty:
        return {}
    summed = table.groupby(level="currency").sum()
    return {
        str(currency): {str(name): int(value) for name, value in row.items()}
        for currency, row in zip(summed.index, summed.to_dict("records"), strict=True)
    }


# --- clicks ----------------------------------------------------------------------------------------------


def clicks_in(clicks: pd.DataFrame | None, period: Period) -> pd.DataFrame | None:
    """Click rows whose window starts inside the period (None when no click data was supplied)."""
    if clicks is None:
        return None
    return in_period(clicks, period, column="start")


def medium_attribute(orders: pd.DataFrame, partners: pd.DataFrame | None, group_by: str) -> dict[str, str]:
    """medium (or medium code) → group key for dimensions a medium determines (partner, type, country ...)."""
    mapping: dict[str, str] = {}
    if group_by not in _PARTNER_COLUMNS:
        return mapping
    column = _PARTNER_COLUMNS[group_by]
    if not orders.empty:
        seen = orders[list(dict.fromkeys(["medium", "medium_code", column]))]
        seen = seen.drop_duplicates(subset=["medium", "medium_code"])
        for medium, code, value in zip(
            seen["medium"].astype(str), seen["medium_code"].astype(str), seen[column].astype(str), strict=True
        ):
            for name in (medium, code):
                if name:
                    mapping.setdefault(name, value or UNKNOWN)
    if partners is not None and not partners.empty:
        for name_column in ("medium", "medium_code"):
            for medium, value in zip(
                partners[name_column].astype(str), partners[column].astype(str), strict=True
            ):
                if medium:
                    mapping[medium] = value or UNKNOWN
    return mapping


def clicks_by_group(
    rows: pd.DataFrame | None,
    group_by: str,
    orders: pd.DataFrame,
    partners: pd.DataFrame | None,
    timezone: str,
) -> ClickAttribution:
    """Clicks per group key. For partner/medium groups a medium nobody knows becomes its own group (labelled
    with the performance row's name), so media with clicks and no orders still show up."""
    if rows is None or group_by == "device":
        return ClickAttribution(None, 0, {})
    if rows.empty:
        return ClickAttribution({}, 0, {})
    clicks = rows["clicks"].to_numpy(dtype=np.int64)
    labels: dict[str, str] = {}
    if group_by == "month":
        start_months = local_months(rows["start"], timezone)
        end_months = local_months(rows["end"] - pd.Timedelta(microseconds=1), timezone)
        nothing = np.full(len(start_months), None, dtype=object)
        keys = np.where(start_months == end_months, start_months, nothing)
    elif (
        group_by == "channel_type"
        and (rows["channel_type"].astype(str) != "").any()
        and (rows["medium"].astype(str) == "").all()
    ):
        keys = np.array([value or UNKNOWN for value in rows["channel_type"].astype(str)], dtype=object)
    else:
        mapping = medium_attribute(orders, partners, group_by)
        media = rows["medium"].astype(str).to_numpy(dtype=object)
        keys = np.array([mapping.get(medium) for medium in media], dtype=object)
        if group_by in ("partner", "medium"):
            names = rows["medium_name"].astype(str).to_numpy(dtype=object)
            own = rows["partner_id"].astype(str).to_numpy(dtype=object) if group_by == "partner" else media
            for position in np.flatnonzero([key is None for key in keys]):
                key = own[position] or media[position]
                if key:
                    keys[position] = key
                    labels.setdefault(key, names[position] or key)
    known = np.array([key is not None for key in keys], dtype=bool)
    if not known.any():
        return ClickAttribution(None, int(clicks.sum()), {})
    summed = pd.Series(clicks[known]).groupby(keys[known]).sum()
    return ClickAttribution(
        {str(key): int(value) for key, value in summed.items()}, int(clicks[~known].sum()), labels
    )


def total_clicks(rows: pd.DataFrame | None) -> int | None:
    return None if rows is None else int(rows["clicks"].sum())
