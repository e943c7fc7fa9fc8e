"""Splitting a query longer than an action's documented maximum span into windows, and pacing requests.

Windows are consecutive and do not overlap: each window but the last ends one unit (a second, or a day for
date-only parameters) before the next starts, because the API's end parameters include their end. Every window
spans at most `max_span`, so none is rejected.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import anyio

from partnerboost_skill.api.params import get_param, with_params
from partnerboost_skill.parsing import parse_time
from partnerboost_tools.base import Action

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

RATE_PERIOD_SECONDS = 61.0
"""A minute plus a second of margin: our timestamps and the server's differ by the network delay."""

_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{8})$")
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


class RateLimiter:
    """At most `limit` requests in any `period` seconds, waiting (with the injectable sleep) when needed.

    It keeps the times of the last `limit` requests (a sliding window): unlike a refilling token bucket, a
    burst followed by steady traffic can never put more than `limit` requests into one minute.
    """

    def __init__(self, limit: int, period: float = RATE_PERIOD_SECONDS, *, clock: Clock = time.time,
                 sleep: Sleep = anyio.sleep) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self._lock: anyio.Lock | None = None
        self.waited = 0.0
        """Total seconds spent waiting (for tests and benchmarks)."""

    async def acquire(self) -> None:
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            while True:
                now = self._clock()
                while self._times and self._times[0] <= now - self.period:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                wait = self._times[0] + self.period - now
                self.waited += wait
                await self._sleep(wait)


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return parse_time(value)
    except ValueError:
        return None


def _unit(action: Action, param: str) -> timedelta:
    """The resolution of a time parameter as sent: a day for date-only formats, else a second."""
    sent = action.to_wire().get(param)
    return DAY if isinstance(sent, str) and _DATE_ONLY.match(sent) else SECOND


def _utc_midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def split_windows(action: Action) -> list[Action]:
    """The action itself when it fits its window (or has none, or an open range); else one copy per window.

    Date-only ranges count both end days (1 to 3 January is three days); second-resolution ranges count
    end minus start (00:00:00 to 01:00:00 is one hour).
    """
    window = type(action).window
    pair = range_in_use(action)
    if window is None or pair is None:
        return [action]
    start_param, end_param = pair
    start = _as_datetime(get_param(action, start_param))
    end = _as_datetime(get_param(action, end_param))
    if start is None or end is None or end < start:
        return [action]
    unit = _unit(action, start_param)
    if unit == DAY:
        start, end = _utc_midnight(start), _utc_midnight(end)
    inclusive_extra = unit if unit == DAY else timedelta(0)
    step = unit * (window.max_span // unit)
    if step < unit:
        raise ValueError(f"{action.tool_name}: max_span {window.max_span} is shorter than one {unit}")

    pieces: list[Action] = []
    window_start = start
    while end - window_start + inclusive_extra > window.max_span:
        next_start = window_start + step
        pieces.append(with_params(action, {start_param: window_start, end_param: next_start - unit}))
        window_start = next_start
    if not pieces:
        return [action]
    pieces.append(with_params(action, {start_param: window_start, end_param: end}))
    return pieces


def range_in_use(action: Action) -> tuple[str, str] | None:
    """The (start, end) parameters of the action's limited range that this query sets (both), if any."""
    window = type(action).window
    if window is None:
        return None
    for start_param, end_param in window.ranges():
        if get_param(action, start_param) is not None and get_param(action, end_param) is not None:
            return start_param, end_param
    return None
