"""The result of fetching every page (and window) of a listing."""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

ProgressCallback = Callable[[int, int | None], Awaitable[None] | None]
"""Called with (records fetched so far, total expected or None) after each page; may be sync or async."""


@dataclass
class FetchResult:
    records: list[Any]
    total: int | None
    """The number of records the API reported (summed over windows), None when it does not say."""
    complete: bool
    missing: list[str] = field(default_factory=list)
    """Human descriptions of what could not be fetched (empty when complete)."""
    requests: int = 0
    """Page requests made (each counted once; retries of a page are not counted)."""
    windows: int = 1
    notes: list[str] = field(default_factory=list)
    """Where the records came from when not all were fetched live just now (e.g. a local cache and when it
    was filled); meant to be shown with the answer."""


def dedupe(records: Iterable[Any], id_key: str | None) -> list[Any]:
    """Records in order with repeats of the same `id_key` value dropped (first kept).

    Records without the key (or that are not mappings) are all kept.
    """
    if id_key is None:
        return list(records)
    seen: set[Any] = set()
    unique: list[Any] = []
    for record in records:
        key = record.get(id_key) if isinstance(record, dict) else None
        if key is None:
            unique.append(record)
            continue
        marker = key if isinstance(key, str | int | float | bool | tuple) else repr(key)
        if marker in seen:
            continue
        seen.add(marker)
        unique.append(record)
    return unique


def _identity(record: Any) -> str:
    """A record's full content as one comparable value (key order does not matter)."""
    try:
        return json.dumps(record, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):
        return repr(record)


def merge_pages(pages: Iterable[list[Any]], id_key: str | None) -> list[Any]:
    """The records of consecutive pages of one listing, in order, without the repeats page drift causes.

    With `id_key`, a record whose id was already seen is dropped (see `dedupe`). Without one, the same id can
    be real data (a duplicated order number), so only records identical in every field are collapsed, and
    only across pages: a record is kept as many times as it occurs on any single page. (When new records
    push a listing along while it is read, the end of one page comes again at the start of the next.)
    """
    pages = [list(page) for page in pages]
    if id_key is not None:
        return dedupe((record for page in pages for record in page), id_key)
    most: Counter[str] = Counter()
    identities = [[_identity(record) for record in page] for page in pages]
    for page in identities:
        for identity, count in Counter(page).items():
            most[identity] = max(most[identity], count)
    kept: Counter[str] = Counter()
    merged: list[Any] = []
    for page, page_identities in zip(pages, identities, strict=True):
        for record, identity in zip(page, page_identities, strict=True):
            if kept[identity] < most[identity]:
                kept[identity] += 1
                merged.append(record)
    return merged


async def report_progress(callback: ProgressCallback | None, fetched: int, total: int | None) -> None:
    if callback is None:
        return
    outcome = callback(fetched, total)
    if inspect.isawaitable(outcome):
        await outcome
