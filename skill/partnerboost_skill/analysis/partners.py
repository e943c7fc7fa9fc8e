"""Partner media: every partnered medium with its type, channel type, country and group; the structure of the
portfolio (counts and shares); and activity in the period (active vs dormant, top contributors per currency).

With a partner list (brand credentials) every medium with the requested status is shown. Without one the
media are derived from the period's orders and clicks, so only media with activity appear; the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

import numpy as np
import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import Breakdown, MediumFigures, PartnerMedia, PeriodEcho
from partnerboost_skill.periods import Period

TOP_CONTRIBUTORS = 5
STRUCTURE_DIMENSIONS = {
    "partner_type": "partner_type",
    "channel_type": "channel_type",
    "country": "country",
    "group": "group",
}


def partner_media(
    partners: pd.DataFrame | None,
    orders: pd.DataFrame,
    clicks: pd.DataFrame | None,
    period: Period,
    status: str | None = "joined",
) -> PartnerMedia:
    """Partnered media and their activity in `period`. status=None (or "all") keeps every status."""
    wanted = None if status in (None, "", "all") else str(status).strip().lower()
    current = metrics.in_period(orders, period)
    click_rows = metrics.clicks_in(clicks, period)
    activity = _activity(current, click_rows, orders, partners, period)
    notes: list[str] = []
    derived = partners is None
    if partners is not None:
        listed = (
            partners if wanted is None else partners[(partners["status"].astype(str) == wanted).to_numpy()]
        )
        if listed.empty and not partners.empty:
            present = ", ".join(sorted(set(partners["status"].astype(str))))
            notes.append(f"no partner has status {wanted!r}; statuses present: {present}")
        media = _listed_media(listed, activity, click_rows is not None)
    else:
        media = _derived_media(current, click_rows, activity)
        notes.append(
            "no partner list available (brand credentials missing): only media with orders or clicks "
            "in the period are shown"
        )
        if wanted not in (None, "joined"):
            notes.append(
                f"the status filter {wanted!r} needs the partner list: the media shown are those with "
                "activity, whatever their status"
            )
            wanted = None
    if clicks is None:
        notes.append("no click data: activity is judged by orders only")
    media.sort(key=lambda m: (not m.active, -m.valid_orders, -(m.clicks or 0), m.name))
    return PartnerMedia(
        period=PeriodEcho.of(period),
        status_filter=wanted,
        derived_from_activity=derived,
        media=media,
        structure=_structure(media),
        active_media=sum(m.active for m in media),
        dormant_media=sum(not m.active for m in media),
        top_contributors=_top(media),
        notes=notes,
    )


@dataclass
class Activity:
    orders: int = 0
    valid: int = 0
    sales: dict[str, int] = field(default_factory=dict)
    commission: dict[str, int] = field(default_factory=dict)
    clicks: int | None = None


def _activity(
    current: pd.DataFrame,
    click_rows: pd.DataFrame | None,
    orders: pd.DataFrame,
    partners: pd.DataFrame | None,
    period: Period,
) -> dict[str, Activity]:
    """medium → its orders, money per currency and clicks in the period."""
    table = metrics.money_table(current, metrics.group_keys(current, "medium", period.timezone))
    attribution = metrics.clicks_by_group(click_rows, "medium", orders, partners, period.timezone)
    result: dict[str, Activity] = {}
    if not table.empty:
        for (medium, currency), row in zip(table.index, table.to_dict("records"), strict=True):
            entry = result.setdefault(str(medium), Activity())
            entry.orders += int(row["orders"])
            entry.valid += int(row["valid"])
            entry.sales[str(currency)] = int(row["sales"])
            entry.commission[str(currency)] = int(row["commission"])
    if attribution.by_group is not None:
        for medium, count in attribution.by_group.items():
            result.setdefault(medium, Activity()).clicks = count
        for entry in result.values():
            entry.clicks = entry.clicks or 0
    return result


def _figures(
    attributes: dict[str, str], joined_at: object, activity: Activity | None, clicks_known: bool
) -> MediumFigures:
    activity = activity or Activity(clicks=0 if clicks_known else None)
    joined = (
        pd.Timestamp(joined_at).to_pydatetime()
        if isinstance(joined_at, pd.Timestamp | datetime) and joined_at is not pd.NaT
        else None
    )
    return MediumFigures(
        **attributes,
        joined_at=joined,
        active=activity.orders > 0 or bool(activity.clicks),
        clicks=activity.clicks,
        orders=activity.orders,
        valid_orders=activity.valid,
        sales={c: metrics.money(v) for c, v in sorted(activity.sales.items())},
        commission={c: metrics.money(v) for c, v in sorted(activity.commission.items())},
    )


def _listed_media(
    listed: pd.DataFrame, activity: dict[str, Activity], clicks_known: bool
) -> list[MediumFigures]:
    media = []
    for row in listed.to_dict("records"):
        attributes = {
            "partner_id": str(row["partner_id"]),
            "medium": str(row["medium"]),
            "medium_code": str(row["medium_code"]),
            "name": str(row["name"]),
            "partner_type": str(row["partner_type"]) or metrics.UNKNOWN,
            "channel_type": str(row["channel_type"]) or metrics.UNKNOWN,
            "country": str(row["country"]) or metrics.UNKNOWN,
            "group": str(row["group_name"]) or str(row["group_id"]) or metrics.UNKNOWN,
            "status": str(row["status"]),
        }
        found = activity.get(attributes["medium"]) or activity.get(attributes["medium_code"])
        media.append(_figures(attributes, row["joined_at"], found, clicks_known))
    return media


def _derived_media(
    current: pd.DataFrame, click_rows: pd.DataFrame | None, activity: dict[str, Activity]
) -> list[MediumFigures]:
    clicks_known = click_rows is not None
    known: dict[str, dict[str, str]] = {}
    if not current.empty:
        first = current.drop_duplicates(subset=["medium"])
        for row in first.to_dict("records"):
            medium = str(row["medium"]) or metrics.UNKNOWN
            known[medium] = {
                "partner_id": str(row["partner_id"]),
                "medium": medium,
                "medium_code": str(row["medium_code"]),
                "name": str(row["partner_name"]),
                "partner_type": str(row["partner_type"]) or metrics.UNKNOWN,
                "channel_type": str(row["channel_type"]) or metrics.UNKNOWN,
                "country": str(row["country"]) or metrics.UNKNOWN,
                "group": str(row["partner_group"]) or metrics.UNKNOWN,
                "status": "",
            }
    if click_rows is not None and not click_rows.empty:
        for row in click_rows.to_dict("records"):
            medium = str(row["medium"])
            if medium and medium not in known and medium in activity:
                known[medium] = {
                    "partner_id": str(row["partner_id"]),
                    "medium": medium,
                    "medium_code": str(row["medium_code"]),
                    "name": str(row["medium_name"]),
                    "partner_type": metrics.UNKNOWN,
                    "channel_type": str(row["channel_type"]) or metrics.UNKNOWN,
                    "country": metrics.UNKNOWN,
                    "group": metrics.UNKNOWN,
                    "status": "",
                }
    return [
        _figures(attributes, None, activity.get(medium), clicks_known) for medium, attributes in known.items()
    ]


def _structure(media: list[MediumFigures]) -> dict[str, list[Breakdown]]:
    if not media:
        return {name: [] for name in STRUCTURE_DIMENSIONS}
    frame = pd.DataFrame(
        {name: [getattr(m, attribute) for m in media] for name, attribute in STRUCTURE_DIMENSIONS.items()}
    )
    frame["active"] = np.array([m.active for m in media], dtype=bool)
    structure: dict[str, list[Breakdown]] = {}
    for name in STRUCTURE_DIMENSIONS:
        grouped = (
            frame.groupby(name)["active"]
            .agg(["size", "sum"])
            .sort_values("size", ascending=False, kind="stable")
        )
        shares = _shares_adding_to_one([int(size) for size in grouped["size"]])
        structure[name] = [
            Breakdown(value=str(value), media=int(row["size"]), share=share, active=int(row["sum"]))
            for (value, row), share in zip(grouped.iterrows(), shares, strict=True)
        ]
    return structure


def _shares_adding_to_one(counts: list[int], digits: int = 6) -> list[float]:
    """count ÷ total rounded to `digits` places so that the rounded shares still add up to exactly 1 (the
    units lost to rounding go to the largest remainders)."""
    scale, total = 10**digits, sum(counts)
    units = [count * scale // total for count in counts]
    remainders = [count * scale % total for count in counts]
    for position in sorted(range(len(counts)), key=lambda i: -remainders[i])[: scale - sum(units)]:
        units[position] += 1
    return [unit / scale for unit in units]


def _rank(currency: str, medium: MediumFigures) -> tuple[Decimal, str]:
    return -medium.sales[currency], medium.name


def _top(media: list[MediumFigures]) -> dict[str, list[MediumFigures]]:
    currencies = sorted({currency for m in media for currency in m.sales})
    top: dict[str, list[MediumFigures]] = {}
    for currency in currencies:
        ranked = sorted(
            (m for m in media if m.sales.get(currency, Decimal(0)) > 0),
            key=partial(_rank, currency),
        )
        top[currency] = ranked[:TOP_CONTRIBUTORS]
    return top
