"""Merchant WebUI API handlers (/a/...): orders, statistics, performance, partners, bills and the account."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.records.contracts import PublisherRecord
from partnerboost_skill.sandbox.handlers.money import money_map
from partnerboost_skill.sandbox.handlers.order_records import merchant_records
from partnerboost_skill.sandbox.handlers.orderbook import STATUSES, OrderBook, OrderQuery
from partnerboost_skill.sandbox.handlers.performance import performance_rows, performance_total, sort_rows
from partnerboost_skill.sandbox.handlers.records import frame_records, jsonable, page_of, paged, unix_seconds
from partnerboost_skill.sandbox.handlers.registry import RequestContext, handles, page_bounds
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SandboxError
from partnerboost_tools.merchant import (
    MERCHANT_DEFAULT_PAGE_SIZE,
    MerchantListBills,
    MerchantListPrepayments,
    MerchantListTransactions,
    MerchantPerformanceChart,
    MerchantPerformanceList,
    MerchantPerformanceTotals,
    MerchantSearchPartners,
    MerchantTransactionStats,
)

RECENT_COUNT = 10
_UNSUPPORTED_FILTERS = (
    "trans_tag",
    "trans_norm_id",
    "acc_upload_id",
    "performance_bonus_type_id",
    "amazon_shop_country",
    "amazon_product_brand",
    "affiliate_type",
)
"""Filters on attributes the sandbox's orders do not have (tags, ACC, Amazon shops) match none."""


def _seconds(value: Any) -> int | None:
    return None if value is None else unix_seconds(value)


def order_query(state: SandboxState, p: MerchantListTransactions | MerchantTransactionStats) -> OrderQuery:
    statuses: set[str] | None = None
    for given in (p.trans_status, p.trans_sku_status):
        if given:
            wanted = {str(s) for s in given if s in STATUSES}  # "mixed": single-SKU orders are never mixed
            statuses = wanted if statuses is None else statuses & wanted
    query = OrderQuery(
        start=_seconds(p.trans_time_start),
        end=_seconds(p.trans_time_end),
        statuses=sorted(statuses) if statuses is not None else None,
        partner_rows=state.partners.mask(
            partner_ids=p.partner_id,
            channels=p.partner_channel_id,
            groups=p.partner_group,
            channel_types=p.partner_channel_type,
            partner_types=p.partner_type,
            countries=p.partner_location,
        ),
        devices=p.trans_client_device or None,
        trans_types=p.trans_type or None,
        payment_id=p.payment_id,
        keywords=p.trans_keywords,
    )
    if any(getattr(p, name) not in (None, [], "") for name in _UNSUPPORTED_FILTERS):
        query.extra_masks.append(lambda book, lo, hi: np.zeros(hi - lo, dtype=bool))
    return query


@handles("merchant_list_transactions")
def list_transactions(
    state: SandboxState, p: MerchantListTransactions, ctx: RequestContext
) -> dict[str, Any]:
    page_num, page_size = page_bounds(p.page_num, p.page_size, MERCHANT_DEFAULT_PAGE_SIZE)
    found = state.orders.find(order_query(state, p))
    page = OrderBook.newest_first_page(found, page_num, page_size)
    return paged(merchant_records(state, page), len(found), page_num, page_size)


def order_stats(book: OrderBook, found: np.ndarray) -> dict[str, Any]:
    totals = book.totals(found)
    per_currency = totals.count.sum(axis=0)
    return {
        "total_size": len(found),
        "order_count": len(found),
        "sale_amount": money_map(totals.by_currency("amount")),
        "sale_comm": money_map(totals.by_currency("commission")),
        "currency_count": {
            c: int(per_currency[i]) for i, c in enumerate(totals.currencies) if per_currency[i]
        },
        "status_count": {name: int(totals.count[code].sum()) for code, name in enumerate(STATUSES)},
        "by_status": {
            name: {
                "count": int(totals.count[code].sum()),
                "sale_amount": money_map(totals.by_currency("amount", code)),
                "sale_comm": money_map(totals.by_currency("commission", code)),
            }
            for code, name in enumerate(STATUSES)
        },
    }


@handles("merchant_transaction_stats")
def transaction_stats(
    state: SandboxState, p: MerchantTransactionStats, ctx: RequestContext
) -> dict[str, Any]:
    return order_stats(state.orders, state.orders.find(order_query(state, p)))


@handles("merchant_recent_transactions")
def recent_transactions(state: SandboxState, p: Any, ctx: RequestContext) -> dict[str, Any]:
    count = len(state.orders)
    latest = np.arange(count - 1, max(-1, count - 1 - RECENT_COUNT), -1, dtype=np.int64)
    return {"list": merchant_records(state, latest)}


@handles("merchant_performance_chart")
def performance_chart(
    state: SandboxState, p: MerchantPerformanceChart, ctx: RequestContext
) -> dict[str, Any]:
    return {"list": performance_rows(state, p, p.group_by or "day", fill_periods=True)}


@handles("merchant_performance_list")
def performance_list(state: SandboxState, p: MerchantPerformanceList, ctx: RequestContext) -> dict[str, Any]:
    group_by = p.group_by or "day"
    rows = performance_rows(state, p, group_by, fill_periods=group_by in ("day", "week", "month"))
    rows = sort_rows(rows, group_by, p.sort_type, p.sort_order)
    page_num, page_size = page_bounds(p.page_num, p.page_size, MERCHANT_DEFAULT_PAGE_SIZE)
    start = (page_num - 1) * page_size
    return paged(rows[start : start + page_size], len(rows), page_num, page_size)


@handles("merchant_performance_totals")
def performance_totals(
    state: SandboxState, p: MerchantPerformanceTotals, ctx: RequestContext
) -> dict[str, Any]:
    return performance_total(state, p)


def partner_record(state: SandboxState, row: int) -> PublisherRecord:
    partners = state.partners
    frame = partners.frame
    return {
        "partner_id": int(partners.partner_id[row]),
        "medium_id": int(partners.channel_id[row]),
        "medium_name": str(partners.name[row]),
        "medium_code": str(partners.medium_code[row]),
        "partner_type": str(partners.partner_type[row]),
        "channel_type": str(partners.channel_type[row]),
        "country": str(partners.country[row]),
        "group_id": int(partners.group_id[row]),
        "group_name": str(partners.group_name[row]),
        "commission_rate": f"{float(partners.commission_rate[row]) * 100:.2f}%",
        "status": str(state.partner_status[row]),
        "joined_at": unix_seconds(frame["joined_at"].iloc[row]),
        "website": str(frame["website"].iloc[row]),
    }


@handles("merchant_search_partners")
def search_partners(state: SandboxState, p: MerchantSearchPartners, ctx: RequestContext) -> dict[str, Any]:
    word = p.word.strip().lower()
    partners = state.partners
    rows = [
        row
        for row in range(partners.size)
        if word in str(partners.name[row]).lower()
        or word in str(partners.medium_code[row]).lower()
        or word == str(partners.partner_id[row])
        or word == str(partners.channel_id[row])
    ]
    return {"list": [partner_record(state, row) for row in rows], "total_size": len(rows)}


def bill_records(state: SandboxState, bills: pd.DataFrame) -> list[dict[str, Any]]:
    partners = state.partners
    records = []
    for bill in bills.to_dict("records"):
        row = partners.row_of_partner.get(int(bill["partner_id"]))
        records.append(
            {
                "id": int(bill["bill_id"]),
                "bill_no": f"BILL-{str(bill['month']).replace('-', '')}-{int(bill['bill_id'])}",
                "mid": int(bill["channel_id"]),
                "partner_id": int(bill["partner_id"]),
                "medium_name": str(partners.name[row]) if row is not None else "",
                "period": str(bill["month"]),
                "currency": str(bill["currency"]),
                **{k: v for k, v in jsonable({"amount_cents": bill["amount_cents"]}).items()},
                "order_count": int(bill["order_count"]),
                "status": str(bill["status"]),
                "payment_method": str(bill["payment_method"]),
                "payment_type": str(bill["payment_type"]),
                "create_time": unix_seconds(bill["created_at"]),
                "paid_time": unix_seconds(bill["paid_at"]),
            }
        )
    return records


def _rows_mask(state: SandboxState, frame: pd.DataFrame, mid: str | None) -> pd.Series:
    if not mid:
        return pd.Series(True, index=frame.index)
    rows = state.partner_rows_from(mid)
    return frame["partner_id"].isin(state.partners.partner_id[rows])


def _time_mask(frame: pd.DataFrame, column: str, start: Any, end: Any) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    if start is not None:
        mask &= frame[column] >= pd.Timestamp(start)
    if end is not None:
        mask &= frame[column] <= pd.Timestamp(end)
    return mask


@handles("merchant_list_bills")
def list_bills(state: SandboxState, p: MerchantListBills, ctx: RequestContext) -> dict[str, Any]:
    bills = state.bills
    mask = _rows_mask(state, bills, p.mid) & _time_mask(bills, "created_at", p.time_start, p.time_end)
    if p.ids:
        try:
            ids = [int(part) for part in p.ids.split(",") if part.strip()]
        except ValueError:
            raise SandboxError(BAD_REQUEST, "ids: expected comma-separated bill ids (numbers)") from None
        mask &= bills["bill_id"].isin(ids)
    for name in ("payment_method", "payment_type", "status"):
        value = getattr(p, name)
        if value:
            mask &= bills[name].str.lower() == value.strip().lower()
    selected = bills[mask]
    if p.search_word:
        word = p.search_word.strip().lower()
        names = [
            str(state.partners.name[state.partners.row_of_partner[int(pid)]]).lower()
            for pid in selected["partner_id"]
        ]
        numbers = [
            f"bill-{str(m).replace('-', '')}-{b}"
            for m, b in zip(selected["month"], selected["bill_id"], strict=True)
        ]
        keep = [word in n or word in b for n, b in zip(names, numbers, strict=True)]
        selected = selected[np.array(keep, dtype=bool)] if len(selected) else selected
    page_num, page_size = page_bounds(p.page_num, p.page_size, MERCHANT_DEFAULT_PAGE_SIZE)
    return paged(
        bill_records(state, page_of(selected, page_num, page_size)), len(selected), page_num, page_size
    )


@handles("merchant_account_info")
def account_info(state: SandboxState, p: Any, ctx: RequestContext) -> dict[str, Any]:
    return jsonable(state.world.account)


@handles("merchant_current_plan")
def current_plan(state: SandboxState, p: Any, ctx: RequestContext) -> dict[str, Any]:
    return jsonable(state.world.plan)


@handles("merchant_list_prepayments")
def list_prepayments(state: SandboxState, p: MerchantListPrepayments, ctx: RequestContext) -> dict[str, Any]:
    frame = state.world.prepayments.sort_values("created_at", ascending=False, ignore_index=True)
    mask = _time_mask(frame, "created_at", p.time_start, p.time_end)
    if p.mid:  # top-ups belong to the account, not to a partner channel
        mask &= _rows_mask(state, frame, p.mid) if "partner_id" in frame.columns else False
    selected = frame[mask]
    page_num, page_size = page_bounds(p.page_num, p.page_size, MERCHANT_DEFAULT_PAGE_SIZE)
    records = frame_records(page_of(selected, page_num, page_size))
    for record in records:
        if "prepayment_id" in record:
            record["id"] = record["prepayment_id"]
    return paged(records, len(selected), page_num, page_size)
