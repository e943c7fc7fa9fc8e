"""A merchant's question in English or Chinese → which answer to run, for which period — no model, no key.

    route("上个月账单", now=...)  →  Route(kind="bill", phrase="上个月", lang="zh", ...)

The answer kind comes from keywords (commissions, bill, orders, partners, compare, review); the period is the
longest part of the question that skill.periods can read (two of them for a comparison). Numbers are read
whole: a part of a longer number or of an identifier (order 123456, LP1414573) is never a period, and a bare
number is a year only when it could be one (MIN_YEAR to next year), so "the 1000 biggest orders" names no
period. A phrase that is a period but an unusable one ("last 1000000 days", "2026-02-30") is kept when nothing
else is found, so the answer explains what is wrong with it instead of quietly using the default period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from partnerboost_skill.periods import InvalidPeriod, Period, PeriodError, resolve_period
from partnerboost_skill.questions import DEFAULT_PERIODS
from partnerboost_skill.questions import Name as Kind
from partnerboost_skill.routing_words import ANOMALY, BILL, PARTNERS, classify, hits, only_a_period

Lang = Literal["en", "zh"]
Against = Literal["previous", "year_before"]

MAX_QUESTION = 300
MIN_YEAR = 1900
"""A bare number from MIN_YEAR to next year reads as a year; any other bare number is a count or an id."""


class OffTopic(ValueError):
    """The question is not about the merchant's PartnerBoost program ("what's the weather"): nothing runs."""


_GROUP_BY: list[tuple[str, str]] = [
    (r"\b(?:by|per|each|which) (?:partner |publisher |media )?types?\b", "partner_type"),
    (r"\b(?:partner|publisher|media|affiliate|influencer) types?\b", "partner_type"),
    (r"\bkinds? of (?:partners|publishers|media|affiliates)\b", "partner_type"),
    (r"按(?:合作伙伴|媒体)?类型|哪类|哪种类型|什么类型", "partner_type"),
    (r"\b(?:by|per|each|which) (?:partner|medium|media|publisher|influencer|affiliate)s?\b", "partner"),
    (r"(?:按|每个|哪个|哪些)(?:合作伙伴|媒体|达人|网红|博主|推广者)", "partner"),
    (r"\b(?:by|per|each|which) countr(?:y|ies)\b", "country"),
    (r"(?:按|每个|哪个)国家", "country"),
    (r"\b(?:by|per|each|which) devices?\b", "device"),
    (r"(?:按|每个|哪个)设备", "device"),
    (r"\b(?:by|per|each) month\b|\bmonthly\b", "month"),
    (r"按月|每月|每个月|逐月", "month"),
    (r"\b(?:by|per|each|which) channels?\b", "channel_type"),
]
_YEAR_ON_YEAR = (r"\byoy\b", r"\byear[- ](?:over|on)[- ]year\b", r"\bsame (?:period|time|month) last year\b",
                 "同比", "去年同期")
_AMBIGUOUS_WORDS = {"may", "march", "mar", "jun", "dec", "sat", "sun"}
"""Single English words that are periods only sometimes ("may I see ..."): used only when capitalised and not
the first word of the question."""
_SAFE_SINGLE = {"today", "yesterday", "recent", "recently", "lately", "latest", "mtd", "ytd", "qtd", "wtd"}


@dataclass(frozen=True)
class Route:
    kind: Kind
    phrase: str
    """The period phrase the answer runs with (the question's own words, or the kind's default)."""
    lang: Lang
    group_by: str = "channel_type"
    against: Against = "previous"
    period_given: bool = True
    compare_fallback: bool = False
    """A comparison of two periods that are neither adjacent nor a year apart: the first is compared with the
    period just before it instead (said in the summary)."""
    found_phrases: tuple[str, ...] = field(default_factory=tuple)


def language_of(question: str) -> Lang:
    return "zh" if re.search(r"[\u3400-\u9fff]", question) else "en"


@dataclass(frozen=True)
class _Span:
    start: int
    stop: int
    text: str
    period: Period


def _english_candidates(question: str) -> list[tuple[int, int]]:
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9][\w\-./]*", question)]
    spans = []
    for i in range(len(words)):
        for j in range(i, min(i + 6, len(words))):
            spans.append((words[i][0], words[j][1]))
    return spans


_WORD_CHAR = re.compile(r"[0-9A-Za-z０-９]")


def _cuts_a_word(question: str, start: int, stop: int) -> bool:
    """Whether [start, stop) begins or ends inside a run of Latin letters and digits (a number or an id)."""

    def glued(a: int, b: int) -> bool:
        return a >= 0 and b < len(question) and bool(
            _WORD_CHAR.match(question[a]) and _WORD_CHAR.match(question[b])
        )

    return glued(start - 1, start) or glued(stop - 1, stop)


def _chinese_candidates(question: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[\u3400-\u9fff0-9０-９年月日号第季度周天]+", question):
        start, stop = match.span()
        for i in range(start, stop):
            for j in range(i + 1, min(stop, i + 12) + 1):
                if not _cuts_a_word(question, i, j):
                    spans.append((i, j))
    return spans


def _acceptable(question: str, start: int, stop: int) -> bool:
    text = question[start:stop]
    if " " in text or not text.isascii():
        return True
    low = text.lower()
    if low in _SAFE_SINGLE:
        return True
    if low in _AMBIGUOUS_WORDS:
        return text[0].isupper() and start > 0
    return not low.isalpha() or len(low) > 3 or text[0].isupper()


_BARE_NUMBER = re.compile(r"(?i)(?:(?:in|over|for|during|within|from|of|the)\s+)*(\d+)")


def _plausible(text: str, now: datetime) -> bool:
    """A bare number ("2025", "in 2025", "over 5000") is a period only as a year someone could mean."""
    bare = _BARE_NUMBER.fullmatch(text)
    return bare is None or MIN_YEAR <= int(bare.group(1)) <= now.year + 1


def find_periods(question: str, *, now: datetime, tz: str) -> list[_Span]:
    """Non-overlapping period phrases in the question, longest first when they overlap, in reading order."""
    return _scan(question, now=now, tz=tz)[0]


def _scan(question: str, *, now: datetime, tz: str) -> tuple[list[_Span], list[str]]:
    """The usable period phrases (as find_periods) and the unusable ones that no longer phrase contains."""
    found: list[tuple[int, int, str, Period | None]] = []
    for start, stop in _english_candidates(question) + _chinese_candidates(question):
        text = question[start:stop].strip(" ,.?!")
        if not text or not _acceptable(question, start, stop) or not _plausible(text, now):
            continue
        try:
            found.append((start, stop, text, resolve_period(text, now=now, tz=tz)))
        except InvalidPeriod:
            found.append((start, stop, text, None))
        except PeriodError:
            continue
    found.sort(key=lambda item: (item[0] - item[1], item[0]))
    chosen: list[tuple[int, int, str, Period | None]] = []
    for item in found:
        if all(item[1] <= c[0] or item[0] >= c[1] for c in chosen):
            chosen.append(item)
    usable = [_Span(start, stop, text, period) for start, stop, text, period in chosen if period is not None]
    unusable = [_LEADING_FILLER.sub("", text) for _, _, text, period in chosen if period is None]
    return sorted((_tidy(span, now=now, tz=tz) for span in usable), key=lambda s: s.start), unusable


_LEADING_FILLER = re.compile(r"(?i)^(?:(?:from|in|for|over|during|within|of|since|about)\s+)?(?:the\s+)?")
_TRAILING_FILLER = re.compile(r"(?:的订单|的数据|的账单|订单|数据|的)$")
_LEADING_FILLER_ZH = re.compile(r"^(?:给我)?(?:查看|看看|看一下|统计|看)")


def _tidy(span: _Span, *, now: datetime, tz: str) -> _Span:
    """Drop filler words around the phrase ("from last month" → "last month") when the meaning stays."""
    text = _LEADING_FILLER_ZH.sub("", _LEADING_FILLER.sub("", span.text))
    text = _TRAILING_FILLER.sub("", text).strip()
    if not text or text == span.text:
        return span
    try:
        period = resolve_period(text, now=now, tz=tz)
    except PeriodError:
        return span
    same = (period.start, period.end) == (span.period.start, span.period.end)
    return _Span(span.start, span.stop, text, period) if same else span


def _group_by(text: str, kind: Kind) -> str:
    for pattern, group in _GROUP_BY:
        if re.search(pattern, text):
            return group
    if kind == "review" and hits(text, PARTNERS):
        return "partner"
    return "channel_type"


def route(question: str, *, now: datetime, tz: str = "UTC") -> Route:
    """Understand a question. Raises ValueError for an empty question and OffTopic for one that is not about
    the merchant's program."""
    question = " ".join(question.split())[:MAX_QUESTION]
    if not question:
        raise ValueError("ask needs a question, e.g. 'review the last three months' or '上个月账单'")
    lang = language_of(question)
    text = _ASCII_NEXT_TO_CJK.sub(" ", question.lower())
    spans, unusable = _scan(question, now=now, tz=tz)
    if len(spans) >= 2 and not hits(text, ANOMALY + BILL):
        kind: Kind | None = "compare"
    else:
        bare = bool(spans or unusable) and only_a_period(_without(question, spans, unusable))
        kind = classify(text, period_days=spans[0].period.days if spans else None, bare_period=bare)
    if kind is None:
        raise OffTopic(question)
    group_by = _group_by(text, kind) if kind in ("review", "compare") else "channel_type"
    found = tuple(span.text for span in spans)
    if not spans and unusable:
        named = unusable[0]
        return Route(kind, named, lang, group_by, _against(text), found_phrases=(named,))
    if not spans:
        return Route(kind, DEFAULT_PERIODS[kind], lang, group_by, _against(text), period_given=False)
    if kind != "compare" or len(spans) == 1:
        return Route(kind, spans[0].text, lang, group_by, _against(text), found_phrases=found)
    later, earlier = sorted(spans[:2], key=lambda s: s.period.start, reverse=True)
    if earlier.period.start == later.period.previous().start:
        return Route(kind, later.text, lang, group_by, "previous", found_phrases=found)
    if earlier.period.start == later.period.year_before().start:
        return Route(kind, later.text, lang, group_by, "year_before", found_phrases=found)
    return Route(kind, later.text, lang, group_by, "previous", compare_fallback=True, found_phrases=found)


_ASCII_NEXT_TO_CJK = re.compile(r"(?<=[a-z0-9])(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])(?=[a-z0-9])")
"""Where a space goes so that English words glued to Chinese ("ROI最高") still have word boundaries."""


def _without(question: str, spans: list[_Span], unusable: list[str]) -> str:
    """The question with its period phrases taken out."""
    rest = question
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        rest = rest[:span.start] + " " + rest[span.stop:]
    for phrase in unusable:
        rest = rest.replace(phrase, " ")
    return rest


def _against(text: str) -> Against:
    return "year_before" if hits(text, _YEAR_ON_YEAR) else "previous"
