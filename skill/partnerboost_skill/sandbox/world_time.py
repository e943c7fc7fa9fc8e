"""The world's calendar: UTC days of the window, seasonality and the hour-of-day profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

DAY_NS = 86_400 * 10**9
HOUR_NS = 3_600 * 10**9
MIN_DAYS = 30

# Share of a day's orders per UTC hour: most customers are in the Americas, so evenings there peak.
_HOURLY = np.array(
    [
        7.0,
        7.0,
        6.5,
        5.5,
        4.5,
        3.5,
        2.5,
        2.0,
        1.8,
        1.8,
        2.0,
        2.3,
        2.7,
        3.2,
        3.8,
        4.3,
        4.7,
        5.0,
        5.2,
        5.4,
        5.8,
        6.2,
        6.6,
        6.9,
    ]
)
HOURLY_SHARE = _HOURLY / _HOURLY.sum()
HOURLY_CDF = np.concatenate([[0.0], np.cumsum(HOURLY_SHARE)])
HOURLY_CDF[-1] = 1.0

_WEEKDAY = np.array([0.96, 0.95, 0.97, 1.0, 1.05, 1.1, 1.08])  # Monday first


@dataclass(frozen=True)
class Calendar:
    """`days` UTC calendar days ending with the (partial) day of `now`."""

    now: pd.Timestamp
    days: int

    @classmethod
    def ending_at(cls, now: datetime, days: int) -> Calendar:
        if days < MIN_DAYS:
            raise ValueError(
                f"WorldConfig.days must be at least {MIN_DAYS} (the anomalies need a month of orders and a "
                f"billed month), got {days}"
            )
        stamp = pd.Timestamp(now)
        if stamp.tzinfo is None:
            raise ValueError("now must be timezone-aware (UTC)")
        return cls(now=stamp.tz_convert("UTC"), days=days)

    @property
    def start(self) -> pd.Timestamp:
        return self.now.floor("D") - pd.Timedelta(days=self.days - 1)

    @property
    def day_starts_ns(self) -> np.ndarray:
        return self.start.value + np.arange(self.days, dtype=np.int64) * DAY_NS

    @property
    def day_fraction(self) -> np.ndarray:
        """Share of each day's orders that fall before `now` (1 except for the last, partial day)."""
        fraction = np.ones(self.days)
        elapsed_hours = (self.now - self.now.floor("D")) / pd.Timedelta(hours=1)
        fraction[-1] = cdf_at(elapsed_hours)
        return fraction

    def seasonality(self) -> np.ndarray:
        """Relative daily volume: weekday pattern, a gentle upward trend and a holiday-season lift; mean 1."""
        starts = pd.to_datetime(self.day_starts_ns, utc=True)
        weekday = _WEEKDAY[starts.day_of_week.to_numpy()]
        trend = 1.0 + 0.25 * (np.arange(self.days) / self.days - 0.5)
        month_day = starts.month.to_numpy() * 100 + starts.day.to_numpy()
        holiday = np.where((month_day >= 1125) & (month_day <= 1224), 1.3, 1.0)
        season = weekday * trend * holiday
        return season / season.mean()


def cdf_at(hours: float | np.ndarray) -> np.ndarray:
    """Share of a day's orders placed before `hours` (0–24) past midnight UTC."""
    hours = np.asarray(hours, dtype=float)
    whole = np.clip(np.floor(hours).astype(int), 0, 23)
    return HOURLY_CDF[whole] + (hours - whole) * HOURLY_SHARE[whole]


def time_of_day_ns(quantile: np.ndarray) -> np.ndarray:
    """Inverse of `cdf_at`: nanoseconds past midnight for quantiles in [0, 1)."""
    hour = np.clip(np.searchsorted(HOURLY_CDF, quantile, side="right") - 1, 0, 23)
    within = (quantile - HOURLY_CDF[hour]) / HOURLY_SHARE[hour]
    return ((hour + within) * HOUR_NS).astype(np.int64)
