"""A sandbox World's data in the merchant API's record shapes, built column-wise without HTTP.

For benchmarks, tests and offline demos on worlds too large to page through the ASGI app (a million orders
would be 5,000 list4 pages). The shapes are the record contracts (records/contracts.py) the sandbox handlers
write too — tests/sandbox/test_bulk_records.py checks both writers give the same records — so the frames
built from them go through exactly the same mapping as records fetched from the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from partnerboost_skill.sandbox.world import World


def decimal_text(cents: pd.Series | np.ndarray) -> pd.Series:
    """Integer cents → decimal strings as the API sends them ("123.45", "-0.50")."""
    values = pd.Series(np.asarray(cents, dtype=np.int64))
    sign = np.where(values < 0, "-", "")
    magnitude = values.abs()
    whole = (magnitude // 100).astype(str)
    return pd.Series(sign).astype(str) + whole + "." + (magnitude % 100).astype(str).str.zfill(2)


def percent_texts(part_cents: np.ndarray, whole_cents: np.ndarray) -> pd.Series:
    """Commission over amount as '11.20%' (rounded half up; '0.00%' without an amount), vectorised: the same
    text as handlers.money.percent_text."""
    whole = np.where(whole_cents > 0, whole_cents, 1)
    hundredths = np.where(whole_cents > 0, (part_cents * 20_000 + whole) // (2 * whole), 0)
    sign = np.where(hundredths < 0, "-", "")
    magnitude = pd.Series(np.abs(hundredths))
    whole_part = (magnitude // 100).astype(str)
    return pd.Series(sign).astype(str) + whole_part + "." + (magnitude % 100).astype(str).str.zfill(2) + "%"


def order_records(world: World, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """list4 records of the orders placed in [start, end) (all orders when both are None)."""
    orders = world.orders_between(start, end)
    partners = world.partners.set_index("partner_id")
    rows = partners.index.get_indexer(pd.Index(orders["partner_id"]))
    attribute = {
        name: partners[name].to_numpy()[rows]
        for name in (
            "name",
            "medium_code",
            "channel_type",
            "partner_type",
            "country",
            "group_name",
            "group_id",
        )
    }
    amounts = orders["amount_cents"].to_numpy(dtype=np.int64)
    commissions = orders["commission_cents"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "order_time": orders["order_time"].to_numpy(dtype="datetime64[ns]").astype(np.int64) // 10**9,
            "partner_id": orders["partner_id"].to_numpy(),
            "partner_name": attribute["name"],
            "channel_id": orders["channel_id"].to_numpy(),
            "medium_code": attribute["medium_code"],
            "partner_channel_type": attribute["channel_type"],
            "partner_type": attribute["partner_type"],
            "partner_location": attribute["country"],
            "partner_group": attribute["group_name"],
            "partner_group_id": attribute["group_id"],
            "client_device": orders["device"].to_numpy(),
            "currency": orders["currency"].to_numpy(),
            "sale_amount": decimal_text(amounts).to_numpy(),
            "sale_comm": decimal_text(commissions).to_numpy(),
            "comm_rate": percent_texts(commissions, amounts).to_numpy(),
            "status": orders["status"].to_numpy(),
            "void_reason": orders["void_reason"].to_numpy(),
            "is_new_customer": orders["is_new_customer"].to_numpy().astype(np.int64),
            "coupon_code": orders["coupon_code"].to_numpy(),
            "uid": orders["uid"].to_numpy(),
            "quantity": orders["quantity"].to_numpy(),
            "sku": orders["sku"].to_numpy(),
            "trans_type": orders["trans_type"].to_numpy(),
            "payment_id": orders["bill_id"].to_numpy(),
        }
    )


def click_records(world: World, start: datetime, end: datetime, group_by: str = "medium") -> pd.DataFrame:
    """Performance rows with clicks for the UTC days starting in [start, end): grouped by medium or by day."""
    clicks = world.clicks_daily
    first, stop = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    chosen = clicks[((clicks["date"] >= first) & (clicks["date"] < stop)).to_numpy()]
    if group_by == "day":
        summed = chosen.groupby("date")["clicks"].sum()
        days = pd.DatetimeIndex(summed.index)
        return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "clicks": summed.to_numpy()})
    summed = chosen.groupby("partner_id")["clicks"].sum()
    partners = world.partners.set_index("partner_id").loc[summed.index]
    return pd.DataFrame(
        {
            "medium_id": partners["channel_id"].to_numpy(),
            "medium_name": partners["name"].to_numpy(),
            "medium_code": partners["medium_code"].to_numpy(),
            "partner_id": summed.index.to_numpy(),
            "clicks": summed.to_numpy(),
        }
    )


def bill_records(world: World) -> pd.DataFrame:
    """billing_list records of every bill."""
    bills = world.bills
    names = world.partners.set_index("partner_id")["name"]
    return pd.DataFrame(
        {
            "id": bills["bill_id"].to_numpy(),
            "bill_no": "BILL-" + bills["month"].str.replace("-", "") + "-" + bills["bill_id"].astype(str),
            "mid": bills["channel_id"].to_numpy(),
            "medium_name": names.reindex(bills["partner_id"]).to_numpy(),
            "period": bills["month"].to_numpy(),
            "currency": bills["currency"].to_numpy(),
            "amount": decimal_text(bills["amount_cents"]).to_numpy(),
            "order_count": bills["order_count"].to_numpy(),
            "status": bills["status"].to_numpy(),
            "payment_method": bills["payment_method"].to_numpy(),
            "payment_type": bills["payment_type"].to_numpy(),
            "create_time": bills["created_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64) // 10**9,
            "paid_time": pd.Series(bills["paid_at"]).map(
                lambda t: None if pd.isna(t) else int(t.timestamp())
            ),
        }
    )


def partner_records(world: World) -> pd.DataFrame:
    """Brand publisher-list records of every partner."""
    partners = world.partners
    return pd.DataFrame(
        {
            "partner_id": partners["partner_id"].to_numpy(),
            "medium_id": partners["channel_id"].to_numpy(),
            "medium_name": partners["name"].to_numpy(),
            "medium_code": partners["medium_code"].to_numpy(),
            "partner_type": partners["partner_type"].to_numpy(),
            "channel_type": partners["channel_type"].to_numpy(),
            "country": partners["country"].to_numpy(),
            "group_id": partners["group_id"].to_numpy(),
            "group_name": partners["group_name"].to_numpy(),
            "commission_rate": (partners["commission_rate"] * 100).map("{:.2f}%".format).to_numpy(),
            "status": partners["status"].to_numpy(),
            "joined_at": partners["joined_at"],
            "website": partners["website"].to_numpy(),
        }
    )
