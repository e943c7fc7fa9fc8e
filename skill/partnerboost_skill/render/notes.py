"""The analysis notes (English sentences from skill/analysis and skill/store) in the answer's language.

The analysis writes its notes in English; a Chinese answer shows them in Chinese. Each known sentence is
matched whole and rebuilt from its pieces; English date ranges inside become ISO dates. A sentence this
module does not know is shown as it is, so a new note is never lost, only untranslated. Whatever the
language, the caller still escapes the text (a note can quote API text such as an error message).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from partnerboost_skill.render import i18n
from partnerboost_skill.render.i18n import Lang

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_RANGE = re.compile(rf"\b({_MONTHS}) (\d{{1,2}})(?: (\d{{4}}))? – ({_MONTHS}) (\d{{1,2}}) (\d{{4}})\b")
_DAY = re.compile(rf"\b({_MONTHS}) (\d{{1,2}}) (\d{{4}})\b")


def _iso(month: str, day: str, year: str) -> str:
    return datetime.strptime(f"{month} {day} {year}", "%b %d %Y").date().isoformat()


def iso_dates(text: str) -> str:
    """English day labels ("Sep 1 – Oct 31 2026", "Oct 5 2026") as ISO dates ("2026-09-01 至 2026-10-31")."""

    def one_range(match: re.Match[str]) -> str:
        m1, d1, y1, m2, d2, y2 = match.groups()
        return f"{_iso(m1, d1, y1 or y2)} 至 {_iso(m2, d2, y2)}"

    return _DAY.sub(lambda m: _iso(*m.groups()), _RANGE.sub(one_range, text))


def _before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def _group(name: str) -> str:
    return i18n.name(i18n.GROUP_NAMES, name, "zh") or name


_WHAT = [
    (re.compile(r"orders of bill (\S+)"), "账单 {0} 的订单"),
    (re.compile(r"orders (\d{4}-\d{2}-\d{2}) \.\. (\d{4}-\d{2}-\d{2})"), "订单 {0} 至 {1}（不含）"),
    (re.compile(r"bills created (\d{4}-\d{2}-\d{2}) \.\. (\d{4}-\d{2}-\d{2})"),
     "{0} 至 {1}（不含）创建的账单"),
    (re.compile(r"clicks (.+)"), "点击 {0}"),
    (re.compile(r"orders (.+)"), "订单 {0}"),
    (re.compile(r"partner list"), "合作伙伴列表"),
]


def _what(text: str) -> str:
    for pattern, template in _WHAT:
        match = pattern.fullmatch(text)
        if match:
            return template.format(*match.groups())
    return text


_VOID_REASONS = {"returned": "退货", "cancelled": "取消", "payment failed": "支付失败",
                 "fraud suspected": "疑似欺诈", "no reason given": "未注明原因"}
_VOID_REASON = re.compile(r"^(.*) (\d[\d,]*)$")


def _void_reasons(listed: str) -> str:
    """"returned 79, cancelled 40" → "退货 79、取消 40" (a reason PartnerBoost words otherwise stays)."""
    out = []
    for item in listed.split(", "):
        match = _VOID_REASON.match(item)
        out.append(f"{_VOID_REASONS.get(match[1], match[1])} {match[2]}" if match else item)
    return "、".join(out)


def _days(count: str) -> str:
    return f"{count} 天"


_CACHE_PIECES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(.+) from the local cache \(settled(?:; fetched (.+))?\)"),
     lambda m: f"{m[1]} 来自本地缓存（已结算" + (f"，获取于 {m[2]}" if m[2] else "") + "）"),
    (re.compile(r"(.+) \(inside the (\d+)-day settle window\) checked live against PartnerBoost's order "
                r"statistics, (?:unchanged|([\d,]+) days? refetched)"),
     lambda m: f"{m[1]}（{m[2]} 天结算期内）已与 PartnerBoost 订单统计实时核对，"
     + (f"重新获取 {_days(m[3])}" if m[3] else "无变化")),
    (re.compile(r"([\d,]+) settled days? fetched live( and saved)?"),
     lambda m: f"实时获取已结算的 {_days(m[1])}" + ("并已保存" if m[2] else "")),
]


_OUTSIDE_PARENS = re.compile(r"; (?![^()]*\))")
"""The "; " between the pieces of a cache note, not the one inside "(settled; fetched …)"."""


def _cache_piece(piece: str) -> str:
    for pattern, build in _CACHE_PIECES:
        match = pattern.fullmatch(piece)
        if match:
            return build(match)
    return piece


_TIME_OF = {"order": "订单", "bill": "账单", "partner join": "合作伙伴加入"}
_ZONE_HOW = {
    "as PARTNERBOOST_API_TIMEZONE says": "按 PARTNERBOOST_API_TIMEZONE 设置",
    "detected from the records and the windows they were asked for": "根据记录及其查询时间窗推断",
    "the account's time zone; the records alone could not tell": "账户时区；仅凭记录无法判断",
}
_ID_WORDS = {"medium (channel) id": "媒体（渠道）ID", "medium code": "媒体编码", "name": "名称"}


def _whose(subject: str) -> str:
    """'all orders carry' → 所有订单; '12 of 40 orders carry' → 40 笔订单中有 12 笔."""
    if subject.startswith("all"):
        return "所有订单"
    part, _, rest = subject.partition(" of ")
    return f"{rest.split(' ')[0]} 笔订单中有 {part} 笔"


_NOTES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"no click data: conversion rates are not available"),
     lambda m: "没有点击数据：无法计算转化率"),
    (re.compile(r"clicks are not reported by device: conversion by device is not available"),
     lambda m: "点击数据不区分设备：无法按设备计算转化率"),
    (re.compile(r"([\d,]+) clicks could not be attributed to a (\w+) \(they count in the totals\)"),
     lambda m: f"{m[1]} 次点击无法归到某个{_group(m[2])}（已计入合计）"),
    (re.compile(r"clicks could not be fetched \((.*)\): click counts and conversion figures are missing "
                r"from this answer"),
     lambda m: f"无法获取点击数据（{m[1]}）：本结果缺少点击数和转化率"),
    (re.compile(r"no click data: activity is judged by orders only"),
     lambda m: "没有点击数据：仅按订单判断是否活跃"),
    (re.compile(r"bills for commission earned in (\d{4}-\d{2}) "
                r"\(issued at the start of the following month\)"),
     lambda m: f"{m[1]} 的账单对应该月产生的佣金（次月初出具）"),
    (re.compile(r"no bills for (\d{4}-\d{2})"), lambda m: f"{m[1]} 没有账单"),
    (re.compile(r"(\d{4}-\d{2}) is not over yet: its bills are issued after the month ends"),
     lambda m: f"{m[1]} 尚未结束：该月的账单在月末之后出具"),
    (re.compile(r"([\d,]+) orders in the period are void \(([\d.]+%) of orders; by reason: (.*)\); voids "
                r"are routine, so of the ([\d,]+) that are void and nothing else only the ([\d,]+) most "
                r"recent are listed — every order flagged for anything else is listed"),
     lambda m: f"本期 {m[1]} 笔订单已作废（占订单的 {m[2]}；按原因：{_void_reasons(m[3])}）；作废属常见情况，"
     f"仅因作废而标记的 {m[4]} 笔只列出最近 {m[5]} 笔，其他原因标记的订单全部列出"),
    (re.compile(r"no orders in .+ \((\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?) \.\. (\d{4}-\d{2}-\d{2})"
                r"(?: (\d{2}:\d{2}))?, end excluded\)"),
     lambda m: f"{m[1]} 至 {m[2]}（截至 {m[3]}）没有订单" if m[3] else f"{m[1]} 至 {_before(m[2])} 没有订单"),
    (re.compile(r"no partner has status '(.*)'; statuses present: (.*)"),
     lambda m: f"没有状态为“{m[1]}”的合作伙伴；现有状态：{m[2]}"),
    (re.compile(r"no partner list available \(brand credentials missing\): only media with orders or clicks "
                r"in the period are shown"),
     lambda m: "无法获取合作伙伴列表（缺少品牌 API 凭据）：仅显示期间内有订单或点击的媒体"),
    (re.compile(r"the partner list could not be read \((.*)\); media derived from activity"),
     lambda m: f"无法读取合作伙伴列表（{m[1]}）：媒体按期间内的订单和点击推断"),
    (re.compile(r"([\d,]+) of ([\d,]+) orders had no commission, all of them void: void orders count 0 "
                r"\(they never count towards commission\)"),
     lambda m: f"{m[2]} 笔订单中有 {m[1]} 笔没有佣金，均为作废订单：作废订单按 0 计（本就不计入佣金）"),
    (re.compile(r"([\d,]+) of ([\d,]+) orders had no commission \(([\d,]+) of them void\): counted as 0, so "
                r"commission, ROAS and ROI leave them out"),
     lambda m: f"{m[2]} 笔订单中有 {m[1]} 笔没有佣金（其中 {m[3]} 笔作废）：按 0 计，"
     "佣金、ROAS 和 ROI 未包含它们"),
    (re.compile(r"(order|bill|partner join) times without a time zone were read as (\S+) \((.*)\)"),
     lambda m: f"{_TIME_OF.get(m[1], m[1])}时间未带时区，按 {m[2]} 读取（{_ZONE_HOW.get(m[3], m[3])}）"),
    (re.compile(r"(all orders carry|[\d,]+ of [\d,]+ orders carry) no partner id: partners are told apart by "
                r"their (.+), so a partner with several media shows once per medium"),
     lambda m: f"{_whose(m[1])}没有合作伙伴 ID：按{_ID_WORDS.get(m[2], m[2])}区分合作伙伴，"
     "有多个媒体的合作伙伴按媒体分别显示"),
    (re.compile(r"performance rows identify media by partner id: their clicks were joined with the orders "
                r"by partner"),
     lambda m: "效果数据以合作伙伴 ID 标识媒体：点击按合作伙伴与订单关联"),
    (re.compile(r"no clicks could be read from the performance rows \((.*)\): click counts and conversion "
                r"figures are missing from this answer"),
     lambda m: "效果数据中读不到点击数：本结果缺少点击数和转化率"),
    (re.compile(r"([\d,]+) orders have a status this skill does not know \((.*)\): they count as orders but "
                r"not as valid orders or sales"),
     lambda m: f"{m[1]} 笔订单的状态无法识别（{m[2]}）：计入订单数，但不计入有效订单和销售额"),
    (re.compile(r"incomplete bill check: the orders carry no bill id, so each bill was checked against its "
                r"(medium|partner)'s valid orders of its month in its currency \(months in (\S+), .*\); an "
                r"order no bill covers yet shows as a difference"),
     lambda m: f"账单核对不完整：订单没有账单 ID，每张账单按其{'媒体' if m[1] == 'medium' else '合作伙伴'}"
     f"当月同币种的有效订单核对（月份按 {m[2]}）；尚未出账的订单会显示为差异"),
    (re.compile(r"incomplete (.+?): (.*)"), lambda m: f"数据不完整：{_what(m[1])}：{m[2]}"),
    (re.compile(r"orders (.+?) \(UTC days\): (.*)"),
     lambda m: f"订单 {m[1]}（UTC 日）：" + "；".join(_cache_piece(p) for p in _OUTSIDE_PARENS.split(m[2]))),
    (re.compile(r"the local cache file was damaged and has been rebuilt"
                r"(?: \(the old file is kept as (.+)\))?; what it could not provide was fetched live"),
     lambda m: "本地缓存文件已损坏并已重建" + (f"（旧文件保留为 {m[1]}）" if m[1] else "")
     + "；缓存无法提供的数据已实时获取"),
    (re.compile(r"the local cache is locked by another process; this answer was fetched live and not saved"),
     lambda m: "本地缓存被另一进程锁定：本次结果为实时获取，未保存"),
    (re.compile(r"the local cache could not be used \((.*)\); this answer was fetched live"),
     lambda m: f"无法使用本地缓存（{m[1]}）：本次结果为实时获取"),
    (re.compile(r"(.+): PartnerBoost could not be read \((.*)\); using the copy saved (.+)"),
     lambda m: f"{m[1]}：无法读取 PartnerBoost（{m[2]}），使用 {m[3]} 保存的副本"),
    (re.compile(r"(.+) from the local cache \(settled; fetched (.+)\)"),
     lambda m: f"{m[1]} 来自本地缓存（已结算，获取于 {m[2]}）"),
    (re.compile(r"OpenPartner reports commissions, not orders: each commission \(one attributed conversion "
                r"for one partner\) counts as one order, and its API has no clicks or order values"),
     lambda m: "OpenPartner 只记录佣金而非订单：每笔佣金（某合作伙伴的一次归因转化）计为一单；"
     "其 API 不提供点击和订单金额"),
    (re.compile(r"(\w+) issues no bills: this is its commission check \(accrued, approved, paid, reversed, "
                r"and what is owed\)"),
     lambda m: f"{m[1]} 不出账单：以下为其佣金核对（待审核、已批准、已支付、已冲销及应付金额）"),
    (re.compile(r"no commissions accrued in (.+)"), lambda m: f"{m[1]} 没有产生佣金"),
    (re.compile(r"(.+) is not over yet: commissions accrued later in it are not included"),
     lambda m: f"{m[1]} 尚未结束：之后产生的佣金不在其中"),
    (re.compile(r"(\d+) commission\(s\) updated from OpenPartner webhook events newer than the API's "
                r"records"),
     lambda m: f"{m[1]} 笔佣金按比 API 更新的 OpenPartner webhook 事件更新"),
    (re.compile(r"(\d+) commission\(s\) known only from OpenPartner webhook events added"),
     lambda m: f"已加入 {m[1]} 笔仅由 OpenPartner webhook 事件得知的佣金"),
]


def note_text(note: str, lang: Lang) -> str:
    """The note in `lang`: English as written; Chinese for every sentence the analysis is known to write."""
    if lang == "en":
        return note
    for pattern, build in _NOTES:
        match = pattern.fullmatch(note)
        if match:
            return iso_dates(build(match))
    return iso_dates(note)
