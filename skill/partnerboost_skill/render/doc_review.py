"""The performance review in chat: totals, the top groups in the main currency, and what to do."""

from __future__ import annotations

from typing import Literal

from partnerboost_skill.analysis.results import GroupFigures, PerformanceReview, Recommendation
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Part, Parts, Table, Title, parts
from partnerboost_skill.render.i18n import Lang

MAX_RECOMMENDATIONS = 8


def _sales(group: GroupFigures, cur: str) -> float:
    money = group.money.get(cur)
    return float(common.headline_money(money)) if money else 0.0


def top_groups(groups: list[GroupFigures], cur: str) -> list[GroupFigures]:
    return sorted(groups, key=lambda g: (-_sales(g, cur), g.label))


def shown_groups(
    review: PerformanceReview, cur: str, limit: int
) -> tuple[list[GroupFigures], list[GroupFigures]]:
    """The groups to show and the rest: the largest by sales, or for months the latest ones in calendar
    order (a table of months sorted by sales reads as a jumble)."""
    if review.group_by == "month":
        months = sorted(review.groups, key=lambda g: g.key)
        cut = max(len(months) - limit, 0)
        return months[cut:], months[:cut]
    ordered = top_groups(review.groups, cur)
    return ordered[:limit], ordered[limit:]


def _groups_table(review: PerformanceReview, cur: str, lang: Lang) -> Table:
    shown, rest = shown_groups(review, cur, common.MAX_ROWS)
    moneys = [group.money.get(cur) for group in shown]
    # A column with nothing to say (no previous figures by month, no clicks by device, no ROAS without order
    # values) is left out; without order values the money column is the commission, with the void rate.
    with_sales = common.sales_known(review.totals)
    with_change = any(money is not None and money.sales_change is not None for money in moneys)
    with_roas = any(money is not None and money.roas is not None for money in moneys)
    with_conversion = any(group.conversion_rate is not None for group in shown)
    rows = []
    for group, money in zip(shown, moneys, strict=True):
        row: list[Part] = [
            common.value_label(group.key, group.label, lang),
            i18n.amount(common.headline_money(money)) if money else "–",
        ]
        if with_change:
            row.append(i18n.change(money.sales_change) if money else "–")
        if with_roas:
            row.append(i18n.ratio(money.roas) if money else "–")
        if not with_sales:
            row += [i18n.count(group.valid_orders), i18n.pct(group.void_rate)]
        if with_conversion:
            row.append(i18n.pct(group.conversion_rate, 2))
        rows.append(tuple(row))
    name = common.group_name(review.group_by, lang)
    money_name = i18n.text("col_sales" if with_sales else "col_commission", lang)
    headers = [name.capitalize() if lang == "en" else name, f"{money_name} {cur}"]
    headers += [i18n.text("col_change", lang)] if with_change else []
    headers += [i18n.text("col_roas", lang)] if with_roas else []
    headers += [i18n.text("col_orders", lang), i18n.text("col_void_rate", lang)] if not with_sales else []
    headers += [i18n.text("col_conv", lang)] if with_conversion else []
    right: list[Literal["l", "r"]] = ["r"] * (len(headers) - 1)
    align: tuple[Literal["l", "r"], ...] = ("l", *right)
    return Table(headers=tuple(headers), rows=tuple(rows), align=align,
                 caption=common.more_caption(len(shown) + len(rest), len(shown), lang))


_EVIDENCE = (
    ("roas", "ROAS", i18n.ratio),
    ("sales_change", {"en": "sales", "zh": "销售额"}, i18n.change),
    ("conversion_rate", {"en": "conversion", "zh": "转化率"}, lambda v: i18n.pct(v, 2)),
    ("void_rate", {"en": "void rate", "zh": "作废率"}, i18n.pct),
    ("share_of_sales", {"en": "share of sales", "zh": "销售占比"}, i18n.pct),
)


def _evidence(rec: Recommendation, lang: Lang) -> str:
    shown = []
    for key, label, fmt in _EVIDENCE:
        value = rec.evidence.get(key)
        if isinstance(value, int | float):
            name = label if isinstance(label, str) else label[lang]
            shown.append(f"{name} {fmt(float(value))}")
    return ("，" if lang == "zh" else ", ").join(shown[:3])


def _action(rec: Recommendation, lang: Lang) -> Part:
    return i18n.ACTIONS[rec.kind][lang]


MAX_PER_LINE = 3


def _target(rec: Recommendation, lang: Lang) -> Parts:
    if rec.kind == "concentration":
        label: Part = Data(rec.label, 40)
    else:
        label = common.value_label(rec.group, rec.label, lang)
    evidence = _evidence(rec, lang)
    if not evidence:
        return parts(label)
    return parts(label, i18n.paren(evidence, lang))


def recommendation_lines(recs: list[Recommendation], lang: Lang) -> list[Parts]:
    """One line per kind and currency: "Scale (USD): A (ROAS 12.50, …); B (…) → what to do"."""
    grouped: dict[tuple[str, str | None], list[Recommendation]] = {}
    for rec in recs:
        grouped.setdefault((rec.kind, rec.currency), []).append(rec)
    lines = []
    for (kind, cur), members in grouped.items():
        head = i18n.text(f"kind_{kind}", lang) + (i18n.paren(cur, lang) if cur else "")
        line: list[Part] = [head, "：" if lang == "zh" else ": "]
        for index, rec in enumerate(members[:MAX_PER_LINE]):
            if index:
                line.append("；" if lang == "zh" else "; ")
            line.extend(_target(rec, lang))
        if len(members) > MAX_PER_LINE:
            line.append(i18n.text("and_more", lang, n=len(members) - MAX_PER_LINE))
        line.extend((" → ", _action(members[0], lang)))
        lines.append(tuple(line))
    return lines


def review_document(review: PerformanceReview, lang: Lang) -> Document:
    doc = Document()
    common.header(doc, "title_review", review, lang)
    doc.add(Line((i18n.text("vs_previous", lang, label=common.period_text(review.previous_period, lang)),),
                 tone="quiet"))
    doc.add(common.totals_bullets(review.totals, lang))
    cur = common.main_currency(review.totals)
    if cur and review.groups:
        doc.add(Title((i18n.text("by", lang, group=common.group_name(review.group_by, lang), cur=cur),)))
        doc.add(_groups_table(review, cur, lang))
        others = [c for c in common.currencies_by_sales(review.totals) if c != cur]
        if others:
            listed = i18n.list_sep(lang).join(others)
            doc.add(Line((i18n.text("other_currencies", lang, cur=cur, others=listed),), tone="quiet"))
    doc.add(Title((i18n.text("what_to_do", lang),)))
    recs = review.recommendations[:MAX_RECOMMENDATIONS]
    if recs:
        doc.add(Bullets(tuple(recommendation_lines(recs, lang))))
    else:
        doc.add(Line((i18n.text("no_recommendations", lang),)))
    common.notes(doc, review, lang)
    return doc
