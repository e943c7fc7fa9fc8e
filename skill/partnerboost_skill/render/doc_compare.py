"""Two periods side by side in chat: the headline metrics, then the groups that moved most."""

from __future__ import annotations

from decimal import Decimal

from partnerboost_skill.analysis.results import GroupChange, MetricChange, PeriodComparison
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Document, Line, Table, Title
from partnerboost_skill.render.i18n import Lang

_COUNT_METRICS = ("orders", "valid_orders", "clicks", "conversion_rate", "void_rate")
_MONEY_METRICS = ("sales", "commission", "roas", "aov")
_RATES = ("conversion_rate", "void_rate", "effective_commission_rate")


def _value(change: MetricChange, side: Decimal | float | int | None) -> str:
    if side is None:
        return "n/a"
    if change.metric in _RATES:
        return i18n.pct(float(side), 2)
    if change.metric == "roas":
        return i18n.ratio(float(side))
    if isinstance(side, Decimal):
        return i18n.amount(side)
    return i18n.count(int(side))


def _change(change: MetricChange, lang: Lang) -> str:
    """A rate's change in percentage points (6.13% vs 6.20% is -0.07 pp, not "-1.1%"); others relative."""
    if change.metric in _RATES:
        if change.a is None or change.b is None:
            return "n/a"
        points = (float(change.a) - float(change.b)) * 100
        return i18n.text("pp", lang, change=f"{points:+.2f}")
    return i18n.change(change.change)


def _metric_name(change: MetricChange, lang: Lang) -> str:
    name = i18n.name(i18n.METRIC_NAMES, change.metric, lang) or change.metric
    return f"{name} {change.currency}" if change.currency else name


def _metrics_table(comparison: PeriodComparison, cur: str | None, lang: Lang) -> Table:
    by_key = {(c.metric, c.currency): c for c in comparison.changes}
    wanted = [(m, None) for m in _COUNT_METRICS] + [(m, cur) for m in _MONEY_METRICS]
    others = [c for c in common.currencies_by_sales(comparison.totals) if c != cur]
    wanted += [("sales", other) for other in others[:2]]
    rows = tuple(
        (_metric_name(c, lang), _value(c, c.a), _value(c, c.b), _change(c, lang))
        for key in wanted if (c := by_key.get(key)) is not None and (c.a is not None or c.b is not None)
    )
    headers = (i18n.text("col_metric", lang), "A", "B", i18n.text("col_change_pct", lang))
    return Table(headers=headers, rows=rows, align=("l", "r", "r", "r"))


def _sales_change(group: GroupChange, cur: str) -> MetricChange | None:
    """The group's change in sales, or in commission where the platform reports no order values."""
    for metric in ("sales", "commission"):
        found = next((c for c in group.changes if c.metric == metric and c.currency == cur), None)
        if found is not None:
            return found
    return None


def _groups_table(comparison: PeriodComparison, cur: str, lang: Lang) -> Table:
    moved = [(g, c) for g in comparison.groups if (c := _sales_change(g, cur)) is not None]
    moved.sort(key=lambda item: (-abs(Decimal(str(item[1].difference or 0))), item[0].label))
    rows = tuple(
        (common.value_label(g.key, g.label, lang), _value(c, c.a), _value(c, c.b), i18n.change(c.change))
        for g, c in moved[: common.MAX_ROWS]
    )
    name = common.group_name(comparison.group_by, lang)
    headers = (name.capitalize() if lang == "en" else name, f"A {cur}", f"B {cur}",
               i18n.text("col_change_pct", lang))
    return Table(headers=headers, rows=rows, align=("l", "r", "r", "r"),
                 caption=common.more_caption(len(moved), len(rows), lang))


def compare_document(comparison: PeriodComparison, lang: Lang) -> Document:
    doc = Document()
    a = common.period_text(comparison.period, lang)
    b = common.period_text(comparison.other_period, lang)
    headline = i18n.text("compare_headline", lang, a=a, b=b)
    common.header(doc, "title_compare", comparison, lang, subtitle=headline)
    convention = i18n.convention(comparison.other_period.convention, lang)
    doc.add(Line((i18n.text("ab_line", lang, a=a, b=b, convention=convention),), tone="quiet"))
    cur = common.main_currency(comparison.totals)
    doc.add(_metrics_table(comparison, cur, lang))
    if cur and comparison.groups:
        doc.add(Title((i18n.text("group_changes", lang, group=common.group_name(comparison.group_by, lang),
                                 cur=cur),)))
        doc.add(_groups_table(comparison, cur, lang))
    common.notes(doc, comparison, lang)
    return doc
