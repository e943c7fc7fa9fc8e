"""The one place that parses what the PartnerBoost APIs send: numbers, money, percentages, booleans and times.

The APIs send numbers as strings ("12.30", "1,234.50"), percentages with a sign ("11.20%") and times in half a
dozen formats. Every parser here accepts the forms seen in the documentation, returns None for an absent value
(None or an empty string) and raises ValueError naming the offending value otherwise. Values are API data,
never secrets, so they may appear in messages.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ABSENT_TEXT = frozenset({"", "-", "--", "null"})
"""Strings that mean "no value" in API responses."""

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_US = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME_SPACE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?$")
_DATETIME_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_DIGITS = re.compile(r"^\d+$")
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ABSENT_TEXT)


def parse_decimal(value: Any) -> Decimal | None:
    """A number as an exact Decimal: "12.30", 12.3 (read via its str, so exactly 12.3), "1,234.50", 7.

    None, "" and "-" give None. Booleans, NaN, infinities and text that is not a number raise ValueError.
    """
    if _is_absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not _NUMBER.match(text) or text in {"+", "-", ""}:
            raise ValueError(f"cannot read {_show(value)} as a number (expected e.g. 12.30 or 1,234.50)")
        result = Decimal(text.replace(",", ""))
    else:
        raise ValueError(f"expected a number, got {type(value).__name__} {_show(value)}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {_show(value)}")
    return result


def to_cents(value: Any) -> int:
    """An amount of money as integer cents (hundredths), rounding half up: "12.345" → 1235.

    An absent amount raises ValueError: money is never silently zero.
    """
    amount = parse_decimal(value)
    if amount is None:
        raise ValueError(f"expected an amount of money, got {_show(value)}")
    return int((amount * _HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


_CURRENCY_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_SIGNS: dict[str, str] = {
    "US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "HK$": "HKD", "NZ$": "NZD",
    "S$": "SGD", "R$": "BRL", "MX$": "MXN", "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₺": "TRY",
    "₽": "RUB", "zł": "PLN", "$": "USD", "¥": "CNY", "￥": "CNY", "円": "JPY", "元": "CNY",
}
"""Currency signs → ISO codes, longest first when matching. `$` and `¥` are ambiguous (US or other dollars;
yuan or yen): a sign is only used when a record names no currency, and the reader says it did so."""
_SIGN_PATTERN = re.compile("|".join(re.escape(sign) for sign in sorted(_SIGNS, key=len, reverse=True)))
_GROUPED = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f' ]\d{3})+$")
_MONEY_CHARS = re.compile(r"^[+-]?[\d.,\u00a0\u202f' ]*\d[\d.,\u00a0\u202f' ]*$")


def _decimal_separator(text: str, comma_decimal: bool | None) -> str | None:
    """Which of '.' and ',' separates the decimals in a digits-and-separators text (None: neither)."""
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    mark = "." if last_dot >= 0 else "," if last_comma >= 0 else None
    if mark is None:
        return None
    if text.count(mark) > 1 or (_GROUPED.match(text) and (mark == "," or comma_decimal)):
        return None  # 1,234,567 / 1.234 in a column that writes decimals with a comma: thousands
    return mark


def split_money(value: Any, *, comma_decimal: bool | None = None) -> tuple[Decimal | None, str | None]:
    """An amount of money in any common written form → (exact Decimal, the currency it names or None).

    Numbers, decimal strings, thousands separators (',', '.', spaces, apostrophes), currency signs or ISO
    codes before or after ("$217.58", "£1,273.57", "USD 12.00", "12.00 EUR", "1.234,56 €"), a minus sign or
    accounting parentheses. `comma_decimal` says how the column writes decimals when one value alone cannot
    tell ("1.234": one thousand two hundred thirty-four when True, 1.234 otherwise). Absent → (None, None);
    anything else raises ValueError naming the value.
    """
    if _is_absent(value):
        return None, None
    if not isinstance(value, str):
        return parse_decimal(value), None
    text = value.strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    currency = None
    if code := _CURRENCY_CODE.search(text):
        currency = code.group(1)
        text = (text[: code.start()] + text[code.end():]).strip()
    elif sign := _SIGN_PATTERN.search(text):
        currency = _SIGNS[sign.group(0)]
        text = (text[: sign.start()] + text[sign.end():]).strip()
    if text.startswith("-") or text.startswith("+"):
        negative = negative or text.startswith("-")
        text = text[1:].strip()
    if not text or not _MONEY_CHARS.match(text):
        raise ValueError(f"cannot read {_show(value)} as an amount of money (expected e.g. 12.30, "
                         "1,234.50, $217.58, 1.234,56 € or USD 12.00)")
    separator = _decimal_separator(text.replace("\u00a0", "").replace("\u202f", ""), comma_decimal)
    digits = re.sub(r"[^\d.,]", "", text)
    if separator is None:
        number = digits.replace(",", "").replace(".", "")
    else:
        whole, _, fraction = digits.rpartition(separator)
        number = whole.replace(",", "").replace(".", "") + "." + fraction
    amount = Decimal(number)
    return (-amount if negative else amount), currency


def money_cents(value: Any, *, comma_decimal: bool | None = None) -> int | None:
    """split_money's amount as integer cents, rounding half up; None when absent."""
    amount, _ = split_money(value, comma_decimal=comma_decimal)
    if amount is None:
        return None
    return int((amount * _HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents back to a two-place Decimal: 1230 → Decimal("12.30")."""
    return (Decimal(cents) / _HUNDRED).quantize(_CENT)


def parse_percent(value: Any, *, bare: Literal["percent", "fraction"] = "percent") -> Decimal | None:
    """A percentage as a fraction: "11.20%" → Decimal("0.112").

    A number without a % sign is read as percentage points by default (the API's rate fields are in percent);
    pass bare="fraction" for fields that already hold a fraction.
    """
    if _is_absent(value):
        return None
    text = value.strip() if isinstance(value, str) else value
    has_sign = isinstance(text, str) and text.endswith("%")
    try:
        number = parse_decimal(text[:-1] if has_sign else text)
    except ValueError:
        raise ValueError(f"cannot read {_show(value)} as a percentage (expected e.g. 11.20%)") from None
    if number is None:
        raise ValueError(f"cannot read {_show(value)} as a percentage (expected e.g. 11.20%)")
    if has_sign or bare == "percent":
        return number / _HUNDRED
    return number


def parse_int(value: Any) -> int | None:
    """A whole number: 12, "12", "1,234", 12.0. None and "" give None; 12.5 raises ValueError."""
    if _is_absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got the boolean {value!r}")
    if isinstance(value, int):
        return value
    try:
        number = parse_decimal(value)
    except ValueError:
        raise ValueError(f"cannot read {_show(value)} as a whole number") from None
    if number is None or number != number.to_integral_value():
        raise ValueError(f"expected a whole number, got {_show(value)}")
    return int(number)


_TRUE = frozenset({"1", "true", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "off"})


def parse_bool(value: Any) -> bool | None:
    """A flag: True/False, 1/0, "true"/"false", "yes"/"no", "on"/"off". None and "" give None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(f"cannot read {_show(value)} as true/false (expected 1/0, true/false or yes/no)")


def _zone(tz: tzinfo | str) -> tzinfo:
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name such as UTC or Asia/Shanghai") from None


def _from_epoch(number: int | float, original: Any) -> datetime:
    seconds = float(number)
    if seconds >= 1e12:
        seconds /= 1000
    if seconds < 0:
        raise ValueError(f"cannot read {_show(original)} as a time: negative Unix time")
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"cannot read {_show(original)} as a time: not a Unix time in range") from None


def _local(year: int, month: int, day: int, zone: tzinfo, original: Any) -> datetime:
    try:
        return datetime(year, month, day, tzinfo=zone).astimezone(UTC)
    except ValueError:
        raise ValueError(f"cannot read {_show(original)} as a date: no such day") from None


def parse_time(value: Any, tz: tzinfo | str = UTC) -> datetime | None:
    """A time as an aware UTC datetime.

    Accepts Unix seconds or milliseconds (int, float or digit string of 10 or 13 digits), "YYYY-MM-DD",
    "YYYY-MM-DD HH:MM:SS", "MM-DD-YYYY" (publisher validation_date), "YYYYMMDD", ISO 8601 and RFC 1123
    ("Thu, 20 Jan 2022 05:27:30 GMT"), datetime and date objects. Text without an offset is read in `tz`
    (e.g. UTC+8 for the publisher click report's click_time). None, "", and 0 (the API's "never") give None.
    """
    if _is_absent(value):
        return None
    zone = _zone(tz)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    if isinstance(value, date):
        return _local(value.year, value.month, value.day, zone, value)
    if isinstance(value, bool):
        raise ValueError(f"expected a time, got the boolean {value!r}")
    if isinstance(value, int | float):
        return None if value == 0 else _from_epoch(value, value)
    if not isinstance(value, str):
        raise ValueError(f"expected a time, got {type(value).__name__} {_show(value)}")
    text = value.strip()
    if text == "0":
        return None
    if match := _DATE_COMPACT.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _local(year, month, day, zone, value)
    if _DIGITS.match(text):
        if len(text) not in (10, 13):
            raise ValueError(f"cannot read {_show(value)} as a time: Unix time must have 10 or 13 digits")
        return _from_epoch(int(text), value)
    if match := _DATE_ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _local(year, month, day, zone, value)
    if match := _DATE_US.match(text):
        month, day, year = (int(g) for g in match.groups())
        return _local(year, month, day, zone, value)
    if _DATETIME_SPACE.match(text) or _DATETIME_ISO.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"cannot read {_show(value)} as a time: not a valid date and time") from None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)
    if "," in text or text.endswith(("GMT", "UTC")):
        try:
            dated: datetime | None = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            dated = None
        if dated is not None:
            return (dated if dated.tzinfo else dated.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError(
        f"cannot read {_show(value)} as a time; expected Unix seconds, YYYY-MM-DD, 'YYYY-MM-DD HH:MM:SS', "
        "MM-DD-YYYY, YYYYMMDD, ISO 8601 or an RFC 1123 date"
    )


_IANA_IN_TEXT = re.compile(r"\b([A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_+\-]+)+)\b")
_DISPLAY_NAMES: dict[str, str] = {
    "pacific": "America/Los_Angeles",
    "mountain": "America/Denver",
    "central": "America/Chicago",
    "eastern": "America/New_York",
    "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "taipei": "Asia/Taipei",
    "tokyo": "Asia/Tokyo",
    "singapore": "Asia/Singapore",
    "london": "Europe/London",
    "berlin": "Europe/Berlin",
    "paris": "Europe/Paris",
    "sydney": "Australia/Sydney",
}
"""Words of dashboard-style zone names ('(UTC+08:00) Beijing', 'Pacific Time (US & Canada)') → IANA."""


def zone_named(name: str) -> tzinfo | None:
    """An IANA zone, 'UTC', a dashboard display name that names one ('(UTC-08:00) America/Los_Angeles',
    '(GMT+08:00) Beijing'), or a fixed offset such as '+08:00', 'UTC+8', 'GMT-05:00'; None when
    unreadable. A named zone wins over the offset written beside it (it follows daylight saving)."""
    text = name.strip()
    if not text:
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    for candidate in _IANA_IN_TEXT.findall(text):
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    lowered = text.lower()
    for word, key in _DISPLAY_NAMES.items():
        if word in lowered:
            return ZoneInfo(key)
    upper = text.upper().replace("GMT", "UTC").replace(" ", "")
    if upper.startswith("(") and ")" in upper:  # "(UTC+08:00) Beijing" as dashboards display it
        upper = upper[1 : upper.index(")")]
    upper = upper.removeprefix("UTC")
    if not upper:
        return UTC
    sign = -1 if upper[0] == "-" else 1
    digits = upper.lstrip("+-").replace(":", "")
    if not digits.isdigit() or len(digits) not in (1, 2, 3, 4):
        return None
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes >= 60:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
