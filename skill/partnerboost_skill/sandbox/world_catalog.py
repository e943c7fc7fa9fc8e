"""The merchant's catalogue side: datafeed products, creatives, Amazon products, brands, account and plan."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.credentials import SANDBOX_BRAND_ID
from partnerboost_skill.sandbox.world_time import DAY_NS, Calendar

MERCHANT_NAME = "Lumen & Pine"
MERCHANT_MCID = "lumenpine"
MERCHANT_SITE = "https://lumenandpine.com"

_ADJECTIVES = (
    "Cedar",
    "Alpine",
    "Harbor",
    "Juniper",
    "Summit",
    "Willow",
    "Copper",
    "Birch",
    "Meadow",
    "Slate",
    "Aurora",
    "Canyon",
    "Drift",
    "Ember",
    "Fjord",
)
_ITEMS = (  # (item, category, base price in dollars)
    ("Lantern", "Lighting", 39),
    ("String Lights", "Lighting", 29),
    ("Table Lamp", "Lighting", 79),
    ("Camp Chair", "Camping", 69),
    ("Tent 2P", "Camping", 189),
    ("Sleeping Bag", "Camping", 119),
    ("Cast Iron Skillet", "Kitchen", 49),
    ("Pour-Over Set", "Kitchen", 45),
    ("Knife Roll", "Kitchen", 59),
    ("Wool Throw", "Bedding", 89),
    ("Linen Duvet", "Bedding", 149),
    ("Pillow Pair", "Bedding", 65),
    ("Daypack 22L", "Bags", 85),
    ("Duffel 40L", "Bags", 129),
    ("Fleece Jacket", "Apparel", 99),
    ("Merino Beanie", "Apparel", 32),
)


def generate_products(rng: np.random.Generator, calendar: Calendar, count: int = 200) -> pd.DataFrame:
    """The merchant's datafeed; orders take their SKUs from here."""
    combos = [(a, item) for a in _ADJECTIVES for item in _ITEMS]
    chosen = rng.choice(len(combos), size=count, replace=False)
    sku_numbers = np.sort(rng.choice(np.arange(10_000, 99_999), size=count, replace=False))
    rows = []
    for position, combo_index in enumerate(chosen):
        adjective, (item, category, base) = combos[combo_index]
        name = f"{adjective} {item}"
        dollars = max(9, round(base * rng.uniform(0.75, 1.35)))
        price = dollars * 100 - 1
        discounted = rng.random() < 0.3
        sku = f"LP-{sku_numbers[position]}"
        slug = name.lower().replace(" ", "-")
        rows.append(
            {
                "sku": sku,
                "name": name,
                "description": f"{name} by {MERCHANT_NAME}: {category.lower()} made to last.",
                "category": category,
                "brand": MERCHANT_NAME,
                "price_cents": price,
                "old_price_cents": round(price * rng.uniform(1.2, 1.6)) if discounted else 0,
                "currency": "USD",
                "url": f"{MERCHANT_SITE}/products/{slug}-{sku.lower()}",
                "image": f"https://cdn.lumenandpine.com/img/{sku.lower()}.jpg",
                "gtin": f"0{rng.integers(10**11, 10**12)}",
                "mpn": f"{sku}-{category[:3].upper()}",
                "availability": "in stock" if rng.random() < 0.92 else "out of stock",
                "updated_at": calendar.now - pd.Timedelta(seconds=int(rng.integers(3_600, 30 * 86_400))),
            }
        )
    frame = pd.DataFrame(rows)
    frame["price_cents"] = frame["price_cents"].astype(np.int64)
    frame["old_price_cents"] = frame["old_price_cents"].astype(np.int64)
    return frame


def sku_popularity(rng: np.random.Generator, count: int) -> np.ndarray:
    weights = (rng.permutation(count) + 1.0) ** -0.8
    return weights / weights.sum()


def creative_status(start: pd.Series, end: pd.Series, now: pd.Timestamp) -> np.ndarray:
    """Scheduled before start, Active from start until end, Expired from end on."""
    return np.where(start > now, "Scheduled", np.where(end <= now, "Expired", "Active"))


_CREATIVE_THEMES = (
    "Holiday Sale",
    "Spring Camping",
    "Cozy Nights",
    "Kitchen Essentials",
    "Back to Trail",
    "New Arrivals",
    "Summer Clearance",
    "Gift Guide",
    "Weekend Flash Sale",
    "Bundle & Save",
)


_CREATIVE_LABELS = {"IMAGE": "banner 728x90", "TEXT": "text link", "COUPON": "code"}


def generate_creatives(rng: np.random.Generator, calendar: Calendar, count: int = 60) -> pd.DataFrame:
    kinds = rng.choice(["IMAGE", "TEXT", "COUPON"], size=count, p=[0.45, 0.30, 0.25])
    start = calendar.now.floor("D") + pd.to_timedelta(rng.integers(-300, 30, size=count), unit="D")
    end = start + pd.to_timedelta(rng.integers(14, 120, size=count), unit="D")
    rows = []
    for i, kind in enumerate(kinds):
        theme = _CREATIVE_THEMES[i % len(_CREATIVE_THEMES)]
        percent = int(rng.choice([10, 15, 20, 25]))
        code = f"{theme.split()[0].upper()}{percent}"
        rows.append(
            {
                "creative_id": 5_001 + i,
                "type": str(kind),
                "title": f"{theme} {_CREATIVE_LABELS[kind]}",
                "content": f"{theme}: {percent}% off at {MERCHANT_NAME}" if kind != "IMAGE" else "",
                "link": f"{MERCHANT_SITE}/collections/{theme.lower().replace(' ', '-').replace('&', 'and')}",
                "image_url": f"https://cdn.lumenandpine.com/creatives/{5_001 + i}.png"
                if kind == "IMAGE"
                else "",
                "coupon_code": code if kind == "COUPON" else "",
                "privacy": "PUBLIC" if rng.random() < 0.8 else "PRIVATE",
            }
        )
    frame = pd.DataFrame(rows)
    frame["start_time"] = start
    frame["end_time"] = end
    frame["status"] = creative_status(frame["start_time"], frame["end_time"], calendar.now)
    frame["created_at"] = frame["start_time"] - pd.to_timedelta(rng.integers(1, 10, size=count), unit="D")
    return frame


_OTHER_BRANDS = (
    "Brightwell",
    "Kestrel Outdoor",
    "Nordhaven Kitchen",
    "Pebble & Co",
    "Voltix",
    "Auralis Beauty",
    "Trailforge",
    "Snugnest Baby",
    "Greenleaf Pantry",
    "Mistral Cycles",
    "Oakhaus Furniture",
    "Saltwater Swim",
    "Copperline Audio",
    "Fernwood Tea",
    "Quillpress Stationery",
    "Ridgeback Pet",
    "Solstice Skincare",
    "Tidepool Kids",
    "Vantage Optics",
    "Wayfarer Luggage",
    "Zephyr Fitness",
    "Honeycomb Home",
    "Lark & Loom",
    "Marlow Watches",
    "Northstar Coffee",
    "Pinecrest Candles",
    "Riverstone Jewelry",
    "Bramble Garden",
    "Cobalt Gaming",
)
_BRAND_TYPES = ("DTC", "Amazon", "TikTok", "Walmart", "Indirect")
_BRAND_CATEGORIES = (
    "Home & Garden",
    "Outdoor",
    "Kitchen",
    "Beauty",
    "Electronics",
    "Baby",
    "Food",
    "Fashion",
    "Sports",
    "Pets",
)


def generate_brands(rng: np.random.Generator, count: int = 30) -> pd.DataFrame:
    """Brands a publisher can promote (monetization list); the sandbox merchant is the first, joined."""
    names = [MERCHANT_NAME, *_OTHER_BRANDS[: count - 1]]
    n = len(names)
    brand_ids = np.concatenate(
        [[int(SANDBOX_BRAND_ID)], 90_002 + rng.choice(5_000, size=n - 1, replace=False)]
    )
    mcids = [MERCHANT_MCID] + [name.lower().replace(" & ", "").replace(" ", "") for name in names[1:]]
    relationship = rng.choice(
        ["Joined", "Pending", "Rejected", "No Relationship"], size=n, p=[0.4, 0.15, 0.1, 0.35]
    )
    relationship[0] = "Joined"
    brand_type = rng.choice(_BRAND_TYPES, size=n, p=[0.45, 0.25, 0.12, 0.08, 0.10])
    brand_type[0] = "DTC"
    rate = rng.choice([0.05, 0.08, 0.10, 0.12, 0.15, 0.20], size=n)
    rate[0] = 0.08
    return pd.DataFrame(
        {
            "brand_id": brand_ids.astype(np.int64),
            "mcid": mcids,
            "merchant_name": names,
            "brand_type": brand_type.astype(str),
            "approval_type": rng.choice(["Auto", "Manual"], size=n).astype(str),
            "offer_type": rng.choice(["CPS", "CPA", "CPC"], size=n, p=[0.8, 0.12, 0.08]).astype(str),
            "comm_rate": rate,
            "comm_detail": [f"Up to {r:.0%} on all products" for r in rate],
            "site_url": [MERCHANT_SITE] + [f"https://{m}.com" for m in mcids[1:]],
            "logo": [f"https://cdn.partnerboost.example/logos/{m}.png" for m in mcids],
            "categories": rng.choice(_BRAND_CATEGORIES, size=n).astype(str),
            "country": rng.choice(["US", "GB", "DE", "CA"], size=n, p=[0.7, 0.1, 0.1, 0.1]).astype(str),
            "support_region": rng.choice(["US", "US,CA", "Global", "EU"], size=n).astype(str),
            "currency": "USD",
            "avg_payment_cycle": rng.integers(30, 90, size=n).astype(np.int64),
            "avg_payout": np.round(rng.uniform(2, 15, size=n), 2),
            "relationship": relationship.astype(str),
        }
    )


def account_info(calendar: Calendar, balance_cents: int) -> dict[str, Any]:
    return {
        "brand_id": SANDBOX_BRAND_ID,
        "brand_name": MERCHANT_NAME,
        "company_name": "Lumen & Pine Goods Inc.",
        "mcid": MERCHANT_MCID,
        "email": "affiliates@lumenandpine.com",
        "contact_name": "Dana Whitfield",
        "country": "US",
        "timezone": "America/Los_Angeles",
        "website": MERCHANT_SITE,
        "currency": "USD",
        "balance_cents": int(balance_cents),
        "created_at": calendar.start - pd.Timedelta(days=3 * 365 + 40),
    }


def current_plan(calendar: Calendar) -> dict[str, Any]:
    renews = (calendar.now.floor("D") + pd.offsets.MonthBegin(1)).normalize()
    return {
        "name": "Growth",
        "monthly_fee_cents": 49_900,
        "currency": "USD",
        "billing_cycle": "monthly",
        "started_at": calendar.start - pd.Timedelta(days=400),
        "renews_at": renews,
        "limits": {
            "partners": 500,
            "api_requests_per_day": 10_000,
            "creatives": 1_000,
            "datafeed_products": 5_000,
            "team_seats": 5,
        },
        "features": ["partner discovery", "coupon tracking", "datafeed", "api access", "monthly billing"],
    }


def prepayment_day_ns(calendar: Calendar) -> np.ndarray:
    """Top-up times: the 3rd of every month of the window at 09:00 UTC, up to now."""
    months = pd.date_range(calendar.start.floor("D").replace(day=1), calendar.now, freq="MS", tz="UTC")
    times = months.as_unit("ns").asi8 + 2 * DAY_NS + 9 * 3_600 * 10**9
    return times[times <= calendar.now.value]
