"""The sandbox's synthetic merchant world: a deterministic, seeded set of pandas DataFrames.

`World.generate(WorldConfig(...))` builds partners, a year of orders with their lifecycle, daily clicks,
monthly bills, prepayments, creatives, the datafeed, the Amazon side and the publisher's brand list, plus
labelled anomalies (`World.anomalies`). The schema is the one in docs/contracts.md. Writes from the sandbox
app go through `add_order` / `void_order`; reads see them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.anomalies import Anomaly
from partnerboost_skill.sandbox.world_amazon import (
    generate_amazon_brands,
    generate_amazon_products,
    generate_amazon_report,
)
from partnerboost_skill.sandbox.world_anomalies import PlannedAnomaly, inject_bill_mismatch, inject_orders
from partnerboost_skill.sandbox.world_billing import (
    NEW_ORDER_DAYS,
    ORDER_STATUSES,
    build_bills,
    build_prepayments,
    month_label,
    month_number,
    order_status,
)
from partnerboost_skill.sandbox.world_catalog import (
    account_info,
    current_plan,
    generate_brands,
    generate_creatives,
    generate_products,
    prepayment_day_ns,
    sku_popularity,
)
from partnerboost_skill.sandbox.world_orders import (
    CURRENCIES,
    DEVICES,
    TRANS_TYPES,
    VOID_REASONS,
    OrderColumns,
    coupon_table,
    generate_orders,
)
from partnerboost_skill.sandbox.world_partners import generate_partners, pick_publisher_partner
from partnerboost_skill.sandbox.world_time import Calendar

DEFAULT_NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
ORDER_COLUMNS = (
    "order_id",
    "order_time",
    "partner_id",
    "channel_id",
    "currency",
    "amount_cents",
    "commission_cents",
    "quantity",
    "sku",
    "coupon_code",
    "is_new_customer",
    "device",
    "uid",
    "status",
    "void_reason",
    "bill_id",
    "trans_type",
)
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


MONTHS_BEFORE_PRESENT = 15
"""Whole months a present-day world holds before the current one: enough for a year-on-year comparison of any
of the three latest complete months ("compare October --against year" in December or January)."""


@dataclass(frozen=True)
class WorldConfig:
    """A world is deterministic for its config; the default one is pinned at DEFAULT_NOW (tests, benches)."""

    seed: int = 7
    now: datetime = DEFAULT_NOW
    orders_per_day: float = 300
    days: int = 365
    n_partners: int = 120


def present_config(now: datetime | None = None, *, seed: int = 7, orders_per_day: float = 300) -> WorldConfig:
    """A world that ends at `now` (default: the current minute, UTC): the demo's and `partnerboost sandbox`'s.

    It starts on the first day of the month MONTHS_BEFORE_PRESENT months before `now`'s month, so it covers
    the current month so far and the 15 whole months before it.
    """
    moment = (datetime.now(UTC) if now is None else now).astimezone(UTC).replace(second=0, microsecond=0)
    months = moment.year * 12 + moment.month - 1 - MONTHS_BEFORE_PRESENT
    start = moment.replace(year=months // 12, month=months % 12 + 1, day=1)
    days = (moment.date() - start.date()).days + 1
    return WorldConfig(seed=seed, now=moment, orders_per_day=orders_per_day, days=days)


class World:
    """The generated frames (see docs/contracts.md) and the few write operations the sandbox app needs."""

    def __init__(
        self, config: WorldConfig, frames: dict[str, Any], anomalies: list[Anomaly], publisher_partner_id: int
    ) -> None:
        self.config = config
        self.now = pd.Timestamp(config.now).tz_convert("UTC")
        self.partners: pd.DataFrame = frames["partners"]
        self._orders: pd.DataFrame = frames["orders"]
        self.clicks_daily: pd.DataFrame = frames["clicks_daily"]
        self.bills: pd.DataFrame = frames["bills"]
        self.prepayments: pd.DataFrame = frames["prepayments"]
        self.creatives: pd.DataFrame = frames["creatives"]
        self.products: pd.DataFrame = frames["products"]
        self.amazon_products: pd.DataFrame = frames["amazon_products"]
        self.amazon_brands: pd.DataFrame = frames["amazon_brands"]
        self.amazon_report: pd.DataFrame = frames["amazon_report"]
        self.brands: pd.DataFrame = frames["brands"]
        self.account: dict[str, Any] = frames["account"]
        self.plan: dict[str, Any] = frames["plan"]
        self.anomalies = anomalies
        self.publisher_partner_id = publisher_partner_id
        """The partner whose channel the sandbox publisher token belongs to."""
        self._pending: list[dict[str, Any]] = []
        self._pending_ids: set[str] = set()
        self._times_ns: np.ndarray | None = None
        self._id_index: pd.Index | None = None

    @classmethod
    def generate(cls, config: WorldConfig | None = None) -> World:
        return generate_world(config or WorldConfig())

    # Reads -------------------------------------------------------------------------------------------------

    @property
    def orders(self) -> pd.DataFrame:
        """All orders sorted by order_time, including those added since generation."""
        if self._pending:
            self._flush()
        return self._orders

    @property
    def order_times_ns(self) -> np.ndarray:
        """order_time as sorted int64 Unix nanoseconds, for `np.searchsorted` range filters."""
        orders = self.orders
        if self._times_ns is None:
            self._times_ns = orders["order_time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        return self._times_ns

    def orders_between(
        self, start: datetime | pd.Timestamp | None, end: datetime | pd.Timestamp | None
    ) -> pd.DataFrame:
        """Orders with start <= order_time < end (either bound may be None), as a positional slice."""
        times = self.order_times_ns
        lo = 0 if start is None else int(np.searchsorted(times, pd.Timestamp(start).value, side="left"))
        hi = len(times) if end is None else int(np.searchsorted(times, pd.Timestamp(end).value, side="left"))
        return self.orders.iloc[lo:hi]

    def find_orders(self, order_id: str) -> pd.DataFrame:
        """Every row with this order_id (two for an injected duplicate; none when unknown)."""
        orders = self.orders
        positions = self._ids().get_indexer_for(pd.Index([order_id]))
        return orders.iloc[positions[positions >= 0]]

    def _ids(self) -> pd.Index:
        """order_id of the flushed orders by position (kept up to date by `_flush`)."""
        if self._id_index is None:
            self._id_index = pd.Index(self._orders["order_id"])
        return self._id_index

    def partner(self, partner_id: int) -> dict[str, Any] | None:
        rows = self.partners[self.partners["partner_id"] == int(partner_id)]
        return None if rows.empty else {str(key): value for key, value in rows.iloc[0].to_dict().items()}

    def anomalies_json(self) -> list[dict[str, Any]]:
        return [anomaly.to_json() for anomaly in self.anomalies]

    # Writes ------------------------------------------------------------------------------------------------

    def add_order(
        self,
        *,
        order_id: str,
        order_time: datetime | pd.Timestamp,
        partner_id: int,
        currency: str,
        amount_cents: int,
        quantity: int = 1,
        sku: str = "",
        coupon_code: str = "",
        is_new_customer: bool = False,
        uid: str = "",
        device: str = "-",
        trans_type: str = "normal",
        commission_cents: int | None = None,
    ) -> dict[str, Any]:
        """Record a new order (or a bonus: trans_type 'bonus', amount 0, commission given); returns its row.

        The commission defaults to the partner group's rate. Raises ValueError naming the bad parameter.
        """
        if not order_id or not str(order_id).strip():
            raise ValueError("order_id must be a non-empty string")
        if str(order_id) in self._pending_ids or str(order_id) in self._ids():
            raise ValueError(f"order_id {order_id!r} already exists")
        partner = self.partner(partner_id)
        if partner is None or partner["status"] != "joined":
            raise ValueError(f"partner_id {partner_id!r} is not a joined partner of this merchant")
        if not _CURRENCY_CODE.match(str(currency)):
            raise ValueError(f"currency must be an ISO 4217 code such as USD, EUR or GBP, got {currency!r}")
        if int(amount_cents) < 0 or int(quantity) < 0:
            raise ValueError("amount_cents and quantity must not be negative")
        if device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
        if trans_type not in TRANS_TYPES:
            raise ValueError(f"trans_type must be one of {', '.join(TRANS_TYPES)}, got {trans_type!r}")
        rate_bp = round(float(partner["commission_rate"]) * 10_000)
        commission = (
            (int(amount_cents) * rate_bp + 5_000) // 10_000 if commission_cents is None else commission_cents
        )
        if int(commission) < 0:
            raise ValueError("commission_cents must not be negative")
        time = pd.Timestamp(order_time)
        time = (time.tz_localize("UTC") if time.tzinfo is None else time.tz_convert("UTC")).as_unit("ns")
        young = time > self.now - pd.Timedelta(days=NEW_ORDER_DAYS)
        row = {
            "order_id": str(order_id),
            "order_time": time.floor("s"),
            "partner_id": int(partner["partner_id"]),
            "channel_id": int(partner["channel_id"]),
            "currency": str(currency),
            "amount_cents": int(amount_cents),
            "commission_cents": int(commission),
            "quantity": int(quantity),
            "sku": str(sku),
            "coupon_code": str(coupon_code),
            "is_new_customer": bool(is_new_customer),
            "device": device,
            "uid": str(uid),
            "status": "new" if young else "effective",
            "void_reason": "",
            "bill_id": 0,
            "trans_type": trans_type,
        }
        self._pending.append(row)
        self._pending_ids.add(str(row["order_id"]))
        return dict(row)

    def void_order(self, order_id: str, reason: str = "cancelled") -> dict[str, Any]:
        """Void every row with this order_id; returns the (first) updated row. Already void stays as it is."""
        matches = self.find_orders(str(order_id))
        if matches.empty:
            raise ValueError(f"order_id {order_id!r} does not exist")
        orders = self._orders
        positions = orders.index.get_indexer(matches.index)
        open_rows = positions[orders["status"].to_numpy()[positions] != "void"]
        if len(open_rows):
            labels = orders.index[open_rows]
            orders.loc[labels, "status"] = "void"
            orders.loc[labels, "void_reason"] = reason or "cancelled"
        return {str(key): value for key, value in orders.iloc[positions[0]].to_dict().items()}

    def _flush(self) -> None:
        added = pd.DataFrame(self._pending, columns=list(ORDER_COLUMNS)).astype(self._orders.dtypes.to_dict())
        self._pending = []
        self._pending_ids = set()
        combined = pd.concat([self._orders, added], ignore_index=True)
        if combined["order_time"].is_monotonic_increasing:
            if self._id_index is not None:
                self._id_index = self._id_index.append(pd.Index(added["order_id"]))
        else:
            combined = combined.sort_values("order_time", kind="stable", ignore_index=True)
            self._id_index = None
        self._orders = combined
        self._times_ns = None


# Generation ---------------------------------------------------------------------------------------------

_STREAMS = ("partners", "catalog", "orders", "anomalies", "billing", "amazon", "customers")


def generate_world(config: WorldConfig) -> World:
    if config.orders_per_day <= 0:
        raise ValueError(f"orders_per_day must be positive, got {config.orders_per_day}")
    rng = {name: np.random.default_rng([config.seed, i]) for i, name in enumerate(_STREAMS)}
    calendar = Calendar.ending_at(config.now, config.days)

    partners = generate_partners(rng["partners"], config.n_partners, calendar)
    rate_bp = partners["rate_bp"].to_numpy()
    products = generate_products(rng["catalog"], calendar)
    popularity = sku_popularity(rng["catalog"], len(products))
    columns, clicks_daily = generate_orders(
        rng["orders"], partners, calendar, config.orders_per_day, popularity
    )
    planned = inject_orders(rng["anomalies"], columns, calendar, rate_bp)

    order = np.lexsort((columns["serial"], columns["order_time_ns"]))
    columns = {name: values[order] for name, values in columns.items()}
    bp = np.where(columns["commission_bp"] > 0, columns["commission_bp"], rate_bp[columns["partner_idx"]])
    columns["commission_cents"] = (columns["amount_cents"] * bp + 5_000) // 10_000

    bills, order_bill = build_bills(rng["billing"], columns, partners, calendar)
    mismatch = inject_bill_mismatch(rng["anomalies"], bills, calendar)
    status = order_status(columns, order_bill, bills, calendar)
    top_ups, balance = build_prepayments(rng["billing"], bills, prepayment_day_ns(calendar))
    orders = _orders_frame(rng["customers"], columns, partners, products, order_bill, status)
    anomalies = [*_label(planned, columns, orders, partners), mismatch]

    amazon_brands = generate_amazon_brands(rng["amazon"])
    amazon_products = generate_amazon_products(rng["amazon"], amazon_brands, calendar)
    frames: dict[str, Any] = {
        "partners": partners.drop(columns=["weight", "rate_bp"]),
        "orders": orders,
        "clicks_daily": clicks_daily,
        "bills": bills,
        "prepayments": top_ups,
        "creatives": generate_creatives(rng["catalog"], calendar),
        "products": products,
        "amazon_products": amazon_products,
        "amazon_brands": amazon_brands,
        "amazon_report": generate_amazon_report(rng["amazon"], amazon_products, amazon_brands, calendar),
        "brands": generate_brands(rng["catalog"]),
        "account": account_info(calendar, balance),
        "plan": current_plan(calendar),
    }
    for name, frame in frames.items():
        if isinstance(frame, pd.DataFrame):
            frames[name] = _normalise_dtypes(frame)
    return World(config, frames, anomalies, pick_publisher_partner(partners, calendar))


def _orders_frame(
    rng: np.random.Generator,
    columns: OrderColumns,
    partners: pd.DataFrame,
    products: pd.DataFrame,
    order_bill: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    n = len(columns["order_time_ns"])
    serial = columns["serial"]
    # Order numbers rise with time; an injected duplicate repeats its original's number.
    unique_serials, first_row, inverse = np.unique(serial, return_index=True, return_inverse=True)
    numbers = 1_200_000 + np.cumsum(rng.integers(1, 4, size=len(unique_serials)))
    rank = np.empty(len(unique_serials), dtype=np.int64)
    rank[np.argsort(first_row, kind="stable")] = np.arange(len(unique_serials))
    order_numbers = numbers[rank][inverse]

    first_purchase = np.zeros(n, dtype=bool)
    first_purchase[np.unique(columns["uid"], return_index=True)[1]] = True
    partner_idx = columns["partner_idx"]

    def text(table: Any, codes: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(table, dtype=object)[codes], dtype="str")

    return pd.DataFrame(
        {
            "order_id": "LP" + pd.Series(order_numbers).astype("str"),
            "order_time": pd.to_datetime(columns["order_time_ns"], utc=True),
            "partner_id": partners["partner_id"].to_numpy()[partner_idx],
            "channel_id": partners["channel_id"].to_numpy()[partner_idx],
            "currency": text(CURRENCIES, columns["currency"]),
            "amount_cents": columns["amount_cents"].astype(np.int64),
            "commission_cents": columns["commission_cents"].astype(np.int64),
            "quantity": columns["quantity"].astype(np.int64),
            "sku": text(products["sku"].to_numpy(), columns["sku"]),
            "coupon_code": text(coupon_table(partners), columns["coupon"]),
            "is_new_customer": first_purchase & (rng.random(n) < 0.85),
            "device": text(DEVICES, columns["device"]),
            "uid": "C" + pd.Series(columns["uid"]).astype("str"),
            "status": text(ORDER_STATUSES, status),
            "void_reason": text(VOID_REASONS, columns["void_reason"]),
            "bill_id": order_bill,
            "trans_type": text(TRANS_TYPES, columns["trans_type"]),
        }
    )


def _label(
    planned: list[PlannedAnomaly], columns: OrderColumns, orders: pd.DataFrame, partners: pd.DataFrame
) -> list[Anomaly]:
    tags = columns["tag"]
    tagged = np.nonzero(tags >= 0)[0]
    ids = orders["order_id"].to_numpy()
    anomalies = []
    for index, plan in enumerate(planned):
        rows = tagged[tags[tagged] == index]
        month = month_label(month_number(columns["order_time_ns"][rows[:1]]))[0]
        anomalies.append(
            Anomaly(
                kind=plan.kind,
                order_ids=tuple(dict.fromkeys(str(i) for i in ids[rows])),
                partner_id=int(partners["partner_id"].iloc[plan.partner_idx]),
                month=str(month),
                detail={"order_id": str(ids[rows[0]])} | plan.detail
                if plan.kind == "duplicate_order"
                else plan.detail,
            )
        )
    return anomalies


def _normalise_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """datetime64[ns, UTC] for every time column and the `str` dtype for text, whatever pandas inferred."""
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.DatetimeTZDtype) or np.issubdtype(
            np.asarray(frame[column]).dtype, np.datetime64
        ):
            frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
        elif dtype is np.dtype(object):
            frame[column] = frame[column].astype("str")
    return frame
