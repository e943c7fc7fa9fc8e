"""The sandbox merchant's partners: influencers and publishers with groups, sizes and conversion rates."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.world_time import Calendar


@dataclass(frozen=True)
class PartnerGroup:
    group_id: int
    name: str
    rate_bp: int
    """Commission rate in basis points (1000 = 10 %)."""


GROUPS: tuple[PartnerGroup, ...] = (
    PartnerGroup(301, "Standard", 800),
    PartnerGroup(302, "Content Creators", 1000),
    PartnerGroup(303, "Coupon & Deals", 500),
    PartnerGroup(304, "Loyalty & Cashback", 600),
    PartnerGroup(305, "Premium Publishers", 1200),
    PartnerGroup(306, "VIP Influencers", 1500),
    PartnerGroup(307, "Strategic Partners", 2000),
)
COUPON_GROUP_ID = 303

# Group weights by partner type, in GROUPS order.
_INFLUENCER_GROUPS = np.array([0.25, 0.50, 0.0, 0.0, 0.0, 0.25, 0.0])
_PUBLISHER_GROUPS = np.array([0.30, 0.0, 0.25, 0.15, 0.20, 0.0, 0.10])

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "ES", "IT", "NL", "JP")
_COUNTRY_WEIGHTS = np.array([0.40, 0.12, 0.09, 0.07, 0.08, 0.06, 0.04, 0.04, 0.05, 0.05])

STATUS_SHARES = {"pending": 0.07, "refused": 0.05, "terminated": 0.08}

_FIRST_NAMES = (
    "mia",
    "liam",
    "zoe",
    "noah",
    "ava",
    "leo",
    "ella",
    "max",
    "ivy",
    "finn",
    "luna",
    "jake",
    "nora",
    "theo",
    "ruby",
    "owen",
    "chloe",
    "milo",
    "hazel",
    "eli",
    "sofia",
    "jonas",
    "amara",
    "kai",
    "lena",
    "marco",
    "priya",
    "yuki",
    "ines",
    "oscar",
)
_TOPICS = (
    "styles",
    "outdoors",
    "homefinds",
    "cozy.nest",
    "trails",
    "eats",
    "daily",
    "picks",
    "glow",
    "camps",
    "makes",
    "travels",
    "fitlife",
    "decor",
    "gearlab",
    "wanders",
    "kitchen",
    "minimal",
    "family",
    "reviews",
)
_HANDLE_SEPARATORS = (".", "_", "")
_PUBLISHER_ADJECTIVES = (
    "Sunny",
    "Smart",
    "Bright",
    "Thrifty",
    "Savvy",
    "Urban",
    "Happy",
    "Golden",
    "Daily",
    "Clever",
    "Green",
    "Prime",
    "Cozy",
    "Wild",
    "Honest",
    "Little",
    "Modern",
    "Northern",
    "Open",
    "True",
)
_PUBLISHER_TOPICS = (
    "Deals",
    "Savings",
    "Home",
    "Gear",
    "Trail",
    "Kitchen",
    "Coupon",
    "Living",
    "Outdoor",
    "Budget",
    "Family",
    "Style",
    "Tech",
    "Travel",
    "Camping",
)
_PUBLISHER_SUFFIXES = (
    "Blog",
    "Hub",
    "Digest",
    "Review",
    "Journal",
    "Finds",
    "Guide",
    "Club",
    "Corner",
    "Weekly",
)
_APP_SUFFIXES = ("App", "Rewards", "Cashback")


def _influencer_names(rng: np.random.Generator, count: int) -> list[str]:
    firsts = rng.permutation(len(_FIRST_NAMES))
    topics = rng.permutation(len(_TOPICS))
    names: list[str] = []
    for i in range(count):
        first = _FIRST_NAMES[firsts[i % len(firsts)]]
        topic = _TOPICS[topics[(i * 7 + i // len(firsts)) % len(topics)]]
        sep = _HANDLE_SEPARATORS[i % len(_HANDLE_SEPARATORS)]
        names.append(f"@{first}{sep}{topic}")
    return names


def _publisher_names(rng: np.random.Generator, count: int, apps: np.ndarray) -> list[str]:
    adjectives = rng.permutation(len(_PUBLISHER_ADJECTIVES))
    topics = rng.permutation(len(_PUBLISHER_TOPICS))
    names: list[str] = []
    for i in range(count):
        adjective = _PUBLISHER_ADJECTIVES[adjectives[i % len(adjectives)]]
        topic = _PUBLISHER_TOPICS[topics[(i * 3 + i // len(adjectives)) % len(topics)]]
        suffixes = _APP_SUFFIXES if apps[i] else _PUBLISHER_SUFFIXES
        names.append(f"{adjective} {topic} {suffixes[(i // 2) % len(suffixes)]}")
    return names


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._]+", "", name.lower().replace(" ", ""))


def _unique_ints(rng: np.random.Generator, low: int, high: int, count: int) -> np.ndarray:
    return low + rng.choice(high - low, size=count, replace=False)


def _statuses(rng: np.random.Generator, count: int) -> np.ndarray:
    statuses = np.full(count, "joined", dtype=object)
    position = 0
    order = rng.permutation(count)
    for status, share in STATUS_SHARES.items():
        n = max(1, round(share * count))
        statuses[order[position : position + n]] = status
        position += n
    return statuses


def generate_partners(rng: np.random.Generator, n_partners: int, calendar: Calendar) -> pd.DataFrame:
    """Partners with their internal size weight (`weight`, joined/terminated only) and `terminated_at`."""
    if n_partners < 20:
        raise ValueError(f"n_partners must be at least 20, got {n_partners}")
    n = n_partners
    is_influencer = rng.random(n) < 0.45
    is_app = rng.random(n) < 0.15
    channel_type = np.where(is_app, "MOBILE", np.where(is_influencer, "SOCIAL_NETWORK", "WEBSITE"))
    names = np.empty(n, dtype=object)
    names[is_influencer] = _influencer_names(rng, int(is_influencer.sum()))
    names[~is_influencer] = _publisher_names(rng, int((~is_influencer).sum()), is_app[~is_influencer])

    group_index = np.where(
        is_influencer,
        rng.choice(len(GROUPS), size=n, p=_INFLUENCER_GROUPS),
        rng.choice(len(GROUPS), size=n, p=_PUBLISHER_GROUPS),
    )
    rate_bp = np.array([g.rate_bp for g in GROUPS])[group_index]
    country = np.array(COUNTRIES, dtype=object)[rng.choice(len(COUNTRIES), size=n, p=_COUNTRY_WEIGHTS)]
    conversion = np.exp(rng.uniform(np.log(0.005), np.log(0.08), size=n)).round(4)

    status = _statuses(rng, n)
    ordering = (status == "joined") | (status == "terminated")
    # Long tail: Pareto-like weights by a random size rank among the partners that can have orders.
    ranks = np.zeros(n)
    ranks[ordering] = rng.permutation(int(ordering.sum())) + 1
    weight = np.where(ordering, np.maximum(ranks, 1.0) ** -1.05, 0.0)

    start_ns = calendar.start.value
    day_ns = 86_400 * 10**9
    before = rng.random(n) < 0.75
    joined_ns = np.where(
        before,
        start_ns - rng.integers(5, 3 * 365, size=n) * day_ns - rng.integers(0, day_ns, size=n),
        start_ns
        + rng.integers(0, max(calendar.days - 40, 1), size=n) * day_ns
        + rng.integers(0, day_ns, size=n),
    )
    terminated = status == "terminated"
    joined_ns[terminated] = start_ns - rng.integers(30, 2 * 365, size=int(terminated.sum())) * day_ns
    terminated_ns = (
        start_ns
        + rng.integers(60, max(calendar.days - 30, 61), size=n) * day_ns
        + rng.integers(0, day_ns, size=n)
    )
    nat = np.datetime64("NaT", "ns").astype(np.int64)
    joined_ns = np.where(ordering, joined_ns - joined_ns % 10**9, nat)
    terminated_ns = np.where(terminated, terminated_ns - terminated_ns % 10**9, nat)

    slugs = [_slug(str(name)) for name in names]
    website = [
        f"https://www.instagram.com/{slug.lstrip('@')}" if infl else f"https://{slug.replace('_', '')}.com"
        for slug, infl in zip(slugs, is_influencer, strict=True)
    ]
    email = [f"{slug.lstrip('@').replace('_', '.')}@example.com" for slug in slugs]
    medium_digits = _unique_ints(rng, 10_000_000, 99_999_999, n)

    frame = pd.DataFrame(
        {
            "partner_id": np.sort(_unique_ints(rng, 10_000, 99_999, n)).astype(np.int64),
            "channel_id": _unique_ints(rng, 100_000, 999_999, n).astype(np.int64),
            "medium_code": [f"PB{d:08d}" for d in medium_digits],
            "name": names.astype(str),
            "partner_type": np.where(is_influencer, "influencer", "publisher"),
            "channel_type": channel_type,
            "country": country.astype(str),
            "group_id": np.array([g.group_id for g in GROUPS], dtype=np.int64)[group_index],
            "group_name": np.array([g.name for g in GROUPS], dtype=object)[group_index].astype(str),
            "commission_rate": rate_bp / 10_000,
            "conversion_rate": conversion,
            "status": status.astype(str),
            "joined_at": pd.to_datetime(joined_ns, utc=True),
            "email": email,
            "website": website,
            "terminated_at": pd.to_datetime(terminated_ns, utc=True),
            "weight": weight,
            "rate_bp": rate_bp.astype(np.int64),
        }
    )
    for column in (
        "medium_code",
        "name",
        "partner_type",
        "channel_type",
        "country",
        "status",
        "email",
        "website",
    ):
        frame[column] = frame[column].astype("str")
    return frame


def pick_publisher_partner(partners: pd.DataFrame, calendar: Calendar) -> int:
    """A mid-sized joined partner active for the whole window: the sandbox publisher token's owner."""
    eligible = partners[(partners["status"] == "joined") & (partners["joined_at"] < calendar.start)]
    by_size = eligible.sort_values("weight", ascending=False)
    return int(by_size["partner_id"].iloc[min(9, len(by_size) - 1)])
