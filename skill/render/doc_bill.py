"""The bill check in chat: exact totals per status and currency, and every bill that does not reconcile."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from skill.analysis.results import BillCheck
from skill.render import doc_common as common
from skill.render import i18n
from skill.render.blocks import Bullets, Data, Document, Line, Table, Title
from skill.render.i18n import Lang

_STATUS_ORDER = ("overdue", "pending", "paid")


def _amounts(by_currency: dict[str, Decimal], counts: dict[str, int] | None = None) -> str:
    shown = []
    for cur in sorted(by_currency, key=lambda c: (-by_currency[c], c)):
        extra = f" ({counts[cur]})" if counts else ""
        shown.append(f"{i18n.money(by_currency[cur], cur)}{extra}")
    return " · ".join(shown) or "–"


def _status_name(status: str, lang: Lang) -> str:
    return i18n.name(i18n.VALUE_NAMES, status, lang) or status


def _discrepancy_table(check: BillCheck, lang: Lang) -> Table:
    ordered = sorted(check.discrepancies, key=lambda d: (-abs(d.difference), d.bill_id))
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
    items = [(i18n.text("bill_headline", lang, bills=i18n.count(len(check.bills)), month=check.month),)]
    items += [
        (i18n.text("bill_status_line", lang, status=_status_name(status, lang),
                   amounts=_amounts(by_status[status], counts[status])),)
        if status in i18n.VALUE_NAMES else
        (Data(status, 20), ": ", _amounts(by_status[status], counts[status]))
        for status in statuses
    ]
    items.append((i18n.text("bill_total_line", lang, amounts=_amounts(dict(check.totals_by_currency))),))
    doc.add(Bullets(tuple(items)))
    if check.discrepancies:
        doc.add(Title((i18n.text("not_reconciled", lang, n=len(check.discrepancies)),)))
        doc.add(_discrepancy_table(check, lang))
        doc.add(Title((i18n.text("what_to_do", lang),)), Bullets(((i18n.text("advice_mismatch", lang),),)))
    elif check.bills:
        doc.add(Line((i18n.text("reconciled", lang),)))
    common.notes(doc, check, lang)
    return doc
