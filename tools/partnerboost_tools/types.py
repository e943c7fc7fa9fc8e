"""Friendly input types for awkward API formats.

Each type accepts what a person or a model naturally writes (an ISO date, an ISO datetime, a datetime
object, Unix seconds) and serialises to the exact wire format the PartnerBoost API wants. Naive datetimes and
plain dates are taken as UTC unless the type says otherwise.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, PlainSerializer, StringConstraints, WithJsonSchema

CHINA_TZ = timezone(timedelta(hours=8), "UTC+8")

_DIGITS = re.compile(r"^\d+$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


SHOWN_CHARACTERS = 60
"""How much of a bad value an error message repeats (a 5,000-character input is not echoed back)."""


def shown(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """`repr(value)` for an error message, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def to_datetime(value: Any) -> datetime:
    """Parse a time given as datetime, date, Unix seconds (int or digit string), YYYYMMDD or ISO 8601 text.

    Returns an aware datetime; naive input is taken as UTC.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError("expected a date, a datetime or Unix seconds, not a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
        if seconds > 1e12:  # milliseconds
            seconds /= 1000
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{shown(value)} is not a valid Unix time in seconds") from None
    if isinstance(value, str):
        text = value.strip()
        compact = _COMPACT_DATE.match(text)
        if compact:
            year, month, day = (int(g) for g in compact.groups())
            return datetime(year, month, day, tzinfo=UTC)
        if _DIGITS.match(text):
            return to_datetime(int(text))
        parsed: datetime | None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = _rfc1123(text)
        if parsed is None:
            raise ValueError(
                f"cannot read {shown(value)} as a time; use an ISO date (2026-09-01), an ISO datetime "
                "(2026-09-01T08:00:00Z) or Unix seconds (1788220800)"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"expected a date, a datetime or Unix seconds, got {type(value).__name__}")


def to_unix_datetime(value: Any) -> datetime:
    """`to_datetime` for parameters sent as Unix seconds, which cannot go before 1970."""
    moment = to_datetime(value)
    if moment.timestamp() < 0:
        raise ValueError(f"{moment:%Y-%m-%d %H:%M:%S} UTC is before 1970-01-01, the earliest Unix time")
    return moment


def _rfc1123(text: str) -> datetime | None:
    if not text[:1].isalpha():
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


def _comma_list(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ",".join(str(v).strip() for v in value)
    return value


_TIME_INPUT = {"anyOf": [{"type": "string"}, {"type": "integer"}]}


def _schema(description: str, example: str) -> WithJsonSchema:
    return WithJsonSchema({**_TIME_INPUT, "description": description, "examples": [example]})


UnixTime = Annotated[
    datetime,
    BeforeValidator(to_unix_datetime),
    PlainSerializer(lambda d: int(d.timestamp()), return_type=int),
    _schema("ISO date or datetime (UTC unless an offset is given) or Unix seconds; sent as Unix seconds",
            "2026-09-01"),
]
"""Sent as Unix seconds (10 digits)."""

CompactDate = Annotated[
    datetime,
    BeforeValidator(to_datetime),
    PlainSerializer(lambda d: d.astimezone(UTC).strftime("%Y%m%d"), return_type=str),
    _schema("ISO date, YYYYMMDD or Unix seconds; sent as YYYYMMDD", "2026-09-01"),
]
"""Sent as YYYYMMDD (UTC calendar day)."""

IsoDate = Annotated[
    datetime,
    BeforeValidator(to_datetime),
    PlainSerializer(lambda d: d.astimezone(UTC).strftime("%Y-%m-%d"), return_type=str),
    _schema("ISO date (or datetime / Unix seconds); sent as YYYY-MM-DD", "2026-09-01"),
]
"""Sent as YYYY-MM-DD (UTC calendar day)."""

ChinaDateTime = Annotated[
    datetime,
    BeforeValidator(to_datetime),
    PlainSerializer(lambda d: d.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"), return_type=str),
    _schema("ISO datetime (UTC unless an offset is given) or Unix seconds; sent as 'YYYY-MM-DD HH:MM:SS' "
            "in UTC+8, the publisher click report's time zone", "2026-09-01T08:00:00Z"),
]
"""Sent as 'YYYY-MM-DD HH:MM:SS' in UTC+8 (the publisher click report reports click_time in UTC+8)."""

Rfc1123Time = Annotated[
    datetime,
    BeforeValidator(to_datetime),
    PlainSerializer(lambda d: format_datetime(d.astimezone(UTC), usegmt=True), return_type=str),
    _schema("ISO datetime or Unix seconds; sent as an RFC 1123 date in GMT", "2026-09-01T08:00:00Z"),
]
"""Sent as e.g. 'Thu, 20 Jan 2022 05:27:30 GMT'."""

IsoDateTime = Annotated[
    datetime,
    BeforeValidator(to_datetime),
    PlainSerializer(lambda d: d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), return_type=str),
    _schema("ISO datetime (UTC unless an offset is given) or Unix seconds; sent as ISO 8601 UTC",
            "2026-09-01T08:00:00Z"),
]
"""Sent as ISO 8601 in UTC, e.g. '2026-09-01T08:00:00Z'."""


def _as_json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number; whole amounts as integers. Money here has far fewer than 15 significant
    digits, so the shortest float repr prints exactly the decimal that was given."""
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    PlainSerializer(_as_json_number, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
"""A non-negative amount, exact in Python (Decimal), sent as a JSON number."""

CommaList = Annotated[
    str,
    BeforeValidator(_comma_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                    "description": "a list or a comma-separated string"}),
]
"""A list of strings sent as one comma-separated string."""


def _one_or_many(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    if isinstance(value, int | float):
        return [value]
    return value


T = TypeVar("T")

OneOrMany = Annotated[list[T], BeforeValidator(_one_or_many)]
"""A list parameter (sent as a list) that also accepts one value or a comma-separated string."""


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), BeforeValidator(_upper)]
"""A two-letter country code (US, GB, DE), upper-cased."""

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), BeforeValidator(_upper)]
"""An ISO 4217 currency code (USD, EUR), upper-cased."""


def check_time_order(start: datetime | None, end: datetime | None, start_name: str, end_name: str) -> None:
    """Raise a ValueError naming both parameters when a range ends before it starts."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} must not be before {start_name}")
