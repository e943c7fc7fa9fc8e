"""Brand open API handlers (/api/brand?action=...): orders, clicks, reports, creatives, datafeed, partners."""

from __future__ import annotations

import re
import zlib
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.handlers.clicks import Click, ClickWindow
from partnerboost_skill.sandbox.handlers.merchant import partner_record
from partnerboost_skill.sandbox.handlers.money import cents_text, to_cents
from partnerboost_skill.sandbox.handlers.order_records import brand_records
from partnerboost_skill.sandbox.handlers.orderbook import STATUSES, OrderBook, OrderQuery
from partnerboost_skill.sandbox.handlers.records import jsonable, paged, unix_seconds
from partnerboost_skill.sandbox.handlers.registry import RequestContext, handles, page_bounds
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SandboxError
from partnerboost_tools.brand import (
    BRAND_REPORT_MIN_PAGE_SIZE,
    BrandCreateBonus,
    BrandCreateCreative,
    BrandCreateOrder,
    BrandGetClick,
    BrandGetOrder,
    BrandListClicks,
    BrandListCreatives,
    BrandListPublishers,
    BrandSetDatafeedConfig,
    BrandSetPublisherStatus,
    BrandTransactionReport,
    BrandTransactionReportCursor,
    BrandUpdateCreative,
    BrandUpsertProduct,
    BrandVoidOrder,
)

DEFAULT_CLICK_DAYS = 7
VOID_REASON = "voided by brand"
_CURSOR = re.compile(r"^t(\d+)n(\d+)$")


def _not_found(message: str) -> SandboxError:
    return SandboxError(BAD_REQUEST, message, http_status=404)


# -------------------------------------------------------------------------------------------- orders
def _attributed_partner(state: SandboxState, p: BrandCreateOrder) -> int:
    """The partner credited: the one behind the click `pbtid`, else one chosen from the order number."""
    if p.pbtid:
        click = state.clicks.find_pbtid(p.pbtid)
        if click is None:
            raise SandboxError(BAD_REQUEST, "pbtid: unknown click track code")
        return click.partner_row
    joined = np.flatnonzero(state.partner_status == "joined")
    return int(joined[zlib.crc32(p.order_number.encode()) % len(joined)])


@handles("brand_create_order")
def create_order(state: SandboxState, p: BrandCreateOrder, ctx: RequestContext) -> dict[str, Any]:
    if state.orders.positions_of([p.order_number]):
        raise SandboxError(BAD_REQUEST, f"order_number {p.order_number!r} already exists")
    row = _attributed_partner(state, p)
    if state.partner_status[row] != "joined":
        raise SandboxError(BAD_REQUEST, "the publisher behind this click is no longer joined")
    skus = p.skus or []
    amount = p.amount
    if amount is None:
        amount = sum((line.amount for line in skus if line.amount is not None), start=Decimal(0))
    quantity = p.quantity if p.quantity is not None else (sum(line.quantity or 1 for line in skus) or 1)
    coupon = (p.couponcode or "").split(",")[0].strip()
    position = state.add_order(
        order_id=p.order_number,
        time=unix_seconds(p.trans_time) or 0,
        partner_row=row,
        currency=p.currency,
        amount=to_cents(amount),
        quantity=quantity,
        sku=skus[0].sku if skus else "",
        coupon_code=coupon,
        uid=p.uid or "",
        is_new=bool(p.is_new_customer),
    )
    book = state.orders
    return {
        "order_number": p.order_number,
        "status": STATUSES[int(book.cols["status"][position])],
        "publisher_id": int(state.partners.partner_id[row]),
        "channel_id": int(book.cols["channel_id"][position]),
        "currency": p.currency,
        "amount": cents_text(int(book.cols["amount"][position])),
        "commission": cents_text(int(book.cols["commission"][position])),
    }


@handles("brand_void_order")
def void_order(state: SandboxState, p: BrandVoidOrder, ctx: RequestContext) -> dict[str, Any]:
    positions = state.orders.positions_of([p.order_number])
    if not positions:
        raise _not_found(f"order_number {p.order_number!r} not found")
    statuses = {STATUSES[int(state.orders.cols["status"][i])] for i in positions}
    if "paid" in statuses:
        raise SandboxError(
            BAD_REQUEST, f"order_number {p.order_number!r} is already paid and cannot be voided"
        )
    state.void_order(p.order_number, VOID_REASON)
    return {"order_number": p.order_number, "status": "void", "voided": len(positions)}


@handles("brand_get_order")
def get_order(state: SandboxState, p: BrandGetOrder, ctx: RequestContext) -> dict[str, Any]:
    positions = state.orders.positions_of([p.order_number])
    if not positions:
        raise _not_found(f"order_number {p.order_number!r} not found")
    records = brand_records(state, np.array(positions, dtype=np.int64))
    return {**records[0], "duplicate_count": len(records)}


@handles("brand_create_bonus")
def create_bonus(state: SandboxState, p: BrandCreateBonus, ctx: RequestContext) -> dict[str, Any]:
    rows = state.partner_rows_from(p.medium_id)
    if len(rows) != 1:
        raise SandboxError(
            BAD_REQUEST,
            f"medium_id {p.medium_id!r} is not a publisher of this brand "
            "(give a PB medium code, channel id or publisher id)",
        )
    row = int(rows[0])
    if state.partner_status[row] != "joined":
        raise SandboxError(BAD_REQUEST, f"medium_id {p.medium_id!r} is not a joined publisher")
    time = unix_seconds(p.trans_time) or 0
    serial = len(state.orders)
    bonus_id = f"BONUS{time}{row:03d}{serial % 1000:03d}"
    while state.orders.positions_of([bonus_id]):
        serial += 1
        bonus_id = f"BONUS{time}{row:03d}{serial % 1000:03d}"
    commission = to_cents(p.commission)
    state.add_order(
        order_id=bonus_id,
        time=time,
        partner_row=row,
        currency=p.currency,
        amount=0,
        commission=commission,
        quantity=0,
        trans_type="bonus",
        device="admin",
    )
    return {
        "bonus_id": bonus_id,
        "medium_id": str(state.partners.medium_code[row]),
        "publisher_id": int(state.partners.partner_id[row]),
        "currency": p.currency,
        "commission": cents_text(commission),
    }


# -------------------------------------------------------------------------------------------- clicks
def click_record(state: SandboxState, click: Click) -> dict[str, Any]:
    partners = state.partners
    row = click.partner_row
    devices = ("mobile", "pc", "mobile", "pc", "tablet")
    return {
        "id": click.click_id,
        "pbtid": click.pbtid,
        "click_time": click.time,
        "publisher_id": int(partners.partner_id[row]),
        "publisher_name": str(partners.name[row]),
        "channel_id": int(partners.channel_id[row]),
        "medium_code": str(partners.medium_code[row]),
        "country": str(partners.country[row]),
        "device": devices[click.click_id % len(devices)],
        "landing_page": f"{state.world.account['website']}/?pbtid={click.pbtid}",
    }


def _partner_filter(
    state: SandboxState, publisher_id: str | None, channel_id: str | None
) -> np.ndarray | None:
    if not publisher_id and not channel_id:
        return None
    return state.partners.mask(
        partner_ids=[publisher_id] if publisher_id else None, channels=[channel_id] if channel_id else None
    )


@handles("brand_list_clicks")
def list_clicks(state: SandboxState, p: BrandListClicks, ctx: RequestContext) -> dict[str, Any]:
    end = unix_seconds(p.end_time) if p.end_time else state.now_seconds
    start = unix_seconds(p.start_time) if p.start_time else (end or 0) - DEFAULT_CLICK_DAYS * 86_400
    window: ClickWindow = state.clicks.window(
        int(start or 0), int(end or 0), _partner_filter(state, p.publisher_id, p.channel_id)
    )
    first = p.first or 0
    size = p.page_size or BRAND_REPORT_MIN_PAGE_SIZE
    clicks = state.clicks.slice(window, first, size)
    total = window.total
    return {
        "list": [click_record(state, c) for c in clicks],
        "total_size": total,
        "total_page": -(-total // size) if total else 0,
        "first": first,
        "page_size": size,
        "current_size": len(clicks),
    }


@handles("brand_get_click")
def get_click(state: SandboxState, p: BrandGetClick, ctx: RequestContext) -> dict[str, Any]:
    click = state.clicks.find(p.id) if p.id is not None else state.clicks.find_pbtid(p.pbtid or "")
    if click is None or (p.id is not None and p.pbtid and click.pbtid != p.pbtid.strip().lower()):
        raise _not_found("click not found")
    return click_record(state, click)


# ------------------------------------------------------------------------------------------- reports
@handles("brand_transaction_report")
def transaction_report(state: SandboxState, p: BrandTransactionReport, ctx: RequestContext) -> dict[str, Any]:
    book = state.orders
    found = book.find(
        OrderQuery(
            start=unix_seconds(p.start_time) if p.start_time else None,
            end=unix_seconds(p.end_time) if p.end_time else None,
            # the report has no "paid": a paid order is an effective one whose bill was paid
            statuses=(["effective", "paid"] if p.status == "effective" else [p.status]) if p.status else None,
            trans_types=[p.type] if p.type else None,
        )
    )
    page_num, page_size = page_bounds(p.page_number, p.page_size, BRAND_REPORT_MIN_PAGE_SIZE)
    descending = p.sort_dir != "asc"
    if p.sort_col in ("commission", "amount"):
        ranked = found[np.argsort(book.cols[p.sort_col][found], kind="stable")]
        ordered = ranked[::-1] if descending else ranked
        page = ordered[(page_num - 1) * page_size : page_num * page_size]
    elif descending:
        page = OrderBook.newest_first_page(found, page_num, page_size)
    else:
        page = found[(page_num - 1) * page_size : page_num * page_size]
    result = paged(brand_records(state, page), len(found), page_num, page_size)
    result["page_number"] = page_num
    return result


_LOCKED = "effective"
"""The cursor report's 'locked' status: validated, waiting for its bill (the merchant API's 'effective')."""


def _report_statuses(value: str | None) -> list[str] | None:
    if value is None:
        return None
    if value == "mixed":
        return []
    return [_LOCKED if value == "locked" else value]


def _cursor_start(found: np.ndarray, times: np.ndarray, cursor: str) -> int:
    if cursor in ("", "0", "1"):
        return 0
    match = _CURSOR.match(cursor)
    if not match:
        raise SandboxError(BAD_REQUEST, "cursor: not a cursor this report returned; use 1 for the first page")
    second, seen = int(match.group(1)), int(match.group(2))
    return int(np.searchsorted(times, second, side="left")) + seen


@handles("brand_transaction_report_cursor")
def transaction_report_cursor(
    state: SandboxState, p: BrandTransactionReportCursor, ctx: RequestContext
) -> dict[str, Any]:
    book = state.orders
    statuses = _report_statuses(p.order_status)
    sku_statuses = _report_statuses(p.sku_status)
    if statuses is not None and sku_statuses is not None:
        statuses = [s for s in statuses if s in sku_statuses]
    elif sku_statuses is not None:
        statuses = sku_statuses
    partner_mask = None
    if p.publisher_id or p.group_id:
        partner_mask = state.partners.mask(
            partner_ids=[p.publisher_id] if p.publisher_id else None,
            groups=[p.group_id] if p.group_id else None,
        )
    found = book.find(
        OrderQuery(
            start=unix_seconds(p.start_date) if p.start_date else None,
            end=(unix_seconds(p.end_date) or 0) + 86_399 if p.end_date else None,
            statuses=statuses,
            trans_types=[p.transaction_type] if p.transaction_type else None,
            partner_rows=partner_mask,
        )
    )
    times = book.t[found]
    limit = p.limit or 100
    start = _cursor_start(found, times, p.cursor)
    page = found[start : start + limit]
    has_more = start + limit < len(found)
    cursor = None
    if has_more and len(page):
        last = int(times[start + len(page) - 1])
        first_of_second = int(np.searchsorted(times, last, side="left"))
        cursor = f"t{last}n{start + len(page) - first_of_second}"
    return {
        "list": brand_records(state, page),
        "cursor": cursor,
        "has_more": has_more,
        "limit": limit,
        "total_size": len(found),
    }


# ----------------------------------------------------------------------------------------- creatives
def _creative_status(start: Any, end: Any, now: int) -> str:
    start_s, end_s = unix_seconds(start) or 0, unix_seconds(end) or 0
    return "Scheduled" if start_s > now else "Expired" if end_s <= now else "Active"


def creative_record(state: SandboxState, creative: dict[str, Any]) -> dict[str, Any]:
    record = jsonable({k: v for k, v in creative.items() if k not in ("creative_id", "image_url", "status")})
    images = creative.get("images") or ([creative["image_url"]] if creative.get("image_url") else [])
    return {
        "id": int(creative["creative_id"]),
        **record,
        "images": list(images),
        "status": _creative_status(creative["start_time"], creative["end_time"], state.now_seconds),
    }


@handles("brand_list_creatives")
def list_creatives(state: SandboxState, p: BrandListCreatives, ctx: RequestContext) -> dict[str, Any]:
    records = [creative_record(state, c) for c in state.creatives if c["type"] == p.type]
    if p.status:
        records = [r for r in records if r["status"] in p.status]
    if p.privacy:
        records = [r for r in records if r["privacy"] in p.privacy]
    if p.keyword:
        word = p.keyword.lower()
        records = [r for r in records if word in f"{r.get('title', '')} {r.get('content', '')}".lower()]
    records.sort(key=lambda r: r["id"], reverse=True)
    page_num, page_size = page_bounds(p.page_num, p.page_size, 10)
    start = (page_num - 1) * page_size
    return paged(records[start : start + page_size], len(records), page_num, page_size)


@handles("brand_create_creative")
def create_creative(state: SandboxState, p: BrandCreateCreative, ctx: RequestContext) -> dict[str, Any]:
    creative_id = state.next_creative_id
    state.next_creative_id += 1
    creative = {
        "creative_id": creative_id,
        "type": p.type,
        "title": p.title or "",
        "content": p.content or "",
        "link": p.link or "",
        "images": list(p.images or []),
        "image_url": (p.images or [""])[0],
        "coupon_code": "",
        "privacy": p.privacy or "PUBLIC",
        "start_time": pd.Timestamp(p.start_time),
        "end_time": pd.Timestamp(p.end_time),
        "created_at": pd.Timestamp(ctx.now),
    }
    state.creatives.append(creative)
    return {"id": creative_id, "status": creative_record(state, creative)["status"]}


@handles("brand_update_creative")
def update_creative(state: SandboxState, p: BrandUpdateCreative, ctx: RequestContext) -> dict[str, Any]:
    creative = next((c for c in state.creatives if str(c["creative_id"]) == p.id.strip()), None)
    if creative is None:
        raise _not_found(f"creative id {p.id!r} not found")
    changed = []
    for name in ("title", "privacy", "start_time", "end_time"):
        value = getattr(p, name)
        if value is not None:
            creative[name] = pd.Timestamp(value) if name.endswith("_time") else value
            changed.append(name)
    if (unix_seconds(creative["end_time"]) or 0) < (unix_seconds(creative["start_time"]) or 0):
        raise SandboxError(BAD_REQUEST, "end_time must not be before start_time")
    return {
        "id": int(creative["creative_id"]),
        "updated": changed,
        "status": creative_record(state, creative)["status"],
    }


# ------------------------------------------------------------------------------------------ datafeed
@handles("brand_set_datafeed_config")
def set_datafeed_config(
    state: SandboxState, p: BrandSetDatafeedConfig, ctx: RequestContext
) -> dict[str, Any]:
    state.datafeed_config = {"fetch_period": p.fetch_period, "fetch_url": p.fetch_url}
    return dict(state.datafeed_config)


@handles("brand_upsert_product")
def upsert_product(state: SandboxState, p: BrandUpsertProduct, ctx: RequestContext) -> dict[str, Any]:
    existing = state.products.get(p.sku)
    product = dict(existing or {})
    product.update(
        {
            "sku": p.sku,
            "name": p.name,
            "url": p.url,
            "image": p.image,
            "price_cents": to_cents(p.price),
            "currency": p.currency,
            "updated_at": pd.Timestamp(ctx.now),
            "brand": p.brand or product.get("brand") or state.world.account["brand_name"],
        }
    )
    if p.old_price is not None:
        product["old_price_cents"] = to_cents(p.old_price)
    product.setdefault("old_price_cents", 0)
    for name in ("description", "category", "gtin", "mpn", "availability"):
        value = getattr(p, name)
        if value is not None:
            product[name] = value
        product.setdefault(name, "")
    state.products[p.sku] = product
    return {"sku": p.sku, "created": existing is None}


# ---------------------------------------------------------------------------------------- publishers
_TRANSITIONS = {
    "adopt": ({"pending", "joined"}, "joined"),
    "unblock": ({"terminated", "refused", "joined"}, "joined"),
    "terminated": ({"joined", "terminated"}, "terminated"),
    "refuse": ({"pending", "refused"}, "refused"),
}


@handles("brand_list_publishers")
def list_publishers(state: SandboxState, p: BrandListPublishers, ctx: RequestContext) -> dict[str, Any]:
    partners = state.partners
    rows = np.arange(partners.size)
    if p.publisher_id is not None:
        rows = rows[partners.partner_id[rows] == p.publisher_id]
    if p.channel_id is not None:
        rows = rows[partners.channel_id[rows] == p.channel_id]
    if p.status:
        rows = rows[state.partner_status[rows] == p.status.strip().lower()]
    records = [partner_record(state, int(row)) for row in rows]
    return {"list": records, "total_size": len(records)}


@handles("brand_set_publisher_status")
def set_publisher_status(
    state: SandboxState, p: BrandSetPublisherStatus, ctx: RequestContext
) -> dict[str, Any]:
    partners = state.partners
    rows: list[int] = []
    if p.user_id:
        row = partners.row_of_partner.get(int(p.user_id)) if p.user_id.strip().isdigit() else None
        if row is None:
            raise _not_found(f"userId {p.user_id!r} is not a publisher of this brand")
        rows.append(row)
    for site in (p.site_ids or "").split(","):
        if site.strip():
            found = partners.rows_for_channels([site])
            if not len(found):
                raise _not_found(f"site_ids: {site.strip()!r} is not a channel of this brand's publishers")
            rows.extend(int(r) for r in found)
    allowed, target = _TRANSITIONS[p.status]
    for row in dict.fromkeys(rows):
        current = str(state.partner_status[row])
        if current not in allowed:
            raise SandboxError(
                BAD_REQUEST,
                f"publisher {int(partners.partner_id[row])} is {current}; "
                f"'{p.status}' applies to {' or '.join(sorted(allowed))} publishers",
            )
    for row in rows:
        state.partner_status[row] = target
    return {
        "updated": [
            {
                "publisher_id": int(partners.partner_id[r]),
                "channel_id": int(partners.channel_id[r]),
                "status": target,
            }
            for r in dict.fromkeys(rows)
        ]
    }
