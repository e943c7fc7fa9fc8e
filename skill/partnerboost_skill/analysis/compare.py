"""Compare two periods (month-on-month, year-on-year): totals side by side, and changes per group.

`a` is the period of interest, `b` the one it is compared with (`a.comparison()`: the previous period or
the same dates a year before, cut at the same elapsed time while `a` is in progress).
Changes are (a − b) ÷ b, None when b is zero. Money changes are per currency.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import (
    GroupChange,
    GroupFigures,
    MetricChange,
    PeriodComparison,
    PeriodEcho,
)
from partnerboost_skill.periods import Period

_COUNT_METRICS = ("clicks", "orders", "valid_orders", "void_orders", "conversion_rate", "void_rate")
_MONEY_METRICS = ("sales", "commission", "roas", "aov", "effective_commission_rate")


def compare_periods(
    orders: pd.DataFrame,
    clicks: pd.DataFrame | None,
    a: Period,
    b: Period,
    group_by: str = "channel_type",
    *,
    partners: pd.DataFrame | None = None,
) -> PeriodComparison:
    """Totals of `a` and `b` with their changes, and per group the change in valid orders and sales."""
    metrics.check_group_by(group_by)
    side_a = _side(orders, clicks, a, group_by, partners)
    side_b = _side(orders, clicks, b, group_by, partners)
    keys = list(dict.fromkeys([*side_a[1], *side_b[1]]))
    groups = [
        GroupChange(
            key=key,
            label=(side_a[1].get(key) or side_b[1][key]).label,
            changes=changes(
                side_a[1].get(key),
                side_b[1].get(key),
                counts=("clicks", "valid_orders"),
                money=("sales", "commission"),
            ),
        )
        for key in keys
    ]
    groups.sort(key=lambda g: -_valid_orders(side_a[1].get(g.key)))
    notes = [] if clicks is not None else ["no click data: conversion rates are not available"]
    notes += [
        f"no orders in {side.label} ({_moment(side.start)} .. {_moment(side.end)}, end excluded)"
        for side, figures in ((a, side_a[0]), (b, side_b[0]))
        if figures.orders == 0
    ]
    return PeriodComparison(
        period=PeriodEcho.of(a),
        other_period=PeriodEcho.of(b),
        totals=side_a[0],
        other_totals=side_b[0],
        changes=changes(side_a[0], side_b[0]),
        group_by=group_by,
        groups=groups,
        notes=notes,
    )


def _moment(value: datetime) -> str:
    """A period boundary: its date, with the time when it is not midnight (a comparison cut at 14:00)."""
    return f"{value:%Y-%m-%d}" if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M}"


def _valid_orders(group: GroupFigures | None) -> int:
    return 0 if group is None else group.valid_orders


def _side(
    orders: pd.DataFrame,
    clicks: pd.DataFrame | None,
    period: Period,
    group_by: str,
    partners: pd.DataFrame | None,
) -> tuple[GroupFigures, dict[str, GroupFigures]]:
    chosen = metrics.in_period(orders, period)
    table = metrics.money_table(chosen, metrics.group_keys(chosen, group_by, period.timezone))
    click_rows = metrics.clicks_in(clicks, period)
    attribution = metrics.clicks_by_group(click_rows, group_by, orders, partners, period.timezone)
    labels = {**attribution.labels, **metrics.group_labels(orders, group_by, partners)}
    keys = list(
        dict.fromkeys(
            [*([] if table.empty else table.index.get_level_values("key")), *(attribution.by_group or {})]
        )
    )
    groups = metrics.build_groups(table, None, attribution.by_group, labels, keys=keys)
    return metrics.total_figures(table, None, metrics.total_clicks(click_rows)), {g.key: g for g in groups}


def changes(
    a: GroupFigures | None,
    b: GroupFigures | None,
    *,
    counts: tuple[str, ...] = _COUNT_METRICS,
    money: tuple[str, ...] = _MONEY_METRICS,
) -> list[MetricChange]:
    """Metric-by-metric changes between two figures (either may be missing: it then counts as nothing)."""
    result = [_change(name, None, _count(a, name), _count(b, name)) for name in counts]
    currencies = sorted({*(a.money if a else {}), *(b.money if b else {})})
    for currency in currencies:
        for name in money:
            result.append(_change(name, currency, _money(a, currency, name), _money(b, currency, name)))
    return result


def _count(figures: GroupFigures | None, name: str) -> float | int | None:
    if figures is None:
        return 0 if name in ("orders", "valid_orders", "void_orders") else None
    return getattr(figures, name)


def _money(figures: GroupFigures | None, currency: str, name: str) -> Decimal | float | None:
    entry = figures.money.get(currency) if figures is not None else None
    if entry is None:
        return Decimal("0.00") if name in ("sales", "commission") else None
    return getattr(entry, name)


def _change(
    name: str, currency: str | None, a: Decimal | float | int | None, b: Decimal | float | int | None
) -> MetricChange:
    difference: Decimal | float | int | None = None
    if a is not None and b is not None:
        if (isinstance(a, Decimal) and isinstance(b, Decimal)) or (isinstance(a, int) and isinstance(b, int)):
            difference = a - b
        else:
            difference = round(float(a) - float(b), 6)
    return MetricChange(
        metric=name, currency=currency, a=a, b=b, difference=difference, change=metrics.change(a, b)
    )
