"""Performance reports: clicks (from the daily counts) and orders in one time range, grouped and summed.

Money is summed over valid (non-void) orders, per currency, exactly; `orders` counts every order placed in the
range and `valid_orders` the non-void ones. Clicks count the synthesised clicks inside the same range.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from partnerboost_skill.sandbox.handlers.clicks import DAY
from partnerboost_skill.sandbox.handlers.money import money_map
from partnerboost_skill.sandbox.handlers.orderbook import STATUSES, OrderQuery
from partnerboost_skill.sandbox.handlers.records import unix_seconds
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SandboxError

VOID = STATUSES.index("void")
TIME_GROUPS = ("day", "week", "month")
SORTABLE = ("clicks", "orders", "valid_orders", "sale_amount", "sale_comm")
GROUP_LABELS = {
    "day": ("date",),
    "week": ("week", "week_start"),
    "month": ("month",),
    "medium": ("medium_id", "medium_name", "medium_code", "partner_id"),
    "channel": ("channel",),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _scope(state: SandboxState, p: Any) -> tuple[int, int, np.ndarray | None]:
    start = unix_seconds(p.start_date) or 0
    end = unix_seconds(p.end_date) or 0
    partners = state.partners
    mask: np.ndarray | None = None
    if p.medium_id:
        mask = np.zeros(partners.size, dtype=bool)
        mask[state.partner_rows_from(p.medium_id)] = True
    if p.channel:
        wanted = p.channel.strip().upper()
        channel_mask = np.char.upper(partners.channel_type.astype(str)) == wanted
        mask = channel_mask if mask is None else mask & channel_mask
    if p.partner_group_id is not None:
        group_mask = partners.group_id == int(p.partner_group_id)
        mask = group_mask if mask is None else mask & group_mask
    return start, end, mask


def _day_keys(days: np.ndarray, group_by: str) -> np.ndarray:
    if group_by == "day":
        return days
    if group_by == "week":
        return (days - 4) // 7  # weeks since Monday 1970-01-05
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _row_keys(state: SandboxState, partner_rows: np.ndarray, group_by: str) -> np.ndarray:
    if group_by == "medium":
        return partner_rows
    channel_types = state.partners.channel_type.astype(str)
    vocabulary = sorted(set(channel_types.tolist()))
    codes = np.array([vocabulary.index(c) for c in channel_types], dtype=np.int64)
    return codes[partner_rows]


def _labels(state: SandboxState, key: int, group_by: str) -> dict[str, Any]:
    if group_by == "day":
        return {"date": (_EPOCH + timedelta(days=key)).strftime("%Y-%m-%d")}
    if group_by == "week":
        monday = _EPOCH + timedelta(days=key * 7 + 4)
        year, week, _ = monday.isocalendar()
        return {"week": f"{year}-W{week:02d}", "week_start": monday.strftime("%Y-%m-%d")}
    if group_by == "month":
        return {"month": f"{1970 + key // 12:04d}-{key % 12 + 1:02d}"}
    partners = state.partners
    if group_by == "medium":
        return {
            "medium_id": int(partners.channel_id[key]),
            "medium_name": str(partners.name[key]),
            "medium_code": str(partners.medium_code[key]),
            "partner_id": int(partners.partner_id[key]),
        }
    vocabulary = sorted(set(partners.channel_type.astype(str).tolist()))
    return {"channel": vocabulary[key]}


def _aggregate(state: SandboxState, p: Any, group_by: str) -> tuple[dict[int, dict[str, Any]], int, int]:
    start, end, mask = _scope(state, p)
    book = state.orders
    found = book.find(OrderQuery(start=start, end=end, partner_rows=mask))
    window = state.clicks.window(start, end, mask)
    click_days, click_rows, click_counts = state.clicks.counts(window)

    if group_by in TIME_GROUPS:
        order_keys = _day_keys(book.take("t", found) // DAY, group_by)
        click_keys = _day_keys(click_days, group_by)
    else:
        order_keys = _row_keys(state, book.take("partner_row", found), group_by)
        click_keys = _row_keys(state, click_rows, group_by)

    # Keys are small integer ranges (days, weeks, months, partner rows): count densely from the smallest.
    everything = np.concatenate([order_keys, click_keys])
    base = int(everything.min()) if len(everything) else 0
    size = int(everything.max()) - base + 1 if len(everything) else 0
    order_slot, click_slot = order_keys - base, click_keys - base
    clicks = np.bincount(click_slot, weights=click_counts, minlength=size)
    orders = np.bincount(order_slot, minlength=size)
    valid = book.take("status", found) != VOID
    valid_orders = np.bincount(order_slot[valid], minlength=size)
    n_currencies = len(book.currencies)
    cell = order_slot[valid] * n_currencies + book.take("currency", found)[valid]
    money = {}
    for column in ("amount", "commission"):
        # float64 sums of integer cents are exact while every total stays below 2**53 cents
        weights = book.take(column, found)[valid].astype(np.float64)
        sums = np.bincount(cell, weights=weights, minlength=size * n_currencies)
        money[column] = np.rint(sums).astype(np.int64).reshape(size, n_currencies)
    counts = np.bincount(cell, minlength=size * n_currencies).reshape(size, n_currencies)

    rows: dict[int, dict[str, Any]] = {}
    for slot in np.flatnonzero((orders > 0) | (clicks > 0)).tolist():
        present = [c for c in range(n_currencies) if counts[slot, c]]
        rows[base + slot] = {
            "clicks": int(clicks[slot]),
            "orders": int(orders[slot]),
            "valid_orders": int(valid_orders[slot]),
            "amount": {book.currencies[c]: int(money["amount"][slot, c]) for c in present},
            "commission": {book.currencies[c]: int(money["commission"][slot, c]) for c in present},
        }
    return rows, start, end


def _empty() -> dict[str, Any]:
    return {"clicks": 0, "orders": 0, "valid_orders": 0, "amount": {}, "commission": {}}


def _wire(row: dict[str, Any]) -> dict[str, Any]:
    """Integer cents per currency → the wire's decimal strings."""
    out = {k: v for k, v in row.items() if k not in ("amount", "commission")}
    out["sale_amount"] = money_map(row["amount"])
    out["sale_comm"] = money_map(row["commission"])
    return out


def performance_rows(
    state: SandboxState, p: Any, group_by: str, *, fill_periods: bool
) -> list[dict[str, Any]]:
    rows, start, end = _aggregate(state, p, group_by)
    keys: list[int] = sorted(rows)
    if fill_periods and group_by in TIME_GROUPS:
        first, last = _day_keys(np.array([start // DAY, end // DAY]), group_by).tolist()
        keys = list(range(first, last + 1))
    return [{**_labels(state, key, group_by), **_wire(rows.get(key, _empty()))} for key in keys]


def performance_total(state: SandboxState, p: Any) -> dict[str, Any]:
    rows, _, _ = _aggregate(state, p, "month")
    total = _empty()
    for row in rows.values():
        for name in ("clicks", "orders", "valid_orders"):
            total[name] += row[name]
        for column in ("amount", "commission"):
            for currency, cents in row[column].items():
                total[column][currency] = total[column].get(currency, 0) + cents
    return _wire(total)


def _money_total(money: dict[str, str]) -> float:
    return sum(float(v) for v in money.values())


def sort_rows(
    rows: list[dict[str, Any]], group_by: str, sort_type: str | None, sort_order: str | None
) -> list[dict[str, Any]]:
    if sort_type is None:
        if group_by in TIME_GROUPS:
            return rows if sort_order != "desc" else rows[::-1]
        sort_type = "orders"
    labels = GROUP_LABELS[group_by]
    if sort_type not in SORTABLE and sort_type not in labels:
        allowed = ", ".join((*SORTABLE, *labels))
        raise SandboxError(BAD_REQUEST, f"sort_type: {sort_type!r} is not allowed; allowed values: {allowed}")
    descending = sort_order != "asc"

    def value(row: dict[str, Any]) -> Any:
        item = row[sort_type]
        return _money_total(item) if isinstance(item, dict) else item

    return sorted(rows, key=value, reverse=descending)
