"""What records/probe.py learnt about the API (whether time filters include their end second, the zone of
text times), kept in the account's cache so that a new connection — every CLI run, every replica — answers a
warm question without asking the API again. Kept for a week, forgotten after a write and on `refresh`; a zone
set in PARTNERBOOST_API_TIMEZONE always wins over a remembered one."""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.store.backend import CacheBackend, StoreUnavailable

KEY = "api-conventions"
TOOL_NAME = "conventions"
MAX_AGE = timedelta(days=7)


def _zone_text(zone: tzinfo) -> str | int:
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    return int(offset.total_seconds())


def _zone_of(value: object) -> tzinfo | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and -14 * 3600 <= value <= 14 * 3600:
        return timezone(timedelta(seconds=value))
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def learnt(conventions: Conventions) -> dict[str, object]:
    """What probing (or reading records) found, as stored; empty when nothing was found."""
    found: dict[str, object] = {}
    if conventions.end_inclusive is not None:
        found["end_inclusive"] = conventions.end_inclusive
    if conventions.detected is not None and conventions.api_zone is None:
        found["zone"] = _zone_text(conventions.detected)
    return found


def recall(store: CacheBackend, conventions: Conventions, now: int) -> dict[str, object]:
    """Apply what the store remembers (younger than MAX_AGE) to `conventions`; what was applied."""
    try:
        listing = store.listing(KEY)
    except StoreUnavailable:
        return {}
    if listing is None or not listing.intact or now - listing.fetched_at > MAX_AGE.total_seconds():
        return {}
    try:
        stored = json.loads(listing.body)
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    applied: dict[str, object] = {}
    end = stored.get("end_inclusive")
    if isinstance(end, bool) and conventions.end_inclusive is None:
        conventions.end_inclusive = end
        conventions.probed.add("end")
        applied["end_inclusive"] = end
    zone = _zone_of(stored.get("zone"))
    if zone is not None and conventions.api_zone is None and conventions.detected is None:
        conventions.detected = zone
        conventions.probed.add("zone")
        applied["zone"] = stored["zone"]
    return applied


def remember(store: CacheBackend, found: dict[str, object], now: int) -> None:
    """Store `found` (see `learnt`); a store that cannot be written is left as it is."""
    body = json.dumps(found, sort_keys=True).encode()
    with suppress(StoreUnavailable):
        store.save_listing(KEY, TOOL_NAME, range_end=None, fetched_at=now, total=None, body=body)

