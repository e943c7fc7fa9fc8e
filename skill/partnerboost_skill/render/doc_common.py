"""Pieces every answer document shares: the period line, the completeness warning, totals, notes, labels."""

from __future__ import annotations

from decimal import Decimal

from partnerboost_skill.analysis.results import Answer, CurrencyFigures, GroupFigures, PeriodEcho
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Hint, Line, Part, Parts, Title, parts
from partnerboost_skill.render.i18n import Lang
from partnerboost_skill.render.notes import note_text

MAX_ROWS = 6
"""Table rows shown in chat; the rest is counted in a caption and available with --format json."""
MAX_NOTES = 4
UNAVAILABLE_NOTE = "not in this data:"
"""How analysis.unavailable's note begins; the header's line says it in the answer's language instead."""
MAX_CURRENCIES = 3
NOTE_LENGTH = 320
"""Characters of one note shown (the analysis's notes run to about 260)."""


def period_text(period: PeriodEcho, lang: Lang) -> str:
    return i18n.period_label(period.start, period.end, period.label, lang)


def header(doc: Document, title_key: str, answer: Answer, lang: Lang, subtitle: str | None = None) -> None:
    """Title, the exact period (range, timezone, convention) and, first of all, any incompleteness."""
    label = subtitle or period_text(answer.period, lang)
    doc.add(Title(parts(i18n.text(title_key, lang), " · ", label)))
    doc.add(Line(parts(i18n.text(
        "period", lang,
        label=period_text(answer.period, lang),
        tz=answer.period.timezone,
        convention=i18n.convention(answer.period.convention, lang),
    ))))
    if answer.unavailable:
        what = i18n.list_sep(lang).join(
            i18n.name(i18n.MEASURE_NAMES, measure, lang) or measure for measure in answer.unavailable)
        platform = i18n.PLATFORM_NAMES.get(answer.platform, answer.platform)
        doc.add(Line((i18n.text("unavailable", lang, platform=platform, what=what),), tone="quiet"))
    if not answer.complete:
        missing = _incompleteness(answer)
        detail = ("；" if lang == "zh" else "; ").join(note_text(note, lang) for note in missing) \
            or i18n.text("incomplete_unknown", lang)
        doc.add(Line((i18n.text("incomplete", lang, missing=""), Data(detail, 300)), tone="warning"))


def _incompleteness(answer: Answer) -> list[str]:
    """The notes the incomplete-data warning quotes: those that say what is missing, else every note."""
    if answer.complete:
        return []
    return [note for note in answer.notes if note.startswith("incomplete")] or list(answer.notes)


def notes(doc: Document, answer: Answer, lang: Lang, skip: tuple[str, ...] = ()) -> None:
    """The answer's notes in `lang` (at most a few), except those the warning at the top quoted already;
    `skip` names notes the document said otherwise."""
    said = {*_incompleteness(answer), *skip}
    shown = [note for note in answer.notes if note not in said
             and not (answer.unavailable and note.startswith(UNAVAILABLE_NOTE))]  # the header said it
    if not shown:
        return
    items: list[Parts] = [(Data(note_text(note, lang), NOTE_LENGTH),) for note in shown[:MAX_NOTES]]
    if len(shown) > MAX_NOTES:
        items.append((i18n.text("more_rows", lang, n=len(shown) - MAX_NOTES), Hint("full_result", lang)))
    doc.add(Line((i18n.text("notes", lang),), tone="quiet"), Bullets(tuple(items)))


def headline_money(money: CurrencyFigures) -> Decimal:
    """Sales, or the commission where the platform reports no order values."""
    return money.sales if money.sales is not None else money.commission


def sales_known(figures: GroupFigures) -> bool:
    return all(money.sales is not None for money in figures.money.values())


def currencies_by_sales(figures: GroupFigures) -> list[str]:
    """Currencies, largest sales first (largest commission where there are no order values)."""
    return sorted(figures.money, key=lambda cur: (-headline_money(figures.money[cur]), cur))


def main_currency(figures: GroupFigures) -> str | None:
    ordered = currencies_by_sales(figures)
    return ordered[0] if ordered else None


def _change_suffix(value: float | None, lang: Lang, key: str = "change_vs_prev") -> str:
    return "" if value is None else i18n.text(key, lang, change=i18n.change(value))


def totals_bullets(figures: GroupFigures, lang: Lang, headline: str | None = None) -> Bullets:
    """The few numbers that matter: counts, then sales, commission and ROAS per currency (exact money)."""
    first = headline or i18n.text(
        "totals_counts", lang,
        orders=i18n.count(figures.orders), valid=i18n.count(figures.valid_orders),
        change=_change_suffix(figures.valid_orders_change, lang), void=i18n.pct(figures.void_rate),
        clicks=i18n.count(figures.clicks), conversion=i18n.pct(figures.conversion_rate, 2),
    )
    items: list[Parts] = [(first,)]
    ordered = currencies_by_sales(figures)
    for cur in ordered[:MAX_CURRENCIES]:
        money = figures.money[cur]
        if money.sales is None:
            items.append((i18n.text("totals_commission", lang, cur=cur,
                                    commission=i18n.amount(money.commission)),))
            continue
        items.append((i18n.text(
            "totals_money", lang, cur=cur, sales=i18n.money(money.sales, cur),
            change=_change_suffix(money.sales_change, lang, "change_paren"),
            commission=i18n.money(money.commission, cur),
            roas=i18n.ratio(money.roas),
        ),))
    if len(ordered) > MAX_CURRENCIES:
        items.append(more_caption(len(ordered), MAX_CURRENCIES, lang))
    return Bullets(tuple(items))


def value_label(key: str, label: str, lang: Lang) -> Part:
    """A group's label: our own name for a known code, otherwise the API's text (escaped later)."""
    known = i18n.name(i18n.VALUE_NAMES, key, lang) or i18n.name(i18n.VALUE_NAMES, label, lang)
    return known if known else Data(label or key, 40)


def group_name(group_by: str, lang: Lang) -> str:
    return i18n.name(i18n.GROUP_NAMES, group_by, lang) or group_by


def more_caption(total: int, shown: int, lang: Lang) -> Parts:
    """"… and 12 more" plus where to find them (which depends on the surface)."""
    if total <= shown:
        return ()
    return i18n.text("more_rows", lang, n=total - shown), Hint("full_result", lang)


def sum_money(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal("0"))
