from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from partnerboost_skill.parsing import (
    cents_to_decimal,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_percent,
    parse_time,
    to_cents,
)

UTC8 = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.30", Decimal("12.30")),
        (12.3, Decimal("12.3")),
        (0.1, Decimal("0.1")),
        ("1,234.50", Decimal("1234.50")),
        ("-1,234,567.01", Decimal("-1234567.01")),
        (" 7 ", Decimal(7)),
        (7, Decimal(7)),
        (Decimal("2.5"), Decimal("2.5")),
        (".5", Decimal("0.5")),
    ],
)
def test_parse_decimal_reads_api_numbers_exactly(value, expected):
    result = parse_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)


def test_parse_decimal_keeps_float_digits_exact():
    # Decimal(0.1) would be 0.1000000000000000055511151231257827...; reading via str keeps 0.1
    assert parse_decimal(0.1) + parse_decimal(0.2) == Decimal("0.3")


@pytest.mark.parametrize("value", [None, "", "  ", "-", "null"])
def test_parse_decimal_absent_values_are_none(value):
    assert parse_decimal(value) is None


@pytest.mark.parametrize("value", ["abc", "1,23", "12.3.4", "1e5", "NaN", float("inf"), True, [1]])
def test_parse_decimal_rejects_non_numbers_naming_the_value(value):
    with pytest.raises(ValueError) as info:
        parse_decimal(value)
    assert repr(value)[:20] in str(info.value)


@pytest.mark.parametrize(
    ("value", "cents"),
    [("12.30", 1230), (12.3, 1230), ("1,234.50", 123450), ("0.005", 1), ("-2.50", -250), (3, 300),
     ("19.999", 2000)],
)
def test_to_cents(value, cents):
    assert to_cents(value) == cents


def test_to_cents_refuses_absent_money():
    with pytest.raises(ValueError, match="amount of money"):
        to_cents("")


def test_cents_to_decimal_round_trip():
    assert cents_to_decimal(123450) == Decimal("1234.50")
    assert str(cents_to_decimal(5)) == "0.05"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("11.20%", Decimal("0.112")), ("0%", Decimal(0)), ("100%", Decimal(1)), ("5.5 %", Decimal("0.055")),
     ("%", None), ("7.5", Decimal("0.075")), (10, Decimal("0.1"))],
)
def test_parse_percent(value, expected):
    if expected is None:
        with pytest.raises(ValueError):
            parse_percent(value)
    else:
        assert parse_percent(value) == expected


def test_parse_percent_bare_fraction_and_absent():
    assert parse_percent("0.112", bare="fraction") == Decimal("0.112")
    assert parse_percent("11.2%", bare="fraction") == Decimal("0.112")
    assert parse_percent(None) is None
    with pytest.raises(ValueError, match="'up to 10%'"):
        parse_percent("up to 10%")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), ("1,234", 1234), (12.0, 12), ("3.00", 3), (None, None), ("", None)],
)
def test_parse_int(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [12.5, "1.5", "x", True])
def test_parse_int_rejects(value):
    with pytest.raises(ValueError, match="whole number"):
        parse_int(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, True), (0, False), ("1", True), ("0", False), ("true", True), ("FALSE", False), ("yes", True),
     ("no", False), (True, True), (None, None), ("", None)],
)
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", [2, "maybe", 1.5])
def test_parse_bool_rejects(value):
    with pytest.raises(ValueError, match="true/false"):
        parse_bool(value)


# 1641540076 = Fri, 07 Jan 2022 07:21:16 GMT (the brand API's documented signing example)
JAN7 = datetime(2022, 1, 7, 7, 21, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [1641540076, "1641540076", 1641540076000, "1641540076000", "2022-01-07T07:21:16Z",
     "2022-01-07T15:21:16+08:00", "Fri, 07 Jan 2022 07:21:16 GMT", "2022-01-07 07:21:16",
     datetime(2022, 1, 7, 7, 21, 16), JAN7.astimezone(UTC8)],
)
def test_parse_time_instants(value):
    result = parse_time(value)
    assert result == JAN7
    assert result.tzinfo is UTC


def test_parse_time_dates_in_various_formats_are_utc_midnight():
    midnight = datetime(2023, 2, 10, tzinfo=UTC)
    assert parse_time("2023-02-10") == midnight
    assert parse_time("02-10-2023") == midnight  # publisher validation_date is MM-DD-YYYY
    assert parse_time("20230210") == midnight
    assert parse_time(date(2023, 2, 10)) == midnight


def test_parse_time_reads_naive_text_in_the_source_timezone():
    # publisher click_time is in UTC+8: 08:30 there is 00:30 UTC
    assert parse_time("2026-09-01 08:30:00", tz=UTC8) == datetime(2026, 9, 1, 0, 30, tzinfo=UTC)
    assert parse_time("2026-09-01 08:30:00", tz="Asia/Shanghai") == datetime(2026, 9, 1, 0, 30, tzinfo=UTC)
    assert parse_time("2026-09-01", tz=UTC8) == datetime(2026, 8, 31, 16, 0, tzinfo=UTC)
    # an explicit offset wins over the source timezone; Unix time has no timezone
    assert parse_time("2026-09-01T08:30:00Z", tz=UTC8) == datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
    assert parse_time(1641540076, tz=UTC8) == JAN7


@pytest.mark.parametrize("value", [None, "", 0, "0"])
def test_parse_time_absent_is_none(value):
    assert parse_time(value) is None


@pytest.mark.parametrize(
    "value", ["yesterday", "2023-02-30", "13-45-2023", "12345", True, "2023-02-10 25:00:00"]
)
def test_parse_time_rejects_naming_the_value(value):
    with pytest.raises(ValueError) as info:
        parse_time(value)
    assert repr(value) in str(info.value)


@pytest.mark.parametrize("value", [10**20, 1e20, float("inf"), 1e15])
def test_parse_time_refuses_unix_times_out_of_range_as_a_value_error(value):
    with pytest.raises(ValueError, match="not a Unix time in range"):
        parse_time(value)


def test_parse_time_unknown_zone():
    with pytest.raises(ValueError, match="Mars/Base"):
        parse_time("2026-01-01", tz="Mars/Base")
