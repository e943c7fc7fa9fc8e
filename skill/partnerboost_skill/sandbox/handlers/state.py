"""The mutable state one sandbox app serves: indexed views of the world plus what clients wrote.

Order writes (new orders, bonuses, voids) go to the world too (`World.add_order` / `World.void_order`), so the
world's frames stay the ground truth of what is served; page-drift orders and the other writes (creatives,
products, datafeed settings, publisher statuses) live only in this state.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.handlers.clicks import ClickTable
from partnerboost_skill.sandbox.handlers.orderbook import (
    DEVICES,
    STATUSES,
    TRANS_TYPES,
    OrderBook,
    PartnerTable,
)
from partnerboost_skill.sandbox.handlers.records import string_keyed, unix_seconds
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SandboxError

if TYPE_CHECKING:
    from partnerboost_skill.sandbox.world import World

NEW_ORDER_DAYS = 14
DRIFT_SEED_SALT = 0x5EED


class SandboxState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.now_seconds = unix_seconds(world.config.now) or 0
        self.partners = PartnerTable(world.partners)
        self.orders = OrderBook(world.orders, self.partners)
        self.clicks = ClickTable(world.clicks_daily, self.partners)
        self.bills = world.bills.sort_values(["created_at", "bill_id"], ascending=False, ignore_index=True)
        self.partner_status = self.partners.status.copy()
        self.creatives: list[dict[str, Any]] = string_keyed(world.creatives)
        self.products: dict[str, dict[str, Any]] = {str(r["sku"]): r for r in string_keyed(world.products)}
        self.datafeed_config: dict[str, Any] | None = None
        self.publisher_row = self.partners.row_of_partner[int(world.publisher_partner_id)]
        self.click_report_log: dict[str, deque[float]] = {}
        self.drift_rng = np.random.default_rng(int(world.config.seed) ^ DRIFT_SEED_SALT)
        self.drift_clock = self.now_seconds
        self.next_creative_id = max((int(c["creative_id"]) for c in self.creatives), default=5_000) + 1

    # -------------------------------------------------------------------------------------------- orders
    def add_order(
        self,
        *,
        order_id: str,
        time: int,
        partner_row: int,
        currency: str,
        amount: int,
        commission: int | None = None,
        quantity: int = 1,
        sku: str = "",
        coupon_code: str = "",
        uid: str = "",
        is_new: bool = False,
        device: str = "-",
        trans_type: str = "normal",
    ) -> int:
        """Record an order in the world (which validates it) and in the order book; returns its index.

        Raises SandboxError 1003 with the world's message when the order is refused (duplicate id, partner not
        joined).
        """
        try:
            row = self.world.add_order(
                order_id=order_id,
                order_time=pd.Timestamp(time, unit="s", tz="UTC"),
                partner_id=int(self.partners.partner_id[partner_row]),
                currency=currency,
                amount_cents=amount,
                quantity=quantity,
                sku=sku,
                coupon_code=coupon_code,
                is_new_customer=is_new,
                uid=uid,
                device=device,
                trans_type=trans_type,
                commission_cents=commission,
            )
        except ValueError as exc:
            raise SandboxError(BAD_REQUEST, str(exc)) from None
        return int(
            self.orders.insert(
                self._rows(
                    [
                        {
                            "t": time,
                            "partner_row": partner_row,
                            "channel_id": int(row["channel_id"]),
                            "currency": currency,
                            "amount": amount,
                            "commission": int(row["commission_cents"]),
                            "quantity": quantity,
                            "sku": sku,
                            "coupon_code": coupon_code,
                            "uid": uid,
                            "is_new": is_new,
                            "device": device,
                            "status": row["status"],
                            "trans_type": trans_type,
                            "order_id": order_id,
                        }
                    ]
                )
            )[0]
        )

    def void_order(self, order_id: str, reason: str) -> list[int]:
        """Void every order with this id in the world and the book; returns the book positions."""
        positions = self.orders.positions_of([order_id])
        if not positions:
            raise SandboxError(BAD_REQUEST, f"order_number {order_id!r} does not exist", http_status=404)
        try:
            self.world.void_order(order_id, reason)
        except ValueError as exc:
            raise SandboxError(BAD_REQUEST, str(exc)) from None
        still_open = [p for p in positions if self.orders.cols["status"][p] != STATUSES.index("void")]
        if still_open:
            self.orders.set_status(still_open, "void", reason)
        return positions

    def _rows(self, orders: list[dict[str, Any]]) -> dict[str, list[Any]]:
        book = self.orders
        for currency in {str(o["currency"]) for o in orders}:
            if currency not in book.currencies:
                book.currencies.append(currency)
        return {
            "t": [int(o["t"]) for o in orders],
            "partner_row": [int(o["partner_row"]) for o in orders],
            "channel_id": [int(o["channel_id"]) for o in orders],
            "currency": [book.currencies.index(str(o["currency"])) for o in orders],
            "amount": [int(o["amount"]) for o in orders],
            "commission": [int(o["commission"]) for o in orders],
            "quantity": [int(o["quantity"]) for o in orders],
            "device": [DEVICES.index(o["device"]) for o in orders],
            "status": [STATUSES.index(o["status"]) for o in orders],
            "bill_id": [0 for _ in orders],
            "trans_type": [TRANS_TYPES.index(o["trans_type"]) for o in orders],
            "is_new": [int(bool(o["is_new"])) for o in orders],
            "order_id": [str(o["order_id"]) for o in orders],
            "sku": [str(o["sku"]) for o in orders],
            "coupon_code": [str(o["coupon_code"]) for o in orders],
            "uid": [str(o["uid"]) for o in orders],
            "void_reason": ["" for _ in orders],
        }

    def add_drift_orders(self, count: int) -> None:
        """Place `count` new orders just after the newest one, as a live account would between two requests.

        They exist only in this app's order book (the world is the ground truth without the drift).
        """
        rng = self.drift_rng
        joined = np.flatnonzero(self.partner_status == "joined")
        rows = rng.choice(joined if len(joined) else np.arange(self.partners.size), size=count)
        skus = list(self.products)
        orders = []
        for row in rows.tolist():
            newest = int(self.orders.t[-1]) if len(self.orders) else self.now_seconds
            self.drift_clock = max(self.drift_clock, newest) + 1
            amount = int(rng.integers(1_500, 20_000))
            rate_bp = round(float(self.partners.commission_rate[row]) * 10_000)
            orders.append(
                {
                    "t": self.drift_clock,
                    "partner_row": row,
                    "channel_id": int(self.partners.channel_id[row]),
                    "currency": "USD",
                    "amount": amount,
                    "commission": (amount * rate_bp + 5_000) // 10_000,
                    "quantity": 1,
                    "sku": skus[int(rng.integers(len(skus)))] if skus else "",
                    "coupon_code": "",
                    "uid": f"D{int(rng.integers(10**6, 10**7))}",
                    "is_new": bool(rng.random() < 0.4),
                    "device": "mobile",
                    "status": "new",
                    "trans_type": "normal",
                    "order_id": f"DRIFT{self.drift_clock}{row:03d}",
                }
            )
        self.orders.insert(self._rows(orders))

    # -------------------------------------------------------------------------------------------- lookups
    def partner_rows_from(self, value: Any) -> np.ndarray:
        """Partner rows for a partner id, a channel (site) id or a PB medium code."""
        text = str(value).strip()
        rows = self.partners.rows_for_channels([text])
        if text.isdigit() and int(text) in self.partners.row_of_partner:
            rows = np.append(rows, self.partners.row_of_partner[int(text)])
        return np.unique(rows)
