"""The bill check in chat: exact totals per status and currency, and every bill that does not reconcile."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from partnerboost_skill.analysis.results import BillCheck, Discrepancy
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Parts, Table, Title
from partnerboost_skill.render.i18n import Lang

_STATUS_ORDER = ("overdue", "pending", "paid")
MAX_EXPLAINED = 3


def _bill_count(n: int, lang: Lang) -> str:
    return i18n.text("bill_count_one", lang) if n == 1 else i18n.text("bill_count", lang, n=i18n.count(n))


def _amounts(by_currency: dict[str, Decimal], lang: Lang, counts: dict[str, int] | None = None) -> str:
    shown = []
    for cur in sorted(by_currency, key=lambda c: (-by_currency[c], c)):
        extra = _bill_count(counts[cur], lang) if counts else ""
        shown.append(f"{i18n.money(by_currency[cur], cur)}{extra}")
    return " · ".join(shown) or "–"


def _status_name(status: str, lang: Lang) -> str:
    return i18n.name(i18n.VALUE_NAMES, status, lang) or status


def _largest(check: BillCheck) -> list[Discrepancy]:
    return sorted(check.discrepancies, key=lambda d: (-abs(d.difference), d.bill_id))


def _why(d: Discrepancy, lang: Lang) -> str:
    if d.billed_orders == d.counted_orders and not d.voided_orders:
        return i18n.text("mismatch_amount", lang, n=i18n.count(d.billed_orders))
    void = i18n.text("mismatch_void", lang, n=i18n.count(d.voided_orders)) if d.voided_orders else ""
    return i18n.text("mismatch_orders", lang, billed=i18n.count(d.billed_orders),
                     counted=i18n.count(d.counted_orders), void=void)


def _explanations(check: BillCheck, lang: Lang) -> Bullets:
    """Why the largest mismatches differ: how many orders the bill claims, how many valid orders carry it,
    how many more are void now."""
    return Bullets(tuple((Data(d.bill_no or d.bill_id, 24), _why(d, lang))
                         for d in _largest(check)[:MAX_EXPLAINED]))


def _discrepancy_table(check: BillCheck, lang: Lang) -> Table:
    ordered = _largest(check)
    rows = tuple(
        (
            Data(d.bill_no or d.bill_id, 24),
            Data(d.medium_name or d.medium, 24),
            i18n.money(d.billed, d.currency),
            i18n.money(d.expected, d.currency),
            f"{d.difference:+,.2f}",
        )
        for d in ordered[: common.MAX_ROWS]
    )
    headers = tuple(i18n.text(k, lang) for k in ("col_bill", "col_medium", "col_billed", "col_expected",
                                                  "col_diff"))
    return Table(headers=headers, rows=rows, align=("l", "l", "r", "r", "r"),
                 caption=common.more_caption(len(ordered), len(rows), lang))


def bill_document(check: BillCheck, lang: Lang) -> Document:
    doc = Document()
    common.header(doc, "title_bill", check, lang, subtitle=check.month)
    by_status: dict[str, dict[str, Decimal]] = defaultdict(dict)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for total in check.totals_by_status:
        by_status[total.status][total.currency] = total.amount
        counts[total.status][total.currency] = total.bills
    statuses = sorted(by_status, key=lambda s: (_STATUS_ORDER.index(s) if s in _STATUS_ORDER else 9, s))
    if not check.bills:
        doc.add(Line((i18n.text("no_bills", lang, month=check.month),)))
        common.notes(doc, check, lang, skip=(f"no bills for {check.month}",))
        return doc
    items: list[Parts] = [
        (i18n.text("bill_headline", lang, bills=i18n.count(len(check.bills)), month=check.month),)
    ]
    items += [
        (i18n.text("bill_status_line", lang, status=_status_name(status, lang),
                   amounts=_amounts(by_status[status], lang, counts[status])),)
        if status in i18n.VALUE_NAMES else
        (Data(status, 20), "：" if lang == "zh" else ": ", _amounts(by_status[status], lang, counts[status]))
        for status in statuses
    ]
    overall = _amounts(dict(check.totals_by_currency), lang)
    items.append((i18n.text("bill_total_line", lang, amounts=overall),))
    doc.add(Bullets(tuple(items)))
    if check.matched_by in ("medium", "partner"):
        basis = {"medium": {"en": "medium", "zh": "媒体"}, "partner": {"en": "partner", "zh": "合作伙伴"}}
        doc.add(Line((i18n.text("estimated_by", lang, basis=basis[check.matched_by][lang]),), tone="quiet"))
    elif check.matched_by == "currency":
        doc.add(Line((i18n.text("estimated_currency", lang),), tone="quiet"))
    if check.discrepancies:
        n = len(check.discrepancies)
        key = "not_reconciled_one" if n == 1 else "not_reconciled"
        doc.add(Title((i18n.text(key, lang, n=i18n.count(n)),)))
        doc.add(_discrepancy_table(check, lang), _explanations(check, lang))
        advice = "advice_mismatch" if check.matched_by == "bill_id" else "advice_estimated"
        doc.add(Title((i18n.text("what_to_do", lang),)), Bullets(((i18n.text(advice, lang),),)))
    elif check.bills and check.matched_by != "currency":
        doc.add(Line((i18n.text("reconciled", lang),)))
    common.notes(doc, check, lang)
    return doc
