"""The sandbox's Amazon side: partnered brands, products (with ACC campaigns) and the daily ASIN report."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.world_time import Calendar

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
