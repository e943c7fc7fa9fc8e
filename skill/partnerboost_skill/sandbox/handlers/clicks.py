"""Individual clicks, synthesised on demand from the world's daily click counts.

A (day, partner) row with `c` clicks has clicks k = 0..c-1 at second `(k·86400 + phase) // c` of the day,
so the clicks inside any time window are found arithmetically and only the requested page is ever built. A
click's id encodes (day, partner row, k), which makes look-ups by id or pbtid exact without storing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.handlers.orderbook import PartnerTable

DAY = 86_400
_ROW_SPAN = 100_000
_K_SPAN = 1_000_000
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
PBTID_PREFIX = "pb_"


def _ceil_div(a: np.ndarray, b: int) -> np.ndarray:
    return -((-a) // b)


def _base36(number: int) -> str:
    digits = []
    while True:
        number, rest = divmod(number, 36)
        digits.append(_BASE36[rest])
        if number == 0:
            return "".join(reversed(digits))


@dataclass(frozen=True)
class Click:
    click_id: int
    time: int
    """Unix seconds."""
    partner_row: int
    day: int

    @property
    def pbtid(self) -> str:
        return PBTID_PREFIX + _base36(self.click_id)


@dataclass(frozen=True)
class ClickWindow:
    """The clicks of a time window: per daily row, the click ordinals [k_lo, k_hi) inside it."""

    rows: np.ndarray
    k_lo: np.ndarray
    k_hi: np.ndarray
    ends: np.ndarray
    """Cumulative click counts (ends[i] = clicks in rows[:i+1])."""

    @property
    def total(self) -> int:
        return int(self.ends[-1]) if len(self.ends) else 0


class ClickTable:
    """Daily click counts per partner, sorted by (day, partner row)."""

    def __init__(self, clicks_daily: pd.DataFrame, partners: PartnerTable) -> None:
        if len(partners.partner_id) >= _ROW_SPAN:
            raise ValueError("the click id scheme supports fewer than 100,000 partners")
        self.partners = partners
        frame = clicks_daily[clicks_daily["clicks"] > 0]
        dates = pd.to_datetime(frame["date"], utc=True)
        day = (
            dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
            if len(frame)
            else np.zeros(0, np.int64)
        )
        rows = partners.rows_of(frame["partner_id"].to_numpy(dtype=np.int64), "clicks_daily")
        order = np.lexsort((rows, day))
        self.day = day[order]
        self.partner_row = rows[order]
        self.count = np.minimum(frame["clicks"].to_numpy(dtype=np.int64)[order], _K_SPAN - 1)
        self.phase = (self.day * 7_919 + self.partners.partner_id[self.partner_row] * 104_729) % DAY

    def daily_rows(self, first_day: int, last_day: int) -> tuple[int, int]:
        """Index range of the rows whose day lies in [first_day, last_day]."""
        lo = int(np.searchsorted(self.day, first_day, side="left"))
        hi = int(np.searchsorted(self.day, last_day, side="right"))
        return lo, max(lo, hi)

    def window(self, start: int, end: int, partner_mask: np.ndarray | None = None) -> ClickWindow:
        """Clicks with start <= time <= end (Unix seconds), optionally only partners in `partner_mask`."""
        lo, hi = self.daily_rows(start // DAY, end // DAY)
        index = np.arange(lo, hi, dtype=np.int64)
        if partner_mask is not None:
            index = index[partner_mask[self.partner_row[index]]]
        day_start = self.day[index] * DAY
        count = self.count[index]
        phase = self.phase[index]
        first = np.clip(start - day_start, 0, DAY)
        last = np.clip(end - day_start, -1, DAY - 1)
        k_lo = np.clip(_ceil_div(first * count - phase, DAY), 0, count)
        k_hi = np.clip(_ceil_div((last + 1) * count - phase, DAY), 0, count)
        k_hi = np.maximum(k_hi, k_lo)
        return ClickWindow(rows=index, k_lo=k_lo, k_hi=k_hi, ends=np.cumsum(k_hi - k_lo))

    def slice(self, window: ClickWindow, offset: int, limit: int) -> list[Click]:
        """Clicks number offset .. offset+limit-1 of the window, in (day, partner, time) order."""
        if offset >= window.total or limit <= 0:
            return []
        clicks: list[Click] = []
        position = int(np.searchsorted(window.ends, offset, side="right"))
        before = int(window.ends[position - 1]) if position else 0
        k = int(window.k_lo[position]) + (offset - before)
        while len(clicks) < limit and position < len(window.rows):
            if k >= int(window.k_hi[position]):
                position += 1
                if position < len(window.rows):
                    k = int(window.k_lo[position])
                continue
            clicks.append(self._click(int(window.rows[position]), k))
            k += 1
        return clicks

    def _click(self, index: int, k: int) -> Click:
        day = int(self.day[index])
        count = int(self.count[index])
        row = int(self.partner_row[index])
        second = (k * DAY + int(self.phase[index])) // count
        click_id = (day * _ROW_SPAN + row) * _K_SPAN + k
        return Click(click_id=click_id, time=day * DAY + second, partner_row=row, day=day)

    def find(self, click_id: int) -> Click | None:
        if click_id < 0:
            return None
        rest, k = divmod(click_id, _K_SPAN)
        day, row = divmod(rest, _ROW_SPAN)
        lo, hi = self.daily_rows(day, day)
        matches = np.flatnonzero(self.partner_row[lo:hi] == row)
        if not len(matches):
            return None
        index = lo + int(matches[0])
        if k >= int(self.count[index]):
            return None
        return self._click(index, k)

    def find_pbtid(self, pbtid: str) -> Click | None:
        text = pbtid.strip().lower()
        if not text.startswith(PBTID_PREFIX):
            return None
        try:
            return self.find(int(text[len(PBTID_PREFIX) :], 36))
        except ValueError:
            return None

    def counts(self, window: ClickWindow) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(day, partner_row, clicks inside the window) per daily row of `window`."""
        return self.day[window.rows], self.partner_row[window.rows], window.k_hi - window.k_lo
