"""Columns of API values → typed columns, vectorised: each distinct value is converted once.

Money becomes exact int64 cents (skill.parsing.split_money's rules: numbers, decimal strings, thousands
separators, currency signs or codes, `1.234,56`); times become datetime64[ns, UTC] (Unix seconds or
milliseconds, ISO 8601 with an offset, or text without one, read in the zone records/conventions.py
chooses); statuses become new / effective / paid / void, anything else is kept and reported as unknown.
An absent value is missing (reported by the reader), never silently zero; an unreadable one is an error that
names the record, the field and the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.parsing import parse_time, split_money
from partnerboost_skill.records.contracts import STATUS_WORDS
from partnerboost_skill.records.conventions import Conventions, ZoneChoice

_ABSENT = frozenset({"", "-", "--", "—", "null", "none", "nan", "n/a"})
_ABSENT_ID = _ABSENT | {"0"}
_EXACT_FLOAT_LIMIT = 1e11
_NS = 1_000_000_000
_NAT = np.iinfo(np.int64).min
_OFFSET = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2}|[+-]\d{2}|\b(?:UTC|GMT))\s*$")
_NUMERIC_TEXT = re.compile(r"^\s*\d{9,13}(?:\.\d+)?\s*$")


def absent(values: pd.Series, *, ids: bool = False) -> np.ndarray:
    """Which values are missing: None/NaN, or text that means nothing ('', '-', 'null'; '0' for ids)."""
    missing = values.isna().to_numpy().copy()
    if values.dtype == object:
        words = _ABSENT_ID if ids else _ABSENT
        texts = values.to_numpy(dtype=object)
        strings = np.fromiter((isinstance(v, str) for v in texts), dtype=bool, count=len(texts))
        if strings.any():
            lowered = pd.Series(texts[strings]).str.strip().str.lower()
            marked = np.zeros(len(texts), dtype=bool)
            marked[strings] = lowered.isin(words).to_numpy()
            missing |= marked
    elif ids and values.dtype.kind in "iuf":
        missing |= values.to_numpy() == 0
    return missing


def _clean(value: Any, case: str | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable())
    text = text.strip()
    return text.upper() if case == "upper" else text.lower() if case == "lower" else text


def _categorical(values: pd.Series, convert: Callable[[Any], str]) -> pd.Series:
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    labels = np.array([*(convert(value) for value in np.asarray(uniques, dtype=object)), ""], dtype=object)
    codes = np.where(codes < 0, len(labels) - 1, codes)
    unique_labels, inverse = np.unique(labels.astype(str), return_inverse=True)
    categories = pd.Index([str(x) for x in unique_labels])
    return pd.Series(pd.Categorical.from_codes(inverse[codes].astype(np.int32), categories))


def blank(n: int) -> pd.Series:
    return pd.Series(pd.Categorical([""] * n)) if n else pd.Series([], dtype=str)


def label(values: pd.Series | None, n: int, *, case: str | None = None) -> pd.Series:
    """Optional text with few distinct values: absent → '', stripped, control characters removed."""
    if values is None:
        return blank(n)
    return _categorical(values, lambda value: _clean(value, case))


def ids(values: pd.Series | None, n: int) -> pd.Series:
    """Identifiers as text ('123', 'PB00012345'); 0, '' and absent become ''; 12.0 becomes '12'."""
    if values is None:
        return blank(n)

    def convert(value: Any) -> str:
        text = _clean(value, None)
        return "" if text.lower() in _ABSENT_ID else text

    return _categorical(values, convert)


def _is_absent_text(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and value.strip().lower() in _ABSENT)
    )


def text(values: pd.Series | None, n: int) -> pd.Series:
    """High-cardinality optional text (customer ids): absent → '', control characters removed."""
    if values is None:
        return pd.Series([""] * n, dtype=str)
    raw = values.to_numpy(dtype=object)
    out = np.array(
        ["" if _is_absent_text(v) else (v if isinstance(v, str) else _clean(v, None)) for v in raw],
        dtype=object,
    )
    printable = np.fromiter((s.isprintable() for s in out), dtype=bool, count=len(out))
    if not printable.all():
        out[~printable] = [_clean(s, None) for s in out[~printable]]
    return pd.Series(out, dtype=str)


@dataclass
class Money:
    cents: np.ndarray
    """int64 cents; 0 where missing or unreadable."""
    missing: np.ndarray
    """Absent, or present but unreadable (then also in `unreadable`)."""
    currency: np.ndarray
    """The currency a value names itself ('USD 12.00', '£5'), '' where none."""
    unreadable: np.ndarray
    example: str | None = None
    """One unreadable value, for the report."""


def money(values: pd.Series) -> Money:
    """Money values → exact cents. Plain numbers and two-decimal strings take a vectorised path; every other
    form is parsed once per distinct value."""
    n = len(values)
    missing = absent(values)
    currency = np.full(n, "", dtype=object)
    unreadable = np.zeros(n, dtype=bool)
    if values.dtype.kind in "iu":
        return Money(values.to_numpy(dtype=np.int64) * 100, missing, currency, unreadable)
    floats = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    scaled = floats * 100.0
    rounded = np.rint(scaled)
    exact = np.isfinite(scaled) & (np.abs(scaled - rounded) < 1e-6) & (np.abs(floats) < _EXACT_FLOAT_LIMIT)
    cents = np.where(exact & ~missing, rounded, 0.0).astype(np.int64)
    slow = np.flatnonzero(~exact & ~missing)
    if len(slow):
        originals = values.to_numpy(dtype=object)[slow]
        codes, uniques = pd.factorize(pd.Series(originals, dtype=object))
        distinct = [u for u in np.asarray(uniques, dtype=object)]
        comma_decimal = _writes_decimal_comma(distinct)
        parsed: list[tuple[int, str, bool]] = []
        example = None
        for value in distinct:
            try:
                amount, named = split_money(value, comma_decimal=comma_decimal)
            except ValueError:
                parsed.append((0, "", False))
                example = example or str(value)[:40]
                continue
            assert amount is not None
            cents_of = int((amount * 100).to_integral_value(rounding="ROUND_HALF_UP"))
            parsed.append((cents_of, named or "", True))
        table_cents = np.array([p[0] for p in parsed], dtype=np.int64)
        table_currency = np.array([p[1] for p in parsed], dtype=object)
        table_ok = np.array([p[2] for p in parsed], dtype=bool)
        cents[slow] = table_cents[codes]
        currency[slow] = table_currency[codes]
        unreadable[slow] = ~table_ok[codes]
        missing |= unreadable
        return Money(cents, missing, currency, unreadable, example)
    return Money(cents, missing, currency, unreadable)


def _writes_decimal_comma(values: list[Any]) -> bool:
    """Whether a column writes decimals with a comma: some value says so unambiguously ('1.234,56',
    '12,50')."""
    for value in values:
        if not isinstance(value, str):
            continue
        digits = re.sub(r"[^\d.,]", "", value)
        dot, comma = digits.rfind("."), digits.rfind(",")
        if comma > dot >= 0:
            return True
        if dot < 0 and comma >= 0 and digits.count(",") == 1 and len(digits) - comma - 1 in (1, 2):
            return True
    return False


@dataclass
class Times:
    values: pd.Series
    """datetime64[ns, UTC]; NaT where missing."""
    missing: np.ndarray
    """Absent, or present but unreadable (then also in `unreadable`)."""
    unreadable: np.ndarray
    zone: ZoneChoice | None
    """The zone text times without an offset were read in (None when there were none)."""
    example: str | None = None


def times(
    values: pd.Series,
    *,
    conventions: Conventions | None = None,
    window: tuple[float, float] | None = None,
) -> Times:
    """Times → UTC. Text without an offset is read in the zone `conventions` chooses for this `window`."""
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        converted = values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").reset_index(drop=True)
        missing_times = converted.isna().to_numpy()
        return Times(converted, missing_times, np.zeros(len(values), dtype=bool), None)
    missing = absent(values)
    nanos = np.full(n, _NAT, dtype=np.int64)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    numeric = np.isfinite(numbers) & (numbers > 0) & ~missing
    seconds = np.where(numbers >= 1e12, numbers / 1000.0, numbers)
    nanos[numeric] = np.rint(seconds[numeric] * 1e6).astype(np.int64) * 1000
    zero = np.isfinite(numbers) & (numbers == 0)
    missing |= zero
    rest = np.flatnonzero(~numeric & ~missing)
    zone = None
    unreadable = np.zeros(n, dtype=bool)
    example: str | None = None
    if len(rest):
        texts = pd.Series(values.to_numpy(dtype=object)[rest], dtype=object).astype(str).str.strip()
        has_offset = texts.str.contains(_OFFSET).to_numpy()
        aware = rest[has_offset]
        if len(aware):
            parsed = pd.to_datetime(texts[has_offset], utc=True, errors="coerce", format="ISO8601")
            nanos[aware] = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        naive = rest[~has_offset]
        if len(naive):
            local = pd.to_datetime(texts[~has_offset], errors="coerce", format="mixed", dayfirst=False)
            local_ns = local.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            known = local_ns != _NAT
            if known.any():
                zone = (conventions or Conventions()).zone_for(local_ns[known] / _NS, window)
                zoned = pd.DatetimeIndex(local[known]).tz_localize(
                    zone.zone, ambiguous="NaT", nonexistent="shift_forward"
                )
                nanos[naive[known]] = zoned.tz_convert("UTC").as_unit("ns").asi8
        unread = rest[nanos[rest] == _NAT]
        for position in unread:
            original = values.iloc[int(position)]
            try:
                moment = parse_time(original, zone.zone if zone else "UTC")
            except ValueError:
                unreadable[position] = True
                example = example or str(original)[:40]
                continue
            if moment is None:
                missing[position] = True
            else:
                nanos[position] = pd.Timestamp(moment).value
    missing |= unreadable
    converted = pd.Series(pd.to_datetime(nanos, utc=True)).astype("datetime64[ns, UTC]")
    return Times(converted, missing, unreadable, zone, example)


@dataclass
class Counts:
    values: np.ndarray
    """int64; 0 where absent or unreadable."""
    unreadable: int = 0
    example: str | None = None


def counts(values: pd.Series | None, n: int) -> Counts:
    if values is None:
        return Counts(np.zeros(n, dtype=np.int64))
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    retry = pd.to_numeric(values.astype(str).str.replace(",", "", regex=False), errors="coerce")
    numbers = np.where(np.isnan(numbers), retry.to_numpy(dtype=np.float64, na_value=np.nan), numbers)
    bad = np.isnan(numbers) & ~absent(values)
    example = str(values.iloc[int(np.flatnonzero(bad)[0])])[:40] if bad.any() else None
    return Counts(np.nan_to_num(numbers, nan=0.0).round().astype(np.int64), int(bad.sum()), example)


def flags(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    codes, uniques = pd.factorize(values.reset_index(drop=True), use_na_sentinel=True)
    truth = np.array([_truthy(value) for value in uniques] + [False], dtype=bool)
    return truth[np.where(codes < 0, len(truth) - 1, codes)]


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "new", "paid"}
    try:
        return bool(value) and not (isinstance(value, float) and np.isnan(value))
    except (TypeError, ValueError):
        return False


def rates(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    texts = values.astype(str).str.strip()
    percent = texts.str.endswith("%").to_numpy()
    numbers = pd.to_numeric(texts.str.rstrip("%"), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return np.where(percent | (numbers > 1), numbers / 100.0, numbers)


def months(values: pd.Series) -> pd.Series:
    texts = values.astype(str).str.strip().reset_index(drop=True)
    parsed = pd.to_datetime(texts, errors="coerce", format="mixed")
    return texts.where(~parsed.notna(), parsed.dt.strftime("%Y-%m")).astype(str)


def dates(values: pd.Series) -> pd.Series:
    """Calendar dates (text or Unix times) → 'YYYY-MM-DD' ('' when absent or unreadable)."""
    missing = absent(values)
    numbers = pd.to_numeric(values, errors="coerce")
    from_unix = pd.to_datetime(numbers.where(numbers > 1e8), unit="s", utc=True, errors="coerce")
    texts = values.astype(str).str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(texts.where(numbers.isna()), errors="coerce", format="mixed")
    combined = from_unix.dt.strftime("%Y-%m-%d").where(from_unix.notna(), parsed.dt.strftime("%Y-%m-%d"))
    return combined.where(~pd.Series(missing, index=combined.index) & combined.notna(), "").astype(str)


def statuses(
    values: pd.Series, label_values: pd.Series | None, paid: np.ndarray | None
) -> tuple[pd.Series, list[str]]:
    """Statuses as new / effective / paid / void (a status label beside a numeric code is read instead of the
    code; a paid flag turns an approved order paid); (statuses, the values no word maps, lower case)."""
    source = values
    if label_values is not None:
        source = label_values.where(~pd.Series(absent(label_values), index=label_values.index), values)
    lowered = label(source, len(source), case="lower")
    words = [str(category).replace(" ", "_").replace("-", "_") for category in lowered.cat.categories]
    mapped = [STATUS_WORDS.get(word, word) for word in words]
    unknown = sorted(
        {
            word
            for word, canon in zip(words, mapped, strict=True)
            if canon == word and word not in STATUS_WORDS and word
        }
    )
    codes, uniques = pd.factorize(pd.Series(mapped, dtype=object))
    canonical = np.asarray(uniques, dtype=object)[codes[lowered.cat.codes.to_numpy()]]
    if paid is not None and paid.any():
        canonical = np.where(paid & (canonical == "effective"), "paid", canonical)
    return _categorical(pd.Series(canonical, dtype=object), str), unknown


def describe_format(values: pd.Series, kind: str) -> str:
    """How a column writes its values, in words that name no value (for `doctor --data`)."""
    present = values[~absent(values)]
    if present.empty:
        return "always empty"
    sample = present.iloc[:200]
    texts = [value for value in sample.tolist() if isinstance(value, str)]
    if kind == "time":
        if not texts:
            numbers = pd.to_numeric(sample, errors="coerce")
            return "Unix milliseconds" if (numbers >= 1e12).any() else "Unix seconds (numbers)"
        if all(_NUMERIC_TEXT.match(text) for text in texts):
            return "Unix seconds as text"
        if any(_OFFSET.search(text) for text in texts):
            return "ISO 8601 text with an offset"
        return "text without a time zone"
    if kind == "money":
        if not texts:
            return "numbers"
        if any(re.search(r"[^\d.,\s+\-()]", text) for text in texts):
            return "text with a currency sign or code"
        return "decimal text with a comma" if _writes_decimal_comma(texts) else "decimal text"
    return "numbers" if not texts else "text"
