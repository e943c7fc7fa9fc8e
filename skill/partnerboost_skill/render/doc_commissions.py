"""The commission check in chat: per currency what was accrued, approved, paid and reversed, what is owed,
who is owed most, and what needs a look (reversal spikes, commissions after a revocation)."""

from __future__ import annotations

from partnerboost_skill.analysis.results import CommissionCheck, CommissionFlag, PartnerCommissions
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Bullets, Data, Document, Line, Parts, Table, Title, parts
from partnerboost_skill.render.i18n import Lang

MAX_FLAGS = 5


def _owed_table(partners: list[PartnerCommissions], cur: str, lang: Lang) -> Table:
    mine = [p for p in partners if p.currency == cur]
    rows = tuple(
        (Data(p.partner_name or p.partner_id, 28), i18n.amount(p.owed), i18n.amount(p.approved),
         i18n.amount(p.reversed), i18n.pct(p.reversal_rate))
        for p in mine[: common.MAX_ROWS]
    )
    headers = tuple(i18n.text(k, lang) for k in ("col_partner", "col_owed", "col_approved", "col_reversed",
                                                  "col_rev_rate"))
    return Table(headers=headers, rows=rows, align=("l", "r", "r", "r", "r"),
                 caption=common.more_caption(len(mine), len(rows), lang))


def _flag_detail(flag: CommissionFlag, lang: Lang) -> str:
    facts = flag.evidence
    if flag.code == "reversal_spike":
        return i18n.text("spike_detail", lang, k=i18n.count(int(facts["reversed"] or 0)),
                         n=i18n.count(int(facts["commissions"] or 0)),
                         rate=i18n.pct(float(facts["reversal_rate"] or 0), 0),
                         programme=i18n.pct(float(facts["programme_rate"] or 0)))
    when = str(facts["revoked_at"])[:16].replace("T", " ")
    return i18n.text("after_revocation_detail", lang, n=i18n.count(flag.commissions),
                     amount=i18n.money(flag.amount, flag.currency or ""), when=when)


def _flag_line(flag: CommissionFlag, lang: Lang) -> Parts:
    name = i18n.name(i18n.REASON_NAMES, flag.code, lang) or flag.code
    colon = "：" if lang == "zh" else ": "
    partner = Data(flag.partner_name or flag.partner_id, 28)
    return parts(partner, f" — {name}{colon}", _flag_detail(flag, lang))


def commissions_document(check: CommissionCheck, lang: Lang) -> Document:
    doc = Document()
    common.header(doc, "title_commissions", check, lang)
    if not check.totals:
        doc.add(Line((i18n.text("no_commissions", lang, label=common.period_text(check.period, lang)),)))
        common.notes(doc, check, lang, skip=(f"no commissions accrued in {check.period.label}",))
        return doc
    count = sum(total.commissions for total in check.totals)
    as_of = check.as_of.strftime("%Y-%m-%d %H:%M UTC")
    items: list[Parts] = [(i18n.text("commissions_headline", lang, n=i18n.count(count), as_of=as_of),)]
    ordered = sorted(check.totals, key=lambda t: (-t.owed - t.paid, t.currency))
    for total in ordered[: common.MAX_CURRENCIES]:
        items.append((i18n.text(
            "commission_line", lang, cur=total.currency, accrued=i18n.amount(total.accrued),
            approved=i18n.amount(total.approved), paid=i18n.amount(total.paid),
            reversed=i18n.amount(total.reversed), rate=i18n.pct(total.reversal_rate)),))
        items.append((i18n.text(
            "owed_line", lang, cur=total.currency, owed=i18n.amount(total.owed),
            approved=i18n.amount(total.approved), accrued=i18n.amount(total.accrued)),))
    if len(ordered) > common.MAX_CURRENCIES:
        items.append(common.more_caption(len(ordered), common.MAX_CURRENCIES, lang))
    doc.add(Bullets(tuple(items)))
    main = ordered[0].currency
    doc.add(Title((i18n.text("by_partner_owed", lang, cur=main),)), _owed_table(check.partners, main, lang))
    doc.add(Title((i18n.text("needs_a_look", lang),)))
    if check.flags:
        lines = [_flag_line(flag, lang) for flag in check.flags[:MAX_FLAGS]]
        if len(check.flags) > MAX_FLAGS:
            lines.append(common.more_caption(len(check.flags), MAX_FLAGS, lang))
        doc.add(Bullets(tuple(lines)))
        codes = list(dict.fromkeys(flag.code for flag in check.flags))
        doc.add(Title((i18n.text("what_to_do", lang),)),
                Bullets(tuple((i18n.text(f"advice_{code}", lang),) for code in codes)))
    else:
        doc.add(Line((i18n.text("no_commission_flags", lang),)))
    common.notes(doc, check, lang)
    return doc
