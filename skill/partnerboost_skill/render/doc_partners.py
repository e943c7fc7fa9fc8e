"""Partner media in chat: how many, how the portfolio is built, and who contributes most."""

from __future__ import annotations

from decimal import Decimal

from partnerboost_skill.analysis.results import Breakdown, MediumFigures, PartnerMedia
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Part, Table, Title
from partnerboost_skill.render.i18n import Lang

MAX_BREAKDOWN = 4
_DIMENSIONS = ("partner_type", "channel_type", "country", "group")


def _breakdown(dimension: str, rows: list[Breakdown], lang: Lang) -> tuple[Part, ...]:
    name = common.group_name(dimension, lang)
    out: list[Part] = [name.capitalize() if lang == "en" else name, "：" if lang == "zh" else ": "]
    for index, row in enumerate(rows[:MAX_BREAKDOWN]):
        if index:
            out.append(i18n.list_sep(lang))
        out.append(common.value_label(row.value, row.value, lang))
        out.append(f" {i18n.count(row.media)}{i18n.paren(i18n.pct(row.share, 0), lang)}")
    if len(rows) > MAX_BREAKDOWN:
        out.append(" …")
    return tuple(out)


def _money(media: PartnerMedia, medium: MediumFigures) -> dict[str, Decimal]:
    """What the top table ranks by: sales, or the commission where the platform has no order values."""
    return medium.commission if "sales" in media.unavailable else medium.sales


def _main_currency(media: PartnerMedia) -> str | None:
    totals: dict[str, float] = {}
    for medium in media.media:
        for cur, value in _money(media, medium).items():
            totals[cur] = totals.get(cur, 0.0) + float(value)
    return max(sorted(totals), key=lambda c: totals[c]) if totals else None


def _top_table(media: PartnerMedia, cur: str, lang: Lang) -> Table:
    top = media.top_contributors.get(cur) or sorted(
        (m for m in media.media if cur in _money(media, m)), key=lambda m: -_money(media, m)[cur])
    by_type = "partner_attributes" not in media.unavailable
    rows = tuple(
        (
            Data(m.name or m.medium, 28),
            *((common.value_label(m.partner_type, m.partner_type, lang),) if by_type else ()),
            i18n.count(m.valid_orders),
            i18n.amount(_money(media, m).get(cur)),
        )
        for m in top[: common.MAX_ROWS]
    )
    money = "col_commission" if "sales" in media.unavailable else "col_sales"
    headers = (i18n.text("col_medium", lang), *((i18n.text("col_type", lang),) if by_type else ()),
               i18n.text("col_orders", lang), f"{i18n.text(money, lang)} {cur}")
    return Table(headers=headers, rows=rows, align=("l", *(("l",) if by_type else ()), "r", "r"))


def partners_document(media: PartnerMedia, lang: Lang) -> Document:
    doc = Document()
    common.header(doc, "title_partners", media, lang)
    status = (i18n.name(i18n.VALUE_NAMES, media.status_filter, lang) or media.status_filter) \
        if media.status_filter else i18n.text("status_all", lang)
    if media.derived_from_activity:  # no partner list: no status is known and every medium shown is active
        headline = i18n.text("media_headline_derived", lang, media=i18n.count(len(media.media)))
    else:
        headline = i18n.text(
            "media_headline", lang, media=i18n.count(len(media.media)), status=status,
            active=i18n.count(media.active_media), dormant=i18n.count(media.dormant_media))
    items: list[tuple[Part, ...]] = [(headline,)]
    items += [_breakdown(d, media.structure[d], lang) for d in _DIMENSIONS if media.structure.get(d)]
    doc.add(Bullets(tuple(items)))
    if media.derived_from_activity:
        doc.add(Line((i18n.text("media_derived", lang),), tone="quiet"))
    cur = _main_currency(media)
    if cur:
        doc.add(Title((i18n.text("top_contributors", lang, cur=cur),)), _top_table(media, cur, lang))
    said = tuple(note for note in media.notes if note.startswith("no partner list available"))
    common.notes(doc, media, lang, skip=said if media.derived_from_activity else ())
    return doc
