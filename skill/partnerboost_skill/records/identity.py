"""Who a record is about, whatever ids it carries: one identity per partner across orders, performance rows
and the partner list.

- Orders without a partner id are told apart by their medium (channel/site id), else their medium code,
  else their partner name — never lumped into one `(unknown)` partner under a borrowed name. Where some
  orders carry the partner id, the others inherit it through their medium.
- Performance rows are joined with orders on whichever id they share (medium id, medium code or partner id):
  their `medium` is rewritten to the orders' medium, so no medium is counted twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FALLBACKS = (("medium", "medium (channel) id"), ("medium_code", "medium code"), ("partner_name", "name"))


def fill_partner_ids(orders: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Orders with every partner id filled from the best id they have; (orders, a note when any was
    filled)."""
    if orders.empty:
        return orders, None
    partner = orders["partner_id"].astype(str).to_numpy(dtype=object)
    missing = partner == ""
    if not missing.any():
        return orders, None
    real = set(partner[~missing])
    filled = partner.copy()
    used: list[str] = []
    if real:  # some orders carry the partner id: the others inherit it through their medium
        for column in ("medium", "medium_code"):
            values = orders[column].astype(str).to_numpy(dtype=object)
            both = ~missing & (values != "")
            known = dict(zip(values[both], partner[both], strict=True))
            inherit = missing & (filled == "") & np.isin(values, list(known))
            filled[inherit] = [known[value] for value in values[inherit]]
    for column, words in FALLBACKS:
        values = orders[column].astype(str).to_numpy(dtype=object)
        take = (filled == "") & (values != "")
        if take.any():
            clash = take & np.isin(values, list(real))
            values = np.where(clash, f"{column}:" + values.astype(str), values)
            filled[take] = values[take]
            used.append(words)
    result = orders.copy()
    result["partner_id"] = pd.Categorical(filled)
    count = int(missing.sum())
    if not used:
        return result, f"{count:,} orders carry no partner id and nothing else that names their partner"
    share = "all orders carry" if count == len(orders) else f"{count:,} of {len(orders):,} orders carry"
    return result, (f"{share} no partner id: partners are told apart by their {' or '.join(used)}, so a "
                    "partner with several media shows once per medium")


def align_clicks(
    clicks: pd.DataFrame | None, orders: pd.DataFrame, partners: pd.DataFrame | None = None
) -> tuple[pd.DataFrame | None, str | None]:
    """Performance rows whose `medium` is the orders' medium id or code (what the analysis joins on)."""
    if clicks is None or clicks.empty or orders.empty:
        return clicks, None
    known: set[str] = set()
    for frame in (orders, partners):
        if frame is not None and not frame.empty:
            for column in ("medium", "medium_code"):
                known.update(frame[column].astype(str).unique())
    known.discard("")
    rows = clicks.copy()
    medium = rows["medium"].astype(str).to_numpy(dtype=object)
    if (medium == "").all() and (rows["medium_code"].astype(str) != "").any():
        medium = rows["medium_code"].astype(str).to_numpy(dtype=object)
    present = medium != ""
    if not present.any() or np.isin(medium[present], list(known)).mean() >= 0.5:
        rows["medium"] = pd.Categorical(medium)
        return rows, None
    # the rows' key is the partner id: join through the orders' partner → medium
    partner = orders["partner_id"].astype(str).to_numpy(dtype=object)
    media = orders["medium"].astype(str).to_numpy(dtype=object)
    if (media == "").all():
        media = orders["medium_code"].astype(str).to_numpy(dtype=object)
    first_medium: dict[str, str] = {}
    for who, where in zip(partner, media, strict=True):
        if who and where:
            first_medium.setdefault(who, where)
    hits = np.array([value in first_medium for value in medium], dtype=bool)
    if hits[present].mean() < 0.5:
        return rows, (
            "performance rows name media by an id the orders do not carry: their clicks count in the totals "
            "but cannot be given to a group"
        )
    rows["partner_id"] = pd.Categorical(np.where(hits, medium, rows["partner_id"].astype(str)))
    rows["medium"] = pd.Categorical([first_medium.get(value, value) for value in medium])
    return rows, ("performance rows identify media by partner id: their clicks were joined with the orders "
                  "by partner")
