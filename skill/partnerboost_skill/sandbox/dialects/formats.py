"""Writing one value the way a dialect does: money, times, booleans and ids, from the default wire values.

The default records carry money as decimal strings ("1234.56"), times as Unix seconds, flags as 0/1 and ids
as integers; each function here turns one such value into the dialect's form, exactly (money goes through
integer cents, never through a float sum).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from partnerboost_skill.sandbox.dialects.traits import BoolStyle, IdStyle, MoneyStyle, TimeStyle
from partnerboost_skill.sandbox.handlers.money import cents_text, to_cents

SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def _grouped(cents: int, thousands: str, decimal: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}".replace(",", thousands) + f"{decimal}{part:02d}"


def money(value: Any, currency: str, style: MoneyStyle) -> Any:
    """A default money value ("1234.56", or None) in `style` for `currency`."""
    if value is None or style == "decimal":
        return value
    cents = to_cents(value)
    if style == "number":
        return float(cents_text(cents))  # JSON writes the shortest repr: 1234.56 reads back exactly
    if style == "code":
        return f"{currency} {cents_text(cents)}"
    symbol = SYMBOLS.get(currency)
    if style == "locale" and currency == "EUR":
        return f"{_grouped(cents, '.', ',')} €"
    if symbol is None:
        return f"{currency} {_grouped(cents, ',', '.')}"
    text = _grouped(cents, ",", ".")
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def time(value: Any, style: TimeStyle, zone: str) -> Any:
    """A default time value (Unix seconds, or None) in `style`; text styles in `zone`."""
    if value is None or style == "unix":
        return value
    seconds = int(value)
    if style == "unix_text":
        return str(seconds)
    if style == "unix_ms":
        return seconds * 1000
    moment = datetime.fromtimestamp(seconds, tz=UTC).astimezone(ZoneInfo(zone))
    if style == "local_text":
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat()


def day(value: Any, zone: str) -> str | None:
    """A Unix time as the calendar day in `zone`, "YYYY-MM-DD"."""
    if value is None:
        return None
    return datetime.fromtimestamp(int(value), tz=UTC).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")


def flag(value: Any, style: BoolStyle) -> Any:
    """A default 0/1 flag in `style`."""
    if value is None or style == "int":
        return value
    if style == "bool":
        return bool(value)
    return "Y" if value else "N"


def identifier(value: Any, style: IdStyle) -> Any:
    if value is None or style == "int":
        return value
    return str(value)
