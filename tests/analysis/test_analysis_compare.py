"""Period comparison: month-on-month figures against plain sums, and changes that are None when undefined."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from analysis_support import NOW, OCTOBER, cents, frame, in_range, spread, valid_money

from partnerboost_skill.analysis.compare import compare_periods
from partnerboost_skill.periods import resolve_period


def test_month_on_month_against_plain_sums(orders: pd.DataFrame, order_rows: list[dict]) -> None:
    a = resolve_period("2026-10", now=NOW)
    b = a.previous()
    result = compare_periods(orders, None, a, b)
    rows_a, rows_b = in_range(order_rows, a.start, a.end), in_range(order_rows, b.start, b.end)
    sales_a, sales_b = valid_money(rows_a, "amount_cents"), valid_money(rows_b, "amount_cents")
    changes = {(c.metric, c.currency): c for c in result.changes}
    for currency in ("USD", "EUR", "GBP"):
        change = changes[("sales", currency)]
        assert (cents(change.a), cents(change.b)) == (sales_a[currency], sales_b[currency])
        assert cents(change.difference) == sales_a[currency] - sales_b[currency]
        assert change.change == pytest.approx(sales_a[currency] / sales_b[currency] - 1, abs=1e-6)
    assert changes[("orders", None)].a == len(rows_a) and changes[("orders", None)].b == len(rows_b)
    assert changes[("clicks", None)].a is None and changes[("clicks", None)].change is None
    assert result.other_period.label == "Sep 1 – Sep 30 2026"
    assert {g.key for g in result.groups} == {"WEBSITE", "SOCIAL_NETWORK", "MOBILE"}


def test_year_on_year_before_any_data_has_no_change(orders: pd.DataFrame) -> None:
    a = resolve_period("2026-10", now=NOW)
    result = compare_periods(orders, None, a, a.year_before())
    changes = {(c.metric, c.currency): c for c in result.changes}
    assert result.other_period.label == "Oct 1 – Oct 31 2025"
    assert changes[("orders", None)].b == 0 and changes[("orders", None)].change is None
    assert str(changes[("sales", "USD")].b) == "0.00" and changes[("sales", "USD")].change is None
    assert any(note.startswith("no orders in Oct 1 – Oct 31 2025") for note in result.notes)


def test_group_changes_cover_groups_present_on_either_side() -> None:
    september = OCTOBER.previous()
    orders = frame(spread("A", 4, OCTOBER, "10.00", "1.00") + spread("B", 2, september, "10.00", "1.00"))
    result = compare_periods(orders, None, OCTOBER, september, "partner")
    groups = {g.label: {(c.metric, c.currency): c for c in g.changes} for g in result.groups}
    assert groups["Alpha Deals"][("valid_orders", None)].a == 4
    assert groups["Alpha Deals"][("valid_orders", None)].b == 0
    assert groups["@bravo"][("valid_orders", None)].a == 0
    assert groups["@bravo"][("valid_orders", None)].change == -1.0


def test_a_comparison_cut_at_the_same_time_says_so_when_empty() -> None:
    now = datetime(2026, 10, 20, 14, 0, tzinfo=UTC)
    this_month = resolve_period("this month", now=now)
    orders = frame(spread("A", 3, resolve_period("2026-10-01..2026-10-19", now=now), "10.00", "1.00"))
    result = compare_periods(orders, None, this_month, this_month.comparison())
    assert result.other_period.end == datetime(2026, 9, 20, 14, 0, tzinfo=UTC)
    assert result.other_period.label == "Sep 1 – Sep 20 2026 (to 14:00)"
    assert "no orders in Sep 1 – Sep 20 2026 (to 14:00) (2026-09-01 .. 2026-09-20 14:00, end excluded)" in (
        result.notes
    )
    assert result.totals.valid_orders == 3
