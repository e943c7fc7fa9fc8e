"""Publisher API handlers (/api.php?mod=&op=): one partner's channel view of the sandbox merchant.

The sandbox publisher token belongs to `World.publisher_partner_id`; every answer is limited to that partner's
orders, clicks, bills and to the merchant's (public) brand list, coupons and datafeed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.handlers.clicks import Click
from partnerboost_skill.sandbox.handlers.money import cents_text
from partnerboost_skill.sandbox.handlers.order_records import china_time_text, publisher_records
from partnerboost_skill.sandbox.handlers.orderbook import STATUSES, OrderBook, OrderQuery
from partnerboost_skill.sandbox.handlers.records import unix_seconds
from partnerboost_skill.sandbox.handlers.registry import RequestContext, handles, page_bounds
from partnerboost_skill.sandbox.handlers.state import NEW_ORDER_DAYS, SandboxState
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SPAN_TOO_LONG, SandboxError
from partnerboost_tools.publisher import (
    DATE_SPAN_WINDOW,
    PublisherCommissionDetails,
    PublisherListBrands,
    PublisherListClicks,
    PublisherListCommissions,
    PublisherListCoupons,
    PublisherListProducts,
    PublisherListTransactions,
    PublisherPaymentDetails,
    PublisherPaymentHistory,
)

TRACKING_BASE = "https://track.sandbox.partnerboost.local"
TRANSACTIONS_DEFAULT_LIMIT = 100
_STATUS_FILTER = {
    "Pending": ["new"],
    "Approved": ["effective", "paid"],
    "Rejected": ["void"],
    "Normal": ["new", "effective", "paid"],
    "All": None,
}
_PRICE_RANGES = {
    "0-75": (0, 7_500),
    "75-150": (7_500, 15_000),
    "150-300": (15_000, 30_000),
    "300-500": (30_000, 50_000),
    "500-1000": (50_000, 100_000),
    "1000+": (100_000, 10**12),
}


def _day_start(value: datetime) -> int:
    day = value.astimezone(UTC)
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _day_text(value: Any) -> str:
    seconds = unix_seconds(value)
    return "" if seconds is None else datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d")


def _check_span(start: datetime, end: datetime, start_name: str, end_name: str) -> None:
    if end - start > DATE_SPAN_WINDOW.max_span:
        days = (end - start).days
        raise SandboxError(
            SPAN_TOO_LONG,
            f"{start_name} to {end_name} spans {days} days; at most "
            f"{DATE_SPAN_WINDOW.max_span.days} days per request",
        )


def _merchant(state: SandboxState) -> dict[str, str]:
    account = state.world.account
    return {
        "brand_id": str(account["brand_id"]),
        "mcid": str(account["mcid"]),
        "merchant_name": str(account["brand_name"]),
    }


def _is_this_brand(state: SandboxState, brand_id: str | None, mcid: str | None) -> bool:
    merchant = _merchant(state)
    return (not brand_id or brand_id.strip() == merchant["brand_id"]) and (
        not mcid or mcid.strip().lower() == merchant["mcid"]
    )


def _own_partner_mask(state: SandboxState) -> np.ndarray:
    mask = np.zeros(state.partners.size, dtype=bool)
    mask[state.publisher_row] = True
    return mask


@handles("publisher_list_transactions")
def list_transactions(
    state: SandboxState, p: PublisherListTransactions, ctx: RequestContext
) -> dict[str, Any]:
    query = OrderQuery(partner_rows=_own_partner_mask(state), statuses=_STATUS_FILTER[p.status or "All"])
    if p.begin_date is not None and p.end_date is not None:
        query.start, query.end = _day_start(p.begin_date), _day_start(p.end_date) + 86_399
    if p.validation_date_begin is not None and p.validation_date_end is not None:
        _check_span(
            p.validation_date_begin, p.validation_date_end, "validation_date_begin", "validation_date_end"
        )
        shift = NEW_ORDER_DAYS * 86_400
        first, last = (
            _day_start(p.validation_date_begin) - shift,
            _day_start(p.validation_date_end) + 86_399 - shift,
        )
        query.start = first if query.start is None else max(query.start, first)
        query.end = last if query.end is None else min(query.end, last)
        pending = STATUSES.index("new")
        query.extra_masks.append(lambda book, lo, hi: book.cols["status"][lo:hi] != pending)
    if p.order_id:
        query.order_ids = [p.order_id]
    if p.uid:
        uid = p.uid
        query.extra_masks.append(lambda book, lo, hi: book.cols["uid"][lo:hi] == uid)
    if not _is_this_brand(state, p.brand_id, p.mcid):
        query.extra_masks.append(lambda book, lo, hi: np.zeros(hi - lo, dtype=bool))
    found = state.orders.find(query)
    page_num, limit = page_bounds(p.page, p.limit, TRANSACTIONS_DEFAULT_LIMIT)
    page = OrderBook.newest_first_page(found, page_num, limit)
    total = len(found)
    return {
        "total_page": -(-total // limit) if total else 0,
        "total_trans": total,
        "total_items": total,
        "limit": limit,
        "page": page_num,
        "list": publisher_records(state, page),
    }


def _click_record(state: SandboxState, click: Click) -> dict[str, Any]:
    return {
        "channel_id": str(state.partners.channel_id[click.partner_row]),
        "click_time": china_time_text(click.time),
        **_merchant(state),
        "mid": _merchant(state)["mcid"],
        "click_ref": click.pbtid,
        "uid": f"u{click.click_id % 100_000:05d}" if click.click_id % 3 == 0 else "",
    }


@handles("publisher_list_clicks")
def list_clicks(state: SandboxState, p: PublisherListClicks, ctx: RequestContext) -> dict[str, Any]:
    start, end = unix_seconds(p.begin_date) or 0, unix_seconds(p.end_date) or 0
    window = state.clicks.window(start, end, _own_partner_mask(state))
    clicks = state.clicks.slice(window, 0, window.total)
    clicks.sort(key=lambda c: (c.time, c.click_id))
    return {
        "total_items": len(clicks),
        "total_page": 1 if clicks else 0,
        "list": [_click_record(state, c) for c in clicks],
    }


# -------------------------------------------------------------------------------------------- brands
def _tracking_links(state: SandboxState, mcid: str, target: str) -> dict[str, str]:
    code = str(state.partners.medium_code[state.publisher_row])
    return {
        "tracking_url": f"{TRACKING_BASE}/click?mcid={mcid}&pb={code}&url={target}",
        "tracking_url_short": f"{TRACKING_BASE}/s/{mcid}-{code[-6:]}",
    }


@handles("publisher_list_brands")
def list_brands(state: SandboxState, p: PublisherListBrands, ctx: RequestContext) -> dict[str, Any]:
    brands = state.world.brands
    mask = pd.Series(True, index=brands.index)
    for name in ("brand_type", "approval_type", "offer_type", "relationship"):
        value = getattr(p, name)
        if value:
            mask &= brands[name] == value
    if p.categories:
        mask &= brands["categories"].str.lower().str.contains(p.categories.strip().lower(), regex=False)
    if p.country:
        mask &= brands["country"].str.upper() == p.country.strip().upper()
    selected = brands[mask]
    page_num, limit = page_bounds(p.page, p.limit, 20)
    rows = selected.iloc[(page_num - 1) * limit : page_num * limit].to_dict("records")
    records = []
    for row in rows:
        rate = float(row["comm_rate"])
        records.append(
            {
                "brand_id": str(row["brand_id"]),
                "mcid": str(row["mcid"]),
                "merchant_name": str(row["merchant_name"]),
                "brand_type": str(row["brand_type"]),
                "approval_type": str(row["approval_type"]),
                "offer_type": str(row["offer_type"]),
                "comm_rate": f"{rate * 100:.2f}%",
                "comm_detail": str(row["comm_detail"]),
                "site_url": str(row["site_url"]),
                "logo": str(row["logo"]),
                "categories": str(row["categories"]),
                "country": str(row["country"]),
                "support_region": str(row["support_region"]),
                "currency_name": str(row["currency"]),
                "avg_payment_cycle": int(row["avg_payment_cycle"]),
                "avg_payout": f"{float(row['avg_payout']):.2f}",
                "relationship": str(row["relationship"]),
                **(
                    _tracking_links(state, str(row["mcid"]), str(row["site_url"]))
                    if row["relationship"] == "Joined"
                    else {"tracking_url": "", "tracking_url_short": ""}
                ),
            }
        )
    total = len(selected)
    return {
        "total_mcid": total,
        "total_page": -(-total // limit) if total else 0,
        "limit": limit,
        "page": page_num,
        "list": records,
    }


# --------------------------------------------------------------------------------------- settlements
def _own_bills(state: SandboxState) -> pd.DataFrame:
    bills = state.bills
    return bills[bills["partner_id"] == int(state.partners.partner_id[state.publisher_row])]


def _bill_of(state: SandboxState, bill_id: str | None) -> pd.DataFrame:
    bills = _own_bills(state)
    if not bill_id or not bill_id.strip().isdigit():
        return bills.iloc[0:0]
    return bills[bills["bill_id"] == int(bill_id)]


@handles("publisher_list_commissions")
def list_commissions(
    state: SandboxState, p: PublisherListCommissions, ctx: RequestContext
) -> list[dict[str, Any]]:
    bills = _own_bills(state)
    start = pd.Timestamp(_day_start(p.begin_date), unit="s", tz="UTC")
    end = pd.Timestamp(_day_start(p.end_date) + 86_399, unit="s", tz="UTC")
    selected = bills[(bills["created_at"] >= start) & (bills["created_at"] <= end)]
    return [
        {
            **{k: v for k, v in _merchant(state).items() if k != "merchant_name"},
            "sale_comm": cents_text(int(b["amount_cents"])),
            "currency": str(b["currency"]),
            "settlement_date": _day_text(b["created_at"]),
            "note": str(b["month"]),
            "settlement_id": str(int(b["bill_id"])),
        }
        for b in selected.sort_values("created_at").to_dict("records")
    ]


@handles("publisher_commission_details")
def commission_details(
    state: SandboxState, p: PublisherCommissionDetails, ctx: RequestContext
) -> list[dict[str, Any]]:
    bill = _bill_of(state, p.settlement_id)
    if bill.empty:
        raise SandboxError(BAD_REQUEST, "settlement_id: no settlement with this id for your channel")
    bill_id = int(bill["bill_id"].iloc[0])
    found = state.orders.find(OrderQuery(partner_rows=_own_partner_mask(state), payment_id=bill_id))
    keep = (
        "brand_id",
        "mcid",
        "merchant_name",
        "order_id",
        "order_time",
        "sale_amount",
        "sale_comm",
        "currency",
        "status",
        "uid",
        "prod_id",
        "order_unit",
        "settlement_id",
        "validation_date",
        "note",
    )
    return [{k: r[k] for k in keep} for r in publisher_records(state, found[::-1])]


def _paid_bills(state: SandboxState, p: PublisherPaymentHistory | PublisherPaymentDetails) -> pd.DataFrame:
    bills = _own_bills(state)
    bills = bills[bills["status"] == "paid"]
    if p.payment_id:
        bills = _bill_of(state, p.payment_id)
        bills = bills[bills["status"] == "paid"]
    if p.paid_date_begin is not None and p.paid_date_end is not None:
        start = pd.Timestamp(_day_start(p.paid_date_begin), unit="s", tz="UTC")
        end = pd.Timestamp(_day_start(p.paid_date_end) + 86_399, unit="s", tz="UTC")
        bills = bills[(bills["paid_at"] >= start) & (bills["paid_at"] <= end)]
    return bills.sort_values("paid_at")


_PAYOUT_DETAILS = {
    "balance": "PayPal account ****1234",
    "credit_card": "PayPal account ****1234",
    "wire_transfer": "Bank account ****5678",
}


@handles("publisher_payment_history")
def payment_history(
    state: SandboxState, p: PublisherPaymentHistory, ctx: RequestContext
) -> list[dict[str, Any]]:
    return [
        {
            "payment_id": str(int(b["bill_id"])),
            "request_date": _day_text(b["created_at"]),
            "paid_date": _day_text(b["paid_at"]),
            "payment_type": "PayPal" if b["payment_method"] != "wire_transfer" else "Bank Transfer",
            "payment_details": _PAYOUT_DETAILS.get(str(b["payment_method"]), ""),
            "invoice": f"INV-{int(b['bill_id'])}",
            "Amount": cents_text(int(b["amount_cents"])),
            "currency": str(b["currency"]),
        }
        for b in _paid_bills(state, p).to_dict("records")
    ]


@handles("publisher_payment_details")
def payment_details(
    state: SandboxState, p: PublisherPaymentDetails, ctx: RequestContext
) -> list[dict[str, Any]]:
    return [
        {
            **_merchant(state),
            "amount": cents_text(int(b["amount_cents"])),
            "currency": str(b["currency"]),
            "validation_date": _day_text(b["created_at"]),
            "type": str(b["payment_type"]),
            "note": str(b["month"]),
            "settlement_id": str(int(b["bill_id"])),
            "payment_id": str(int(b["bill_id"])),
            "paid_date": _day_text(b["paid_at"]),
            "sign_id": f"{int(b['bill_id'])}-1",
        }
        for b in _paid_bills(state, p).to_dict("records")
    ]


# ------------------------------------------------------------------------------------------- coupons
@handles("publisher_list_coupons")
def list_coupons(state: SandboxState, p: PublisherListCoupons, ctx: RequestContext) -> dict[str, Any]:
    merchant = _merchant(state)
    now = state.now_seconds
    records = []
    for creative in state.creatives:
        kind = "coupon" if creative["type"] == "COUPON" else "deal" if creative["type"] == "TEXT" else None
        end = unix_seconds(creative["end_time"]) or 0
        if kind is None or end <= now or creative.get("privacy") == "PRIVATE":
            continue
        creative_id = int(creative["creative_id"])
        code = str(creative.get("coupon_code") or "")
        records.append(
            {
                "creative_id": str(creative_id),
                **merchant,
                "brand_type": "D2C",
                "type": kind,
                "title": str(creative.get("title", "")),
                "description": str(creative.get("content", "")),
                "coupon_code": code,
                "restrictions": "Cannot be combined with other offers",
                "keywords": str(creative.get("title", "")).lower(),
                "country": "US",
                "origin_category": "Home & Garden",
                "level": creative_id % 4 + 1,
                "lang": "en",
                "image": f"https://cdn.lumenandpine.com/creatives/{creative_id}.png",
                "thumbnail": f"https://cdn.lumenandpine.com/creatives/{creative_id}_thumb.png",
                "smart_url": f"{TRACKING_BASE}/c/{creative_id}" + (f"?track={p.track}" if p.track else ""),
                "start_date": _day_text(creative["start_time"]),
                "end_date": _day_text(creative["end_time"]),
                "created_at": _day_text(creative.get("created_at")),
                "updated_at": _day_text(creative.get("created_at")),
            }
        )
    checks = {
        "type": p.type,
        "country": p.country,
        "lang": p.lang,
        "level": p.level,
        "created_at": _day_text(p.created_at) if p.created_at else None,
        "updated_at": _day_text(p.updated_at) if p.updated_at else None,
    }
    for name, wanted in checks.items():
        if wanted is not None:
            records = [r for r in records if str(r[name]).lower() == str(wanted).lower()]
    if p.origin_category:
        records = [r for r in records if p.origin_category.lower() in str(r["origin_category"]).lower()]
    if (p.brand_type and p.brand_type != "D2C") or not _is_this_brand(state, p.brand_id, p.mcid):
        records = []
    page_num, per_page = page_bounds(p.page, p.per_page, 50)
    total = len(records)
    return {
        "total": total,
        "total_page": -(-total // per_page) if total else 0,
        "page": page_num,
        "per_page": per_page,
        "list": records[(page_num - 1) * per_page : page_num * per_page],
    }


# ------------------------------------------------------------------------------------------ datafeed
@handles("publisher_list_products")
def list_products(state: SandboxState, p: PublisherListProducts, ctx: RequestContext) -> dict[str, Any]:
    merchant = _merchant(state)
    products = list(state.products.values())
    if (p.brand_type and p.brand_type != "DTC") or not _is_this_brand(state, p.brand_id, p.mcid):
        products = []
    if p.keywords:
        words = p.keywords.lower().split()
        products = [
            x
            for x in products
            if all(
                w in f"{x.get('name', '')} {x.get('description', '')} {x.get('category', '')}".lower()
                for w in words
            )
        ]
    if p.price_range:
        low, high = _PRICE_RANGES[p.price_range]
        products = [x for x in products if low <= int(x["price_cents"]) < high]
    if p.min_discount:
        products = [
            x
            for x in products
            if int(x.get("old_price_cents") or 0) > 0
            and (1 - int(x["price_cents"]) / int(x["old_price_cents"])) * 100 >= p.min_discount
        ]
    products.sort(key=lambda x: str(x["sku"]))
    page_num, limit = page_bounds(p.page, p.limit, 50)
    records = []
    for x in products[(page_num - 1) * limit : page_num * limit]:
        old = int(x.get("old_price_cents") or 0)
        links = _tracking_links(state, merchant["mcid"], str(x["url"]))
        records.append(
            {
                "name": str(x["name"]),
                "description": str(x.get("description", "")),
                **merchant,
                "url": str(x["url"]),
                "image": str(x["image"]),
                "sku": str(x["sku"]),
                "category": str(x.get("category", "")),
                "price": cents_text(int(x["price_cents"])),
                "currency": str(x["currency"]),
                "old_price": cents_text(old) if old else "",
                **links,
                "tracking_url_smart": f"{TRACKING_BASE}/p/{x['sku']}",
                "availability": str(x.get("availability", "")),
                "updated_at": _time_text(x.get("updated_at")),
            }
        )
    return {"total": len(products), "page": page_num, "limit": limit, "list": records}


def _time_text(value: Any) -> str:
    seconds = unix_seconds(value)
    return "" if seconds is None else datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
