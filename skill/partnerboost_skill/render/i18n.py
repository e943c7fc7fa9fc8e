"""Labels and phrases in English and Chinese, and the number formats the chat answers use.

`text(key, lang, **values)` looks a phrase up; a phrase missing in Chinese falls back to English, so a missing
translation never breaks an answer. Money is always shown with its currency code and exactly two decimals.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_EN: dict[str, str] = {
    "demo": "⚠ Demo data: no PartnerBoost credentials are configured, so this runs on the built-in sandbox.",
    "understood": "Understood: {what}, {period}.",
    "understood_default": "Understood: {what}; no period named, so {period}.",
    "understood_compare_fallback": "Only a comparison with the period just before or the same dates a year "
    "earlier is possible; comparing {period} with the period just before.",
    "kind_review": "performance review by {group}",
    "kind_orders": "recent orders and anomalies",
    "kind_bill": "bill check",
    "kind_commissions": "commission check",
    "kind_partners": "partner media",
    "kind_compare": "period comparison",
    "off_topic": "That does not look like a question about your PartnerBoost program, so nothing was run. "
    "I can answer:",
    "can_answer": "- a performance review with placement advice: \"review the last three months\"\n"
    "- recent orders and anything abnormal: \"how are recent orders doing?\"\n"
    "- a month's bill, reconciled to the cent: \"check my bill from last month\"\n"
    "- the media you partner with: \"which media am I partnering with?\"\n"
    "- two periods compared: \"compare October with September\"",
    "title_review": "Performance review",
    "title_orders": "Orders",
    "title_bill": "Bill check",
    "title_partners": "Partner media",
    "title_compare": "Comparison",
    "period": "Period: {label} ({tz}; {convention})",
    "vs_previous": "compared with {label}",
    "incomplete": "⚠ Incomplete data: some records could not be fetched, so these figures are too low or "
    "partial. Missing: {missing}",
    "incomplete_unknown": "not stated",
    "notes": "Notes:",
    "totals_counts": "Orders {orders} ({valid} valid{change}), void rate {void}, clicks {clicks}, "
    "conversion {conversion}",
    "totals_money": "{cur}: sales {sales}{change}, commission {commission}, ROAS {roas}",
    "change_vs_prev": ", {change} vs before",
    "change_paren": " ({change} vs before)",
    "by": "By {group} ({cur})",
    "col_sales": "Sales",
    "col_roas": "ROAS",
    "col_conv": "Conv.",
    "col_change": "Δ sales",
    "col_orders": "Orders",
    "col_order": "Order",
    "col_partner": "Partner",
    "col_amount": "Amount",
    "col_reason": "Reason",
    "col_bill": "Bill",
    "col_medium": "Medium",
    "col_billed": "Billed",
    "col_expected": "Expected",
    "col_diff": "Diff.",
    "col_type": "Type",
    "col_metric": "Metric",
    "col_change_pct": "Change",
    "more_rows": "… and {n} more",
    "full_result_cli": " (see --format json)",
    "full_result_mcp": " (more in the structured result)",
    "and_more": " (+{n} more)",
    "other": "Other",
    "what_to_do": "What to do",
    "no_recommendations": "Nothing stands out: no group crosses the scale, fix, watch or cut thresholds.",
    "rec_line": "{kind} {label}{cur}: {evidence} → {action}",
    "other_currencies": "Table in {cur}, the largest currency; {others} in the totals above.",
    "ab_line": "A = {a}; B = {b} ({convention})",
    "pp": "{change} pp",
    "orders_headline": "Orders {orders} ({valid} valid{change}), void rate {void}, new customers {new}",
    "best_channels": "Best partners",
    "flagged": "Flagged orders",
    "flag_counts": "{items}",
    "no_flags": "No abnormal orders in this period.",
    "bill_headline": "{bills} bills for {month}",
    "bill_status_line": "{status}: {amounts}",
    "bill_total_line": "Total: {amounts}",
    "reconciled": "✓ Every bill matches the commission of its orders to the cent.",
    "not_reconciled": "✗ {n} bills do not match their orders:",
    "not_reconciled_one": "✗ 1 bill does not match its orders:",
    "bill_count": " ({n} bills)",
    "bill_count_one": " (1 bill)",
    "no_bills": "No bills for {month}.",
    "mismatch_amount": ": the bill and its orders agree on {n} orders, but not on the commission",
    "mismatch_orders": ": billed for {billed} orders, {counted} valid orders carry this bill{void}",
    "mismatch_void": ", {n} more are void now",
    "best_line": ": {orders} orders{money}",
    "times": " (×{n})",
    "chart_english": "The chart's labels are in English: no Chinese font is installed on this machine.",
    "media_headline": "{media} media ({status}); {active} active, {dormant} dormant in the period",
    "media_derived": "No partner list available (it needs the brand API credentials): only media with clicks "
    "or orders are shown.",
    "media_headline_derived": "{media} media with clicks or orders in the period",
    "structure_line": "{dimension}: {items}",
    "top_contributors": "Top media ({cur})",
    "compare_headline": "{a} vs {b}",
    "group_changes": "Biggest changes by {group} ({cur})",
    "status_all": "all statuses",
    "kind_scale": "Scale",
    "kind_fix": "Fix",
    "kind_watch": "Watch",
    "kind_cut": "Cut or renegotiate",
    "kind_concentration": "Diversify",
    "advice_duplicate_order_number": "Void the duplicate order numbers before they are billed.",
    "advice_burst": "Check the traffic source of partners with order bursts before approving them.",
    "advice_amount_outlier": "Confirm unusually large orders with the shop before they validate.",
    "advice_commission_rate_outlier": "Correct commission rates that differ from the partner's group rate.",
    "advice_repeat_customer": "Look at customers ordering again and again through one partner.",
    "advice_void_spike": "Ask partners with many voided orders what happened.",
    "advice_mismatch": "Raise the mismatched bills with PartnerBoost support before paying.",
    "advice_estimated": "The orders carry no bill id, so these figures compare each bill with its medium's "
    "orders of the month: look into the differences (an order no bill covers yet shows up here) before "
    "disputing anything.",
    "estimated_by": "Checked without bill ids: each bill against its {basis}'s orders of the month.",
    "estimated_currency": "Checked without bill ids or media: only the month's totals per currency.",
    "chart_missing": "Chart skipped: matplotlib is not installed (pip install matplotlib).",
    "chart_failed": "Chart skipped: {error}",
    "unavailable": "{platform} data has no {what}: those figures show as n/a, never as zero.",
    "totals_commission": "{cur}: commission {commission}",
    "best_commission": ", commission {money}",
    "col_commission": "Commission",
    "col_void_rate": "Void rate",
    "title_commissions": "Commission check",
    "commissions_headline": "{n} commissions accrued in the period (statuses as of {as_of})",
    "commission_line": "{cur}: accrued {accrued} · approved {approved} · paid {paid} · reversed {reversed} "
    "({rate} of commissions)",
    "owed_line": "Owed {cur} {owed}: {approved} approved and waiting for payout, {accrued} accrued and "
    "awaiting approval",
    "no_commissions": "No commissions accrued in {label}.",
    "by_partner_owed": "Owed by partner ({cur})",
    "col_owed": "Owed",
    "col_approved": "Approved",
    "col_reversed": "Reversed",
    "col_rev_rate": "Rev. rate",
    "needs_a_look": "Needs a look",
    "flag_reversal_spike": "reversal spike",
    "flag_after_revocation": "commissions after revocation",
    "advice_reversal_spike": "Ask partners with many reversed commissions what happened before the next "
    "payout.",
    "advice_after_revocation": "Hold or reverse the commissions accrued after a partner was revoked: "
    "attribution should have skipped them.",
    "no_commission_flags": "Nothing unusual: no reversal spike, no commission after a revocation.",
    "spike_detail": "{k} of {n} commissions reversed ({rate}; the programme reverses {programme})",
    "after_revocation_detail": "{n} commission(s), {amount}, accrued after the partner was revoked on {when} "
    "UTC",
}

_ZH: dict[str, str] = {
    "demo": "⚠ 演示数据：未配置 PartnerBoost 凭据，以下结果来自内置沙盒，并非您的真实账户。",
    "understood": "理解为：{what}，{period}。",
    "understood_default": "理解为：{what}；未指定时间，默认{period}。",
    "understood_compare_fallback": "只能与紧邻的上一期或去年同期对比；将{period}与上一期对比。",
    "kind_review": "渠道复盘（按{group}）",
    "kind_orders": "近期订单与异常",
    "kind_bill": "账单核对",
    "kind_partners": "合作媒体",
    "kind_compare": "时段对比",
    "off_topic": "这个问题看起来与您的 PartnerBoost 联盟营销无关，所以没有运行任何分析。我可以回答：",
    "can_answer": "- 业绩复盘与投放建议：“复盘最近三个月”\n"
    "- 最近订单与异常订单：“最近订单怎么样”\n"
    "- 某个月的账单核对（精确到分）：“上个月账单”\n"
    "- 合作媒体：“我合作的媒体有哪些”\n"
    "- 两个时段对比：“本月和上月对比”",
    "title_review": "渠道复盘",
    "title_orders": "订单",
    "title_bill": "账单核对",
    "title_partners": "合作媒体",
    "title_compare": "时段对比",
    "period": "期间：{label}（{tz}；{convention}）",
    "vs_previous": "对比 {label}",
    "incomplete": "⚠ 数据不完整：部分记录未能获取，以下数字偏低或不全。缺失：{missing}",
    "incomplete_unknown": "未说明",
    "notes": "说明：",
    "totals_counts": "订单 {orders}（有效 {valid}{change}），作废率 {void}，"
    "点击 {clicks}，转化率 {conversion}",
    "totals_money": "{cur}：销售额 {sales}{change}，佣金 {commission}，ROAS {roas}",
    "change_vs_prev": "，较上期 {change}",
    "change_paren": "（较上期 {change}）",
    "by": "按{group}（{cur}）",
    "col_sales": "销售额",
    "col_roas": "ROAS",
    "col_conv": "转化率",
    "col_change": "销售额变化",
    "col_orders": "订单",
    "col_order": "订单号",
    "col_partner": "合作伙伴",
    "col_amount": "金额",
    "col_reason": "原因",
    "col_bill": "账单",
    "col_medium": "媒体",
    "col_billed": "账单金额",
    "col_expected": "应计",
    "col_diff": "差额",
    "col_type": "类型",
    "col_metric": "指标",
    "col_change_pct": "变化",
    "more_rows": "…… 另有 {n} 行",
    "full_result_cli": "（见 --format json）",
    "full_result_mcp": "（更多见结构化结果）",
    "and_more": "等另外 {n} 个",
    "other": "其他",
    "what_to_do": "建议",
    "no_recommendations": "没有明显问题：没有分组达到加码、排查、关注或削减的阈值。",
    "rec_line": "{kind} {label}{cur}：{evidence} → {action}",
    "other_currencies": "表格为最大币种 {cur}；{others} 见上方合计。",
    "ab_line": "A = {a}；B = {b}（{convention}）",
    "pp": "{change} 个百分点",
    "orders_headline": "订单 {orders}（有效 {valid}{change}），作废率 {void}，新客占比 {new}",
    "best_channels": "表现最好的合作伙伴",
    "flagged": "异常订单",
    "flag_counts": "{items}",
    "no_flags": "本期没有异常订单。",
    "bill_headline": "{month} 共 {bills} 张账单",
    "bill_status_line": "{status}：{amounts}",
    "bill_total_line": "合计：{amounts}",
    "reconciled": "✓ 每张账单与其订单佣金完全一致（精确到分）。",
    "not_reconciled": "✗ {n} 张账单与订单不符：",
    "not_reconciled_one": "✗ 1 张账单与订单不符：",
    "bill_count": "（{n} 张）",
    "bill_count_one": "（1 张）",
    "no_bills": "{month} 没有账单。",
    "mismatch_amount": "：订单数一致（{n} 笔），但佣金金额不符",
    "mismatch_orders": "：账单含 {billed} 笔订单，带此账单号的有效订单 {counted} 笔{void}",
    "mismatch_void": "，另有 {n} 笔现已作废",
    "best_line": "：{orders} 单{money}",
    "times": "（×{n}）",
    "chart_english": "图表标签为英文：本机未安装中文字体。",
    "media_headline": "{media} 个媒体（{status}）；期间活跃 {active}，沉睡 {dormant}",
    "media_derived": "无法获取合作伙伴列表（需要品牌 API 凭据）：仅显示期间有点击或订单的媒体。",
    "media_headline_derived": "期间有点击或订单的媒体 {media} 个",
    "structure_line": "{dimension}：{items}",
    "top_contributors": "贡献最大的媒体（{cur}）",
    "compare_headline": "{a} 对比 {b}",
    "group_changes": "按{group}变化最大（{cur}）",
    "status_all": "全部状态",
    "kind_scale": "加码",
    "kind_fix": "排查",
    "kind_watch": "关注",
    "kind_cut": "削减",
    "kind_concentration": "分散",
    "advice_duplicate_order_number": "在结算前作废重复的订单号。",
    "advice_burst": "审核前核查订单激增的合作伙伴的流量来源。",
    "advice_amount_outlier": "在订单生效前与店铺确认异常大额订单。",
    "advice_commission_rate_outlier": "修正与所在分组费率不一致的佣金率。",
    "advice_repeat_customer": "排查通过同一合作伙伴反复下单的客户。",
    "advice_void_spike": "询问作废订单较多的合作伙伴原因。",
    "advice_mismatch": "付款前就不一致的账单联系 PartnerBoost 客服。",
    "advice_estimated": "订单没有账单 ID，以上按每张账单对应媒体当月的订单估算："
    "请先核查差异（尚未出账的订单也会显示为差异），再决定是否申诉。",
    "estimated_by": "订单无账单 ID：每张账单按其{basis}当月的订单核对。",
    "estimated_currency": "订单无账单 ID、账单无媒体：只能按币种比较当月合计。",
    "chart_missing": "未生成图表：未安装 matplotlib（pip install matplotlib）。",
    "chart_failed": "未生成图表：{error}",
    "unavailable": "{platform} 数据不含{what}：这些数字显示为 n/a，而不是 0。",
    "totals_commission": "{cur}：佣金 {commission}",
    "best_commission": "，佣金 {money}",
    "col_commission": "佣金",
    "col_void_rate": "作废率",
    "title_commissions": "佣金核对",
    "kind_commissions": "佣金核对",
    "commissions_headline": "期间内产生佣金 {n} 笔（状态截至 {as_of}）",
    "commission_line": "{cur}：待审核 {accrued} · 已批准 {approved} · 已支付 {paid} · 已冲销 {reversed}"
    "（占笔数 {rate}）",
    "owed_line": "应付 {cur} {owed}：已批准待支付 {approved}，待审核 {accrued}",
    "no_commissions": "{label} 没有产生佣金。",
    "by_partner_owed": "按合作伙伴的应付佣金（{cur}）",
    "col_owed": "应付",
    "col_approved": "已批准",
    "col_reversed": "已冲销",
    "col_rev_rate": "冲销率",
    "needs_a_look": "需要关注",
    "flag_reversal_spike": "冲销激增",
    "flag_after_revocation": "撤销合作后仍产生佣金",
    "advice_reversal_spike": "在下次付款前询问冲销佣金较多的合作伙伴原因。",
    "advice_after_revocation": "暂缓或冲销合作伙伴被撤销后产生的佣金：归因本应跳过这些佣金。",
    "no_commission_flags": "未见异常：没有冲销激增，也没有撤销合作后的佣金。",
    "spike_detail": "{n} 笔佣金中 {k} 笔被冲销（{rate}；整体冲销率 {programme}）",
    "after_revocation_detail": "合作伙伴于 {when} UTC 被撤销后仍产生 {n} 笔佣金，共 {amount}",
}

ACTIONS: dict[str, dict[Lang, str]] = {
    "scale": {"en": "more placement: featured slots, new creatives, a higher commission tier to secure "
              "volume",
              "zh": "增加曝光（精选位、新素材、更高佣金档位以锁定销量）"},
    "fix": {"en": "check landing pages, links, stock and coupons before paying for more of this traffic",
            "zh": "在追加投入前检查落地页、链接、库存和优惠码"},
    "watch": {"en": "review the voided orders (returns, fraud) and hold commission until they validate",
              "zh": "复核作废订单（退货、欺诈），订单生效前暂缓结算佣金"},
    "cut": {"en": "lower the commission rate or move to a lower tier",
            "zh": "削减或重新谈判：降低佣金率或调到更低档位"},
    "concentration": {"en": "recruit and grow comparable partners so no single relationship carries the "
                      "program",
                      "zh": "招募并培养同类合作伙伴，避免依赖单一合作关系"},
}
"""The review's recommended actions (skill.analysis.review.ACTIONS) by kind, worded for a line that may name
several groups."""

GROUP_NAMES: dict[str, dict[Lang, str]] = {
    "channel_type": {"en": "channel type", "zh": "渠道类型"},
    "partner": {"en": "partner", "zh": "合作伙伴"},
    "partner_type": {"en": "partner type", "zh": "合作伙伴类型"},
    "country": {"en": "country", "zh": "国家"},
    "device": {"en": "device", "zh": "设备"},
    "month": {"en": "month", "zh": "月份"},
    "medium": {"en": "medium", "zh": "媒体"},
    "group": {"en": "partner group", "zh": "合作伙伴分组"},
}

VALUE_NAMES: dict[str, dict[Lang, str]] = {
    "WEBSITE": {"en": "Website", "zh": "网站"},
    "SOCIAL_NETWORK": {"en": "Social network", "zh": "社交媒体"},
    "MOBILE": {"en": "Mobile app", "zh": "移动应用"},
    "influencer": {"en": "Influencer", "zh": "网红达人"},
    "publisher": {"en": "Publisher", "zh": "发布商"},
    "mobile": {"en": "Mobile", "zh": "移动端"},
    "pc": {"en": "PC", "zh": "电脑"},
    "paid": {"en": "Paid", "zh": "已支付"},
    "pending": {"en": "Pending", "zh": "待支付"},
    "overdue": {"en": "Overdue", "zh": "逾期"},
    "joined": {"en": "joined", "zh": "已合作"},
    "-": {"en": "Unknown", "zh": "未知"},
    "admin": {"en": "Added by admin", "zh": "后台添加"},
}
"""Known API codes shown with a friendly name; anything else is shown as the API sent it (escaped)."""

REASON_NAMES: dict[str, dict[Lang, str]] = {
    "voided": {"en": "voided", "zh": "已作废"},
    "duplicate_order_number": {"en": "duplicate order number", "zh": "重复订单号"},
    "amount_outlier": {"en": "unusual amount", "zh": "金额异常"},
    "commission_rate_outlier": {"en": "unusual commission rate", "zh": "佣金率异常"},
    "burst": {"en": "order burst", "zh": "订单激增"},
    "repeat_customer": {"en": "repeat customer", "zh": "重复客户"},
    "void_spike": {"en": "void spike", "zh": "作废激增"},
    "reversal_spike": {"en": "reversal spike", "zh": "冲销激增"},
    "after_revocation": {"en": "after revocation", "zh": "撤销后佣金"},
}

METRIC_NAMES: dict[str, dict[Lang, str]] = {
    "clicks": {"en": "Clicks", "zh": "点击"},
    "orders": {"en": "Orders", "zh": "订单"},
    "valid_orders": {"en": "Valid orders", "zh": "有效订单"},
    "void_orders": {"en": "Void orders", "zh": "作废订单"},
    "conversion_rate": {"en": "Conversion", "zh": "转化率"},
    "void_rate": {"en": "Void rate", "zh": "作废率"},
    "sales": {"en": "Sales", "zh": "销售额"},
    "commission": {"en": "Commission", "zh": "佣金"},
    "roas": {"en": "ROAS", "zh": "ROAS"},
    "aov": {"en": "AOV", "zh": "客单价"},
    "effective_commission_rate": {"en": "Commission rate", "zh": "佣金率"},
}


PLATFORM_NAMES: dict[str, str] = {"partnerboost": "PartnerBoost", "openpartner": "OpenPartner"}

MEASURE_NAMES: dict[str, dict[Lang, str]] = {
    "sales": {"en": "order values (sales, ROAS, ROI, AOV)", "zh": "订单金额（销售额、ROAS、ROI、客单价）"},
    "clicks": {"en": "clicks (or conversion)", "zh": "点击（及转化率）"},
    "new_customers": {"en": "new-customer flags", "zh": "新客标记"},
    "partner_attributes": {"en": "partner types, channels, countries or devices",
                           "zh": "合作伙伴类型、渠道、国家或设备"},
}
"""What a platform may not provide (analysis.results.Measure)."""

DEFAULT_PHRASES: dict[str, dict[Lang, str]] = {
    "last 7 days": {"en": "last 7 days", "zh": "最近 7 天"},
    "last 30 days": {"en": "last 30 days", "zh": "最近 30 天"},
    "last month": {"en": "last month", "zh": "上个月"},
    "last three months": {"en": "last three months", "zh": "最近三个月"},
}
"""The answers' default period phrases (skill.analysis.answers), for saying which default was used."""


def list_sep(lang: Lang) -> str:
    """What separates the items of an inline list."""
    return "、" if lang == "zh" else ", "


def paren(inner: str, lang: Lang) -> str:
    """`inner` in brackets that suit the language (full-width in Chinese)."""
    return f"（{inner}）" if lang == "zh" else f" ({inner})"


def text(key: str, lang: Lang, **values: object) -> str:
    template = (_ZH if lang == "zh" else _EN).get(key) or _EN[key]
    return template.format(**values)


def name(table: dict[str, dict[Lang, str]], key: str, lang: Lang) -> str | None:
    """The friendly name of a known code, or None."""
    entry = table.get(key)
    return entry[lang] if entry else None


# --- numbers ------------------------------------------------------------------------------------------

_CENT = Decimal("0.01")


def money(amount: Decimal | None, currency: str) -> str:
    """`USD 1,234.50`: the currency code and the exact amount, two decimals."""
    if amount is None:
        return "n/a"
    return f"{currency} {Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"


def amount(value: Decimal | None) -> str:
    """`1,234.50` (the currency is in the column header)."""
    if value is None:
        return "n/a"
    return f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"


def count(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def change(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}%"


def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


# --- periods ------------------------------------------------------------------------------------------


def period_label(start: datetime, end: datetime, label: str, lang: Lang) -> str:
    """English keeps the period's own label; Chinese shows ISO dates (end date inclusive, or the time it
    stops at when it ends during a day)."""
    if lang == "en":
        return label
    cut = end.time() != time(0)  # a comparison period cut at the elapsed time of one still in progress
    first, last = start.date(), end.date() if cut else (end - timedelta(days=1)).date()
    text = first.isoformat() if last <= first else f"{first.isoformat()} 至 {last.isoformat()}"
    return f"{text}（截至 {end:%H:%M}）" if cut else text


_ZH_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_CONVENTIONS_ZH: list[tuple[str, str]] = [
    (r"the (\w+) most recent complete calendar (month|quarter)s", "最近 {0} 个完整{1}"),
    (r"the most recent complete calendar (month|quarter)", "上一个完整{0}"),
    (r"the most recent complete calendar week \(monday to sunday\)", "上一个完整自然周（周一至周日）"),
    (r"trailing (\d+) days including today.*", "含今天在内的最近 {0} 天"),
    (r"the current calendar week \(monday start\) to date, including today", "本周（周一起）至今，含今天"),
    (r"the current calendar (\w+) to date, including today", "本{0}至今，含今天"),
    (r"the previous complete calendar year", "上一个完整自然年"),
    (r"the calendar month (\w+) (\d{4})", "自然月"),
    (r"the calendar quarter (q\d) (\d{4})", "自然季度 {1} {0}"),
    (r"the calendar year (\d{4})", "自然年 {0}"),
    (r"explicit dates, end date inclusive", "指定日期（含结束日）"),
    (r"the calendar day given", "指定日期"),
    (r"today, the current calendar day", "今天"),
    (r"yesterday, the previous calendar day", "昨天"),
    (r"the same span of the previous calendar (\w+)", "上一{0}的相同天数"),
    (r"the (\w+) calendar (month|quarter|year|week)s? before", "之前的 {0} 个{1}"),
    (r"the calendar (month|quarter|year|week) before", "上一个{0}"),
    (r"the (\w+) days? before", "之前的 {0} 天"),
    (r"the day before", "前一天"),
    (r"the same dates one year earlier", "去年同期"),
]
_UNIT_ZH = {"month": "自然月", "quarter": "自然季度", "year": "年", "week": "周", "day": "天"}


def _zh_token(token: str) -> str:
    low = token.lower()
    if low in _ZH_NUMBERS:
        return str(_ZH_NUMBERS[low])
    if low in _UNIT_ZH:
        return _UNIT_ZH[low]
    return token.upper() if low.startswith("q") else token


def convention(text_en: str, lang: Lang) -> str:
    """The period's reading convention in the answer's language (English when no pattern matches)."""
    if lang == "en":
        return text_en
    low = text_en.strip().lower()
    for pattern, template in _CONVENTIONS_ZH:
        match = re.fullmatch(pattern, low)
        if match:
            return template.format(*(_zh_token(g) for g in match.groups()))
    return text_en
