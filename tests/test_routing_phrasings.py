"""`ask` understands merchants: the many ways they ask the five questions, in English and Chinese.

Written from how merchants talk in Feishu and Discord (PartnerBoost's guide gives the first four sample
instructions of each language), not from the router's word lists. `now` is Friday 2026-11-20 06:00 UTC; each
expected range was worked out by hand from the calendar (weeks start on Monday). A question that names no
period gets its answer's default: review the three latest complete months (Aug 1 – Oct 31), orders the last
7 days (Nov 14 – 20), bill last month (October), partners the last 30 days (Oct 22 – Nov 20).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partnerboost_skill.periods import resolve_period
from partnerboost_skill.routing import OffTopic, route

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)

D = date
THREE_MONTHS = (D(2026, 8, 1), D(2026, 10, 31))
SEVEN_DAYS = (D(2026, 11, 14), D(2026, 11, 20))
TODAY = (D(2026, 11, 20), D(2026, 11, 20))
YESTERDAY = (D(2026, 11, 19), D(2026, 11, 19))
THIS_WEEK = (D(2026, 11, 16), D(2026, 11, 20))
LAST_WEEK = (D(2026, 11, 9), D(2026, 11, 15))
THIS_MONTH = (D(2026, 11, 1), D(2026, 11, 20))
OCTOBER = (D(2026, 10, 1), D(2026, 10, 31))
SEPTEMBER = (D(2026, 9, 1), D(2026, 9, 30))
AUGUST = (D(2026, 8, 1), D(2026, 8, 31))
Q3 = (D(2026, 7, 1), D(2026, 9, 30))
THIS_QUARTER = (D(2026, 10, 1), D(2026, 11, 20))
THIS_YEAR = (D(2026, 1, 1), D(2026, 11, 20))
NINETY_DAYS = (D(2026, 8, 23), D(2026, 11, 20))
THIRTY_DAYS = (D(2026, 10, 22), D(2026, 11, 20))

GUIDE: list[tuple[str, str, tuple[date, date]]] = [
    # PartnerBoost's four sample instructions, in English and in Chinese
    ("Review PB order data from the past three months and provide placement optimization suggestions",
     "review", THREE_MONTHS),
    ("复盘最近三个月的订单数据，给出投放建议", "review", THREE_MONTHS),
    ("How are recent orders performing? Summarize the top-performing channels.", "orders", SEVEN_DAYS),
    ("最近订单表现如何？总结一下表现最好的渠道", "orders", SEVEN_DAYS),
    ("Check my bill from last month", "bill", OCTOBER),
    ("查一下上个月的账单", "bill", OCTOBER),
    ("Which media am I partnering with?", "partners", THIRTY_DAYS),
    ("我合作的媒体有哪些", "partners", THIRTY_DAYS),
]

REVIEW: list[tuple[str, tuple[date, date], str | None]] = [
    # question, period, group_by (None: not checked)
    ("How did we do last month?", OCTOBER, None),
    ("which channels bring in the most revenue", THREE_MONTHS, "channel_type"),
    ("What's my ROI by publisher for Q3?", Q3, "partner"),
    ("where should I put more budget?", THREE_MONTHS, None),
    ("give me a performance recap for October", OCTOBER, None),
    ("Are influencers or coupon sites converting better this quarter?", THIS_QUARTER, None),
    ("show me sales by country for the last 3 months", THREE_MONTHS, "country"),
    ("Which partners should I cut? Their ROAS is terrible", THREE_MONTHS, "partner"),
    ("break down revenue per device last quarter", Q3, "device"),
    ("how's the affiliate program doing this year", THIS_YEAR, None),
    ("top 10 affiliates by sales in September", SEPTEMBER, "partner"),
    ("monthly trend of commissions this year", THIS_YEAR, "month"),
    ("what's working and what isn't?", THREE_MONTHS, None),
    ("analyse my channel performance over the past 90 days", NINETY_DAYS, "channel_type"),
    ("is our conversion rate going up or down?", THREE_MONTHS, None),
    ("give me an overview of the business", THREE_MONTHS, None),
    ("how much did affiliates sell for us last week", LAST_WEEK, "partner"),
    ("Which publisher types perform best?", THREE_MONTHS, "partner_type"),
    ("Suggest commission changes for my partners", THREE_MONTHS, "partner"),
    ("How should I optimise my placements next month?", THREE_MONTHS, None),
    ("ROI last 30 days", THIRTY_DAYS, None),
    ("Which campaigns got the best return in August?", AUGUST, None),
    ("Which partners drove the most orders this week?", THIS_WEEK, "partner"),
    ("what's the conversion rate yesterday", YESTERDAY, None),
    ("how much money did we make from affiliates this year", THIS_YEAR, None),
    ("who are my best influencers", THREE_MONTHS, "partner"),
    ("any tips to get more out of my publishers?", THREE_MONTHS, "partner"),
    ("last month?", OCTOBER, None),
    ("how was September", SEPTEMBER, None),
    ("哪个渠道的投产比最高", THREE_MONTHS, "channel_type"),
    ("帮我分析一下上个月各渠道的表现", OCTOBER, "channel_type"),
    ("今年的销售额怎么样", THIS_YEAR, None),
    ("哪些达人效果最好", THREE_MONTHS, "partner"),
    ("按设备看一下过去90天的转化率", NINETY_DAYS, "device"),
    ("给点优化建议吧", THREE_MONTHS, None),
    ("我的佣金比例该怎么调整", THREE_MONTHS, None),
    ("上个月整体业绩如何", OCTOBER, None),
    ("最近三个月每个月的趋势", THREE_MONTHS, "month"),
    ("预算应该多投哪些渠道", THREE_MONTHS, "channel_type"),
    ("ROI最高的合作伙伴是谁", THREE_MONTHS, "partner"),
    ("9月份的表现怎么样", SEPTEMBER, None),
    ("看看联盟营销的整体效果", THREE_MONTHS, None),
    ("哪类媒体的转化最好", THREE_MONTHS, "partner_type"),
    ("今年以来的投入产出比", THIS_YEAR, None),
    ("上个月呢", OCTOBER, None),
    ("按国家看最近三个月的销售", THREE_MONTHS, "country"),
    ("帮我回顾一下九月的推广效果", SEPTEMBER, None),
]

ORDERS: list[tuple[str, tuple[date, date]]] = [
    ("any weird orders lately?", SEVEN_DAYS),
    ("Did we get any orders today?", TODAY),
    ("show me the latest orders", SEVEN_DAYS),
    ("How many orders came in this week?", THIS_WEEK),
    ("were there any refunds or cancellations in the last 7 days", SEVEN_DAYS),
    ("check for fraud this week", THIS_WEEK),
    ("anything unusual with yesterday's transactions?", YESTERDAY),
    ("order monitor", SEVEN_DAYS),
    ("how's business today", TODAY),
    ("are there duplicate orders?", SEVEN_DAYS),
    ("sales so far today", TODAY),
    ("What happened with orders over the weekend?", SEVEN_DAYS),
    ("any voided orders from new partners?", SEVEN_DAYS),
    ("latest transactions please", SEVEN_DAYS),
    ("is anyone abusing our coupon codes?", SEVEN_DAYS),
    ("any chargebacks this month?", THIS_MONTH),
    ("real-time order status", SEVEN_DAYS),
    ("how much did we sell yesterday", YESTERDAY),
    ("how was last week", LAST_WEEK),
    ("how are the orders looking", SEVEN_DAYS),
    ("最近订单怎么样", SEVEN_DAYS),
    ("今天出了多少单", TODAY),
    ("有没有刷单的情况", SEVEN_DAYS),
    ("昨天有没有异常订单", YESTERDAY),
    ("本周的退款多不多", THIS_WEEK),
    ("帮我盯一下最近的订单", SEVEN_DAYS),
    ("这周订单量怎么样", THIS_WEEK),
    ("最近有没有可疑交易", SEVEN_DAYS),
    ("实时订单情况", SEVEN_DAYS),
    ("今天卖了多少", TODAY),
    ("上周的订单有没有问题", LAST_WEEK),
    ("最新的成交记录", SEVEN_DAYS),
    ("昨天的生意怎么样", YESTERDAY),
]

BILL: list[tuple[str, tuple[date, date]]] = [
    ("how much do I owe PartnerBoost for October?", OCTOBER),
    ("show me the invoice for September", SEPTEMBER),
    ("has last month's payment been settled", OCTOBER),
    ("what commission did I pay in August", AUGUST),
    ("reconcile October's statement", OCTOBER),
    ("monthly bill please", OCTOBER),
    ("is there any outstanding balance?", OCTOBER),
    ("bill for 2026-09", SEPTEMBER),
    ("do the numbers on my last bill add up?", OCTOBER),
    ("上个月账单", OCTOBER),
    ("对一下九月的账单", SEPTEMBER),
    ("10月份要付多少佣金", OCTOBER),
    ("结算状态怎么样", OCTOBER),
    ("帮我核对一下账单", OCTOBER),
    ("上个月的发票", OCTOBER),
    ("8月的费用明细", AUGUST),
]

PARTNERS: list[tuple[str, tuple[date, date]]] = [
    ("list all my publishers", THIRTY_DAYS),
    ("who are my affiliates?", THIRTY_DAYS),
    ("how many partners do I have", THIRTY_DAYS),
    ("show my influencer roster", THIRTY_DAYS),
    ("what kinds of media do we work with", THIRTY_DAYS),
    ("which countries are my partners in", THIRTY_DAYS),
    ("any new partners this month?", THIS_MONTH),
    ("who's promoting us", THIRTY_DAYS),
    ("partner list", THIRTY_DAYS),
    ("我现在有多少个合作伙伴", THIRTY_DAYS),
    ("列一下所有的达人", THIRTY_DAYS),
    ("都有哪些网红在推我们的产品", THIRTY_DAYS),
    ("合作媒体的类型分布", THIRTY_DAYS),
    ("最近新加入的推广者", SEVEN_DAYS),
    ("媒体资源结构", THIRTY_DAYS),
]

COMPARE: list[tuple[str, tuple[date, date], str]] = [
    # question, the period compared, with what ("previous" or "year_before")
    ("compare September with October", OCTOBER, "previous"),
    ("October vs September", OCTOBER, "previous"),
    ("how does this month compare to last month", THIS_MONTH, "previous"),
    ("is this year better than last year?", THIS_YEAR, "previous"),
    ("October year over year", OCTOBER, "year_before"),
    ("sales this week vs last week", THIS_WEEK, "previous"),
    ("how are orders trending this week compared to last", THIS_WEEK, "previous"),
    ("MoM growth for October", OCTOBER, "previous"),
    ("yoy revenue for Q3", Q3, "year_before"),
    ("本月和上月对比", THIS_MONTH, "previous"),
    ("10月同比怎么样", OCTOBER, "year_before"),
    ("这周比上周好吗", THIS_WEEK, "previous"),
    ("上个月环比增长了多少", OCTOBER, "previous"),
    ("今年和去年相比", THIS_YEAR, "previous"),
    ("对比一下九月和十月", OCTOBER, "previous"),
]

OFF_TOPIC: list[str] = [
    "what's the weather",
    "what's the weather like today in Shenzhen",
    "tell me a joke",
    "who won the football game last night",
    "translate this into French",
    "write me a poem about cats",
    "what time is it in New York",
    "book a flight to Tokyo next week",
    "hi",
    "thanks!",
    "今天天气怎么样",
    "讲个笑话",
    "帮我订一张去上海的机票",
    "你好",
    "明天会下雨吗",
    "帮我写一首诗",
]


def check(question: str, kind: str, span: tuple[date, date]) -> None:
    found = route(question, now=NOW, tz="UTC")
    assert found.kind == kind, f"{question!r} → {found.kind} ({found.phrase!r}), expected {kind}"
    period = resolve_period(found.phrase, now=NOW, tz="UTC")
    got = (period.start.date(), period.end.date())
    assert got[0] == span[0] and (got[1] - got[0]).days == (span[1] - span[0]).days + 1, \
        f"{question!r} → {found.phrase!r} = {got}, expected {span}"
    assert found.lang == ("zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en")


def test_there_are_enough_phrasings_in_both_languages() -> None:
    questions = ([q for q, *_ in GUIDE + REVIEW + ORDERS + BILL + PARTNERS + COMPARE] + OFF_TOPIC)
    chinese = [q for q in questions if any("\u4e00" <= c <= "\u9fff" for c in q)]
    assert len(questions) >= 100 and len(set(questions)) == len(questions)
    assert len(chinese) >= 40 and len(questions) - len(chinese) >= 40


@pytest.mark.parametrize(("question", "kind", "span"), GUIDE)
def test_the_guides_sample_instructions(question: str, kind: str, span: tuple[date, date]) -> None:
    check(question, kind, span)


@pytest.mark.parametrize(("question", "span", "group_by"), REVIEW)
def test_reviews(question: str, span: tuple[date, date], group_by: str | None) -> None:
    check(question, "review", span)
    if group_by:
        assert route(question, now=NOW).group_by == group_by


@pytest.mark.parametrize(("question", "span"), ORDERS)
def test_orders(question: str, span: tuple[date, date]) -> None:
    check(question, "orders", span)


@pytest.mark.parametrize(("question", "span"), BILL)
def test_bills(question: str, span: tuple[date, date]) -> None:
    check(question, "bill", span)


@pytest.mark.parametrize(("question", "span"), PARTNERS)
def test_partner_media(question: str, span: tuple[date, date]) -> None:
    check(question, "partners", span)


@pytest.mark.parametrize(("question", "span", "against"), COMPARE)
def test_comparisons(question: str, span: tuple[date, date], against: str) -> None:
    check(question, "compare", span)
    assert route(question, now=NOW).against == against


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_run_nothing(question: str) -> None:
    with pytest.raises(OffTopic):
        route(question, now=NOW)
