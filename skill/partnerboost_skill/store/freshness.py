"""When cached data can be trusted, and the sentence an answer carries about where its data came from.

Orders change for a while after they are placed (new → effective → paid, or void). Data older than the settle
window (default 90 days) is taken as final: it is fetched once more after it has settled, then served from the
cache. Everything newer is checked against PartnerBoost on every question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DAY_SECONDS = 86_400
DEFAULT_SETTLE_DAYS = 90


@dataclass(frozen=True)
class SettlePolicy:
    settle: timedelta = timedelta(days=DEFAULT_SETTLE_DAYS)

    def __post_init__(self) -> None:
        if self.settle < timedelta(0):
            raise ValueError(f"the settle window must not be negative, got {self.settle}")

    @property
    def seconds(self) -> int:
        return int(self.settle.total_seconds())

    def cutoff(self, now: int) -> int:
        """Data ending at or before this moment (Unix seconds) has settled."""
        return now - self.seconds

    def is_final(self, range_end: int, fetched_at: int, now: int) -> bool:
        """A copy of data ending at `range_end` can be served: the data has settled and was fetched after it
        settled (a copy taken while it could still change is fetched once more)."""
        return range_end <= self.cutoff(now) and range_end <= self.cutoff(fetched_at)


def day_of(seconds: int) -> int:
    return seconds // DAY_SECONDS


def day_start(day: int) -> int:
    return day * DAY_SECONDS


def day_label(day: int) -> str:
    moment = datetime.fromtimestamp(day_start(day), UTC)
    return f"{moment:%b} {moment.day} {moment:%Y}"


def days_label(first: int, last: int) -> str:
    if first == last:
        return day_label(first)
    start, end = datetime.fromtimestamp(day_start(first), UTC), datetime.fromtimestamp(day_start(last), UTC)
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day} {end:%Y}"
    return f"{day_label(first)} – {day_label(last)}"


def moment_label(seconds: int) -> str:
    return f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%d %H:%M} UTC"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
