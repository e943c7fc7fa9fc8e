"""Order statistics as a checksum: what PartnerBoost's list_stats says about a time range, and the same
figures computed from cached orders. Equal figures mean the cached orders of that range are still current.

The figures compared are the order count, the count per status and, where the API gives them, sales and
commission per status and currency. Only the kinds of figures the API answered are compared; an answer without
counts per status is unusable as a checksum (`None`: a bare total cannot see an order turn void or paid), and
the range is then refetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from partnerboost_skill.parsing import parse_int, to_cents
from partnerboost_skill.store.codec import Labels, Part

Key = tuple[str, ...]
Signature = dict[Key, int]

TOTAL = "count"
STATUS_COUNT = "status_count"
STATUS_MONEY = "status_money"


def _status(name: object) -> str:
    return str(name).strip().lower()


def _money(value: Any) -> int | None:
    try:
        return to_cents(value)
    except (ValueError, TypeError):
        return None


def api_signature(data: Any) -> tuple[frozenset[str], Signature] | None:
    """(the kinds of figures present, the figures) from a list_stats answer; None when it has none we know."""
    if not isinstance(data, Mapping):
        return None
    kinds: set[str] = set()
    figures: Signature = {}
    for key in ("total_size", "order_count", "total"):
        try:
            count = parse_int(data.get(key))
        except ValueError:
            count = None
        if count is not None:
            figures[(TOTAL,)] = count
            kinds.add(TOTAL)
            break
    by_status = data.get("by_status")
    if isinstance(by_status, Mapping) and by_status:
        for status, entry in by_status.items():
            if not isinstance(entry, Mapping):
                return None
            try:
                count = parse_int(entry.get("count"))
            except ValueError:
                return None
            if count is None:
                return None
            figures[(STATUS_COUNT, _status(status))] = count
            for field, label in (("sale_amount", "amount"), ("sale_comm", "commission")):
                amounts = entry.get(field)
                if not isinstance(amounts, Mapping):
                    continue
                for currency, value in amounts.items():
                    cents = _money(value)
                    if cents is None:
                        return None
                    figures[(STATUS_MONEY, _status(status), label, str(currency).strip().upper())] = cents
                kinds.add(STATUS_MONEY)
        kinds.add(STATUS_COUNT)
    elif isinstance(data.get("status_count"), Mapping):
        for status, value in data["status_count"].items():
            try:
                count = parse_int(value)
            except ValueError:
                return None
            if count is None:
                return None
            figures[(STATUS_COUNT, _status(status))] = count
        kinds.add(STATUS_COUNT)
    if not kinds & {STATUS_COUNT, STATUS_MONEY}:
        return None  # a bare total cannot see an order turn void or paid
    return frozenset(kinds), _without_zeros(figures)


def part_signature(part: Part, kinds: frozenset[str]) -> Signature:
    """The same figures as api_signature's, computed from stored orders (columns status, currency,
    amount_cents, commission_cents)."""
    figures: Signature = {}
    if TOTAL in kinds:
        figures[(TOTAL,)] = part.rows
    if not kinds & {STATUS_COUNT, STATUS_MONEY} or not part.rows:
        return _without_zeros(figures)
    status = part.columns["status"]
    currency = part.columns["currency"]
    if not isinstance(status, Labels) or not isinstance(currency, Labels):
        raise ValueError("stored orders keep status and currency as labels")
    status_codes = status.codes.astype(np.int64)
    if STATUS_COUNT in kinds:
        counts = np.bincount(status_codes, minlength=len(status.labels))
        for code, label in enumerate(status.labels):
            key = (STATUS_COUNT, _status(label))
            figures[key] = figures.get(key, 0) + int(counts[code])
    if STATUS_MONEY in kinds:
        width = len(currency.labels)
        cell = status_codes * width + currency.codes.astype(np.int64)
        cells = len(status.labels) * width
        for field, label in (("amount_cents", "amount"), ("commission_cents", "commission")):
            values = part.columns[field]
            if isinstance(values, Labels):
                raise ValueError(f"stored orders keep {field} as numbers")
            # exact: sums of int64 cents in int64 (np.bincount would go through float64)
            totals = np.zeros(cells, dtype=np.int64)
            np.add.at(totals, cell, values.astype(np.int64))
            for index in np.flatnonzero(totals):
                code, currency_code = divmod(int(index), width)
                key = (
                    STATUS_MONEY,
                    _status(status.labels[code]),
                    label,
                    currency.labels[currency_code].upper(),
                )
                figures[key] = figures.get(key, 0) + int(totals[index])
    return _without_zeros(figures)


def _without_zeros(figures: Signature) -> Signature:
    return {key: value for key, value in figures.items() if value}
