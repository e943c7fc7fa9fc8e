"""Amazon publisher API handlers (POST <amazon base>/<op>): products, links, brands and the conversion report.

Lists answer `{"list": [...], "has_more": bool}` and never a total, as the API does.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from partnerboost_skill.sandbox.handlers.money import cents_text
from partnerboost_skill.sandbox.handlers.records import string_keyed, unix_seconds
from partnerboost_skill.sandbox.handlers.registry import RequestContext, handles, page_bounds
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_tools.amazon import (
    AmazonAccProducts,
    AmazonAssociatesProducts,
    AmazonCheckLinks,
    AmazonLinksFromAsins,
    AmazonLinksFromProducts,
    AmazonListBrands,
    AmazonReport,
    AmazonSearchProducts,
    AmazonStorefrontLinks,
)

DEFAULT_PAGE_SIZE = 20
DEFAULT_REPORT_DAYS = 30
PB_LINK_BASE = "https://pboost.sandbox.partnerboost.local"
_SORTS = {
    "price_asc": ("discount_price_cents", True),
    "price_desc": ("discount_price_cents", False),
    "commission_desc": ("commission_rate", False),
    "discount_desc": ("discount_pct", False),
    "rating_desc": ("rating", False),
    "reviews_desc": ("reviews", False),
    "newest": ("created_at", False),
}


def has_more_page(frame: pd.DataFrame, page: int | None, page_size: int | None) -> tuple[pd.DataFrame, bool]:
    page_num, size = page_bounds(page, page_size, DEFAULT_PAGE_SIZE)
    start = (page_num - 1) * size
    return frame.iloc[start : start + size], start + size < len(frame)


def _percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def _day(value: Any) -> str:
    seconds = unix_seconds(value)
    return "" if seconds is None else datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d")


def _tag(state: SandboxState) -> str:
    return f"pbsandbox{int(state.world.config.seed):02d}-20"


def product_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "product_id": str(row["product_id"]),
        "product_name": str(row["product_name"]),
        "image": str(row["image"]),
        "asin": str(row["asin"]),
        "discount": f"{int(row['discount_pct'])}%",
        "commission": _percent(float(row["commission_rate"])),
        "category": str(row["category"]),
        "availability": str(row["availability"]),
        "rating": float(row["rating"]),
        "reviews": int(row["reviews"]),
        "url": str(row["url"]),
        "brand_name": str(row["brand_name"]),
        "brand_id": str(row["brand_id"]),
        "country_code": str(row["country_code"]),
        "original_price": cents_text(int(row["original_price_cents"])),
        "discount_price": cents_text(int(row["discount_price_cents"])),
        "currency": str(row["currency"]),
        "has_promo_code": int(bool(row["has_promo_code"])),
        "has_acc": int(bool(row["has_acc"])),
    }


def _joined_brand_ids(state: SandboxState) -> set[int]:
    brands = state.world.amazon_brands
    return {int(b) for b in brands.loc[brands["joined"], "brand_id"]}


@handles("amazon_search_products")
def search_products(state: SandboxState, p: AmazonSearchProducts, ctx: RequestContext) -> dict[str, Any]:
    products = state.world.amazon_products
    mask = pd.Series(True, index=products.index)
    if p.country_code:
        mask &= products["country_code"] == p.country_code
    if p.brand_id:
        mask &= products["brand_id"].astype(str) == p.brand_id.strip()
    if p.asins:
        mask &= products["asin"].isin(p.asins.split(","))
    if p.relationship:
        mask &= products["brand_id"].isin(list(_joined_brand_ids(state)))
    for flag in ("has_promo_code", "has_acc"):
        if getattr(p, flag) == 1:
            mask &= products[flag]
    selected = products[mask]
    if p.sort:
        column, ascending = _SORTS.get(p.sort, ("product_id", True))
        selected = selected.sort_values([column, "product_id"], ascending=[ascending, True], kind="stable")
    page, more = has_more_page(selected, p.page, p.page_size)
    return {"list": [product_record(r) for r in string_keyed(page)], "has_more": more}


def link_id_for(asin: str, country: str) -> str:
    return f"L{zlib.crc32(f'{country}:{asin}'.encode()):010d}"


def _amazon_link(row: dict[str, Any], tag: str, uid: str | None) -> str:
    extra = f"&ascsubtag={uid}" if uid else ""
    return f"{row['url']}?tag={tag}{extra}"


@handles("amazon_links_from_products")
def links_from_products(
    state: SandboxState, p: AmazonLinksFromProducts, ctx: RequestContext
) -> dict[str, Any]:
    products = state.world.amazon_products
    by_id = {str(r["product_id"]): r for r in string_keyed(products)}
    links, errors = [], []
    for product_id in [part.strip() for part in p.product_ids.split(",") if part.strip()]:
        row = by_id.get(product_id)
        if row is None:
            errors.append({"product_id": product_id, "message": "product not found"})
            continue
        link_id = link_id_for(str(row["asin"]), str(row["country_code"]))
        links.append(
            {
                "product_id": product_id,
                "link": _amazon_link(row, _tag(state), None),
                "partnerboost_link": f"{PB_LINK_BASE}/{link_id}",
                "link_id": link_id,
            }
        )
    return {"list": links, "error_list": errors, "has_more": False}


@handles("amazon_links_from_asins")
def links_from_asins(state: SandboxState, p: AmazonLinksFromAsins, ctx: RequestContext) -> dict[str, Any]:
    products = state.world.amazon_products
    market = products[products["country_code"] == p.country_code]
    by_asin = {str(r["asin"]): r for r in string_keyed(market)}
    links, errors = [], []
    for asin in p.asins.split(","):
        row = by_asin.get(asin)
        if row is None:
            errors.append({"asin": asin, "message": f"ASIN not available in marketplace {p.country_code}"})
            continue
        link_id = link_id_for(asin, p.country_code)
        link = {"asin": asin, "link": _amazon_link(row, _tag(state), p.uid), "link_id": link_id}
        if p.return_partnerboost_link:
            link["partnerboost_link"] = f"{PB_LINK_BASE}/{link_id}"
        links.append(link)
    return {"list": links, "error_list": errors, "has_more": False}


@handles("amazon_list_brands")
def list_brands(state: SandboxState, p: AmazonListBrands, ctx: RequestContext) -> dict[str, Any]:
    brands = state.world.amazon_brands
    page, more = has_more_page(brands[brands["joined"]], p.page, p.page_size)
    return {
        "list": [
            {
                "bid": str(b["brand_id"]),
                "brand_name": str(b["brand_name"]),
                "amazon_store_url": str(b["amazon_store_url"]),
            }
            for b in string_keyed(page)
        ],
        "has_more": more,
    }


@handles("amazon_storefront_links")
def storefront_links(state: SandboxState, p: AmazonStorefrontLinks, ctx: RequestContext) -> dict[str, Any]:
    brands = {str(b["brand_id"]): b for b in string_keyed(state.world.amazon_brands)}
    links, errors = [], []
    for bid in [part.strip() for part in p.bids.split(",") if part.strip()]:
        brand = brands.get(bid)
        if brand is None or not brand["joined"]:
            errors.append({"bid": bid, "message": "not a partnered brand"})
            continue
        extra = f"&ascsubtag={p.uid}" if p.uid else ""
        links.append(
            {
                "bid": bid,
                "brand_name": str(brand["brand_name"]),
                "link": f"{brand['amazon_store_url']}?tag={_tag(state)}{extra}",
                "partnerboost_link": f"{PB_LINK_BASE}/b{bid}",
            }
        )
    return {"list": links, "error_list": errors, "has_more": False}


@handles("amazon_check_links")
def check_links(state: SandboxState, p: AmazonCheckLinks, ctx: RequestContext) -> dict[str, Any]:
    products = string_keyed(state.world.amazon_products)
    by_link = {link_id_for(str(r["asin"]), str(r["country_code"])): r for r in products}
    results = []
    for link_id in [part.strip() for part in p.link_ids.split(",") if part.strip()]:
        row = by_link.get(link_id)
        if row is None:
            results.append({"link_id": link_id, "trackable": 0, "status": "not_found"})
        elif row["availability"] != "In Stock":
            results.append(
                {"link_id": link_id, "asin": str(row["asin"]), "trackable": 0, "status": "unavailable"}
            )
        else:
            results.append(
                {"link_id": link_id, "asin": str(row["asin"]), "trackable": 1, "status": "trackable"}
            )
    return {"list": results, "has_more": False}


@handles("amazon_report")
def report(state: SandboxState, p: AmazonReport, ctx: RequestContext) -> dict[str, Any]:
    rows = state.world.amazon_report
    end = pd.Timestamp(p.end_date) if p.end_date else state.world.now.floor("D")
    start = pd.Timestamp(p.start_date) if p.start_date else end - pd.Timedelta(days=DEFAULT_REPORT_DAYS - 1)
    mask = (rows["date"] >= start.floor("D")) & (rows["date"] <= end.floor("D"))
    if p.marketplace:
        mask &= rows["marketplace"].str.upper() == p.marketplace.strip().upper()
    if p.asins:
        mask &= rows["asin"].isin(p.asins.split(","))
    selected = rows[mask]
    if p.ad_group_ids or p.order_ids:
        selected = selected.iloc[0:0]  # sandbox links belong to no ad group and carry no order ids
    selected = selected.sort_values(["date", "asin"], ascending=[False, True], kind="stable")
    page, more = has_more_page(selected, p.page, p.page_size)
    return {
        "list": [
            {
                "date": _day(r["date"]),
                "asin": str(r["asin"]),
                "brand_id": str(r["brand_id"]),
                "marketplace": str(r["marketplace"]),
                "currency": str(r["currency"]),
                "clicks": int(r["clicks"]),
                "quantity": int(r["quantity"]),
                "sales": cents_text(int(r["sales_cents"])),
                "estCommission": cents_text(int(r["est_commission_cents"])),
            }
            for r in string_keyed(page)
        ],
        "has_more": more,
    }


@handles("amazon_associates_products")
def associates_products(
    state: SandboxState, p: AmazonAssociatesProducts, ctx: RequestContext
) -> dict[str, Any]:
    products = state.world.amazon_products
    selected = products[products["is_associates"]]
    if p.region:
        selected = selected[selected["country_code"] == p.region.strip().upper()]
    selected = selected.sort_values(["created_at", "product_id"], ascending=[False, True], kind="stable")
    page, more = has_more_page(selected, p.page, p.page_size)
    return {"list": [product_record(r) for r in string_keyed(page)], "has_more": more}


@handles("amazon_acc_products")
def acc_products(state: SandboxState, p: AmazonAccProducts, ctx: RequestContext) -> dict[str, Any]:
    products = state.world.amazon_products
    selected = products[products["has_acc"]].sort_values(
        ["acc_start_date", "product_id"], ascending=[False, True], kind="stable"
    )
    page, more = has_more_page(selected, p.page, p.page_size)
    return {
        "list": [
            {
                "acc_campaign_id": str(r["acc_campaign_id"]),
                "bid": str(r["brand_id"]),
                "brand_name": str(r["brand_name"]),
                "asin": str(r["asin"]),
                "product_name": str(r["product_name"]),
                "country_code": str(r["country_code"]),
                "commission": _percent(float(r["commission_rate"])),
                "acc_commission_rate": _percent(float(r["acc_commission_rate"])),
                "acc_start_date": _day(r["acc_start_date"]),
                "acc_end_date": _day(r["acc_end_date"]),
                "acc_budget": cents_text(int(r["acc_budget_cents"])),
                "acc_spend": cents_text(int(r["acc_spend_cents"])),
                "acc_currency": str(r["currency"]),
            }
            for r in string_keyed(page)
        ],
        "has_more": more,
    }
