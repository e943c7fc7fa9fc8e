"""How merchants say what they want, in English and Chinese: which answer a question asks for, from its words.

`classify(text, period_days=..., bare_period=...)` decides in this order, the first match winning:
1. compare — "compare", "vs", "year on year", "对比", "同比", "环比" (or two periods, decided by the caller);
2. commissions — the commission ledger itself: reversed, pending, accrued or approved commissions, a
   commission check, "冲销", "佣金核对", "欠…佣金";
   bill — bills, invoices, statements, payouts, what is owed or paid, "账单", "结算", "对账", "发票";
3. orders — anything abnormal: refunds, voids, fraud, duplicates, "异常", "刷单", "退款";
4. review — an explicit review or a request for advice: "review", "analyse", "suggest", "optimise", "budget",
   "placement", "复盘", "分析", "建议", "优化", "投放", "预算";
5. orders — watching orders: "recent/latest/new orders", "orders today", "monitor", "real-time", "最近订单",
   "出单", "实时"; so "how are recent orders performing, which channels are best" is the order monitor;
6. partners — the media a merchant works with ("which media", "my publishers", "合作的媒体"), unless the
   question is about how they perform ("best", "ROI", "效果"): then a review by partner;
7. review — metrics (ROI, ROAS, conversion, return, "投产", "转化") or a breakdown (by channel, per country);
8. orders — other questions about orders;
9. generic performance or business words ("how did we do", "sales", "business", "业绩", "卖", "生意"), or a
   question that is nothing but a period ("last month?", "上个月呢"): a review, or the order monitor when the
   period is a week or less ("how's business today", "昨天卖了多少");
10. nothing about the business at all ("what's the weather", "讲个笑话"): off topic (None).
"""

from __future__ import annotations

import re

from partnerboost_skill.questions import Name as Kind

SHORT_PERIOD_DAYS = 7
"""A generic "how are we doing" over this many days or fewer is the order monitor's question, not a review."""

COMPARE = (
    r"\bcompar\w*", r"\bvs\.?(?=\s|$)", r"\bversus\b", r"\bagainst\b", r"\bbetter than\b", r"\bworse than\b",
    r"\b(?:month|week|year|quarter)[- ](?:over|on)[- ](?:month|week|year|quarter)\b",
    r"\b(?:mom|yoy|wow|qoq)\b",
    "对比", "比较", "同比", "环比", "相比", "比上", "和上", "与上",
)
COMMISSIONS = (
    r"\breversed\b", r"\breversals?\b", r"\b(?:unpaid|pending|accrued|approved) commissions?\b",
    r"\bcommissions? (?:owed|due|check|ledger|status)\b",
    "冲销", "佣金核对", r"欠.{0,6}佣金", r"佣金.{0,4}(?:多少|状态|明细|欠)",
)
BILL = (
    r"\bbill(?:s|ing|ed)?\b", r"\binvoic\w*", r"\bstatements?\b", r"\bsettle\w*", r"\bpayouts?\b",
    r"\breconcil\w*", r"\bowe\b", r"\bowed\b", r"\bpaid\b", r"\bpayments?\b", r"\bpay (?:for|in|to)\b",
    r"\bto pay\b", r"\boutstanding\b", r"\boverdue\b", r"\bbalance\b",
    "账单", "结算", "对账", "发票", "付款", "扣款", "要付", "付了", "付多少", "支付", "应付", "费用明细",
    "费用清单",
)
ANOMALY = (
    r"\banomal\w*", r"\bsuspicious\b", r"\bfraud\w*", r"\bduplicates?\b", r"\bunusual\b", r"\bweird\b",
    r"\bvoid(?:ed|s)?\b", r"\bspikes?\b", r"\bwrong\b", r"\brefunds?\b", r"\bcancel\w*", r"\bchargebacks?\b",
    r"\babus\w*", r"\bfishy\b", r"\breturns\b", r"\breturned\b", r"\bproblems?\b", r"\bissues?\b",
    "异常", "刷单", "重复", "作废", "可疑", "不正常", "退款", "退单", "退货", "取消", "有没有问题", "有问题",
    "问题订单",
)
REVIEW_ASK = (
    r"\breview\w*", r"\brecap\b", r"\bretro\w*", r"\banaly[sz]\w*", r"\bbreak ?down\b", r"\bsuggest\w*",
    r"\brecommend\w*", r"\badvi[cs]e\b", r"\btips?\b", r"\boptimi[sz]\w*", r"\bplacements?\b",
    r"\bbudget\w*", r"\ballocat\w*", r"\bwhere should\b", r"\bwhat should\b", r"\bhow should\b", r"\bcut\b",
    r"\bimprove\w*", r"\bget more out\b",
    "复盘", "回顾", "分析", "建议", "优化", "投放", "预算", "调整", "怎么改", "该怎么",
)
ORDER_WATCH = (
    r"\b(?:recent|latest|new|incoming|today'?s|live) (?:orders?|transactions?|sales)\b",
    r"\b(?:orders?|transactions?) (?:today|so far|lately|recently|coming in|came in)\b",
    r"\bhow (?:are|is|were) (?:the |my |our )?(?:orders?|transactions?)\b",
    r"\b(?:any|how many) (?:new )?(?:orders?|transactions?)\b", r"\bmonitor\w*", r"\breal[- ]?time\b",
    r"\border status\b", r"\bwatch\w* (?:the |my |our )?orders\b",
    r"最近的?订单", r"最新的?(?:订单|成交)", r"今天的?订单", "出单", "多少单", "单量", "订单量", "实时",
    "监控", "盯",
)
PARTNERS = (
    r"\bmedia\b", r"\bmedium\b", r"\bpartner(?:s|ing|ed|ship|ships)?\b", r"\bpublishers?\b",
    r"\binfluencers?\b", r"\baffiliates\b", r"\b(?:my|our|an?|each|every|which|top|best|new) affiliate\b",
    r"\bcreators?\b", r"\bbloggers?\b", r"\bkols?\b", r"\broster\b", r"\bpromot(?:ing|ers?)\b",
    "媒体", "合作", "网红", "达人", "博主", "发布商", "推广者", "联盟客", "在推",
)
METRICS = (
    r"\broi\b", r"\broas\b", r"\breturn\b", r"\bconver\w*", r"\baov\b", r"\bepc\b", r"\bcost per\b",
    r"\bcommission rates?\b", r"\bprofitab\w*", r"\bclicks?\b", r"\bctr\b",
    "投产", "回报", "转化", "客单价", "投入产出", "佣金比例", "点击",
)
BREAKDOWN = (
    r"\bchannels?\b", r"\b(?:by|per|each|which) (?:country|countries|device|devices|month|type|types)\b",
    r"\bmonthly\b", r"\btrend\w*",
    "渠道", "按国家", "按设备", "按月", "每月", "每个月", "逐月", "趋势", "哪类", "类型",
)
PERFORMANCE = (
    r"\bperform\w*", r"\bbest\b", r"\btop\b", r"\bworst\b", r"\bmost\b", r"\bresults?\b", r"\bsales\b",
    r"\bsell\w*", r"\bsold\b", r"\brevenue\b", r"\bgmv\b", r"\bturnover\b", r"\bmoney\b", r"\bearn\w*",
    r"\bprofit\w*", r"\bincome\b", r"\bhow did (?:we|i|it|things)\b",
    r"\bhow(?:'s| is| are) (?:we|it|things)\b",
    r"\bhow are we\b", r"\bdoing\b", r"\bwhat(?:'s| is)? working\b", r"\bgoing up\b", r"\bgrowth\b",
    "表现", "业绩", "效果", "销售", "销量", "卖", "营收", "收入", "赚", "生意", "最好", "最差", "最多",
    "最高", "排名", "带来",
)
ORDERS = (r"\borders?\b", r"\btransactions?\b", "订单", "成交", "交易")
BUSINESS = (
    r"\bpartnerboost\b", r"\bpb\b", r"\bbusiness\b", r"\bprogram(?:me)?\b", r"\bcampaigns?\b", r"\bdata\b",
    r"\breport\w*", r"\bnumbers\b", r"\bstats?\b", r"\bkpis?\b", r"\bmetrics?\b", r"\btraffic\b",
    r"\bcustomers?\b", r"\bcoupons?\b", r"\bcommissions?\b", r"\bbrand\b", r"\bstore\b", r"\bshop\b",
    r"\blinks?\b", r"\boverview\b", r"\bsummar\w*", r"\baccount\b", r"\bskus?\b", r"\bproducts?\b",
    "数据", "报表", "报告", "流量", "客户", "优惠券", "佣金", "店铺", "联盟", "推广", "营销", "概况", "总结",
    "汇总", "账户", "账号", "商品", "产品",
)
_FILLER_EN = frozenset((
    "how", "hows", "how's", "was", "were", "is", "are", "did", "do", "does", "we", "i", "my", "our", "us",
    "the", "a", "an", "what", "whats", "what's", "about", "for", "in", "of", "it", "go", "going", "went",
    "things", "look", "looking", "so", "far", "and", "show", "me", "give", "tell", "please", "pls", "any",
    "update",
))
_FILLER_ZH = re.compile(r"[呢吗嘛吧啊呀的了我们你看一下下给帮请查怎么样如何咋样情况怎样]+")


def hits(text: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)


def only_a_period(rest: str) -> bool:
    """Whether what is left once the period phrases are taken out is filler ("how was", "呢", "怎么样")."""
    words = re.findall(r"[a-z']+", rest.lower())
    chinese = "".join(re.findall(r"[\u3400-\u9fff]+", rest))
    return all(word in _FILLER_EN for word in words) and not _FILLER_ZH.sub("", chinese)


def classify(text: str, *, period_days: int | None, bare_period: bool) -> Kind | None:
    """The answer `text` (lower-cased) asks for; None when it is not about the merchant's program at all.

    `period_days` is the length of the period it names (None: none named); `bare_period` says the question is
    a period and filler only.
    """
    if hits(text, COMPARE):
        return "compare"
    if hits(text, COMMISSIONS):
        return "commissions"
    if hits(text, BILL):
        return "bill"
    if hits(text, ANOMALY):
        return "orders"
    if hits(text, REVIEW_ASK):
        return "review"
    if hits(text, ORDER_WATCH):
        return "orders"
    if hits(text, PARTNERS):
        return "review" if hits(text, PERFORMANCE) or hits(text, METRICS) else "partners"
    if hits(text, METRICS) or hits(text, BREAKDOWN):
        return "review"
    if hits(text, ORDERS):
        return "orders"
    if hits(text, PERFORMANCE) or hits(text, BUSINESS) or bare_period:
        short = period_days is not None and period_days <= SHORT_PERIOD_DAYS
        return "orders" if short else "review"
    return None
