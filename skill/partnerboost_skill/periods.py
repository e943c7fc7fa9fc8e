"""Natural-language periods in English and Chinese → an exact half-open time range in a timezone.

`resolve_period("last three months", now=..., tz="Asia/Shanghai")` returns a `Period` whose `start` and `end`
are aware datetimes at local midnights (`end` excluded), with a human label and the convention used, so every
answer can state exactly which range it covers.

Conventions (also in each Period's `convention`):
- "last N months" / "最近N个月": the N most recent COMPLETE calendar months (the current month is left out);
  quarters and years counted the same way ("last 2 quarters", "past 2 years" = 24 complete months).
- "past/last N days" / "过去N天": trailing N days ending with today (end = start of tomorrow);
  "last N weeks" / "近N周" = trailing 7·N days; "recent" / "最近" alone = the last 7 days.
- "this week/month/quarter/year" / "本周/本月/本季度/今年": the current unit to date, including today.
- "last week/month/quarter/year" / "上周/上个月/上季度/去年": the previous complete calendar unit.
  Weeks start on Monday.
- Named months, quarters, years and explicit date ranges (end date inclusive) are taken literally; a month or
  quarter named without a year ("September", "9月", "Q4") is the most recent one that has begun.

`Period.previous()` is the comparison period: for complete calendar units the same number of units just
before, for "to date" periods the same elapsed span of the previous unit, otherwise the same number of days
just before. `Period.year_before()` is the same dates a year earlier. A period still in progress when it was
resolved (today, this week, the last 7 days: they include today) remembers that moment (`as_of`), and the
answers compare it through `Period.comparison()`, which cuts the other period at the same elapsed time — today
until 14:00 against yesterday until 14:00, not against all of yesterday.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict

Unit = Literal["day", "week", "month", "quarter", "year", "range"]

EXAMPLE_PHRASES: tuple[str, ...] = (
    "today", "yesterday", "this week", "last week", "this month", "last month", "last three months",
    "past 90 days", "last 7 days", "this quarter", "last quarter", "this year", "last year", "ytd",
    "September 2026", "2026-09", "Q3 2026", "2026-08-01..2026-10-31", "2026-08-01 to 2026-10-31",
    "今天", "昨天", "本周", "上周", "本月", "上个月", "最近三个月", "过去90天", "近一周", "本季度", "上季度",
    "今年", "去年", "2026年9月", "9月",
)


MAX_PHRASE_LENGTH = 200
"""Longer text is no period phrase; it is refused before parsing and never echoed whole."""


class PeriodError(ValueError):
    """A period phrase or timezone that cannot be understood; the message lists what is accepted."""


class InvalidPeriod(PeriodError):
    """A phrase that reads as a period but names none that can be used: a date that does not exist, a range
    that ends before it starts or reaches outside the calendar, zero days."""


class Period(BaseModel):
    """A resolved period: [start, end) in `timezone`, with the phrase it came from and how it was read."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    timezone: str
    phrase: str
    label: str
    convention: str
    unit: Unit
    """How `previous()` steps back: by calendar unit (day, week, month, quarter, year) or by days (range)."""
    count: int
    """Number of `unit`s covered (days for "range")."""
    to_date: bool = False
    """The current unit so far (this week/month/...): compared with the same span of the previous unit."""
    as_of: datetime | None = None
    """The moment a period still in progress was resolved (start <= as_of < end): no data exists after it."""

    @property
    def days(self) -> int:
        return (self.end.date() - self.start.date()).days

    def previous(self) -> Period:
        """The comparison period just before this one (see the module docstring for the rule per kind)."""
        with _within_calendar(self.phrase):
            return self._previous()

    def _previous(self) -> Period:
        zone = ZoneInfo(self.timezone)
        first, stop = self.start.date(), self.end.date()
        phrase = f"before: {self.phrase}"
        if self.to_date:
            unit_start = first - timedelta(weeks=1) if self.unit == "week" \
                else _shift_months(first, -_MONTHS_PER_UNIT[self.unit])
            prev_stop = min(unit_start + (stop - first), first)
            convention = f"the same span of the previous calendar {self.unit}"
            return _make(unit_start, prev_stop, zone, phrase, convention, self.unit, self.count, to_date=True)
        if self.unit in _MONTHS_PER_UNIT:
            prev_start = _shift_months(first, -_MONTHS_PER_UNIT[self.unit] * self.count)
            noun = f"calendar {self.unit}"
            counted = noun if self.count == 1 else _count_words(self.count, noun)
            convention = f"the {counted} before"
            return _make(prev_start, first, zone, phrase, convention, self.unit, self.count)
        days = (stop - first).days
        convention = "the day before" if days == 1 else f"the {_count_words(days, 'day')} before"
        return _make(first - timedelta(days=days), first, zone, phrase, convention, self.unit, self.count)

    def year_before(self) -> Period:
        """The same calendar dates one year earlier, for year-on-year comparison (Feb 29 becomes Feb 28)."""
        with _within_calendar(self.phrase):
            first = _shift_months(self.start.date(), -12)
            stop = _shift_months(self.end.date(), -12)
        return _make(first, stop, ZoneInfo(self.timezone), f"year before: {self.phrase}",
                     "the same dates one year earlier", self.unit, self.count, to_date=self.to_date)

    def comparison(self, against: Literal["previous", "year_before"] = "previous") -> Period:
        """The period to compare with — `previous()` or `year_before()` — cut at the same elapsed time when
        this period is still in progress, so both sides cover as much time (and the same times of day)."""
        other = self.previous() if against == "previous" else self.year_before()
        if self.as_of is None:
            return other
        return other._cut(self.as_of - self.start)

    def _cut(self, elapsed: timedelta) -> Period:
        end = self.start + elapsed
        if end >= self.end:
            return self
        if end.time() == datetime.min.time():
            label = _label(self.start.date(), end.date())
        else:
            label = f"{_label(self.start.date(), end.date() + timedelta(days=1))} (to {end:%H:%M})"
        return self.model_copy(update={"end": end, "label": label})

    def echo(self) -> dict[str, str]:
        """What every answer repeats so the reader knows the exact range."""
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "timezone": self.timezone,
            "label": self.label, "convention": self.convention, "phrase": self.phrase,
        }


def resolve_period(phrase: str, *, now: datetime, tz: str = "UTC") -> Period:
    """Resolve an English or Chinese period phrase at `now` in timezone `tz` (an IANA name)."""
    zone = _zone(tz)
    if not isinstance(phrase, str) or not phrase.strip():
        raise PeriodError(_help("an empty period"))
    if len(phrase) > MAX_PHRASE_LENGTH:
        too_long = f"{phrase[:40]!r}… ({len(phrase):,} characters; at most {MAX_PHRASE_LENGTH})"
        raise PeriodError(_help(too_long))
    local_now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(zone)
    today = local_now.date()
    text = _normalise(phrase)
    with _within_calendar(phrase):
        for parse in _PARSERS:
            found = parse(text, today)
            if found is not None:
                first, stop, convention, unit, count, to_date = found
                if stop <= first:
                    backwards = f"the period {phrase!r} ends before it starts; put the earlier date first"
                    raise InvalidPeriod(backwards)
                period = _make(first, stop, zone, phrase.strip(), convention, unit, count, to_date=to_date)
                if period.start <= local_now < period.end:
                    period = period.model_copy(update={"as_of": local_now})
                return period
    raise PeriodError(_help(repr(phrase)))


@contextmanager
def _within_calendar(phrase: str) -> Iterator[None]:
    """Date arithmetic past year 1 or 9999 becomes a PeriodError naming the phrase."""
    try:
        yield
    except PeriodError:
        raise
    except (OverflowError, ValueError):
        raise InvalidPeriod(f"the period {phrase!r} reaches outside the calendar (years 1 to 9999)") from None


# --- building periods -------------------------------------------------------------------------------

_MONTHS_PER_UNIT = {"month": 1, "quarter": 3, "year": 12}
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Found = tuple[date, date, str, Unit, int, bool]


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PeriodError(
            f"timezone {tz!r} is not an IANA timezone name; use e.g. 'UTC', 'Asia/Shanghai', 'Europe/Berlin'"
        ) from None


def _make(first: date, stop: date, zone: ZoneInfo, phrase: str, convention: str, unit: Unit, count: int,
          *, to_date: bool = False) -> Period:
    return Period(
        start=datetime(first.year, first.month, first.day, tzinfo=zone),
        end=datetime(stop.year, stop.month, stop.day, tzinfo=zone),
        timezone=zone.key, phrase=phrase, label=_label(first, stop), convention=convention,
        unit=unit, count=count, to_date=to_date,
    )


def _label(first: date, stop: date) -> str:
    last = stop - timedelta(days=1)
    if last <= first:
        return f"{_MONTH_ABBR[first.month - 1]} {first.day} {first.year}"
    head = f"{_MONTH_ABBR[first.month - 1]} {first.day}"
    if first.year != last.year:
        head += f" {first.year}"
    return f"{head} – {_MONTH_ABBR[last.month - 1]} {last.day} {last.year}"


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_WORD_FOR = {value: word for word, value in _NUMBER_WORDS.items()}


def _count_words(count: int, unit: str) -> str:
    number = _WORD_FOR.get(count, str(count))
    return f"{number} {unit}" if count == 1 else f"{number} {unit}s"


def _complete_months(today: date, months: int, unit: Unit, count: int) -> Found:
    stop = _quarter_start(today) if unit == "quarter" else _month_start(today)
    first = _shift_months(stop, -months)
    noun = {"month": "calendar month", "quarter": "calendar quarter", "year": "calendar month"}[unit]
    shown = months if unit == "year" else count
    if shown == 1:
        convention = f"the most recent complete {noun}"
    else:
        convention = f"the {_WORD_FOR.get(shown, str(shown))} most recent complete {noun}s"
    if unit == "year":
        unit, count = "month", months
    return first, stop, convention, unit, count, False


def _trailing_days(today: date, days: int, note: str = "") -> Found:
    convention = f"trailing {days} days including today" + note
    return today - timedelta(days=days - 1), today + timedelta(days=1), convention, "range", days, False


def _to_date(today: date, unit: Unit) -> Found:
    first = {
        "week": today - timedelta(days=today.weekday()),
        "month": _month_start(today),
        "quarter": _quarter_start(today),
        "year": date(today.year, 1, 1),
    }[unit]
    convention = f"the current calendar {unit} to date, including today"
    if unit == "week":
        convention = "the current calendar week (Monday start) to date, including today"
    return first, today + timedelta(days=1), convention, unit, 1, True


def _previous_unit(today: date, unit: Unit) -> Found:
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        convention = "the most recent complete calendar week (Monday to Sunday)"
        return monday - timedelta(weeks=1), monday, convention, "week", 1, False
    if unit == "year":
        return (date(today.year - 1, 1, 1), date(today.year, 1, 1), "the previous complete calendar year",
                "year", 1, False)
    return _complete_months(today, _MONTHS_PER_UNIT[unit], unit, 1)


def _one_day(day: date, convention: str) -> Found:
    return day, day + timedelta(days=1), convention, "day", 1, False


def _calendar_month(year: int, month: int) -> Found:
    if not 1 <= month <= 12:
        raise InvalidPeriod(f"month {month} does not exist; months run from 1 to 12")
    first = date(year, month, 1)
    return (first, _shift_months(first, 1), f"the calendar month {_MONTH_ABBR[month - 1]} {year}",
            "month", 1, False)


def _latest_year(today: date, month: int) -> int:
    """The year of the most recent `month` (or quarter starting in it) that has begun: a month named without
    a year is this year's, or last year's while this year's is still ahead ("December", asked in January)."""
    return today.year if month <= today.month else today.year - 1


def _calendar_quarter(year: int, quarter: int) -> Found:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return first, _shift_months(first, 3), f"the calendar quarter Q{quarter} {year}", "quarter", 1, False


def _calendar_year(year: int) -> Found:
    return date(year, 1, 1), date(year + 1, 1, 1), f"the calendar year {year}", "year", 1, False


def _date_range(first: date, last: date) -> Found:
    stop = last + timedelta(days=1)
    return first, stop, "explicit dates, end date inclusive", "range", (stop - first).days, False


def _count_period(today: date, count: int, unit: str) -> Found:
    if count < 1:
        raise InvalidPeriod("a period needs at least one day, week or month")
    if unit == "day":
        return _trailing_days(today, count)
    if unit == "week":
        return _trailing_days(today, 7 * count, f" ({_count_words(count, 'week')})")
    if unit == "month":
        return _complete_months(today, count, "month", count)
    if unit == "quarter":
        return _complete_months(today, 3 * count, "quarter", count)
    return _complete_months(today, 12 * count, "year", count)


# --- English ------------------------------------------------------------------------------------------

_FILLER = re.compile(r"^(?:(?:in|over|for|during|within|from|of)\s+)?(?:the\s+)?")
_MONTH_NAMES = {
    name: index + 1
    for index, names in enumerate((
        ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
        ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
        ("oct", "october"), ("nov", "november"), ("dec", "december"),
    ))
    for name in names
}
_UNIT_WORDS = {
    "d": "day", "day": "day", "days": "day", "w": "week", "wk": "week", "wks": "week", "week": "week",
    "weeks": "week", "mo": "month", "mos": "month", "month": "month", "months": "month", "quarter": "quarter",
    "quarters": "quarter", "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
_THIS = r"(?:this|current|the current)"
_LAST = r"(?:last|previous|prior|the previous|the last)"
_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_RANGE_SEP = r"\s*(?:\.\.|\bto\b|\buntil\b|\bthrough\b|\bthru\b|\band\b|–|—|~|至|到|-)\s*"


def _normalise(phrase: str) -> str:
    text = phrase.strip().lower()
    text = re.sub(r"[?!。？！,，]+$", "", text).strip()
    text = re.sub(r"\s+", " ", text)
    text = _FILLER.sub("", text, count=1)
    text = re.sub(r"^(?:between\s+|从)", "", text)
    return text.strip()


def _english_number(text: str) -> int | None:
    text = text.strip().replace("-", " ")
    if text.isdigit():
        return int(text)
    if text in ("a", "an", "one"):
        return 1
    total = 0
    for word in text.split():
        if word in _NUMBER_WORDS:
            total += _NUMBER_WORDS[word]
        elif word in _TENS_WORDS:
            total += _TENS_WORDS[word]
        elif word == "hundred":
            total = max(total, 1) * 100
        elif word == "and":
            continue
        else:
            return None
    return total or None


def _parse_date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidPeriod(f"{year}-{month}-{day} is not a calendar date") from None


def _english(text: str, today: date) -> Found | None:
    if text in ("today",):
        return _one_day(today, "today, the current calendar day")
    if text in ("yesterday",):
        return _one_day(today - timedelta(days=1), "yesterday, the previous calendar day")
    if text in ("day before yesterday",):
        return _one_day(today - timedelta(days=2), "the day before yesterday")
    if text in ("recent", "recently", "lately", "recent days", "latest", "past week"):
        return _trailing_days(today, 7, ' ("recent" means the last 7 days)' if "week" not in text else "")
    if text in ("wtd", "week to date", "week-to-date"):
        return _to_date(today, "week")
    if text in ("mtd", "month to date", "month-to-date"):
        return _to_date(today, "month")
    if text in ("qtd", "quarter to date", "quarter-to-date"):
        return _to_date(today, "quarter")
    if text in ("ytd", "year to date", "year-to-date"):
        return _to_date(today, "year")
    match = re.fullmatch(rf"{_THIS} (week|month|quarter|year)(?: so far| to date)?", text)
    if match:
        return _to_date(today, cast(Unit, match.group(1)))
    match = re.fullmatch(rf"{_LAST} (week|month|quarter|year)", text)
    if match:
        return _previous_unit(today, cast(Unit, match.group(1)))
    match = re.fullmatch(r"(?:last|past|previous|prior|recent|trailing|the last|the past) ([a-z\- ]+?|\d+) ?"
                         r"(d|days?|w|wks?|weeks?|mos?|months?|quarters?|y|yrs?|years?)", text)
    if match:
        count = _english_number(match.group(1))
        if count is not None:
            return _count_period(today, count, _UNIT_WORDS[match.group(2)])
    if text in ("past month", "past quarter", "past year"):
        return _count_period(today, 1, text.split()[1])
    return None


def _english_calendar(text: str, today: date) -> Found | None:
    match = re.fullmatch(rf"{_DATE}{_RANGE_SEP}{_DATE}", text)
    if match:
        return _date_range(_parse_date(*match.groups()[:3]), _parse_date(*match.groups()[3:]))
    match = re.fullmatch(_DATE, text)
    if match:
        return _one_day(_parse_date(*match.groups()), "the calendar day given")
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
    if match:
        return _calendar_month(int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"([a-z]+)\.?,? ?(\d{4})?", text)
    if match and match.group(1) in _MONTH_NAMES:
        month = _MONTH_NAMES[match.group(1)]
        year = int(match.group(2)) if match.group(2) else _latest_year(today, month)
        return _calendar_month(year, month)
    match = re.fullmatch(r"(\d{4}) ([a-z]+)", text)
    if match and match.group(2) in _MONTH_NAMES:
        return _calendar_month(int(match.group(1)), _MONTH_NAMES[match.group(2)])
    match = re.fullmatch(r"q([1-4])[ -]?(\d{4})?", text) or re.fullmatch(r"(\d{4})[ -]?q([1-4])", text)
    if match:
        groups = match.groups()
        if text.startswith("q"):
            quarter = int(groups[0])
            year = int(groups[1]) if groups[1] else _latest_year(today, 3 * quarter - 2)
            return _calendar_quarter(year, quarter)
        return _calendar_quarter(int(groups[0]), int(groups[1]))
    match = re.fullmatch(r"(?:year )?(\d{4})", text)
    if match:
        return _calendar_year(int(match.group(1)))
    return None


# --- Chinese ------------------------------------------------------------------------------------------

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {
    "天": "day", "日": "day", "周": "week", "星期": "week", "个星期": "week", "礼拜": "week",
    "个礼拜": "week", "个月": "month", "月": "month", "个季度": "quarter", "季度": "quarter", "季": "quarter",
    "年": "year",
}
_ZH_NUMBER = r"[0-9零〇一二两俩三四五六七八九十百]+"
_ZH_UNIT = "|".join(sorted(_ZH_UNITS, key=len, reverse=True))


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _ZH_DIGITS:
            current = _ZH_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def _chinese(text: str, today: date) -> Found | None:
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^(?:查看|看看|看一下|统计)", "", text)
    text = re.sub(r"(?:的|内|以内|之内|期间|的数据|数据|的订单|订单|以来|来)$", "", text)
    if text in ("今天", "今日", "当天"):
        return _one_day(today, "today, the current calendar day")
    if text in ("昨天", "昨日"):
        return _one_day(today - timedelta(days=1), "yesterday, the previous calendar day")
    if text in ("前天",):
        return _one_day(today - timedelta(days=2), "the day before yesterday")
    if text in ("本周", "这周", "这一周", "本星期", "这星期", "这个星期", "本礼拜", "这个礼拜"):
        return _to_date(today, "week")
    if text in ("上周", "上一周", "上星期", "上个星期", "上礼拜", "上个礼拜"):
        return _previous_unit(today, "week")
    if text in ("本月", "这个月", "当月", "这月", "本月至今"):
        return _to_date(today, "month")
    if text in ("上个月", "上月", "上一个月", "上一月"):
        return _previous_unit(today, "month")
    if text in ("本季度", "这个季度", "本季", "当季"):
        return _to_date(today, "quarter")
    if text in ("上季度", "上个季度", "上一季度", "上一个季度", "上季"):
        return _previous_unit(today, "quarter")
    if text in ("今年", "本年", "本年度", "今年以来", "年初至今", "今年至今"):
        return _to_date(today, "year")
    if text in ("去年", "上一年", "上年", "去年全年"):
        return _previous_unit(today, "year")
    if text in ("最近", "近期", "最近几天", "近几天", "这几天"):
        return _trailing_days(today, 7, ' ("最近" alone means the last 7 days)')
    match = re.fullmatch(rf"(?:最近|近|过去|前|最近的|过去的)({_ZH_NUMBER})({_ZH_UNIT})", text)
    if match:
        count = _chinese_number(match.group(1))
        if count is not None:
            return _count_period(today, count, _ZH_UNITS[match.group(2)])
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月份?", text)
    if match:
        return _calendar_month(int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(rf"({_ZH_NUMBER})月份?", text)
    if match:
        month = _chinese_number(match.group(1))
        if month is not None:
            return _calendar_month(_latest_year(today, month), month)
    match = re.fullmatch(r"(\d{4})年(?:第)?([1-4一二三四])季度", text) \
        or re.fullmatch(r"(\d{4})年?q([1-4])", text)
    if match:
        quarter = _chinese_number(match.group(2))
        return _calendar_quarter(int(match.group(1)), quarter or 1)
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]", text)
    if match:
        return _one_day(_parse_date(*match.groups()), "the calendar day given")
    match = re.fullmatch(r"(\d{4})年(?:全年)?", text)
    if match:
        return _calendar_year(int(match.group(1)))
    return None


_PARSERS = (_english, _english_calendar, _chinese)


def _help(what: str) -> str:
    examples = ", ".join(repr(p) for p in EXAMPLE_PHRASES)
    return f"cannot read {what} as a period; try one of: {examples}"
