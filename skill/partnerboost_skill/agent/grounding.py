"""Grounded numbers: every figure in the agent's answer must appear in what the tools returned.

    evidence = Evidence()
    evidence.add("sales USD 605,789.73, conversion 0.0132")      # every tool result the model saw
    ungrounded(answer_text, evidence)                              # figures the data does not contain

A figure matches a number of the evidence after rounding and formatting: "605,790", "605.8k", "60.58万" and
"$605,789.73" all match 605789.73; "1.32%" matches 1.32 or the ratio 0.0132; signs are ignored ("down 6.3%"
matches -6.3). The precision is the figure's own: "605,790" allows ±0.5, "606,000" ±500 (trailing zeros of a
number of three or more digits count as rounding, keeping two significant digits).

Not figures: dates and times (2026-10-01, 14:00, 2026年10月, 10月1日), years (1900–2100 written bare), list
markers ("1. "), identifiers and ordinals glued to letters (LP1418533, Q3, 3rd) and bare whole numbers up to
SMALL_COUNT ("the top 2 partners").
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SMALL_COUNT = 10
"""Bare whole numbers up to this are counts and ranks in prose ("top 2", "3 partners"), not checked."""
MARK = "⚠"
"""Put right after a figure that the data does not contain."""

_MULTIPLIERS: dict[str, Decimal] = {
    "k": Decimal(1000), "K": Decimal(1000), "m": Decimal(10) ** 6, "M": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6, "bn": Decimal(10) ** 9, "B": Decimal(10) ** 9,
    "万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(1000), "百万": Decimal(10) ** 6,
}
_NUMBER = re.compile(
    r"(?P<sign>[+\-−–]?)\s?(?P<currency>[$¥￥€£]|US\$|HK\$)?\s?"
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<exponent>[eE][+\-]?\d+)?"
    r"(?:\s?(?P<suffix>%|％|百万|万|亿|千|bn|mn|[kKmMB](?![A-Za-z])|x(?![A-Za-z])|×|倍))?"
)
_DATE_TIME = re.compile(
    r"(?<![\d,.])(?:(?:19|20)\d{2}[-/]\d{1,2}(?:[-/]\d{1,2})?|(?:19|20)\d{2}\.\d{1,2}\.\d{1,2})(?!\d)"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+\-]\d{2}:?\d{2})?)?"
    r"|(?<![\d,.])\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
    r"|\d{4}\s?年(?:\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?[日号])?)?"
    r"|\d{1,2}\s?月(?:\s?\d{1,2}\s?[日号])?"
    r"|\d{1,2}\s?[日号](?![元])"
)
_LIST_MARKER = re.compile(r"^(\s*)\d{1,3}[.)、](?=\s)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_]")


@dataclass(frozen=True)
class Figure:
    """One number as written in the text, with the values it may stand for and their tolerance."""

    text: str
    start: int
    end: int
    candidates: tuple[tuple[Decimal, Decimal], ...]
    """(absolute value, tolerance) pairs: a percentage has two (as written, and as a ratio)."""


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _tolerance(digits: str, fraction: str | None) -> Decimal:
    if fraction:
        decimals = len(fraction) - 1
        return Decimal(5) * Decimal(10) ** -(decimals + 1)
    plain = digits.replace(",", "")
    zeros = len(plain) - len(plain.rstrip("0"))
    if len(plain) >= 3 and zeros:
        return Decimal(5) * Decimal(10) ** (min(zeros, len(plain) - 2) - 1)
    return Decimal("0.5")


def _masked(text: str) -> str:
    """`text` with dates, times and list markers blanked out (same length, so positions stay)."""
    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    text = _DATE_TIME.sub(blank, text)
    return _LIST_MARKER.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)


def _glued(text: str, match: re.Match[str]) -> bool:
    """A number that is part of a word or identifier (LP1418533, Q3, 3rd, v2.1, page_2)."""
    start = match.start("digits")
    if start > 0 and not match.group("currency") and (_WORD.match(text[start - 1]) or text[start - 1] == "#"):
        return True
    if match.group("sign") == "" and start > 1 and text[start - 1] == "." and text[start - 2].isdigit():
        return True
    end = match.end()
    return end < len(text) and bool(_WORD.match(text[end])) and not match.group("suffix")


def figures(text: str) -> list[Figure]:
    """The figures in `text` that must be grounded (see the module docstring for what is not a figure)."""
    masked = _masked(text)
    found: list[Figure] = []
    for match in _NUMBER.finditer(masked):
        if not match.group("digits") or _glued(masked, match) or match.group("exponent"):
            continue
        digits, fraction, suffix = match.group("digits"), match.group("fraction"), match.group("suffix") or ""
        number = _decimal(digits.replace(",", "") + (fraction or ""))
        if number is None:
            continue
        plain = not (fraction or suffix or match.group("currency") or "," in digits)
        if plain and (number <= SMALL_COUNT or 1900 <= number <= 2100):
            continue
        tolerance = _tolerance(digits, fraction)
        multiplier = _MULTIPLIERS.get(suffix, Decimal(1))
        candidates = [(number * multiplier, tolerance * multiplier)]
        if suffix in ("%", "％"):
            candidates.append((number / 100, tolerance / 100))
        start = match.start("currency") if match.group("currency") else match.start("digits")
        found.append(Figure(text[start:match.end()].strip(), start, match.end(), tuple(candidates)))
    return found


class Evidence:
    """Every number the model was shown in this conversation (tool results, the user's own words)."""

    def __init__(self) -> None:
        self._values: list[Decimal] = []
        self._sorted = True

    def __len__(self) -> int:
        return len(self._values)

    def add(self, text: str) -> None:
        for match in _NUMBER.finditer(text):
            number = _decimal(match.group("digits").replace(",", "") + (match.group("fraction") or "")
                              + (match.group("exponent") or ""))
            if number is None:
                continue
            self._values.append(abs(number))
            multiplier = _MULTIPLIERS.get(match.group("suffix") or "")
            if multiplier is not None:
                self._values.append(abs(number * multiplier))
        self._sorted = False

    def add_json(self, value: Any) -> None:
        """Numbers anywhere in a JSON-like value: numbers, and numbers written inside strings."""
        self.add(json.dumps(value, ensure_ascii=False, default=str))

    def extend(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)

    def holds(self, figure: Figure) -> bool:
        if not self._sorted:
            self._values.sort()
            self._sorted = True
        for value, tolerance in figure.candidates:
            slack = tolerance * Decimal("1.000001")
            index = bisect.bisect_left(self._values, abs(value) - slack)
            if index < len(self._values) and self._values[index] <= abs(value) + slack:
                return True
        return False


def ungrounded(text: str, evidence: Evidence) -> list[Figure]:
    """The figures in `text` that no number of the evidence accounts for, in reading order."""
    return [figure for figure in figures(text) if not evidence.holds(figure)]


def mark(text: str, flagged: Iterable[Figure]) -> str:
    """`text` with MARK right after each flagged figure."""
    out, last = [], 0
    for figure in sorted(flagged, key=lambda f: f.start):
        out.append(text[last:figure.end])
        out.append(MARK)
        last = figure.end
    out.append(text[last:])
    return "".join(out)
