"""Performance review: ROI by channel (or partner, type, country, device, month) with recommendations.

Definitions (non-void orders are "valid"; money per currency):
  ROAS = sales ÷ commission; ROI = (sales − commission) ÷ commission; conversion = valid orders ÷ clicks;
  AOV = sales ÷ valid orders; void rate = void orders ÷ orders; effective commission rate = commission ÷
  sales.
The comparison period is `period.comparison()` (the previous period, cut at the same elapsed time while the
period is in progress). Recommendations follow the named rules below; each carries the
numbers that triggered it. Money-based rules look at a group's main currency (the one with most valid orders).
"""

from __future__ import annotations

import math
import statistics

import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import (
    Concentration,
    GroupFigures,
    PerformanceReview,
    PeriodEcho,
    Recommendation,
)
from partnerboost_skill.periods import Period

SCALE_MIN_ROAS = 10.0
"""Scale: sales at least 10× commission (commission at most 10 % of sales) ..."""
SCALE_MIN_GROWTH = 0.05
"""... sales at least 5 % above the previous period's (growing, not flat) ..."""
SCALE_MIN_VALID_ORDERS = 20
"""... on enough orders that conversion and growth are not noise ..."""
SCALE_MIN_SHARE_OF_SALES = 0.01
"""... and at least 1 % of the currency's sales (no scale advice for a group too small to matter); conversion
must also be at or above the median of the groups."""
FIX_MIN_CLICKS = 500
"""Fix: at least this many clicks and at least the median group's clicks ..."""
FIX_MAX_CONVERSION_VS_MEDIAN = 0.5
"""... while converting at most half as well as the median group."""
WATCH_MIN_VOID_RATE = 0.12
"""Watch: 12 % or more of the group's orders are void (twice the usual share) ..."""
WATCH_MIN_ORDERS = 20
"""... out of at least this many orders ..."""
WATCH_MAX_CHANCE = 0.01
"""... and that many voids would happen by chance less than 1 % of the time if the group voided at the
programme's rate (binomial tail), so a few unlucky voids in a small group are not a warning."""
CUT_MAX_ROAS = 6.0
"""Cut or renegotiate: sales under 6× commission (commission above ~16.7 % of sales) ..."""
CUT_MIN_COMMISSION_SHARE = 0.05
"""... on a material cost: at least 5 % of the currency's commission."""
CONCENTRATION_MAX_SHARE = 0.30
"""Concentration risk: one partner brings 30 % or more of a currency's sales ..."""
CONCENTRATION_MIN_ORDERS = 20
"""... out of at least this many valid orders in that currency (two orders from one partner are no risk)."""
MIN_CLICKS_FOR_MEDIAN = 100
"""Groups with fewer clicks are left out of the median conversion (too noisy)."""
MAX_PER_KIND = 5
"""At most this many recommendations of each kind, strongest first."""

THRESHOLDS: dict[str, float] = {
    "scale_min_roas": SCALE_MIN_ROAS,
    "scale_min_growth": SCALE_MIN_GROWTH,
    "scale_min_valid_orders": SCALE_MIN_VALID_ORDERS,
    "scale_min_share_of_sales": SCALE_MIN_SHARE_OF_SALES,
    "fix_min_clicks": FIX_MIN_CLICKS,
    "fix_max_conversion_vs_median": FIX_MAX_CONVERSION_VS_MEDIAN,
    "watch_min_void_rate": WATCH_MIN_VOID_RATE,
    "watch_min_orders": WATCH_MIN_ORDERS,
    "watch_max_chance": WATCH_MAX_CHANCE,
    "cut_max_roas": CUT_MAX_ROAS,
    "cut_min_commission_share": CUT_MIN_COMMISSION_SHARE,
    "concentration_max_share": CONCENTRATION_MAX_SHARE,
    "concentration_min_orders": CONCENTRATION_MIN_ORDERS,
}


def review_performance(
    orders: pd.DataFrame,
    clicks: pd.DataFrame | None,
    period: Period,
    group_by: str = "channel_type",
    *,
    partners: pd.DataFrame | None = None,
) -> PerformanceReview:
    """Review a period: figures per group and in total, change vs the previous period, recommendations.

    `orders` must cover the period and the previous one; `clicks` (performance rows, or None when unknown)
    likewise. `partners` (optional) fills in the attributes of media that only the click data knows.
    """
    metrics.check_group_by(group_by)
    previous = period.comparison()
    now_orders = metrics.in_period(orders, period)
    before_orders = metrics.in_period(orders, previous)
    table = metrics.money_table(now_orders, metrics.group_keys(now_orders, group_by, period.timezone))
    before = metrics.money_table(before_orders, metrics.group_keys(before_orders, group_by, period.timezone))
    click_rows = metrics.clicks_in(clicks, period)
    attribution = metrics.clicks_by_group(click_rows, group_by, orders, partners, period.timezone)
    labels = {**attribution.labels, **metrics.group_labels(orders, group_by, partners)}
    keys = list(
        dict.fromkeys(
            [
                *([] if table.empty else table.index.get_level_values("key")),
                *(attribution.by_group or {}),
            ]
        )
    )
    groups = metrics.build_groups(table, before, attribution.by_group, labels, keys=keys)
    groups.sort(key=lambda g: (-g.valid_orders, -(g.clicks or 0), g.key))
    if group_by == "month":
        groups.sort(key=lambda g: g.key)
    totals = metrics.total_figures(table, before, metrics.total_clicks(click_rows))
    previous_totals = metrics.total_figures(
        before, None, metrics.total_clicks(metrics.clicks_in(clicks, previous))
    )
    concentration = concentration_by_currency(now_orders)
    notes = _notes(group_by, clicks, attribution.unattributed)
    return PerformanceReview(
        period=PeriodEcho.of(period),
        previous_period=PeriodEcho.of(previous),
        group_by=group_by,
        totals=totals,
        previous_totals=previous_totals,
        groups=groups,
        concentration=concentration,
        recommendations=recommend(groups, concentration, group_by, totals),
        thresholds=THRESHOLDS,
        notes=notes,
    )


def concentration_by_currency(orders: pd.DataFrame) -> list[Concentration]:
    """Per currency: the partner with the largest non-void sales and its share."""
    valid = orders[orders["is_valid"].to_numpy(dtype=bool)]
    if valid.empty:
        return []
    sales = valid.groupby([valid["currency"].astype(str), valid["partner_id"].astype(str)])[
        "amount_cents"
    ].sum()
    result = []
    for currency, per_partner in sales.groupby(level=0):
        per_partner = per_partner.droplevel(0)
        per_partner = per_partner[per_partner > 0]
        if per_partner.empty:
            continue
        top = str(per_partner.idxmax())
        names = valid.loc[valid["partner_id"].astype(str) == top, "partner_name"].astype(str)
        result.append(
            Concentration(
                currency=str(currency),
                partner_id=top,
                partner_name=names.iloc[0] if len(names) else top,
                share_of_sales=metrics.ratio(per_partner.max(), per_partner.sum()),
                partners_with_sales=len(per_partner),
            )
        )
    return result


def recommend(
    groups: list[GroupFigures], concentration: list[Concentration], group_by: str, totals: GroupFigures
) -> list[Recommendation]:
    """Apply the named rules to the groups (not to months: a month cannot be scaled or cut)."""
    found: dict[str, list[tuple[float, Recommendation]]] = {"scale": [], "fix": [], "watch": [], "cut": []}
    if group_by != "month":
        conversions = [
            g.conversion_rate
            for g in groups
            if g.conversion_rate is not None and (g.clicks or 0) >= MIN_CLICKS_FOR_MEDIAN
        ]
        median_conversion = round(statistics.median(conversions), 6) if conversions else None
        clicked = [g.clicks for g in groups if g.clicks]
        median_clicks = statistics.median(clicked) if clicked else None
        for group in groups:
            for strength, item in _group_rules(group, totals, median_conversion, median_clicks):
                found[item.kind].append((strength, item))
    result: list[Recommendation] = []
    for kind in ("scale", "fix", "watch", "cut"):
        ranked = sorted(found[kind], key=lambda pair: -pair[0])
        result.extend(item for _, item in ranked[:MAX_PER_KIND])
    for entry in concentration:
        currency_orders = totals.money.get(entry.currency)
        if currency_orders is None or currency_orders.valid_orders < CONCENTRATION_MIN_ORDERS:
            continue
        if entry.share_of_sales is not None and entry.share_of_sales >= CONCENTRATION_MAX_SHARE:
            result.append(
                Recommendation(
                    kind="concentration",
                    group=entry.partner_id,
                    label=entry.partner_name,
                    currency=entry.currency,
                    evidence={
                        "share_of_sales": entry.share_of_sales,
                        "partners_with_sales": entry.partners_with_sales,
                    },
                )
            )
    return result


def _main_currency(group: GroupFigures) -> str | None:
    if not group.money:
        return None
    return max(group.money.values(), key=lambda m: (m.valid_orders, m.sales)).currency


def _group_rules(
    group: GroupFigures, totals: GroupFigures, median_conversion: float | None, median_clicks: float | None
) -> list[tuple[float, Recommendation]]:
    found: list[tuple[float, Recommendation]] = []
    currency = _main_currency(group)
    figures = group.money.get(currency) if currency else None
    conversion = group.conversion_rate
    if (
        figures is not None
        and figures.sales is not None
        and figures.roas is not None
        and figures.roas >= SCALE_MIN_ROAS
        and figures.valid_orders >= SCALE_MIN_VALID_ORDERS
        and figures.share_of_sales is not None
        and figures.share_of_sales >= SCALE_MIN_SHARE_OF_SALES
        and figures.sales_change is not None
        and figures.sales_change >= SCALE_MIN_GROWTH
        and conversion is not None
        and median_conversion is not None
        and conversion >= median_conversion
    ):
        found.append(
            (
                float(figures.sales),
                Recommendation(
                    kind="scale",
                    group=group.key,
                    label=group.label,
                    currency=currency,
                    evidence={
                        "roas": figures.roas,
                        "conversion_rate": conversion,
                        "median_conversion_rate": median_conversion,
                        "sales": str(figures.sales),
                        "sales_change": figures.sales_change,
                        "valid_orders": figures.valid_orders,
                        "share_of_sales": figures.share_of_sales,
                    },
                ),
            )
        )
    if (
        group.clicks is not None
        and median_clicks is not None
        and group.clicks >= FIX_MIN_CLICKS
        and group.clicks >= median_clicks
        and median_conversion
        and (conversion or 0.0) <= FIX_MAX_CONVERSION_VS_MEDIAN * median_conversion
    ):
        found.append(
            (
                float(group.clicks),
                Recommendation(
                    kind="fix",
                    group=group.key,
                    label=group.label,
                    currency=None,
                    evidence={
                        "clicks": group.clicks,
                        "valid_orders": group.valid_orders,
                        "conversion_rate": conversion,
                        "median_conversion_rate": median_conversion,
                    },
                ),
            )
        )
    chance = (
        chance_of_at_least(group.void_orders, group.orders, totals.void_rate)
        if group.void_rate is not None
        and totals.void_rate is not None
        and group.orders >= WATCH_MIN_ORDERS
        and group.void_rate >= WATCH_MIN_VOID_RATE
        else None
    )
    if chance is not None and chance < WATCH_MAX_CHANCE and group.void_rate is not None:
        found.append(
            (
                group.void_rate,
                Recommendation(
                    kind="watch",
                    group=group.key,
                    label=group.label,
                    currency=None,
                    evidence={
                        "void_rate": group.void_rate,
                        "void_orders": group.void_orders,
                        "orders": group.orders,
                        "programme_void_rate": totals.void_rate,
                        "chance_at_programme_rate": float(f"{chance:.3g}"),
                    },
                ),
            )
        )
    total_commission = totals.money.get(currency) if currency else None
    if (
        figures is not None
        and figures.sales is not None
        and figures.roas is not None
        and figures.roas < CUT_MAX_ROAS
        and total_commission is not None
        and total_commission.commission > 0
    ):
        share = float(figures.commission / total_commission.commission)
        if share >= CUT_MIN_COMMISSION_SHARE:
            found.append(
                (
                    share,
                    Recommendation(
                        kind="cut",
                        group=group.key,
                        label=group.label,
                        currency=currency,
                        evidence={
                            "roas": figures.roas,
                            "commission": str(figures.commission),
                            "share_of_commission": round(share, 6),
                        },
                    ),
                )
            )
    return found


def chance_of_at_least(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p): how likely k or more voids out of n orders are at void rate p.

    Summed in log space from the term nearest the mode outwards (the upper tail when k lies above the mean,
    else one minus the lower tail), stopping once the terms no longer matter: a few dozen terms even for a
    group of a million orders, and no overflow."""
    if k <= 0 or p >= 1:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(n + 1)

    def log_term(i: int) -> float:
        return log_n - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q

    def tail(start: int, stop: int, step: int) -> float:
        """The terms from `start` (the largest of them) towards `stop`, as one sum."""
        anchor, total = log_term(start), 0.0
        for i in range(start, stop, step):
            term = math.exp(log_term(i) - anchor)
            total += term
            if term < 1e-15 * total:
                break
        return math.exp(anchor) * total

    if k > n * p:
        return min(1.0, tail(k, n + 1, 1))
    return max(0.0, 1.0 - tail(k - 1, -1, -1))


def _notes(group_by: str, clicks: pd.DataFrame | None, unattributed: int) -> list[str]:
    notes = []
    if clicks is None:
        notes.append("no click data: conversion rates are not available")
    elif group_by == "device":
        notes.append("clicks are not reported by device: conversion by device is not available")
    if unattributed:
        notes.append(
            f"{unattributed} clicks could not be attributed to a {group_by} (they count in the totals)"
        )
    return notes
