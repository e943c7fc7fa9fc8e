"""Bill check: exact totals against plain sums of the world's bills, and reconciliation that finds the
injected mismatch (and nothing else), voids after billing, and bills no order carries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pandas as pd
import pytest
from analysis_support import NOW, OCTOBER, cents, frame, record

from partnerboost_skill.analysis.billing import check_bill
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.records.frames import bills_frame
from partnerboost_skill.sandbox.world import World


def _mismatch(world: World) -> dict:
    (anomaly,) = [a for a in world.anomalies if a.kind == "bill_mismatch"]
    return {"month": anomaly.month, **anomaly.detail}


@pytest.mark.parametrize("month", ["2026-06", "2026-09", "2026-10"])
def test_totals_by_status_and_currency_are_exact(
    world: World, bills: pd.DataFrame, orders: pd.DataFrame, month: str
) -> None:
    result = check_bill(bills, orders, month)
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_currency: dict[str, int] = defaultdict(int)
    for bill in world.bills.to_dict("records"):
        if bill["month"] == month:
            entry = expected[(bill["status"], bill["currency"])]
            entry[0] += 1
            entry[1] += int(bill["amount_cents"])
            by_currency[bill["currency"]] += int(bill["amount_cents"])
    assert {(t.status, t.currency): [t.bills, cents(t.amount)] for t in result.totals_by_status} == dict(
        expected
    )
    assert {c: cents(v) for c, v in result.totals_by_currency.items()} == dict(by_currency)
    assert all(isinstance(v, Decimal) for v in result.totals_by_currency.values())
    assert len(result.bills) == sum(n for n, _ in expected.values())
    assert result.month == month and result.period.start.strftime("%Y-%m") == month


def test_reconciliation_finds_exactly_the_injected_mismatch(
    world: World, bills: pd.DataFrame, orders: pd.DataFrame
) -> None:
    truth = _mismatch(world)
    result = check_bill(bills, orders, truth["month"])
    assert not result.reconciled
    (found,) = result.discrepancies
    assert found.bill_id == str(truth["bill_id"])
    assert cents(found.billed) == truth["billed_cents"]
    assert cents(found.expected) == truth["expected_cents"]
    assert cents(found.difference) == truth["difference_cents"]


def test_other_months_reconcile(bills: pd.DataFrame, orders: pd.DataFrame) -> None:
    for month in ("2026-08", "2026-09", "2026-10"):
        result = check_bill(bills, orders, month)
        assert result.reconciled, (month, result.discrepancies[:1])
        for line in result.bills:
            assert line.difference == 0 and line.expected == line.amount


def test_expected_amount_is_the_covered_commission(
    world: World, bills: pd.DataFrame, orders: pd.DataFrame
) -> None:
    result = check_bill(bills, orders, "2026-09")
    line = result.bills[0]
    covered = [r for r in world.orders.to_dict("records") if str(r["bill_id"]) == line.bill_id]
    assert cents(line.expected) == sum(int(r["commission_cents"]) for r in covered if r["status"] != "void")
    assert line.covered_orders == len(covered)


def _bill(bill_id: int, amount: str, month: str = "2026-10", status: str = "paid") -> dict:
    return {
        "id": bill_id,
        "bill_no": f"B{bill_id}",
        "mid": 101,
        "medium_name": "Alpha Deals",
        "period": month,
        "currency": "USD",
        "amount": amount,
        "order_count": 2,
        "status": status,
        "payment_method": "balance",
        "payment_type": "commission",
        "create_time": 1793498400,
        "paid_time": None,
    }


def test_a_void_after_billing_shows_as_a_difference() -> None:
    orders = frame(
        [
            record("A", OCTOBER.start.replace(day=3), "100.00", "8.00", payment_id=9001),
            record("A", OCTOBER.start.replace(day=4), "50.00", "4.00", payment_id=9001, status="void"),
        ]
    )
    result = check_bill(bills_frame([_bill(9001, "12.00")]), orders, "2026-10")
    (found,) = result.discrepancies
    assert (str(found.billed), str(found.expected), str(found.difference)) == ("12.00", "8.00", "4.00")
    assert found.voided_orders == 1 and "void" in found.note


def test_a_bill_no_order_carries_is_reported() -> None:
    result = check_bill(bills_frame([_bill(9002, "5.00")]), frame([]), "2026-10")
    (found,) = result.discrepancies
    assert str(found.expected) == "0.00" and "no loaded order" in found.note


def test_totals_keep_cents_that_floats_would_lose() -> None:
    bills = bills_frame([_bill(1, "0.10"), _bill(2, "0.20"), _bill(3, "1000000.01", status="pending")])
    result = check_bill(bills, frame([]), "2026-10")
    assert result.totals_by_currency == {"USD": Decimal("1000000.31")}
    assert {(t.status, str(t.amount)) for t in result.totals_by_status} == {
        ("paid", "0.30"),
        ("pending", "1000000.01"),
    }


def test_month_can_be_a_period_and_must_be_a_month(bills: pd.DataFrame, orders: pd.DataFrame) -> None:
    by_period = check_bill(bills, orders, resolve_period("last month", now=NOW))
    assert by_period.month == "2026-10"
    with pytest.raises(AnalysisError, match="YYYY-MM"):
        check_bill(bills, orders, "October")


def test_issued_in_month_selects_by_creation(bills: pd.DataFrame, orders: pd.DataFrame, world: World) -> None:
    result = check_bill(bills, orders, "2026-10", by="issued")
    created = world.bills["created_at"]
    expected = (created >= pd.Timestamp("2026-10-01", tz="UTC")) & (
        created < pd.Timestamp("2026-11-01", tz="UTC")
    )
    assert len(result.bills) == int(expected.sum())
    assert {line.month for line in result.bills} == {"2026-09"}
