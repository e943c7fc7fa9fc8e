"""Exact money on the wire: integer cents in, decimal strings out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def cents_text(cents: int) -> str:
    """12345 → '123.45'; -5 → '-0.05'."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def to_cents(value: Any) -> int:
    """A money amount given as number or text → integer cents, rounded half up."""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"not an amount of money: {value!r}") from None
    return int(amount * 100)


def percent_text(part_cents: int, whole_cents: int) -> str:
    """Commission over amount as '11.20%' ('0.00%' when there is no amount)."""
    if whole_cents <= 0:
        return "0.00%"
    rate = (Decimal(int(part_cents)) * 100 / Decimal(int(whole_cents))).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rate}%"


def money_map(cents_by_currency: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, str]:
    """{'USD': 12345} → {'USD': '123.45'}, currencies sorted."""
    items = cents_by_currency.items() if isinstance(cents_by_currency, Mapping) else cents_by_currency
    return {currency: cents_text(cents) for currency, cents in sorted(items)}
