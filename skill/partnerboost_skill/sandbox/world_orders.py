"""Ordinary orders and daily clicks, generated column-wise with numpy (no per-order Python loops).

Orders live as a dict of equal-length numpy arrays (`OrderColumns`) until the world is assembled, so the
anomaly injection can append and edit cheaply. Text columns are kept as small integer codes into the tables
below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.world_partners import COUPON_GROUP_ID
from partnerboost_skill.sandbox.world_time import DAY_NS, Calendar, time_of_day_ns

OrderColumns = dict[str, np.ndarray]

CURRENCIES = ("USD", "EUR", "GBP")
_CURRENCY_SHARES = np.array([0.85, 0.10, 0.05])
MEDIAN_AMOUNT_CENTS = np.array([6_500, 5_900, 5_200])
"""The log-normal median per currency (CURRENCIES order)."""
AMOUNT_SIGMA = 0.55
AMOUNT_Z_LIMIT = 2.3
"""Ordinary amounts stay within exp(±0.55·2.3) ≈ 3.5× of the median, far below the 10× outlier factor."""

DEVICES = ("mobile", "pc", "-", "admin")
_DEVICE_SHARES = np.array([0.58, 0.38, 0.03, 0.01])
ADMIN_DEVICE = 3
TRANS_TYPES = ("normal", "bonus", "manually_added")
VOID_REASONS = ("", "returned", "cancelled", "payment failed", "fraud suspected")
FRAUD_REASON = 4
_VOID_REASON_SHARES = np.array([0.60, 0.33, 0.05, 0.02])
VOID_SHARE = 0.065
GENERIC_COUPONS = ("WELCOME10", "FREESHIP", "SAVE15", "SPRING20", "HOLIDAY25")
_QUANTITY_SHARES = np.array([0.72, 0.19, 0.06, 0.03])
UID_BASE = 1_000_000
"""Ordinary customer ids are `C` + a 7-digit number from UID_BASE up; injected customers use 9,xxx,xxx."""


def partner_coupon_codes(partners: pd.DataFrame) -> list[str]:
    """Each partner's own code, e.g. '@mia.styles' in the 15 % group → 'MIA15'."""
    codes = []
    for name, rate in zip(partners["name"], partners["commission_rate"], strict=True):
        word = "".join(
            ch for ch in str(name).lstrip("@").split(" ")[0].split(".")[0].split("_")[0] if ch.isalnum()
        )
        codes.append(f"{word.upper()[:8]}{max(10, round(rate * 100))}")
    return codes


def daily_expectation(partners: pd.DataFrame, calendar: Calendar, orders_per_day: float) -> np.ndarray:
    """Expected orders per partner (rows) per day (columns)."""
    day_starts = calendar.day_starts_ns
    joined = partners["joined_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    terminated = partners["terminated_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    nat = np.iinfo(np.int64).min
    active = (joined[:, None] != nat) & (day_starts[None, :] >= joined[:, None])
    active &= (terminated[:, None] == nat) | (day_starts[None, :] + DAY_NS <= terminated[:, None])
    weights = partners["weight"].to_numpy()[:, None] * active
    share = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-12)
    per_day = orders_per_day * calendar.seasonality() * calendar.day_fraction
    return share * per_day[None, :]


def generate_orders(
    rng: np.random.Generator,
    partners: pd.DataFrame,
    calendar: Calendar,
    orders_per_day: float,
    sku_popularity: np.ndarray,
) -> tuple[OrderColumns, pd.DataFrame]:
    """Ordinary orders (not yet sorted, no ids or lifecycle) and the clicks_daily frame."""
    expected = daily_expectation(partners, calendar, orders_per_day)
    conversion = partners["conversion_rate"].to_numpy()
    clicks = rng.poisson(expected / conversion[:, None])
    counts = rng.binomial(clicks, conversion[:, None])

    partner_idx, day_idx = np.nonzero(counts)
    repeats = counts[partner_idx, day_idx]
    partner_idx = np.repeat(partner_idx, repeats)
    day_idx = np.repeat(day_idx, repeats)
    n = len(partner_idx)

    quantile = rng.random(n) * calendar.day_fraction[day_idx]
    times = calendar.day_starts_ns[day_idx] + time_of_day_ns(quantile)
    times = np.minimum(times - times % 10**9, calendar.now.value - 10**9)

    currency = rng.choice(len(CURRENCIES), size=n, p=_CURRENCY_SHARES)
    columns: OrderColumns = {
        "order_time_ns": times.astype(np.int64),
        "partner_idx": partner_idx.astype(np.int32),
        "currency": currency.astype(np.int8),
        "amount_cents": ordinary_amounts(rng, currency),
        "quantity": (rng.choice(len(_QUANTITY_SHARES), size=n, p=_QUANTITY_SHARES) + 1).astype(np.int64),
        "sku": rng.choice(len(sku_popularity), size=n, p=sku_popularity).astype(np.int32),
        "coupon": _coupons(rng, partners, partner_idx),
        "device": rng.choice(len(DEVICES), size=n, p=_DEVICE_SHARES).astype(np.int8),
        "uid": (UID_BASE + rng.integers(0, max(2_000, int(n * 0.7)), size=n)).astype(np.int64),
        "void_reason": _void_reasons(rng, n),
        "commission_bp": np.zeros(n, dtype=np.int64),
        "tag": np.full(n, -1, dtype=np.int32),
    }
    columns["trans_type"] = np.where(columns["device"] == ADMIN_DEVICE, 2, 0).astype(np.int8)
    cap_partner_week_voids(columns)

    active_pairs = np.nonzero(expected > 0)
    clicks_daily = pd.DataFrame(
        {
            "date": pd.to_datetime(calendar.day_starts_ns[active_pairs[1]], utc=True),
            "partner_id": partners["partner_id"].to_numpy()[active_pairs[0]],
            "clicks": clicks[active_pairs].astype(np.int64),
        }
    )
    return columns, clicks_daily.sort_values(["date", "partner_id"], ignore_index=True)


def ordinary_amounts(rng: np.random.Generator, currency: np.ndarray) -> np.ndarray:
    z = rng.normal(size=len(currency))
    z = np.where(np.abs(z) > AMOUNT_Z_LIMIT, rng.uniform(-AMOUNT_Z_LIMIT, AMOUNT_Z_LIMIT, size=len(z)), z)
    return np.round(MEDIAN_AMOUNT_CENTS[currency] * np.exp(AMOUNT_SIGMA * z)).astype(np.int64)


def _coupons(rng: np.random.Generator, partners: pd.DataFrame, partner_idx: np.ndarray) -> np.ndarray:
    """Index into coupon_table(partners): a partner's own code, a generic code, or none (the last entry)."""
    n_partners = len(partners)
    coupon_group = (partners["group_id"] == COUPON_GROUP_ID).to_numpy()
    influencer = (partners["partner_type"] == "influencer").to_numpy()
    usage = np.where(coupon_group, 0.6, np.where(influencer, 0.35, 0.08))[partner_idx]
    used = rng.random(len(partner_idx)) < usage
    own = rng.random(len(partner_idx)) < 0.7
    generic = n_partners + rng.integers(0, len(GENERIC_COUPONS), size=len(partner_idx))
    none = n_partners + len(GENERIC_COUPONS)
    return np.where(used, np.where(own, partner_idx, generic), none).astype(np.int32)


def coupon_table(partners: pd.DataFrame) -> np.ndarray:
    return np.array([*partner_coupon_codes(partners), *GENERIC_COUPONS, ""], dtype=object)


def _void_reasons(rng: np.random.Generator, n: int) -> np.ndarray:
    void = rng.random(n) < VOID_SHARE
    reason = rng.choice(len(_VOID_REASON_SHARES), size=n, p=_VOID_REASON_SHARES) + 1
    return np.where(void, reason, 0).astype(np.int8)


def week_index(times_ns: np.ndarray) -> np.ndarray:
    """Weeks since the Monday 1970-01-05, so weeks run Monday 00:00 to Sunday 24:00 UTC."""
    return (times_ns - 4 * DAY_NS) // (7 * DAY_NS)


def cap_partner_week_voids(columns: OrderColumns, max_share: float = 0.25, min_orders: int = 2) -> None:
    """Un-void ordinary voids where chance alone pushed a partner-week's void share high.

    Keeps ordinary data clearly apart from the injected void spikes (which exceed 40 %).
    """
    key = columns["partner_idx"].astype(np.int64) * 100_000 + week_index(columns["order_time_ns"])
    _, inverse = np.unique(key, return_inverse=True)
    void = columns["void_reason"] > 0
    totals = np.bincount(inverse)
    voids = np.bincount(inverse, weights=void)
    noisy = (totals >= min_orders) & (voids > max_share * totals)
    columns["void_reason"][noisy[inverse] & void] = 0
