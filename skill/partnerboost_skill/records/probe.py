"""Conventions the records cannot tell, asked of the API itself with a few tiny queries, once per connection.

- The zone of text times without an offset, when the records of a window fit several offsets (a quiet
  account's orders sit far from the window's edges): the newest order's text time T is looked for at
  T − offset, one candidate offset after another, in a two-second window; the offset whose window holds
  that order is the zone's.
- Whether time filters include their end second: the same order is asked for with start = end = its own
  second. An inclusive API returns it, an exclusive one cannot. Performance rows, bills and order
  statistics are aggregated by the API, so their end bound must be right (orders are cut locally).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

import anyio
import numpy as np
import pandas as pd

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.records.contracts import ORDERS
from partnerboost_skill.records.conventions import Conventions, ZoneChoice, _offset_at
from partnerboost_skill.records.mapping import flatten, map_fields
from partnerboost_skill.records.values import times
from partnerboost_tools.merchant import MerchantListTransactions

if TYPE_CHECKING:
    from partnerboost_skill.records.source import Source

_LOCK_ATTRIBUTE = "_probe_lock"
_SAMPLE = 5
_COMMON_OFFSETS = (
    8,
    0,
    -5,
    -8,
    -7,
    -6,
    -4,
    1,
    2,
    9,
    3,
    5.5,
    10,
    7,
    -3,
    11,
    12,
    6,
    4,
    5,
    -9,
    -10,
    13,
    14,
    -1,
    -2,
    -11,
    -12,
    9.5,
    5.75,
    6.5,
    4.5,
    3.5,
    10.5,
    8.75,
    12.75,
)
"""Whole hours (and the half and quarter hours in use), most-used merchant zones first."""


def _lock(conventions: Conventions) -> anyio.Lock:
    lock = getattr(conventions, _LOCK_ATTRIBUTE, None)
    if lock is None:
        lock = anyio.Lock()
        setattr(conventions, _LOCK_ATTRIBUTE, lock)
    return lock


async def settle(source: Source, *, zone: bool = False, end: bool = False) -> None:
    """Ask the API what `source.conventions` does not know yet (zone of text times, end bound)."""
    conventions = source.conventions
    if not _needs(conventions, zone, end):
        return
    async with _lock(conventions):
        if not _needs(conventions, zone, end):
            return
        try:
            await _probe(source, conventions, zone=zone, end=end)
        except PartnerBoostError:
            pass  # the answer goes on with what is known; its notes say how times were read
        finally:
            conventions.probed.update(name for name, wanted in (("zone", zone), ("end", end)) if wanted)


def _needs(conventions: Conventions, zone: bool, end: bool) -> bool:
    zone_open = (
        conventions.api_zone is None and conventions.detected is None and "zone" not in conventions.probed
    )
    end_open = conventions.end_inclusive is None and "end" not in conventions.probed
    return (zone and zone_open) or (end and end_open)


async def _orders(source: Source, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
    """The newest orders (one small page), or every order placed from `start` to `end`."""
    if start is None or end is None:
        return _first_page(await source.call(MerchantListTransactions(page_num=1, page_size=_SAMPLE)))
    result = await source.fetch_all(
        MerchantListTransactions(trans_time_start=start, trans_time_end=end, page_size=20), allow_partial=True
    )
    return [record for record in result.records if isinstance(record, dict)]


def _first_page(data: Any) -> list[dict[str, Any]]:
    rows = data.get("list") if isinstance(data, dict) else data
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _ids_and_times(records: list[dict[str, Any]], conventions: Conventions) -> tuple[list[str], list[Any]]:
    raw = flatten(records)
    if raw.empty:
        return [], []
    mapping = map_fields(raw, ORDERS, conventions.fields.get("orders"))
    id_key, time_key = mapping.keys.get("order_id"), mapping.keys.get("time")
    if id_key is None or time_key is None:
        return [], []
    return [str(value) for value in raw[id_key].tolist()], raw[time_key].tolist()


async def _probe(source: Source, conventions: Conventions, *, zone: bool, end: bool) -> None:
    ids, values = _ids_and_times(await _orders(source, None, None), conventions)
    if not ids:
        return
    order_id, value = ids[0], values[0]
    read = times(pd.Series(np.asarray([value], dtype=object)), conventions=Conventions(api_zone=UTC))
    if read.missing[0]:
        return
    moment = read.values.iloc[0].to_pydatetime()
    if read.zone is not None:  # a text time without an offset: moment is T read as UTC
        found = await _zone_offset(source, conventions, order_id, moment) if zone or end else None
        if found is None:
            return
        conventions.detected = _zone_for(conventions, found, moment)
        conventions.choices.append(ZoneChoice(conventions.detected, "detected"))
        moment -= timedelta(seconds=found)
    if end and conventions.end_inclusive is None:
        second = moment.replace(microsecond=0)
        ids_at, _ = _ids_and_times(await _orders(source, second, second), conventions)
        conventions.end_inclusive = order_id in ids_at


async def _zone_offset(
    source: Source, conventions: Conventions, order_id: str, naive: datetime
) -> int | None:
    """The offset (seconds) that places the order at its text time, tried in order of likelihood."""
    tried: list[int] = []
    if conventions.account_zone is not None:
        tried.append(_offset_at(conventions.account_zone, naive.timestamp()))
    for choice in conventions.choices:
        tried.extend(choice.candidates)
    tried.extend(int(hours * 3600) for hours in _COMMON_OFFSETS)
    for offset in dict.fromkeys(tried):
        at = naive - timedelta(seconds=offset)
        ids, _ = _ids_and_times(
            await _orders(source, at - timedelta(seconds=1), at + timedelta(seconds=1)), conventions
        )
        if order_id in ids:
            return offset
    return None


def _zone_for(conventions: Conventions, offset: int, naive: datetime) -> tzinfo:
    account = conventions.account_zone
    if account is not None and _offset_at(account, naive.timestamp() - offset) == offset:
        return account
    return timezone(timedelta(seconds=offset))
