"""Order statistics as a checksum: what PartnerBoost's list_stats says about a time range, and the same
figures computed from cached orders. Equal figures mean the cached orders of that range are still current.

The figures compared are the order count, the count per status and, where the API gives them, sales and
commission per status and currency. Only the kinds of figures the API answered are compared; an answer without
counts per status is unusable as a checksum (`None`: a bare total cannot see an order turn void or paid), and
the range is then refetched.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from partnerboost_skill.records.stats import read_stats
from partnerboost_skill.store.codec import Labels, Part

Key = tuple[str, ...]
Signature = dict[Key, int]

TOTAL = "count"
STATUS_COUNT = "status_count"
STATUS_MONEY = "status_money"


def api_signature(data: Any) -> tuple[frozenset[str], Signature] | None:
    """(the kinds of figures present, the figures) from a list_stats answer; None when it has none we know.
    Statuses are the reader's (records/stats.py): 'Approved', 'locked' and 'effective' are one status."""
    stats = read_stats(data)
    if stats is None or stats.counts is None:
        return None  # a bare total cannot see an order turn void or paid
    kinds: set[str] = {STATUS_COUNT}
    figures: Signature = {}
    if stats.total is not None:
        figures[(TOTAL,)] = stats.total
        kinds.add(TOTAL)
    for status, count in stats.counts.items():
        figures[(STATUS_COUNT, status)] = count
    if stats.money:
        kinds.add(STATUS_MONEY)
        for (status, label, currency), cents in stats.money.items():
            figures[(STATUS_MONEY, status, label, currency)] = cents
    return frozenset(kinds), _without_zeros(figures)


def comparable(ours: Signature, theirs: Signature) -> Signature:
    """Our figures at the API's grain: when the API keeps no 'paid' figures (it says 'approved' for effective
    and paid orders alike, with a separate paid flag), our paid orders count as effective."""
    statuses = {key[1] for key in theirs if key[0] in (STATUS_COUNT, STATUS_MONEY)}
    if "paid" in statuses or "effective" not in statuses:
        return ours
    folded: Signature = {}
    for key, value in ours.items():
        if key[0] in (STATUS_COUNT, STATUS_MONEY) and key[1] == "paid":
            key = (key[0], "effective", *key[2:])
        folded[key] = folded.get(key, 0) + value
    return folded


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
            key: Key = (STATUS_COUNT, str(label))
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
                    str(status.labels[code]),
                    label,
                    currency.labels[currency_code].upper(),
                )
                figures[key] = figures.get(key, 0) + int(totals[index])
    return _without_zeros(figures)


def _without_zeros(figures: Signature) -> Signature:
    return {key: value for key, value in figures.items() if value}
