"""Period phrases (English and Chinese) → exact ranges, checked against dates read off a 2026 calendar.

The frozen now is Friday 2026-11-20 06:00 UTC (14:00 in Shanghai, 22:00 on Thursday Nov 19 in Los Angeles).
Monday of that week is Nov 16; Q4 starts Oct 1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from partnerboost_skill.periods import Period, PeriodError, resolve_period

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SHANGHAI = "Asia/Shanghai"

# phrase → (first day, last day inclusive), in the Shanghai calendar where today is Fri 2026-11-20
TABLE_EN: list[tuple[str, str, str]] = [
    ("today", "2026-11-20", "2026-11-20"),
    ("yesterday", "2026-11-19", "2026-11-19"),
    ("this week", "2026-11-16", "2026-11-20"),
    ("last week", "2026-11-09", "2026-11-15"),
    ("this month", "2026-11-01", "2026-11-20"),
    ("last month", "2026-10-01", "2026-10-31"),
    ("previous month", "2026-10-01", "2026-10-31"),
    ("last three months", "2026-08-01", "2026-10-31"),
    ("the last 3 months", "2026-08-01", "2026-10-31"),
    ("Last 3 Months?", "2026-08-01", "2026-10-31"),
    ("last six months", "2026-05-01", "2026-10-31"),
    ("past 90 days", "2026-08-23", "2026-11-20"),
    ("last 90 days", "2026-08-23", "2026-11-20"),
    ("in the past ninety days", "2026-08-23", "2026-11-20"),
    ("last 7 days", "2026-11-14", "2026-11-20"),
    ("last seven days", "2026-11-14", "2026-11-20"),
    ("past 30 days", "2026-10-22", "2026-11-20"),
    ("last 2 weeks", "2026-11-07", "2026-11-20"),
    ("recent", "2026-11-14", "2026-11-20"),
    ("this quarter", "2026-10-01", "2026-11-20"),
    ("last quarter", "2026-07-01", "2026-09-30"),
    ("this year", "2026-01-01", "2026-11-20"),
    ("ytd", "2026-01-01", "2026-11-20"),
    ("year-to-date", "2026-01-01", "2026-11-20"),
    ("last year", "2025-01-01", "2025-12-31"),
    ("2026-09", "2026-09-01", "2026-09-30"),
    ("September 2026", "2026-09-01", "2026-09-30"),
    ("Sep 2026", "2026-09-01", "2026-09-30"),
    ("february 2024", "2024-02-01", "2024-02-29"),
    ("Q3 2026", "2026-07-01", "2026-09-30"),
    ("2026-08-01..2026-10-31", "2026-08-01", "2026-10-31"),
    ("2026-08-01 to 2026-10-31", "2026-08-01", "2026-10-31"),
    ("from 2026-08-01 to 2026-10-31", "2026-08-01", "2026-10-31"),
    ("2026-09-15", "2026-09-15", "2026-09-15"),
]

TABLE_ZH: list[tuple[str, str, str]] = [
    ("今天", "2026-11-20", "2026-11-20"),
    ("昨天", "2026-11-19", "2026-11-19"),
    ("本周", "2026-11-16", "2026-11-20"),
    ("上周", "2026-11-09", "2026-11-15"),
    ("本月", "2026-11-01", "2026-11-20"),
    ("上个月", "2026-10-01", "2026-10-31"),
    ("上月", "2026-10-01", "2026-10-31"),
    ("最近三个月", "2026-08-01", "2026-10-31"),
    ("近3个月", "2026-08-01", "2026-10-31"),
    ("过去90天", "2026-08-23", "2026-11-20"),
    ("过去90天内", "2026-08-23", "2026-11-20"),
    ("最近7天", "2026-11-14", "2026-11-20"),
    ("近一周", "2026-11-14", "2026-11-20"),
    ("最近十二个月", "2025-11-01", "2026-10-31"),
    ("最近", "2026-11-14", "2026-11-20"),
    ("本季度", "2026-10-01", "2026-11-20"),
    ("上季度", "2026-07-01", "2026-09-30"),
    ("今年", "2026-01-01", "2026-11-20"),
    ("去年", "2025-01-01", "2025-12-31"),
    ("2026年9月", "2026-09-01", "2026-09-30"),
    ("9月", "2026-09-01", "2026-09-30"),
    ("九月", "2026-09-01", "2026-09-30"),
    ("2026-08-01至2026-10-31", "2026-08-01", "2026-10-31"),
]


def _day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(("phrase", "first", "last"), TABLE_EN + TABLE_ZH)
def test_phrase_resolves_to_calendar_range(phrase: str, first: str, last: str) -> None:
    period = resolve_period(phrase, now=NOW, tz=SHANGHAI)
    zone = ZoneInfo(SHANGHAI)
    assert period.start == datetime.combine(_day(first), datetime.min.time(), zone)
    assert period.end == datetime.combine(_day(last) + timedelta(days=1), datetime.min.time(), zone)
    assert period.start.utcoffset() == timedelta(hours=8)
    assert period.timezone == SHANGHAI
    assert period.phrase.strip() == phrase.strip()


def test_shanghai_start_is_sixteen_hundred_utc_the_day_before() -> None:
    period = resolve_period("last three months", now=NOW, tz=SHANGHAI)
    assert period.start.astimezone(UTC) == datetime(2026, 7, 31, 16, 0, tzinfo=UTC)
    assert period.end.astimezone(UTC) == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)


def test_timezone_decides_what_today_is() -> None:
    # 06:00 UTC on Nov 20 is still Nov 19 in Los Angeles (UTC-8 in November).
    period = resolve_period("today", now=NOW, tz="America/Los_Angeles")
    assert period.start == datetime(2026, 11, 19, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert period.start.astimezone(UTC) == datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
    assert resolve_period("today", now=NOW).start == datetime(2026, 11, 20, tzinfo=UTC)


def test_naive_now_is_taken_as_utc() -> None:
    naive = resolve_period("yesterday", now=datetime(2026, 11, 20, 6, 0))
    assert naive == resolve_period("yesterday", now=NOW)


def test_labels_and_conventions_state_the_reading() -> None:
    three = resolve_period("last three months", now=NOW, tz=SHANGHAI)
    assert three.label == "Aug 1 – Oct 31 2026"
    assert "complete calendar months" in three.convention
    trailing = resolve_period("past 90 days", now=NOW, tz=SHANGHAI)
    assert "trailing 90 days including today" in trailing.convention
    assert resolve_period("today", now=NOW).label == "Nov 20 2026"
    assert resolve_period("past year", now=NOW).label == "Nov 1 2025 – Oct 31 2026"
    assert "7 days" in resolve_period("最近", now=NOW).convention


@pytest.mark.parametrize(("phrase", "first", "last"), [
    ("last three months", "2026-05-01", "2026-07-31"),
    ("last month", "2026-09-01", "2026-09-30"),
    ("September 2026", "2026-08-01", "2026-08-31"),
    ("last quarter", "2026-04-01", "2026-06-30"),
    ("last year", "2024-01-01", "2024-12-31"),
    ("past 90 days", "2026-05-25", "2026-08-22"),
    ("last 7 days", "2026-11-07", "2026-11-13"),
    ("today", "2026-11-19", "2026-11-19"),
    ("last week", "2026-11-02", "2026-11-08"),
    ("2026-08-01..2026-10-31", "2026-05-01", "2026-07-31"),
    # to-date periods: the same elapsed span of the previous unit
    ("this month", "2026-10-01", "2026-10-20"),
    ("this week", "2026-11-09", "2026-11-13"),
    ("this year", "2025-01-01", "2025-11-20"),
])
def test_previous_period(phrase: str, first: str, last: str) -> None:
    previous = resolve_period(phrase, now=NOW, tz=SHANGHAI).previous()
    zone = ZoneInfo(SHANGHAI)
    assert previous.start == datetime.combine(_day(first), datetime.min.time(), zone)
    assert previous.end == datetime.combine(_day(last) + timedelta(days=1), datetime.min.time(), zone)


def test_previous_of_month_to_date_is_clamped_to_the_shorter_month() -> None:
    # On March 30 "this month" has 30 days; February 2026 has 28, so the comparison is all of February.
    march = resolve_period("this month", now=datetime(2026, 3, 30, 12, tzinfo=UTC))
    previous = march.previous()
    assert (previous.start.date(), previous.end.date()) == (date(2026, 2, 1), date(2026, 3, 1))


def test_year_before() -> None:
    year_ago = resolve_period("September 2026", now=NOW).year_before()
    assert (year_ago.start.date(), year_ago.end.date()) == (date(2025, 9, 1), date(2025, 10, 1))


def test_period_days_and_echo() -> None:
    period = resolve_period("last three months", now=NOW, tz=SHANGHAI)
    assert period.days == 31 + 30 + 31
    echo = period.echo()
    assert echo["timezone"] == SHANGHAI and echo["start"] == "2026-08-01T00:00:00+08:00"


@pytest.mark.parametrize("phrase", ["blah", "", "   ", "next fortnight", "last zero days"])
def test_unparseable_phrase_lists_examples(phrase: str) -> None:
    with pytest.raises(PeriodError) as caught:
        resolve_period(phrase, now=NOW)
    message = str(caught.value)
    assert "last three months" in message or "at least one" in message


def test_reversed_range_and_bad_dates_are_clear_errors() -> None:
    with pytest.raises(PeriodError, match="earlier date first"):
        resolve_period("2026-10-31..2026-08-01", now=NOW)
    with pytest.raises(PeriodError, match="month 13"):
        resolve_period("2026-13", now=NOW)
    with pytest.raises(PeriodError, match="not a calendar date"):
        resolve_period("2026-02-30", now=NOW)


def test_unknown_timezone_names_the_problem() -> None:
    with pytest.raises(PeriodError, match="IANA timezone"):
        resolve_period("today", now=NOW, tz="Mars/Olympus")


def test_period_is_a_pydantic_model_with_aware_datetimes() -> None:
    period = resolve_period("本月", now=NOW, tz=SHANGHAI)
    assert isinstance(period, Period)
    dumped = Period.model_validate(period.model_dump())
    assert dumped == period
    assert period.start.tzinfo is not None and period.end.tzinfo is not None


@pytest.mark.parametrize(("phrase", "against", "first", "end"), [
    # at 14:00 in Shanghai: the period in progress is compared up to the same elapsed time
    ("today", "previous", "2026-11-19T00:00", "2026-11-19T14:00"),
    ("last 7 days", "previous", "2026-11-07T00:00", "2026-11-13T14:00"),
    ("this month", "previous", "2026-10-01T00:00", "2026-10-20T14:00"),
    ("this month", "year_before", "2025-11-01T00:00", "2025-11-20T14:00"),
    ("2026-11", "previous", "2026-10-01T00:00", "2026-10-20T14:00"),
    # complete periods are compared whole
    ("last month", "previous", "2026-09-01T00:00", "2026-10-01T00:00"),
    ("yesterday", "year_before", "2025-11-19T00:00", "2025-11-20T00:00"),
])
def test_comparison_of_a_period_in_progress_stops_at_the_same_time(
    phrase: str, against: str, first: str, end: str
) -> None:
    period = resolve_period(phrase, now=NOW, tz=SHANGHAI)
    other = period.comparison(against)  # type: ignore[arg-type]
    zone = ZoneInfo(SHANGHAI)
    assert other.start == datetime.fromisoformat(first).replace(tzinfo=zone)
    assert other.end == datetime.fromisoformat(end).replace(tzinfo=zone)
    if period.as_of is not None:
        assert other.end - other.start == period.as_of - period.start


def test_a_cut_comparison_says_where_it_stops() -> None:
    period = resolve_period("last 7 days", now=NOW, tz=SHANGHAI)
    assert period.as_of == NOW and resolve_period("last month", now=NOW).as_of is None
    assert period.comparison().label == "Nov 7 – Nov 13 2026 (to 14:00)"
    assert period.previous().end == period.start  # previous() itself stays the calendar comparison


@pytest.mark.parametrize(("phrase", "first", "last"), [
    # asked on 2027-01-10: a month or quarter without a year is the latest one that has begun
    ("December", "2026-12-01", "2026-12-31"),
    ("12月", "2026-12-01", "2026-12-31"),
    ("十二月", "2026-12-01", "2026-12-31"),
    ("Q4", "2026-10-01", "2026-12-31"),
    ("January", "2027-01-01", "2027-01-31"),
    ("1月", "2027-01-01", "2027-01-31"),
    ("Q1", "2027-01-01", "2027-03-31"),
    ("December 2027", "2027-12-01", "2027-12-31"),  # a year given is taken literally
])
def test_a_month_without_a_year_is_never_in_the_future(phrase: str, first: str, last: str) -> None:
    period = resolve_period(phrase, now=datetime(2027, 1, 10, 6, 0, tzinfo=UTC))
    assert (period.start.date(), period.end.date()) == (_day(first), _day(last) + timedelta(days=1))
