"""`partnerboost review|orders|bill|commissions|partners|compare [PERIOD]`: the merchant's questions, answered
for chat (`--platform partnerboost|openpartner`; default: the platform with credentials, PartnerBoost when
both).

One subcommand per question of the registry (questions.py), its options generated from the question's input
model. Each resolves the period (English or Chinese words), runs the analysis on PartnerBoost (or on the
sandbox when no credentials are configured — the first line then says so), and prints the answer as
Markdown, Discord or Feishu messages (separated by a line `---8<---`) or JSON. Questions with a chart also
draw it and print `MEDIA:/absolute/path.png` as the last line (a message of its own for Discord and Feishu).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.deadline import answer_deadline
from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.commands.common import UsageError, fail, note
from partnerboost_skill.config import ConfigError, Settings, load_settings
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.periods import PeriodError
from partnerboost_skill.questions import (
    BILL,
    COMMISSIONS,
    QUESTIONS,
    CliAliases,
    Context,
    Question,
    QuestionInput,
    render_answer,
)
from partnerboost_skill.render import FORMATS, LANGS, Lang, OutputFormat, i18n, join_messages, render_json
from partnerboost_skill.render import charts as chart_module
from partnerboost_skill.render.blocks import Block
from partnerboost_skill.render.chart_path import ChartPathError, chart_target
from partnerboost_skill.runtime import connect

EXIT_UPSTREAM = 1
BILLS_ELSEWHERE = ("{platform} issues no bills: this is its commission check (accrued, approved, paid, "
                   "reversed, and what is owed)")


@dataclass(frozen=True)
class Request:
    """One answer to compute: which question, with which options (a validated input model)."""

    question: Question[Any, Any]
    options: QuestionInput

    @property
    def kind(self) -> str:
        return self.question.name


@dataclass
class Outcome:
    result: Answer
    demo: bool
    now: datetime


@dataclass(frozen=True)
class Output:
    """How to print: format, language, chart wishes."""

    fmt: OutputFormat
    lang: Lang
    chart_path: Path | None
    auto_chart: bool


def request(question: Question[Any, Any], **values: Any) -> Request:
    """A request with `values` over the question's defaults; a value the question refuses → UsageError."""
    try:
        return Request(question, question.options(**values))
    except ValidationError as exc:
        raise UsageError(explain_validation_error(question.input_model, exc, subject=question.name)) from None


async def compute(
    settings: Settings, make_request: Callable[[datetime, str], Request]
) -> tuple[Request, Outcome]:
    """Connect (PartnerBoost or the sandbox), build the request at the connection's clock and the configured
    timezone, run it within the answer's deadline."""
    async with connect(settings) as conn:
        with answer_deadline(settings.deadline_seconds):
            chosen = make_request(conn.now, settings.timezone or "UTC")
            chosen.question.check_period(chosen.options, conn.now)
            platform = answers.choose_platform(getattr(chosen.options, "platform", None), conn.platforms)
            provider = answers.provider_for(conn.source, platform, conn.events)
            tz = await answers.period_timezone(provider, settings.timezone)
            if tz != (settings.timezone or "UTC"):
                chosen = make_request(conn.now, tz)  # `ask` reads the question's periods in the zone
            swapped = chosen.question is BILL and platform not in answers.BILLING_PLATFORMS
            if swapped:  # OpenPartner issues no bills: its commission check says what is owed
                options = chosen.options
                chosen = request(COMMISSIONS, period=options.period, platform=platform, lang=options.lang)
            context = Context(now=conn.now, tz=tz, platforms=conn.platforms, events=conn.events)
            result = await chosen.question.run(conn.source, chosen.options, context)
        if swapped:
            result.notes.insert(0, BILLS_ELSEWHERE.format(platform=i18n.PLATFORM_NAMES[platform]))
        return chosen, Outcome(result=result, demo=conn.demo, now=conn.now)


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment and config file, with --refresh / --no-cache applied."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    update: dict[str, bool] = {}
    if getattr(args, "refresh", False):
        update["refresh"] = True
    if getattr(args, "no_cache", False):
        update["use_cache"] = False
    return settings.model_copy(update=update) if update else settings


def _chart(chosen: Request, outcome: Outcome, output: Output, settings: Settings) -> Path | None:
    draw = chosen.question.chart
    if draw is None or not (output.chart_path or output.auto_chart):
        return None
    result = outcome.result
    path = output.chart_path or chart_module.default_path(
        settings.cache_dir, chosen.kind, result.period.start.date(), result.period.end.date(),
        extra="-".join(part for part in (getattr(result, "group_by", ""), output.lang) if part),
    )
    today = outcome.now.astimezone(ZoneInfo(result.period.timezone)).date()
    try:
        return draw(result, path, output.lang, today)
    except chart_module.ChartUnavailable:
        note(i18n.text("chart_missing", output.lang))
    except OSError as exc:
        note(i18n.text("chart_failed", output.lang, error=f"cannot write {path} ({exc.strerror})"))
    return None


def run_answer(
    args: argparse.Namespace,
    make_request: Callable[[datetime, str], Request],
    *,
    lang: Lang,
    preamble: Callable[[Request, Answer], Sequence[Block]] | None = None,
    understood: Callable[[Request, Answer], str] | None = None,
) -> int:
    """Compute and print one answer; bad input → UsageError (exit 2), PartnerBoost errors → exit 1."""
    settings = settings_from(args)
    try:
        chart_path = chart_target(args.chart, settings.cache_dir) if getattr(args, "chart", None) else None
    except ChartPathError as exc:
        raise UsageError(str(exc)) from None
    output = Output(fmt=args.format, lang=lang, chart_path=chart_path,
                    auto_chart=args.format != "json" and not getattr(args, "no_chart", False))
    try:
        chosen, outcome = asyncio.run(compute(settings, make_request))
    except (PeriodError, AnalysisError, answers.UnknownPlatform) as exc:
        raise UsageError(str(exc)) from None
    except PartnerBoostError as exc:
        return fail(str(exc), EXIT_UPSTREAM)
    chart = _chart(chosen, outcome, output, settings)
    if output.fmt == "json":
        if outcome.demo:
            note(i18n.text("demo", lang))
        print(render_json(outcome.result, answer=chosen.kind, demo=outcome.demo, lang=lang,
                          understood=understood(chosen, outcome.result) if understood else None,
                          chart=str(chart) if chart else None))
        return 0
    blocks = preamble(chosen, outcome.result) if preamble else ()
    messages = render_answer(outcome.result, output.fmt, lang, demo=outcome.demo, preamble=blocks)
    if chart:
        # Split formats get the chart as a part of its own, so every text part keeps the channel's limits.
        media = f"MEDIA:{chart}"
        if chart_module.labels_language(lang) != lang:
            media = f"{i18n.text('chart_english', lang)}\n{media}"
        if output.fmt == "markdown":
            messages = [*messages[:-1], f"{messages[-1]}\n\n{media}"]
        else:
            messages = [*messages, media]
    print(join_messages(messages))
    sys.stdout.flush()
    return 0


def add_output_options(parser: argparse.ArgumentParser, *, chart: bool) -> None:
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="markdown (default); discord or feishu to match the chat channel (messages "
                        "separated by a line ---8<---); json for machines")
    parser.add_argument("--lang", choices=LANGS, default=None, help="language of the answer (default en)")
    if chart:
        parser.add_argument("--chart", metavar="PATH",
                            help="write the chart PNG here (default: the cache dir)")
        parser.add_argument("--no-chart", action="store_true", help="do not draw a chart")
    parser.add_argument("--refresh", action="store_true",
                        help="refetch everything and rewrite the local cache")
    parser.add_argument("--no-cache", action="store_true", help="do not use the local cache")


# --- options generated from a question's input model ------------------------------------------------------

_OWN_ARGUMENTS = ("period", "lang")
"""Input fields with an argument of their own: the positional period and the output option --lang."""


def _choices(field: FieldInfo) -> tuple[list[str], dict[str, str]]:
    """A Literal field's values and the extra words the command line accepts for them."""
    annotation = field.annotation
    while isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    values = [str(value) for value in typing.get_args(annotation)]
    aliases: dict[str, str] = {}
    for meta in field.metadata:
        if isinstance(meta, CliAliases):
            aliases.update(meta.aliases)
    return values, aliases


def add_question_options(parser: argparse.ArgumentParser, question: Question[Any, Any]) -> None:
    for name, field in question.input_model.model_fields.items():
        if name in _OWN_ARGUMENTS:
            continue
        values, aliases = _choices(field)
        shown = [*values, *aliases]
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, choices=shown or None, default=None,
                            help=f"{field.description} (default {field.default})")


def question_values(args: argparse.Namespace, question: Question[Any, Any]) -> dict[str, Any]:
    """The options given on the command line, aliases resolved (None: not given, the default applies)."""
    values: dict[str, Any] = {}
    for name, field in question.input_model.model_fields.items():
        if name in _OWN_ARGUMENTS:
            continue
        value = getattr(args, name, None)
        _, aliases = _choices(field)
        values[name] = aliases.get(value, value) if isinstance(value, str) else value
    return values


def _phrase(words: Sequence[str] | None) -> str | None:
    text = " ".join(words or []).strip()
    return text or None


def _handler(question: Question[Any, Any]) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        chosen = request(question, period=_phrase(args.period), **question_values(args, question))
        return run_answer(args, lambda _now, _tz: chosen, lang=args.lang or "en")

    return handle


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    period_help = ("period in English or Chinese, e.g. 'last three months', 'last 7 days', 'September 2026', "
                   "'2026-08-01..2026-10-31', '上个月', '最近三个月'")
    for question in QUESTIONS:
        parser = sub.add_parser(question.name, help=question.summary, description=question.description
                                + " Without credentials it runs on the built-in sandbox and the first line "
                                "says so.")
        parser.add_argument("period", nargs="*", help=f"{period_help} (default: {question.default_period!r})")
        add_question_options(parser, question)
        add_output_options(parser, chart=question.chart is not None)
        parser.set_defaults(handler=_handler(question))
