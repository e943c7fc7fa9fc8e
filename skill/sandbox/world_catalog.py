"""The merchant's catalogue side: datafeed products, creatives, Amazon products, brands, account and plan."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
import pandas as pd

from skill.sandbox.credentials import SANDBOX_BRAND_ID
from skill.sandbox.world_time import DAY_NS, Calendar

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


_AMAZON_BRANDS = (
    "Lumen & Pine",
    "Brightwell",
    "Kestrel Outdoor",
    "Nordhaven Kitchen",
    "Pebble & Co",
    "Voltix",
    "Auralis Beauty",
    "Trailforge",
    "Snugnest Baby",
    "Greenleaf Pantry",
)
_AMAZON_NOUNS = (
    "Headlamp",
    "Water Bottle",
    "Phone Stand",
    "Face Serum",
    "Chef Knife",
    "Baby Monitor",
    "Trail Shoes",
    "Protein Bars",
    "Yoga Mat",
    "Desk Lamp",
    "Cooler Bag",
    "Hair Dryer",
)
_MARKETPLACES = (
    ("US", "USD", "www.amazon.com"),
    ("UK", "GBP", "www.amazon.co.uk"),
    ("DE", "EUR", "www.amazon.de"),
    ("CA", "CAD", "www.amazon.ca"),
)


def generate_amazon_brands(rng: np.random.Generator) -> pd.DataFrame:
    ids = 2_001 + np.arange(len(_AMAZON_BRANDS))
    return pd.DataFrame(
        {
            "brand_id": ids.astype(np.int64),
            "brand_name": list(_AMAZON_BRANDS),
            "amazon_store_url": [
                f"https://www.amazon.com/stores/{name.replace(' & ', '').replace(' ', '')}/page/{bid:08X}"
                for name, bid in zip(_AMAZON_BRANDS, ids * 7_919, strict=True)
            ],
            "joined": rng.random(len(ids)) < 0.8,
        }
    )


def _asins(rng: np.random.Generator, count: int) -> list[str]:
    alphabet = np.array(list(string.ascii_uppercase + string.digits))
    letters = alphabet[rng.integers(0, len(alphabet), size=(count * 2, 8))]
    unique = list(dict.fromkeys("B0" + "".join(row) for row in letters))
    return unique[:count]


def generate_amazon_products(
    rng: np.random.Generator, brands: pd.DataFrame, calendar: Calendar, count: int = 300
) -> pd.DataFrame:
    brand_index = rng.integers(0, len(brands), size=count)
    market = rng.choice(len(_MARKETPLACES), size=count, p=[0.7, 0.1, 0.1, 0.1])
    original = np.round(np.exp(rng.normal(np.log(3_500), 0.6, size=count))).astype(np.int64)
    discount_pct = np.where(rng.random(count) < 0.4, rng.integers(5, 40, size=count), 0)
    has_acc = rng.random(count) < 0.25
    acc_start = calendar.now.floor("D") - pd.to_timedelta(rng.integers(0, 60, size=count), unit="D")
    budget = rng.integers(50, 500, size=count) * 1_000
    asins = _asins(rng, count)
    frame = pd.DataFrame(
        {
            "product_id": 300_001 + np.arange(count, dtype=np.int64),
            "asin": asins,
            "product_name": [
                f"{brands['brand_name'].iloc[b]} {_AMAZON_NOUNS[i % len(_AMAZON_NOUNS)]} "
                f"{chr(65 + i % 26)}{i % 9 + 1}"
                for i, b in enumerate(brand_index)
            ],
            "brand_id": brands["brand_id"].to_numpy()[brand_index],
            "brand_name": brands["brand_name"].to_numpy()[brand_index].astype(str),
            "category": [_AMAZON_NOUNS[i % len(_AMAZON_NOUNS)] for i in range(count)],
            "country_code": [_MARKETPLACES[m][0] for m in market],
            "currency": [_MARKETPLACES[m][1] for m in market],
            "original_price_cents": original,
            "discount_price_cents": np.round(original * (100 - discount_pct) / 100).astype(np.int64),
            "discount_pct": discount_pct.astype(np.int64),
            "commission_rate": rng.choice([0.05, 0.08, 0.10, 0.12, 0.15, 0.20], size=count),
            "availability": np.where(rng.random(count) < 0.93, "In Stock", "Out of Stock"),
            "rating": np.round(rng.uniform(3.4, 5.0, size=count), 1),
            "reviews": rng.integers(0, 25_000, size=count).astype(np.int64),
            "image": [f"https://m.media-amazon.com/images/I/{a}.jpg" for a in asins],
            "url": [f"https://{_MARKETPLACES[m][2]}/dp/{a}" for m, a in zip(market, asins, strict=True)],
            "has_promo_code": rng.random(count) < 0.15,
            "is_associates": rng.random(count) < 0.4,
            "has_acc": has_acc,
            "acc_campaign_id": np.where(has_acc, 70_000 + np.arange(count), 0).astype(np.int64),
            "acc_commission_rate": np.where(has_acc, rng.choice([0.10, 0.15, 0.20, 0.25], size=count), 0.0),
            "acc_start_date": acc_start.where(has_acc),
            "acc_end_date": (acc_start + pd.Timedelta(days=90)).where(has_acc),
            "acc_budget_cents": np.where(has_acc, budget, 0).astype(np.int64),
            "acc_spend_cents": np.where(
                has_acc, np.round(budget * rng.uniform(0, 0.9, size=count)), 0
            ).astype(np.int64),
            "created_at": calendar.now
            - pd.to_timedelta(rng.integers(3_600, 200 * 86_400, size=count), unit="s"),
        }
    )
    return frame


def generate_amazon_report(
    rng: np.random.Generator, products: pd.DataFrame, brands: pd.DataFrame, calendar: Calendar
) -> pd.DataFrame:
    """Daily clicks, units, sales and estimated commission per tracked ASIN of a joined brand."""
    joined_brands = set(brands.loc[brands["joined"], "brand_id"])
    tracked = products[products["brand_id"].isin(joined_brands)]
    tracked = tracked[rng.random(len(tracked)) < 0.5]
    base_clicks = np.exp(rng.normal(np.log(12), 0.9, size=len(tracked)))
    expected = base_clicks[:, None] * calendar.seasonality()[None, :] * calendar.day_fraction[None, :]
    clicks = rng.poisson(expected)
    quantity = rng.binomial(clicks, 0.08)
    product_idx, day_idx = np.nonzero(clicks)
    price = tracked["discount_price_cents"].to_numpy()[product_idx]
    sales = quantity[product_idx, day_idx] * price
    rate_bp = np.round(tracked["commission_rate"].to_numpy() * 10_000).astype(np.int64)[product_idx]
    return pd.DataFrame(
        {
            "date": pd.to_datetime(calendar.day_starts_ns[day_idx], utc=True),
            "asin": tracked["asin"].to_numpy()[product_idx].astype(str),
            "brand_id": tracked["brand_id"].to_numpy()[product_idx],
            "marketplace": tracked["country_code"].to_numpy()[product_idx].astype(str),
            "currency": tracked["currency"].to_numpy()[product_idx].astype(str),
            "clicks": clicks[product_idx, day_idx].astype(np.int64),
            "quantity": quantity[product_idx, day_idx].astype(np.int64),
            "sales_cents": sales.astype(np.int64),
            "est_commission_cents": (sales * rate_bp + 5_000) // 10_000,
        }
    ).sort_values(["date", "asin"], ignore_index=True)


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
            "site_url": [f"https://{m}.com" for m in mcids],
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
