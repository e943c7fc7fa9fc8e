"""`partnerboost review|orders|bill|partners|compare [PERIOD]`: the merchant's questions, answered for chat.

Each command resolves the period (English or Chinese words), runs the analysis on PartnerBoost (or on the
sandbox when no credentials are configured — the first line then says so), and prints the answer as
Markdown, Discord or Feishu messages (separated by a line `---8<---`) or JSON. `review` and `orders` also
draw a chart and print `MEDIA:/absolute/path.png` as the last line (a message of its own for Discord and
Feishu).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.results import GROUP_BY_CHOICES, Answer, OrderMonitor, PerformanceReview
from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.commands.common import UsageError, fail, note
from partnerboost_skill.config import ConfigError, Settings, load_settings
from partnerboost_skill.periods import PeriodError
from partnerboost_skill.records.source import Source
from partnerboost_skill.render import FORMATS, LANGS, Lang, i18n, join_messages, render, render_json
from partnerboost_skill.render import charts as chart_module
from partnerboost_skill.render.blocks import Block
from partnerboost_skill.runtime import connect
from partnerboost_tools.merchant import MerchantPerformanceChart

Kind = Literal["review", "orders", "bill", "partners", "compare"]
CHART_KINDS: tuple[Kind, ...] = ("review", "orders")
PARTNER_STATUSES = ("joined", "pending", "refused", "terminated", "all")
EXIT_UPSTREAM = 1


@dataclass(frozen=True)
class Request:
    """One answer to compute: which, for which period phrase (None = the answer's default), and options."""

    kind: Kind
    phrase: str | None = None
    group_by: str = "channel_type"
    against: Literal["previous", "year_before"] = "previous"
    status: str | None = "joined"
    bill_by: Literal["period", "issued"] = "period"


@dataclass
class Outcome:
    result: Answer
    demo: bool
    now: datetime
    daily: list[chart_module.DayCount] | None = None


@dataclass(frozen=True)
class Output:
    """How to print: format, language, chart wishes."""

    fmt: str
    lang: Lang
    chart_path: Path | None
    auto_chart: bool


async def _daily_orders(client: Source, monitor: OrderMonitor) -> list[chart_module.DayCount]:
    action = MerchantPerformanceChart(
        start_date=monitor.period.start, end_date=monitor.period.end - timedelta(seconds=1), group_by="day"
    )
    data = await client.call(action)
    rows = data.get("list", []) if isinstance(data, dict) else data if isinstance(data, list) else []
    days = []
    for row in rows:
        if isinstance(row, dict) and row.get("date"):
            try:
                day = date.fromisoformat(str(row["date"])[:10])
                days.append(chart_module.DayCount(day, int(row["orders"])))
            except (KeyError, TypeError, ValueError):
                continue
    return days


async def _run(client: Source, request: Request, now: datetime, tz: str) -> Answer:
    phrase = request.phrase
    if request.kind == "review":
        return await answers.review(client, phrase or answers.DEFAULT_REVIEW_PERIOD, request.group_by,
                                    now=now, tz=tz)
    if request.kind == "orders":
        return await answers.monitor(client, phrase or answers.DEFAULT_MONITOR_PERIOD, now=now, tz=tz)
    if request.kind == "bill":
        return await answers.bills(client, phrase or answers.DEFAULT_BILL_MONTH, now=now, tz=tz,
                                   by=request.bill_by)
    if request.kind == "partners":
        return await answers.media(client, phrase or answers.DEFAULT_MEDIA_PERIOD, request.status,
                                   now=now, tz=tz)
    return await answers.compare(client, phrase or "last month", request.against, request.group_by,
                                 now=now, tz=tz)


async def compute(
    settings: Settings, make_request: Callable[[datetime, str], Request], *, want_daily: bool
) -> tuple[Request, Outcome]:
    """Connect (PartnerBoost or the sandbox), build the request at the connection's clock and the configured
    timezone, run it."""
    async with connect(settings) as conn:
        request = make_request(conn.now, settings.timezone)
        result = await _run(conn.source, request, conn.now, settings.timezone)
        outcome = Outcome(result=result, demo=conn.demo, now=conn.now)
        if want_daily and isinstance(result, OrderMonitor):
            try:
                outcome.daily = await _daily_orders(conn.source, result)
            except PartnerBoostError as exc:
                note(f"Chart skipped: the daily order counts could not be read ({exc}).")
        return request, outcome


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


def _chart(kind: Kind, outcome: Outcome, output: Output, settings: Settings) -> Path | None:
    if kind not in CHART_KINDS or not (output.chart_path or output.auto_chart):
        return None
    result = outcome.result
    path = output.chart_path or chart_module.default_path(
        settings.cache_dir, kind, result.period.start.date(), result.period.end.date(),
        extra="-".join(part for part in (getattr(result, "group_by", ""), output.lang) if part),
    )
    try:
        if isinstance(result, PerformanceReview):
            return chart_module.review_chart(result, path, output.lang)
        if isinstance(result, OrderMonitor) and outcome.daily:
            today = outcome.now.astimezone(ZoneInfo(result.period.timezone)).date()
            return chart_module.orders_chart(result, outcome.daily, path, output.lang, today=today)
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
    chart_path = Path(args.chart).expanduser().resolve() if getattr(args, "chart", None) else None
    output = Output(fmt=args.format, lang=lang, chart_path=chart_path,
                    auto_chart=args.format != "json" and not getattr(args, "no_chart", False))
    wants_chart = output.chart_path is not None or output.auto_chart
    try:
        request, outcome = asyncio.run(compute(settings, make_request, want_daily=wants_chart))
    except (PeriodError, AnalysisError) as exc:
        raise UsageError(str(exc)) from None
    except PartnerBoostError as exc:
        return fail(str(exc), EXIT_UPSTREAM)
    chart = _chart(request.kind, outcome, output, settings)
    if output.fmt == "json":
        if outcome.demo:
            note(i18n.text("demo", lang))
        print(render_json(outcome.result, answer=request.kind, demo=outcome.demo, lang=lang,
                          understood=understood(request, outcome.result) if understood else None,
                          chart=str(chart) if chart else None))
        return 0
    blocks = preamble(request, outcome.result) if preamble else ()
    messages = render(outcome.result, output.fmt, lang, demo=outcome.demo, preamble=blocks)  # type: ignore[arg-type]
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


def _phrase(words: Sequence[str] | None) -> str | None:
    text = " ".join(words or []).strip()
    return text or None


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


def _simple(kind: Kind) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        request = Request(
            kind=kind,
            phrase=_phrase(args.period),
            group_by=getattr(args, "group_by", "channel_type"),
            against="year_before" if getattr(args, "against", "previous") == "year" else "previous",
            status=None if getattr(args, "status", "joined") == "all" else getattr(args, "status", "joined"),
            bill_by=getattr(args, "by", "period"),
        )
        return run_answer(args, lambda _now, _tz: request, lang=args.lang or "en")

    return handler


def register(sub: argparse._SubParsersAction) -> None:
    period_help = ("period in English or Chinese, e.g. 'last three months', 'last 7 days', 'September 2026', "
                   "'2026-08-01..2026-10-31', '上个月', '最近三个月'")
    specs: list[tuple[Kind, str, str, str]] = [
        ("review", "performance review: ROI by channel (or partner, country, ...) and what to do",
         "Review performance for a period (default: the last three complete months): sales, commission, "
         "ROAS and conversion per group, compared with the period before, with recommendations.",
         answers.DEFAULT_REVIEW_PERIOD),
        ("orders", "recent orders: headline numbers, best partners, abnormal orders",
         "How recent orders are doing (default: the last 7 days) compared with the period before, the best "
         "partners and the orders that look abnormal (duplicates, bursts, outliers).",
         answers.DEFAULT_MONITOR_PERIOD),
        ("bill", "check one month's bills against the orders, to the cent",
         "Check the bills for one calendar month (default: last month): totals per status and currency, "
         "and every bill that does not match the commission of its orders.",
         answers.DEFAULT_BILL_MONTH),
        ("partners", "which media (partners) you work with, and who contributes",
         "The partner media you work with (default activity window: the last 30 days): how many, by type, "
         "channel, country and group, and the top contributors.",
         answers.DEFAULT_MEDIA_PERIOD),
        ("compare", "compare a period with the one before (or a year earlier)",
         "Compare a period (default: last month) with the period just before it, or with the same dates a "
         "year earlier (--against year).",
         "last month"),
    ]
    for kind, summary, description, default in specs:
        parser = sub.add_parser(kind, help=summary, description=description + " Without credentials it runs "
                                "on the built-in sandbox and the first line says so.")
        parser.add_argument("period", nargs="*", help=f"{period_help} (default: {default!r})")
        if kind in ("review", "compare"):
            parser.add_argument("--group-by", choices=GROUP_BY_CHOICES, default="channel_type",
                                help="group rows by this dimension (default channel_type)")
        if kind == "compare":
            parser.add_argument("--against", choices=("previous", "year"), default="previous",
                                help="the period just before (default) or the same dates a year earlier")
        if kind == "bill":
            parser.add_argument("--by", choices=("period", "issued"), default="period",
                                help="bills for commission earned in the month (default) or issued in it")
        if kind == "partners":
            parser.add_argument("--status", default="joined", choices=PARTNER_STATUSES,
                                help="relationship status to list (default joined; all: every status)")
        add_output_options(parser, chart=kind in CHART_KINDS)
        parser.set_defaults(handler=_simple(kind))
