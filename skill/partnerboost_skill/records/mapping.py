"""Which API field each contract field is read from.

Records are flattened first (nested objects become dotted paths: `publisher.site.id`). A field name matches
a record key when both are equal once lower-cased and stripped of punctuation (`saleAmount` = `sale_amount` =
`sale-amount`; `publisher.id` = `publisher_id`), or when the key's last two path segments match (`site.id` in
`publisher.site.id`), or when its last segment does and no other key ends the same way (`metrics.clicks`).
Names are tried in the contract's order; a key serves one field only. A `[fields]` table overrides all this.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from partnerboost_skill.records.contracts import Contract, Field

_SEPARATORS = re.compile(r"[^0-9a-z]")
_GENERIC = frozenset(
    {
        "id",
        "name",
        "type",
        "code",
        "amount",
        "value",
        "currency",
        "rate",
        "date",
        "time",
        "status",
        "start",
        "end",
        "new",
        "count",
        "label",
        "text",
        "key",
    }
)
"""Last path segments too common to identify a field on their own (`customer.id` is not the order id)."""
SAMPLE = 50


def normal(name: str) -> str:
    return _SEPARATORS.sub("", name.lower())


@dataclass
class FieldMap:
    """column → the record key it is read from; what nobody reads."""

    keys: dict[str, str] = field(default_factory=dict)
    fills: dict[str, list[str]] = field(default_factory=dict)
    """column → further keys that fill its gaps: records of one batch that name the field differently (each
    key present exactly where the others are not)."""
    configured: set[str] = field(default_factory=set)
    unmapped: list[str] = field(default_factory=list)


def flatten(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Records as a frame with one column per (dotted) key; nested objects are expanded only when present."""
    if not records:
        return pd.DataFrame()
    probe = (records[0], records[len(records) // 2], records[-1])
    if any(isinstance(value, dict) for record in probe for value in record.values()):
        return pd.json_normalize([dict(record) for record in records], sep=".")
    return pd.DataFrame.from_records(list(records))


def _forms(key: str) -> tuple[str, str | None, str | None]:
    """(the whole key, its last two segments, its last segment) in normal form; None where there is none."""
    segments = key.split(".")
    whole = normal(key)
    two = normal("".join(segments[-2:])) if len(segments) >= 3 else None
    last = normal(segments[-1]) if len(segments) >= 2 else None
    return whole, two, last


def _samples(frame: pd.DataFrame, key: str) -> list[str]:
    values = frame[key].dropna()
    return [str(value).strip() for value in values.iloc[:SAMPLE].tolist()]


def map_fields(
    frame: pd.DataFrame, contract: Contract, overrides: Mapping[str, str] | None = None
) -> FieldMap:
    """Choose a record key for every contract field that has one."""
    result = FieldMap()
    keys = [str(column) for column in frame.columns]
    forms = {key: _forms(key) for key in keys}
    last_counts = Counter(form[2] or form[0] for form in forms.values())
    claimed: set[str] = set()
    wanted = {normal(column): column for column in keys}
    for column, name in (overrides or {}).items():
        key = wanted.get(normal(name))
        if key is not None and any(f.column == column for f in contract.fields):
            result.keys[column] = key
            result.configured.add(column)
            claimed.add(key)

    def usable(candidate: Field, key: str) -> bool:
        if key in claimed:
            return False
        return candidate.accepts is None or candidate.accepts(_samples(frame, key))

    for candidate in contract.fields:
        if candidate.column in result.keys:
            continue
        found = _choose(candidate, keys, forms, last_counts, partial(usable, candidate))
        if not found:
            continue
        result.keys[candidate.column] = found[0]
        claimed.add(found[0])
        present = frame[found[0]].notna().to_numpy().copy()
        for other in found[1:]:
            there = frame[other].notna().to_numpy()
            if other not in claimed and not (present & there).any():
                result.fills.setdefault(candidate.column, []).append(other)
                claimed.add(other)
                present |= there
    read_elsewhere = {normal(name) for name in contract.unread}
    result.unmapped = [
        key
        for key in keys
        if key not in claimed
        and normal(key) not in read_elsewhere
        and normal(key.split(".")[0]) not in read_elsewhere
    ]
    return result


def _choose(
    candidate: Field,
    keys: list[str],
    forms: dict[str, tuple[str, str | None, str | None]],
    last_counts: Counter[str],
    usable: Callable[[str], bool],
) -> list[str]:
    """The keys that can be this field, best first: whole-key matches in the contract's order of names, then
    last-two-segment matches, then unique last-segment matches."""
    names = [normal(name) for name in candidate.names]
    found: list[str] = []

    def add(key: str) -> None:
        if key not in found and usable(key):
            found.append(key)

    for name in names:
        for key in keys:
            if forms[key][0] == name:
                add(key)
    for name in names:
        for key in keys:
            if forms[key][1] == name:
                add(key)
    for name in names:
        if name in _GENERIC:
            continue
        for key in keys:
            last = forms[key][2]
            if last == name and last_counts[last] == 1:
                add(key)
    return found
