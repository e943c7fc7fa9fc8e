"""Order statistics (transaction/list_stats) read like every other record: field names compared without case
and punctuation, money in any written form (a map per currency, or a list of {currency, amount}), statuses
mapped onto new / effective / paid / void with the same words as orders (records/contracts.STATUS_WORDS).

    read_stats(data) → StatsFigures(total, counts per status, money per status, label and currency)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from partnerboost_skill.parsing import parse_int, split_money
from partnerboost_skill.records.contracts import STATUS_WORDS
from partnerboost_skill.records.mapping import normal

_TOTAL = ("total_size", "order_count", "total", "count", "total_count", "orders")
_BY_STATUS = ("by_status", "statuses", "status_stats", "status_list")
_STATUS_COUNT = ("status_count", "count_by_status")
_COUNT = ("count", "order_count", "orders", "total")
_MONEY = {"amount": ("sale_amount", "amount", "sales", "order_amount"),
          "commission": ("sale_comm", "commission", "commission_amount", "comm")}


@dataclass
class StatsFigures:
    total: int | None = None
    counts: dict[str, int] | None = None
    """status → orders, None when the answer has no counts per status."""
    money: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """(status, "amount" | "commission", currency) → cents."""


def status_word(name: object) -> str:
    word = str(name).strip().lower().replace(" ", "_").replace("-", "_")
    return STATUS_WORDS.get(word, word)


def _get(data: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    wanted = {normal(name) for name in names}
    for key, value in data.items():
        if normal(str(key)) in wanted:
            return value
    return None


def _count(value: Any) -> int | None:
    try:
        return parse_int(value)
    except ValueError:
        return None


def money_map(value: Any) -> dict[str, int] | None:
    """{currency: cents} from {"USD": "1.00"} or [{"currency": "USD", "amount": 1.0}]; None if unreadable."""
    pairs: list[tuple[Any, Any]] = []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, Mapping):
                return None
            pairs.append((_get(item, ("currency", "currency_code", "code")),
                          _get(item, ("amount", "value", "sum", "total"))))
    else:
        return None
    found: dict[str, int] = {}
    for currency, amount in pairs:
        try:
            number, named = split_money(amount)
        except (ValueError, TypeError):
            return None
        code = str(currency or named or "").strip().upper()
        if number is None or not code:
            continue
        found[code] = found.get(code, 0) + int((number * 100).to_integral_value(rounding="ROUND_HALF_UP"))
    return found


def read_stats(data: Any) -> StatsFigures | None:
    """The figures of a list_stats answer; None when it is not an object."""
    if not isinstance(data, Mapping):
        return None
    figures = StatsFigures(total=_count(_get(data, _TOTAL)))
    by_status = _get(data, _BY_STATUS)
    if isinstance(by_status, Mapping) and by_status:
        figures.counts = {}
        for status, entry in by_status.items():
            if not isinstance(entry, Mapping):
                return StatsFigures(total=figures.total)
            count = _count(_get(entry, _COUNT))
            if count is None:
                return StatsFigures(total=figures.total)
            word = status_word(status)
            figures.counts[word] = figures.counts.get(word, 0) + count
            for label, names in _MONEY.items():
                raw = _get(entry, names)
                if raw is None:
                    continue
                amounts = money_map(raw)
                if amounts is None:
                    return StatsFigures(total=figures.total, counts=figures.counts)
                for currency, cents in amounts.items():
                    key = (word, label, currency)
                    figures.money[key] = figures.money.get(key, 0) + cents
        return figures
    status_count = _get(data, _STATUS_COUNT)
    if isinstance(status_count, Mapping):
        figures.counts = {}
        for status, value in status_count.items():
            count = _count(value)
            if count is None:
                return StatsFigures(total=figures.total)
            word = status_word(status)
            figures.counts[word] = figures.counts.get(word, 0) + count
    return figures
