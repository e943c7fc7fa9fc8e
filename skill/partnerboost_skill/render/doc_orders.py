"""Recent orders in chat: the headline numbers, the best partners, the flagged orders and what to do."""

from __future__ import annotations

from partnerboost_skill.analysis.results import AbnormalOrder, OrderMonitor
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Parts, Table, Title, parts
from partnerboost_skill.render.i18n import Lang

MAX_BEST = 3
MAX_FLAGGED_ROWS = 5
_SEVERITY = ("duplicate_order_number", "commission_rate_outlier", "amount_outlier", "burst", "void_spike",
             "repeat_customer", "voided")
"""Flag codes, most actionable first: flagged orders are listed in this order."""


def _reason(code: str, lang: Lang) -> str:
    return i18n.name(i18n.REASON_NAMES, code, lang) or code


def _rank(order: AbnormalOrder) -> tuple[int, str]:
    codes = [flag.code for flag in order.flags]
    return min((_SEVERITY.index(c) for c in codes if c in _SEVERITY), default=len(_SEVERITY)), order.order_id


def _flagged_rows(monitor: OrderMonitor, lang: Lang) -> list[tuple[tuple[str, str, str, str], int]]:
    """Flagged orders, most actionable first; records that read the same (a duplicate postback is the same
    order id, partner, amount and reason) are one row with a count, not two rows that look like a bug."""
    counted: dict[tuple[str, str, str, str], int] = {}
    for order in sorted(monitor.abnormal_orders, key=_rank):
        reasons = i18n.list_sep(lang).join(_reason(flag.code, lang) for flag in order.flags)
        amount = order.amount if order.amount is not None else order.commission
        key = (order.order_id, order.partner_name or order.partner_id, i18n.money(amount, order.currency),
               reasons)
        counted[key] = counted.get(key, 0) + 1
    return list(counted.items())


def _flagged_table(monitor: OrderMonitor, lang: Lang) -> Table:
    rows = _flagged_rows(monitor, lang)
    shown = rows[:MAX_FLAGGED_ROWS]
    table_rows = tuple(
        (Data(order_id, 20), Data(partner, 24), amount,
         reasons + (i18n.text("times", lang, n=n) if n > 1 else ""))
        for (order_id, partner, amount, reasons), n in shown
    )
    amounts = "col_amount" if all(o.amount is not None for o in monitor.abnormal_orders) else "col_commission"
    headers = tuple(i18n.text(k, lang) for k in ("col_order", "col_partner", amounts, "col_reason"))
    records_shown = sum(n for _, n in shown)
    return Table(headers=headers, rows=table_rows, align=("l", "l", "r", "l"),
                 caption=common.more_caption(len(monitor.abnormal_orders), records_shown, lang))


def _best_line(monitor: OrderMonitor, index: int, lang: Lang) -> Parts:
    group = monitor.best_channels[index]
    cur = common.main_currency(group)
    money = ""
    if cur and group.money[cur].sales is not None:
        money = ("，" if lang == "zh" else ", ") + i18n.money(group.money[cur].sales, cur)
    elif cur:
        money = i18n.text("best_commission", lang, money=i18n.money(group.money[cur].commission, cur))
    return parts(common.value_label(group.key, group.label, lang),
                 i18n.text("best_line", lang, orders=i18n.count(group.valid_orders), money=money))


def orders_document(monitor: OrderMonitor, lang: Lang) -> Document:
    doc = Document()
    common.header(doc, "title_orders", monitor, lang)
    doc.add(Line((i18n.text("vs_previous", lang, label=common.period_text(monitor.previous_period, lang)),),
                 tone="quiet"))
    totals = monitor.totals
    change = "" if totals.valid_orders_change is None else \
        i18n.text("change_vs_prev", lang, change=i18n.change(totals.valid_orders_change))
    headline = i18n.text(
        "orders_headline", lang, orders=i18n.count(totals.orders), valid=i18n.count(totals.valid_orders),
        change=change, void=i18n.pct(totals.void_rate), new=i18n.pct(monitor.new_customer_share),
    )
    doc.add(common.totals_bullets(totals, lang, headline=headline))
    if monitor.best_channels:
        doc.add(Title((i18n.text("best_channels", lang),)))
        shown = range(min(MAX_BEST, len(monitor.best_channels)))
        doc.add(Bullets(tuple(_best_line(monitor, i, lang) for i in shown)))
    doc.add(Title((i18n.text("flagged", lang),)))
    counts = [(code, n) for code, n in monitor.abnormal_counts.items() if n]
    counts.sort(key=lambda item: _SEVERITY.index(item[0]) if item[0] in _SEVERITY else len(_SEVERITY))
    if not monitor.abnormal_orders and not counts:
        doc.add(Line((i18n.text("no_flags", lang),)))
    else:
        doc.add(Line((" · ".join(f"{_reason(code, lang)} {i18n.count(n)}" for code, n in counts),)))
        doc.add(_flagged_table(monitor, lang))
    advice = [(i18n.text(f"advice_{code}", lang),) for code, _ in counts if code != "voided"]
    if advice:
        doc.add(Title((i18n.text("what_to_do", lang),)), Bullets(tuple(advice)))
    common.notes(doc, monitor, lang)
    return doc
