"""Answers that read well: months in calendar order, no empty columns, friendly codes, one row per duplicate,
bills counted in words, rate changes in points, and hints that fit where the answer is read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from render_support import bill_check, comparison, group, media, monitor, review

from partnerboost_skill.analysis.results import AbnormalOrder, MetricChange, OrderFlag
from partnerboost_skill.questions import render_answer


def table_rows(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("|:")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def by_month(sales_by_month: dict[str, str], *, change: float | None = None):  # type: ignore[no-untyped-def]
    groups = []
    for key, sales in sales_by_month.items():
        figures = group(key, key, sales=sales)
        figures.money["USD"].sales_change = change
        groups.append(figures)
    return review(group_by="month").model_copy(update={"groups": groups, "recommendations": []})


def test_months_are_listed_in_calendar_order_not_by_sales() -> None:
    result = by_month({"2026-09": "500.00", "2026-08": "900.00", "2026-10": "700.00"})
    (text,) = render_answer(result, "markdown", "en")
    months = [row[0] for row in table_rows(text)[1:]]
    assert months == ["2026-08", "2026-09", "2026-10"]


def test_many_months_show_the_latest_in_order_and_count_the_earlier() -> None:
    result = by_month({f"2026-{m:02d}": f"{m}00.00" for m in range(1, 11)})
    (text,) = render_answer(result, "markdown", "en")
    months = [row[0] for row in table_rows(text)[1:]]
    assert months == [f"2026-{m:02d}" for m in range(5, 11)]
    assert "… and 4 more" in text


def test_a_column_with_no_values_is_left_out() -> None:
    (text,) = render_answer(by_month({"2026-08": "1.00", "2026-09": "2.00"}, change=None), "markdown", "en")
    header = table_rows(text)[0]
    assert "Δ sales" not in header and "Sales USD" in header and "ROAS" in header
    with_change = by_month({"2026-08": "1.00", "2026-09": "2.00"}, change=0.1)
    assert "Δ sales" in table_rows(render_answer(with_change, "markdown", "en")[0])[0]


def test_no_conversion_column_when_clicks_are_not_known() -> None:
    groups = [group("mobile", "mobile", clicks=None), group("pc", "pc", clicks=None)]
    result = review(group_by="device").model_copy(update={"groups": groups})
    (text,) = render_answer(result, "markdown", "en")
    assert "Conv." not in table_rows(text)[0]
    assert "n/a" not in "\n".join(" ".join(row) for row in table_rows(text))


def test_unknown_and_admin_devices_get_words() -> None:
    groups = [group("-", "-"), group("admin", "admin", sales="10.00")]
    result = review(group_by="device").model_copy(update={"groups": groups})
    cells = [row[0] for row in table_rows(render_answer(result, "markdown", "en")[0])[1:]]
    assert cells == ["Unknown", "Added by admin"]
    zh = [row[0] for row in table_rows(render_answer(result, "markdown", "zh")[0])[1:]]
    assert zh == ["未知", "后台添加"]


def test_a_duplicate_postback_is_one_row_with_its_count() -> None:
    result = monitor(["Shop A"])
    twin = AbnormalOrder(
        order_id="LP1414573", time=datetime(2026, 11, 15, tzinfo=UTC), partner_id="9", partner_name="Shop D",
        medium="509", currency="USD", amount=Decimal("107.75"), commission=Decimal("8.62"), status="new",
        flags=[OrderFlag(code="duplicate_order_number", detail="same number twice")],
    )
    result = result.model_copy(update={"abnormal_orders": [twin, twin.model_copy()]})
    (text,) = render_answer(result, "markdown", "en")
    rows = [row for row in table_rows(text) if row[0] == "LP1414573"]
    assert len(rows) == 1
    assert rows[0][3] == "duplicate order number (×2)"
    assert "more" not in text.split("LP1414573")[1], "both records are shown, none is left to count"


def test_bills_are_counted_in_words_and_one_mismatch_is_singular() -> None:
    check = bill_check(["Shop A"])
    (text,) = render_answer(check, "markdown", "en")
    assert "USD 100.10 (1 bill)" in text
    assert "1 bill does not match its orders" in text
    (zh,) = render_answer(check, "markdown", "zh")
    assert "USD 100.10（1 张）" in zh


def test_a_mismatch_says_which_orders_are_behind_it() -> None:
    (text,) = render_answer(bill_check(["Shop A"]), "markdown", "en")
    assert "BILL-0: billed for 3 orders, 2 valid orders carry this bill, 1 more are void now" in text


def test_a_month_without_bills_says_so_once() -> None:
    check = bill_check([]).model_copy(update={
        "totals_by_status": [], "totals_by_currency": {}, "notes": ["no bills for 2026-10"]})
    (text,) = render_answer(check, "markdown", "en")
    assert "No bills for 2026-10." in text
    assert text.lower().count("no bills for 2026-10") == 1
    assert "Total:" not in text


def test_rate_changes_are_in_percentage_points() -> None:
    result = comparison(["A"])
    result.changes.append(MetricChange(metric="void_rate", a=0.0613, b=0.0620, difference=-0.0007,
                                       change=-0.0113))
    (text,) = render_answer(result, "markdown", "en")
    (row,) = [row for row in table_rows(text) if row[0] == "Void rate"]
    assert row == ["Void rate", "6.13%", "6.20%", "-0.07 pp"]
    (zh,) = render_answer(result, "markdown", "zh")
    assert "-0.07 个百分点" in zh


def test_where_the_rest_of_a_table_is_depends_on_the_surface() -> None:
    result = review([f"Partner {i}" for i in range(10)])
    (cli,) = render_answer(result, "markdown", "en")
    (mcp,) = render_answer(result, "markdown", "en", surface="mcp")
    assert "… and 4 more (see --format json)" in cli
    assert "… and 4 more (more in the structured result)" in mcp and "--format" not in mcp
    assert "（更多见结构化结果）" in render_answer(result, "markdown", "zh", surface="mcp")[0]


def test_recommendations_naming_several_groups_do_not_say_it() -> None:
    result = review()
    extra = [result.recommendations[0].model_copy(update={"group": str(1000 + i), "label": f"Partner {i}"})
             for i in range(1, 5)]
    result = result.model_copy(update={"recommendations": [result.recommendations[0], *extra]})
    (text,) = render_answer(result, "markdown", "en")
    line = next(line for line in text.splitlines() if line.startswith("- Scale"))
    assert "(+2 more) →" in line
    assert not re.search(r"\bgive it\b", line)


def test_media_derived_from_activity_claim_no_status_and_say_so_once() -> None:
    note = ("no partner list available (brand credentials missing): only media with orders or clicks in the "
            "period are shown")
    result = media(["A", "B"]).model_copy(update={"derived_from_activity": True, "notes": [note]})
    (text,) = render_answer(result, "markdown", "en")
    assert "2 media with clicks or orders in the period" in text
    assert "(joined)" not in text and "dormant" not in text
    assert text.lower().count("no partner list available") == 1


def test_without_bill_ids_a_difference_is_never_advice_to_dispute() -> None:
    check = bill_check(["Shop A"]).model_copy(update={"matched_by": "medium", "complete": False})
    (text,) = render_answer(check, "markdown", "en")
    assert "Raise the mismatched bills" not in text
    assert "each bill against its medium's orders of the month" in text
    assert "before disputing anything" in text
    (zh,) = render_answer(check, "markdown", "zh")
    assert "申诉" in zh and "客服" not in zh
