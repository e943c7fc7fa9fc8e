"""`partnerboost ask "QUESTION"`: an English or Chinese question → the right answer and period (no model).

The reply starts by saying what was understood (after the demo line when on the sandbox), in the question's
language unless --lang says otherwise.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from partnerboost_skill.analysis.results import Answer, PeriodComparison, PeriodEcho
from partnerboost_skill.answers import PLATFORMS
from partnerboost_skill.commands import chat_cmd
from partnerboost_skill.commands.answer_cmds import Request, add_output_options, request, run_answer
from partnerboost_skill.commands.common import UsageError
from partnerboost_skill.questions import BY_NAME, CompareInput, ReviewInput
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Block, Data, Line, parts
from partnerboost_skill.render.i18n import Lang
from partnerboost_skill.routing import OffTopic, Route, language_of, route


def _what(chosen: Request, result: Answer, lang: Lang) -> str:
    options = chosen.options
    if isinstance(options, ReviewInput):
        group_by = getattr(result, "group_by", None) or options.group_by or "channel_type"
        group = i18n.name(i18n.GROUP_NAMES, group_by, lang) or group_by
        return i18n.text("kind_review", lang, group=group)
    what = i18n.text(f"kind_{chosen.kind}", lang)
    if isinstance(options, CompareInput) and options.against == "year_before":
        what += "（同比）" if lang == "zh" else " (year on year)"
    return what


def _range(result: Answer, lang: Lang) -> str:
    def label(period: PeriodEcho) -> str:
        return i18n.period_label(period.start, period.end, period.label, lang)

    text = label(result.period)
    if isinstance(result, PeriodComparison):
        text += (" 对比 " if lang == "zh" else " vs ") + label(result.other_period)
    return f"{text} ({result.period.timezone})" if lang == "en" else f"{text}（{result.period.timezone}）"


def understood_line(found: Route, chosen: Request, result: Answer, lang: Lang) -> Line:
    what = _what(chosen, result, lang)
    colon, comma, equals = ("：", "，", " = ") if lang == "zh" else (": ", ", ", " = ")
    head = "理解为" if lang == "zh" else "Understood"
    if found.period_given:
        content = parts(head, colon, what, comma, Data(result.period.phrase, 80), equals,
                        _range(result, lang))
    else:
        default = "未指定时间，默认" if lang == "zh" else "no period named, so "
        phrase = i18n.name(i18n.DEFAULT_PHRASES, result.period.phrase, lang) or Data(result.period.phrase, 80)
        content = parts(head, colon, what, "；" if lang == "zh" else "; ", default,
                        phrase, equals, _range(result, lang))
    return Line(content)


def off_topic(fmt: str, lang: Lang) -> int:
    """Say that nothing was run and what can be asked instead (exit 0: a fine question, just not ours)."""
    head, options = i18n.text("off_topic", lang), i18n.text("can_answer", lang)
    if fmt == "json":
        print(json.dumps({"answer": None, "off_topic": True, "understood": head,
                          "can_answer": [line.removeprefix("- ") for line in options.splitlines()]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"{head}\n{options}")
    return 0


def run(args: argparse.Namespace) -> int:
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError("ask needs a question, e.g. partnerboost ask \"review the last three months\" or "
                         "partnerboost ask \"上个月账单\".")
    if chat_cmd.wants_agent(args) and (code := chat_cmd.ask_with_agent(args, question)) is not None:
        return code
    lang: Lang = args.lang or language_of(question)
    try:
        route(question, now=datetime.now(UTC))
    except OffTopic:
        return off_topic(args.format, lang)
    routes: list[Route] = []

    def make_request(now: datetime, tz: str) -> Request:
        found = route(question, now=now, tz=tz)
        routes.append(found)
        chosen = BY_NAME[found.kind]
        fields = chosen.input_model.model_fields
        # the router's default grouping (channel_type) leaves the platform's own default in place
        group_by = None if found.group_by == "channel_type" else found.group_by
        options = {"group_by": group_by, "against": found.against, "platform": args.platform}
        return request(chosen, period=found.phrase, **{k: v for k, v in options.items() if k in fields})

    def preamble(chosen: Request, result: Answer) -> list[Block]:
        blocks: list[Block] = [understood_line(routes[-1], chosen, result, lang)]
        if routes[-1].compare_fallback:
            label = i18n.period_label(result.period.start, result.period.end, result.period.label, lang)
            blocks.append(Line((i18n.text("understood_compare_fallback", lang, period=label),), tone="quiet"))
        return blocks

    def understood(chosen: Request, result: Answer) -> str:
        line = understood_line(routes[-1], chosen, result, lang)
        return "".join(part if isinstance(part, str) else str(part.value) if isinstance(part, Data) else ""
                       for part in line.content)

    return run_answer(args, make_request, lang=lang, preamble=preamble, understood=understood)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ask",
        help="answer a question in English or Chinese (review, orders, bill, commissions, partners, compare)",
        description="Answer a merchant's question in English or Chinese, e.g. \"review the last three "
        "months\", \"最近订单怎么样\", \"check my bill from last month\", \"上个月账单\", "
        "\"which media am I partnering with\", \"compare September with October\", \"本月和上月对比\". "
        "The reply starts with what was understood (answer and exact period); a question about something "
        "else runs nothing and lists what can be asked. No model or key is needed; without credentials it "
        "runs on the built-in sandbox and the first line says so. With ANTHROPIC_API_KEY set, Claude answers "
        "instead, with the MCP server's tools (--no-agent: the rules).",
    )
    parser.add_argument("question", nargs="+", help="the question (quote it)")
    parser.add_argument("--no-agent", action="store_true",
                        help="answer with the built-in rules even when ANTHROPIC_API_KEY is set")
    parser.add_argument("--platform", choices=PLATFORMS, default=None,
                        help="answer from partnerboost or openpartner (default: the platform whose "
                        "credentials are set; partnerboost when both)")
    add_output_options(parser, chart=True)
    parser.set_defaults(handler=run)
