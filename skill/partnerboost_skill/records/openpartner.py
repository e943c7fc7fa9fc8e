"""OpenPartner's records onto the frames the analysis reads (records.frames, records.commissions).

OpenPartner keeps partners and commissions; it has no orders, clicks or order values in its API. So:
- a partner is a partner and its own medium: status joined (activated, not revoked), pending (invited, not
  yet activated) or terminated (revoked); joined_at is activatedAt;
- a commission is one row of the commission ledger, and one order of the orders frame (one attributed
  conversion for one partner): time = accruedAt, commission = amount, sales unknown (0 here, withheld from
  every answer by the answers layer), status accrued → new, approved → effective, paid → paid, reversed →
  void.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.records.commissions import commissions_frame
from partnerboost_skill.records.frames import orders_frame, partners_frame

ORDER_STATUS = {"accrued": "new", "approved": "effective", "paid": "paid", "reversed": "void"}
REVERSED_REASON = "reversed"


def partner_status(partner: dict[str, Any]) -> str:
    if partner.get("revokedAt"):
        return "terminated"
    return "joined" if partner.get("activatedAt") else "pending"


def openpartner_partners_frame(partners: list[dict[str, Any]]) -> pd.DataFrame:
    """OpenPartner partner records → the partners frame (each partner is also its own medium)."""
    rows = [
        {"partner_id": str(p["id"]), "channel_id": str(p["id"]), "name": p.get("name") or "",
         "status": partner_status(p), "joined_at": p.get("activatedAt")}
        for p in partners if isinstance(p, dict) and p.get("id")
    ]
    return partners_frame(rows)


def commission_rows(
    commissions: list[dict[str, Any]], partners: dict[str, dict[str, Any]], source: str = "api"
) -> list[dict[str, Any]]:
    """OpenPartner commission records → rows of the commission ledger (partner name and end from the list)."""
    rows = []
    for record in commissions:
        if not isinstance(record, dict):
            continue
        partner = partners.get(str(record.get("partnerId") or ""), {})
        rows.append({
            "commission_id": record.get("id"), "partner_id": record.get("partnerId"),
            "partner_name": partner.get("name") or "", "currency": record.get("currency"),
            "amount": record.get("amount"), "status": record.get("status"),
            "accrued_at": record.get("accruedAt"), "approved_at": record.get("approvedAt"),
            "paid_at": record.get("paidAt"), "reversed_at": record.get("reversedAt"),
            "payout_id": record.get("payoutId") or "", "campaign": record.get("campaignName") or "",
            "partner_ended_at": partner.get("revokedAt"), "source": source,
        })
    return rows


def ledger(commissions: list[dict[str, Any]], partners: dict[str, dict[str, Any]]) -> pd.DataFrame:
    return commissions_frame(commission_rows(commissions, partners))


def orders_from_ledger(ledger_frame: pd.DataFrame) -> pd.DataFrame:
    """The ledger as an orders frame: one order per commission, its sale amount unknown (0)."""
    if ledger_frame.empty:
        return orders_frame([])
    status = ledger_frame["status"].astype(str).map(ORDER_STATUS).to_numpy(dtype=object)
    records = pd.DataFrame({
        "order_id": ledger_frame["commission_id"].astype(str).to_numpy(dtype=object),
        "order_time": ledger_frame["accrued_at"].to_numpy(),
        "partner_id": ledger_frame["partner_id"].astype(str).to_numpy(dtype=object),
        "partner_name": ledger_frame["partner_name"].astype(str).to_numpy(dtype=object),
        "channel_id": ledger_frame["partner_id"].astype(str).to_numpy(dtype=object),
        "currency": ledger_frame["currency"].astype(str).to_numpy(dtype=object),
        "sale_amount": np.zeros(len(ledger_frame), dtype=np.int64),
        "sale_comm": ledger_frame["amount_cents"].to_numpy(dtype=np.int64) / 100.0,
        "status": status,
        "void_reason": np.where(status == "void", REVERSED_REASON, ""),
    })
    records["order_time"] = pd.to_datetime(records["order_time"], utc=True)
    return orders_frame(records)
