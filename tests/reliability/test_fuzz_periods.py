"""The period parser on arbitrary text: a Period or a PeriodError, never another exception.

Three kinds of input: any unicode at all; phrases assembled from the parser's own words with numbers that are
too big, zero or negative (where date arithmetic overflows); and any clock time with any time zone name.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import anyio
from hypothesis import example, given
from hypothesis import strategies as st
from reliability_support import Counting, FakeTime, client_on, faulty_transport, fuzz_settings

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.periods import Period, PeriodError, resolve_period
from partnerboost_skill.sandbox.world import World, WorldConfig

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
FUZZ = fuzz_settings(300)

WORDS = [
    "last", "past", "previous", "this", "next", "the", "recent", "trailing", "days", "day", "weeks", "week",
    "months", "month", "quarters", "quarter", "years", "year", "to", "date", "today", "yesterday", "ytd",
    "mtd", "q1", "q4", "q0", "q5", "h1", "between", "and", "..", "-", "/", "from", "until", "since", "in",
    "january", "feb", "september", "sept", "december", "of", "three", "twelve", "hundred", "a", "an",
    "上个月", "最近", "三个月", "本月", "今年", "去年", "上周", "本周", "季度", "第", "年", "月", "日", "天",
    "前", "近", "个", "十", "百", "零", "两", "至", "到", "号",
]
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=40),
    st.sampled_from([0, 99, 100, 366, 999, 1000, 1970, 2026, 9999, 10000, 99999, 10**6, 10**12, 10**30]),
)
TOKENS = st.one_of(st.sampled_from(WORDS), NUMBERS.map(str))
PHRASES = st.lists(TOKENS, min_size=1, max_size=6).map(" ".join)
DATE_LIKE = st.builds(
    lambda y, m, d, sep: sep.join(str(v) for v in (y, m, d)),
    NUMBERS, NUMBERS, NUMBERS, st.sampled_from(["-", "/", ".", "年"]),
)
RANGES = st.builds(lambda a, sep, b: f"{a}{sep}{b}", DATE_LIKE, st.sampled_from(["..", " to ", "至", " - "]),
                   DATE_LIKE)
ZONES = st.one_of(
    st.sampled_from(["UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12"]),
    st.text(max_size=20),
)
NOWS = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC))
"""Any moment a clock could show (the phrases themselves reach the calendar's ends)."""


def parse(phrase: str, now: datetime = NOW, tz: str = "UTC") -> Period | None:
    """The period, or None when the parser refused it with a PeriodError (any other exception propagates)."""
    try:
        period = resolve_period(phrase, now=now, tz=tz)
    except PeriodError as exc:
        assert str(exc).strip(), "a PeriodError without a message"
        return None
    assert period.start < period.end
    assert period.label and period.timezone
    return period


@FUZZ
@given(st.text())
def test_any_text(phrase: str) -> None:
    parse(phrase)


@FUZZ
@given(st.one_of(PHRASES, DATE_LIKE, RANGES))
@example("9999")  # a year whose end is past the calendar: was a ValueError
@example("last 1000000 days")  # was an OverflowError
@example("past 10000 years")
@example("0001-01")  # parses; its previous month does not exist
def test_phrases_built_from_the_parsers_words(phrase: str) -> None:
    period = parse(phrase)
    if period is not None:
        for comparison in (period.previous, period.year_before):
            try:
                comparison()
            except PeriodError as exc:
                assert "outside the calendar" in str(exc)


@FUZZ
@given(st.one_of(PHRASES, st.sampled_from(["last month", "this year", "last 7 days", "2026-10", "today"])),
       NOWS, ZONES)
def test_any_moment_and_time_zone(phrase: str, now: datetime, tz: str) -> None:
    parse(phrase, now, tz)


@FUZZ
@given(st.sampled_from(["last month", "last three months", "this quarter", "last 30 days", "上个月"]), NOWS)
def test_periods_that_resolve_are_sane(phrase: str, now: datetime) -> None:
    period = parse(phrase, now)
    if period is not None:
        assert period.end - period.start <= timedelta(days=93)
        previous = period.previous()
        assert previous.end <= period.start
        if not period.to_date:
            assert previous.end == period.start, "a complete period's previous one should adjoin it"


# --- through the answers: a refused phrase sends nothing ----------------------------------------------------

ANSWER_WORLD = WorldConfig(seed=4, days=170, orders_per_day=8, n_partners=20)
KINDS = ["review", "monitor", "bills", "media", "compare", "compare_year"]


def ask(kind: str, client: PartnerBoostClient, phrase: str) -> Awaitable[object]:
    now = ANSWER_WORLD.now
    if kind == "review":
        return answers.review(client, phrase, now=now)
    if kind == "monitor":
        return answers.monitor(client, phrase, now=now)
    if kind == "bills":
        return answers.bills(client, phrase, now=now)
    if kind == "media":
        return answers.media(client, phrase, now=now)
    return answers.compare(client, phrase, "year_before" if kind == "compare_year" else "previous", now=now)


@fuzz_settings(60)
@given(kind=st.sampled_from(KINDS),
       phrase=st.one_of(PHRASES, DATE_LIKE, st.sampled_from(["1000", "1999-12", "2000-01", "last month"])))
@example(kind="review", phrase="1000")  # a year the API cannot express: was a ValidationError mid-answer
@example(kind="compare_year", phrase="2000-01")
def test_answers_refuse_a_phrase_before_sending_anything(kind: str, phrase: str) -> None:
    world = _answer_world()

    async def run() -> tuple[object, int]:
        time = FakeTime(ANSWER_WORLD.now.timestamp())
        counting = Counting(faulty_transport(world, None, time))
        async with client_on(counting, time, max_retries=0) as client:
            try:
                outcome: object = await ask(kind, client, phrase)
            except (PeriodError, AnalysisError) as exc:
                outcome = exc
        return outcome, len(counting.requests)

    outcome, requests = anyio.run(run)
    if isinstance(outcome, Exception):
        assert str(outcome).strip()
        assert requests == 0, f"{kind} {phrase!r} was refused after sending {requests} request(s)"
    else:
        assert isinstance(outcome, Answer) and outcome.complete, outcome


_worlds: list[World] = []


def _answer_world() -> World:
    if not _worlds:
        _worlds.append(World.generate(ANSWER_WORLD))
    return _worlds[0]
