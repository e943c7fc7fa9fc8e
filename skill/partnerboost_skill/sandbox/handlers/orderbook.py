"""The sandbox's orders as numpy columns sorted by time, so filters, pages and totals stay vectorised.

A query narrows the time range with `searchsorted`, builds boolean masks only over that slice, and turns
only the rows of the requested page into dicts. Writes (new orders, bonuses, voids, page drift) insert rows
at their time position; columns shared with the world are copied before their first in-place change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

STATUSES: tuple[str, ...] = ("new", "effective", "paid", "void")
DEVICES: tuple[str, ...] = ("mobile", "pc", "admin", "-")
TRANS_TYPES: tuple[str, ...] = ("normal", "bonus", "manually_added")

INT_COLUMNS = (
    "t",
    "partner_row",
    "channel_id",
    "currency",
    "amount",
    "commission",
    "quantity",
    "device",
    "status",
    "bill_id",
    "trans_type",
    "is_new",
)
TEXT_COLUMNS = ("order_id", "sku", "coupon_code", "uid", "void_reason")


def _unix_seconds(series: pd.Series) -> np.ndarray:
    return pd.DatetimeIndex(pd.to_datetime(series, utc=True)).as_unit("ns").asi8 // 1_000_000_000


def _codes(values: Any, vocabulary: Sequence[str], column: str) -> np.ndarray:
    """Text values as int16 codes into `vocabulary` (hash-based, one pass)."""
    inverse, uniques = pd.factorize(pd.Series(values, dtype="str"))
    lookup = {name: code for code, name in enumerate(vocabulary)}
    unknown = [u for u in uniques if u not in lookup]
    if unknown:
        raise ValueError(f"orders.{column} has unexpected values {unknown[:5]}; expected {list(vocabulary)}")
    table = np.array([lookup[u] for u in uniques], dtype=np.int16)
    return table[inverse] if len(inverse) else np.zeros(0, np.int16)


def _text(values: Any) -> np.ndarray:
    array = np.asarray(pd.Series(values).fillna("").astype(str).to_numpy(dtype=object), dtype=object)
    return array


class PartnerTable:
    """The world's partners as arrays, plus the lookups the filters need. Row order is the world's."""

    def __init__(self, partners: pd.DataFrame) -> None:
        frame = partners.reset_index(drop=True)
        self.frame = frame
        self.size = len(frame)
        self.partner_id = frame["partner_id"].to_numpy(dtype=np.int64)
        self.channel_id = frame["channel_id"].to_numpy(dtype=np.int64)
        self.medium_code = _text(frame["medium_code"])
        self.name = _text(frame["name"])
        self.partner_type = _text(frame["partner_type"])
        self.channel_type = _text(frame["channel_type"])
        self.country = _text(frame["country"])
        self.group_id = frame["group_id"].to_numpy(dtype=np.int64)
        self.group_name = _text(frame["group_name"])
        self.commission_rate = frame["commission_rate"].to_numpy(dtype=np.float64)
        self.status = _text(frame["status"])
        self.row_of_partner = {int(p): row for row, p in enumerate(self.partner_id)}
        self.row_of_channel = {int(c): row for row, c in enumerate(self.channel_id)}
        self.row_of_code = {str(c).upper(): row for row, c in enumerate(self.medium_code)}

    def rows_of(self, partner_ids: np.ndarray, where: str) -> np.ndarray:
        """Partner rows of many partner ids at once; an id that is not a partner is a world error."""
        rows = pd.Index(self.partner_id).get_indexer(partner_ids)
        if len(rows) and rows.min() < 0:
            raise ValueError(f"{where} name partner ids that are not in the partners frame")
        return rows.astype(np.int64)

    def rows_for_channels(self, values: Iterable[Any]) -> np.ndarray:
        """Partner rows for channel ids given as site ids or `PB…` medium codes (unknown ones match none)."""
        rows = []
        for value in values:
            text = str(value).strip()
            if text.isdigit() and int(text) in self.row_of_channel:
                rows.append(self.row_of_channel[int(text)])
            elif text.upper() in self.row_of_code:
                rows.append(self.row_of_code[text.upper()])
        return np.array(rows, dtype=np.int64)

    def mask(
        self,
        *,
        partner_ids: Iterable[Any] | None = None,
        channels: Iterable[Any] | None = None,
        groups: Iterable[Any] | None = None,
        channel_types: Iterable[str] | None = None,
        partner_types: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
    ) -> np.ndarray | None:
        """Boolean mask over partner rows for the partner-level filters, or None when none is given."""
        mask = np.ones(self.size, dtype=bool)
        used = False
        if partner_ids:
            wanted = {int(str(p).strip()) for p in partner_ids if str(p).strip().lstrip("-").isdigit()}
            mask &= np.isin(self.partner_id, list(wanted))
            used = True
        if channels:
            rows = self.rows_for_channels(channels)
            channel_mask = np.zeros(self.size, dtype=bool)
            channel_mask[rows] = True
            mask &= channel_mask
            used = True
        if groups:
            texts = {str(g).strip().lower() for g in groups}
            mask &= np.array(
                [
                    str(gid) in texts or str(name).lower() in texts
                    for gid, name in zip(self.group_id, self.group_name, strict=True)
                ],
                dtype=bool,
            )
            used = True
        for values, column in (
            (channel_types, self.channel_type),
            (partner_types, self.partner_type),
            (countries, self.country),
        ):
            if values:
                mask &= np.isin(np.char.upper(column.astype(str)), [str(v).upper() for v in values])
                used = True
        return mask if used else None


@dataclass(frozen=True)
class StatusCurrencyTotals:
    """Counts and cents indexed [status code, currency code]."""

    currencies: list[str]
    count: np.ndarray
    amount: np.ndarray
    commission: np.ndarray

    def by_currency(self, column: str, status: int | None = None) -> dict[str, int]:
        """{currency: cents} of `column` (amount or commission), for one status or all; zero rows left out."""
        table = getattr(self, column)
        row = table.sum(axis=0) if status is None else table[status]
        counts = self.count.sum(axis=0) if status is None else self.count[status]
        return {c: int(row[i]) for i, c in enumerate(self.currencies) if counts[i]}


@dataclass
class OrderQuery:
    """Filters over orders; None means "no filter". Times are Unix seconds, both ends inclusive."""

    start: int | None = None
    end: int | None = None
    statuses: Sequence[str] | None = None
    partner_rows: np.ndarray | None = None
    """Boolean mask over partner rows (from PartnerTable.mask)."""
    devices: Sequence[str] | None = None
    trans_types: Sequence[str] | None = None
    currencies: Sequence[str] | None = None
    payment_id: int | None = None
    order_ids: Sequence[str] | None = None
    keywords: str | None = None
    extra_masks: list[Any] = field(default_factory=list)
    """Callables (book, lo, hi) -> bool mask over the slice, for rare family-specific filters."""


class OrderBook:
    """Orders as parallel numpy columns sorted by `t` (Unix seconds); index = position in that order."""

    def __init__(self, orders: pd.DataFrame, partners: PartnerTable) -> None:
        self.partners = partners
        frame = orders.reset_index(drop=True)
        if len(frame) and not frame["order_time"].is_monotonic_increasing:
            frame = frame.sort_values("order_time", kind="stable").reset_index(drop=True)
        currencies = sorted({str(c) for c in frame["currency"].unique()} | {"USD", "EUR", "GBP"})
        self.currencies: list[str] = currencies
        self.cols: dict[str, np.ndarray] = {
            "t": _unix_seconds(frame["order_time"]),
            "partner_row": partners.rows_of(frame["partner_id"].to_numpy(dtype=np.int64), "orders"),
            "channel_id": frame["channel_id"].to_numpy(dtype=np.int64),
            "currency": _codes(frame["currency"], currencies, "currency"),
            "amount": frame["amount_cents"].to_numpy(dtype=np.int64),
            "commission": frame["commission_cents"].to_numpy(dtype=np.int64),
            "quantity": frame["quantity"].to_numpy(dtype=np.int64),
            "device": _codes(frame["device"], DEVICES, "device"),
            "status": _codes(frame["status"], STATUSES, "status"),
            "bill_id": frame["bill_id"].fillna(0).to_numpy(dtype=np.int64),
            "trans_type": _codes(frame["trans_type"], TRANS_TYPES, "trans_type"),
            "is_new": frame["is_new_customer"].to_numpy(dtype=bool).astype(np.int8),
            "order_id": _text(frame["order_id"]),
            "sku": _text(frame["sku"]),
            "coupon_code": _text(frame["coupon_code"]),
            "uid": _text(frame["uid"]),
            "void_reason": _text(frame["void_reason"]),
        }
        self._id_index: dict[str, list[int]] | None = None
        self._owned: set[str] = set()

    # ----------------------------------------------------------------------------------------- basics
    def __len__(self) -> int:
        return len(self.cols["t"])

    @property
    def t(self) -> np.ndarray:
        return self.cols["t"]

    def code_of(self, vocabulary: Sequence[str], values: Iterable[str]) -> list[int]:
        return [vocabulary.index(v) for v in values if v in vocabulary]

    def time_slice(self, start: int | None, end: int | None) -> tuple[int, int]:
        t = self.t
        lo = 0 if start is None else int(np.searchsorted(t, start, side="left"))
        hi = len(t) if end is None else int(np.searchsorted(t, end, side="right"))
        return lo, max(lo, hi)

    # ------------------------------------------------------------------------------------------ query
    def find(self, query: OrderQuery) -> np.ndarray:
        """Indices (ascending time) of the orders matching every filter of `query`."""
        lo, hi = self.time_slice(query.start, query.end)
        if lo >= hi:
            return np.zeros(0, dtype=np.int64)
        cols = self.cols
        mask: np.ndarray | None = None

        def narrow(condition: np.ndarray) -> None:
            nonlocal mask
            mask = condition if mask is None else (mask & condition)

        if query.statuses is not None:
            narrow(np.isin(cols["status"][lo:hi], self.code_of(STATUSES, query.statuses)))
        if query.partner_rows is not None:
            narrow(query.partner_rows[cols["partner_row"][lo:hi]])
        if query.devices is not None:
            narrow(np.isin(cols["device"][lo:hi], self.code_of(DEVICES, query.devices)))
        if query.trans_types is not None:
            narrow(np.isin(cols["trans_type"][lo:hi], self.code_of(TRANS_TYPES, query.trans_types)))
        if query.currencies is not None:
            narrow(np.isin(cols["currency"][lo:hi], self.code_of(self.currencies, query.currencies)))
        if query.payment_id is not None:
            narrow(cols["bill_id"][lo:hi] == query.payment_id)
        for extra in query.extra_masks:
            narrow(extra(self, lo, hi))
        if query.order_ids is not None:
            wanted = np.zeros(hi - lo, dtype=bool)
            for position in self.positions_of(query.order_ids):
                if lo <= position < hi:
                    wanted[position - lo] = True
            narrow(wanted)
        if mask is None:
            found = np.arange(lo, hi, dtype=np.int64)
        else:
            found = np.flatnonzero(mask).astype(np.int64) + lo
        if query.keywords:
            found = self._keyword_filter(found, query.keywords)
        return found

    def _keyword_filter(self, found: np.ndarray, keywords: str) -> np.ndarray:
        needle = keywords.strip().lower()
        if not needle:
            return found
        columns = [self.cols[name] for name in ("order_id", "sku", "coupon_code", "uid")]
        keep = [i for i in found.tolist() if any(needle in str(column[i]).lower() for column in columns)]
        return np.array(keep, dtype=np.int64)

    def positions_of(self, order_ids: Iterable[str]) -> list[int]:
        if self._id_index is None:
            index: dict[str, list[int]] = {}
            for position, order_id in enumerate(self.cols["order_id"].tolist()):
                index.setdefault(order_id, []).append(position)
            self._id_index = index
        return [p for order_id in order_ids for p in self._id_index.get(str(order_id), [])]

    @staticmethod
    def newest_first_page(found: np.ndarray, page_num: int, page_size: int) -> np.ndarray:
        """The indices on page `page_num` (1-based) when `found` (ascending) is read newest first."""
        total = len(found)
        stop = total - (page_num - 1) * page_size
        start = max(0, stop - page_size)
        if stop <= 0:
            return np.zeros(0, dtype=np.int64)
        return found[start:stop][::-1]

    # ----------------------------------------------------------------------------------------- totals
    def take(self, name: str, found: np.ndarray) -> np.ndarray:
        """Column `name` at the indices `found` (a view when they are one contiguous run)."""
        column = self.cols[name]
        if len(found) and int(found[-1]) - int(found[0]) + 1 == len(found):
            return column[int(found[0]) : int(found[-1]) + 1]
        return column[found]

    def totals(self, found: np.ndarray) -> StatusCurrencyTotals:
        """Order counts and amount/commission cents per (status, currency) over `found`, in three passes."""
        n_currencies = len(self.currencies)
        cells = len(STATUSES) * n_currencies
        key = self.take("status", found).astype(np.int64) * n_currencies + self.take("currency", found)
        shape = (len(STATUSES), n_currencies)

        def summed(column: str) -> np.ndarray:
            # float64 sums of integer cents are exact while every total stays below 2**53 cents
            weights = self.take(column, found).astype(np.float64)
            return np.rint(np.bincount(key, weights=weights, minlength=cells)).astype(np.int64).reshape(shape)

        return StatusCurrencyTotals(
            currencies=list(self.currencies),
            count=np.bincount(key, minlength=cells).reshape(shape),
            amount=summed("amount"),
            commission=summed("commission"),
        )

    # ----------------------------------------------------------------------------------------- writes
    def insert(self, rows: Mapping[str, Sequence[Any]]) -> np.ndarray:
        """Insert rows (column → values, text columns as str, codes already encoded) at their time positions.

        Returns the new indices of the inserted rows.
        """
        count = len(rows["t"])
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        new_t = np.asarray(rows["t"], dtype=np.int64)
        order = np.argsort(new_t, kind="stable")
        positions = np.searchsorted(self.t, new_t[order], side="right")
        for name, column in self.cols.items():
            values = np.asarray(rows[name], dtype=column.dtype)[order]
            self.cols[name] = np.insert(column, positions, values)
        self._owned = set(self.cols)
        self._id_index = None
        return positions + np.arange(count)

    def set_status(self, positions: Sequence[int], status: str, reason: str = "") -> None:
        index = np.asarray(positions, dtype=np.int64)
        self._own("status")[index] = STATUSES.index(status)
        self._own("void_reason")[index] = reason

    def _own(self, name: str) -> np.ndarray:
        """The column, copied once so that in-place writes never reach arrays shared with the world."""
        if name not in self._owned:
            self.cols[name] = self.cols[name].copy()
            self._owned.add(name)
        return self.cols[name]
