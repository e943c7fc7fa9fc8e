"""`ask` routing: English and Chinese questions → the right answer, exact period and language.

Expected ranges are worked out by hand from the calendar, with `now` = Friday 2026-11-20 06:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partnerboost_skill.periods import PeriodError, resolve_period
from partnerboost_skill.routing import language_of, route

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)

QUESTIONS: list[tuple[str, str, date, date, str]] = [
    # question, answer kind, first day, last day (inclusive), group_by
    ("review the last three months", "review", date(2026, 8, 1), date(2026, 10, 31), "channel_type"),
    ("最近订单怎么样", "orders", date(2026, 11, 14), date(2026, 11, 20), "channel_type"),
    ("check my bill from last month", "bill", date(2026, 10, 1), date(2026, 10, 31), "channel_type"),
    ("上个月账单", "bill", date(2026, 10, 1), date(2026, 10, 31), "channel_type"),
    ("which media am I partnering with", "partners", date(2026, 10, 22), date(2026, 11, 20), "channel_type"),
    ("compare September with October", "compare", date(2026, 10, 1), date(2026, 10, 31), "channel_type"),
    ("本月和上月对比", "compare", date(2026, 11, 1), date(2026, 11, 20), "channel_type"),
    ("How are recent orders doing?", "orders", date(2026, 11, 14), date(2026, 11, 20), "channel_type"),
    ("any suspicious orders this week?", "orders", date(2026, 11, 16), date(2026, 11, 20), "channel_type"),
    ("how did my channels perform in Q3 2026", "review", date(2026, 7, 1), date(2026, 9, 30), "channel_type"),
    ("按国家看最近三个月的表现", "review", date(2026, 8, 1), date(2026, 10, 31), "country"),
    ("哪些达人表现最好", "review", date(2026, 8, 1), date(2026, 10, 31), "partner"),
    ("top partners last quarter", "review", date(2026, 7, 1), date(2026, 9, 30), "partner"),
    ("May I see the bill for September 2026", "bill", date(2026, 9, 1), date(2026, 9, 30), "channel_type"),
    ("2026年9月的账单", "bill", date(2026, 9, 1), date(2026, 9, 30), "channel_type"),
    ("过去30天的合作媒体", "partners", date(2026, 10, 22), date(2026, 11, 20), "channel_type"),
    ("review performance by device for the past 90 days", "review", date(2026, 8, 23), date(2026, 11, 20),
     "device"),
    ("上周的订单有没有异常", "orders", date(2026, 11, 9), date(2026, 11, 15), "channel_type"),
    ("which partners had duplicate orders yesterday", "orders", date(2026, 11, 19), date(2026, 11, 19),
     "channel_type"),
    ("给我看看今年的业绩", "review", date(2026, 1, 1), date(2026, 11, 20), "channel_type"),
]


@pytest.mark.parametrize(("question", "kind", "first", "last", "group_by"), QUESTIONS)
def test_questions_route_to_the_right_answer_and_period(
    question: str, kind: str, first: date, last: date, group_by: str
) -> None:
    found = route(question, now=NOW, tz="UTC")
    assert found.kind == kind
    assert found.group_by == group_by
    period = resolve_period(found.phrase, now=NOW, tz="UTC")
    assert period.start.date() == first
    assert (period.end.date() - period.start.date()).days == (last - first).days + 1
    assert found.lang == ("zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en")


def test_comparisons_know_which_period_is_compared_with_which() -> None:
    assert route("compare September with October", now=NOW).against == "previous"
    assert route("compare October with September", now=NOW).phrase == "October"
    assert route("yoy sales for October", now=NOW).against == "year_before"
    assert route("October 2026 vs October 2025", now=NOW).against == "year_before"
    odd = route("compare March with October", now=NOW)
    assert odd.kind == "compare" and odd.phrase == "October" and odd.compare_fallback


def test_no_period_named_uses_the_answer_default_and_says_so() -> None:
    found = route("which media am I partnering with", now=NOW)
    assert not found.period_given and found.phrase == "last 30 days"
    assert route("上个月账单", now=NOW).period_given


def test_ambiguous_words_are_not_read_as_months() -> None:
    assert route("may I review my channels", now=NOW).phrase == "last three months"
    assert route("May I see the bill for September 2026", now=NOW).phrase == "September 2026"


def test_timezone_moves_the_period_boundaries() -> None:
    late = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # already December 1 in Shanghai
    found = route("this month's orders", now=late, tz="Asia/Shanghai")
    period = resolve_period(found.phrase, now=late, tz="Asia/Shanghai")
    assert period.start.date() == date(2026, 12, 1)


def test_language_detection() -> None:
    assert language_of("上个月账单") == "zh"
    assert language_of("bill for last month") == "en"


def test_empty_question_is_refused() -> None:
    with pytest.raises(ValueError, match="ask needs a question"):
        route("   ", now=NOW)


@pytest.mark.parametrize(("question", "kind", "phrase"), [
    # parts of numbers and ids are not years (nor a second period that makes the question a comparison)
    ("why was order 123456 voided last week", "orders", "last week"),
    ("order LP1414573 last week", "orders", "last week"),
    ("订单123456上周", "orders", "上周"),
    ("bill 20261015", "bill", "last month"),
    # bare numbers that cannot be years are counts
    ("show the 1000 biggest orders last month", "orders", "last month"),
    ("orders over 5000 this week", "orders", "this week"),
    ("review 2099", "review", "last three months"),
    # plausible years still are
    ("sales in 2025", "review", "2025"),
    ("compare 2025 with 2026", "compare", "2026"),
])
def test_numbers_are_years_only_when_they_can_be(question: str, kind: str, phrase: str) -> None:
    found = route(question, now=NOW)
    assert (found.kind, found.phrase) == (kind, phrase)


@pytest.mark.parametrize(("question", "phrase", "message"), [
    ("review the last 1000000 days", "last 1000000 days", "outside the calendar"),
    ("过去1000000天", "过去1000000天", "outside the calendar"),
    ("orders on 2026-02-30", "2026-02-30", "not a calendar date"),
])
def test_an_unusable_period_is_kept_so_the_answer_can_say_why(
    question: str, phrase: str, message: str
) -> None:
    found = route(question, now=NOW)
    assert found.phrase == phrase and found.period_given
    with pytest.raises(PeriodError, match=message):
        resolve_period(found.phrase, now=NOW)
