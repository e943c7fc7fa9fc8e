"""The merchant's questions, each defined once: names, input model (its defaults are THE defaults), runner,
result type, document, chart and prompt. The MCP analysis tools, the CLI answer commands, `ask`'s routing,
the MCP prompts and the agent are all generated from `QUESTIONS`.

Adding a question: an answer function in answers/, a result model in analysis/results.py, a document in
render/, and one `Question` here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from partnerboost_skill import answers
from partnerboost_skill.analysis.results import (
    Answer,
    BillCheck,
    CommissionCheck,
    GroupBy,
    OrderMonitor,
    PartnerMedia,
    PerformanceReview,
    PeriodComparison,
)
from partnerboost_skill.answers import Data
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.records.source import as_source
from partnerboost_skill.render import charts, render
from partnerboost_skill.render.blocks import Block, Document
from partnerboost_skill.render.doc_bill import bill_document
from partnerboost_skill.render.doc_commissions import commissions_document
from partnerboost_skill.render.doc_compare import compare_document
from partnerboost_skill.render.doc_orders import orders_document
from partnerboost_skill.render.doc_partners import partners_document
from partnerboost_skill.render.doc_review import review_document
from partnerboost_skill.render.formats import Format
from partnerboost_skill.render.i18n import Lang
from partnerboost_skill.store.webhook_events import WebhookEvents

Name = Literal["review", "orders", "bill", "commissions", "partners", "compare"]

PERIOD_HELP = ("A period phrase in English or Chinese: 'last month', 'last three months', 'past 90 days', "
               "'this quarter', '2026-10', 'Q3 2026', '2026-08-01..2026-10-31', '上个月', '最近三个月'. "
               "The answer echoes the exact range and time zone.")
GROUP_BY_HELP = ("How to group: channel_type (partner on OpenPartner), partner, partner_type, country, "
                 "device, month or medium.")
LANG_HELP = "Language of the text summary: en, or zh for Chinese (same structured result)."
PLATFORM_HELP = "partnerboost or openpartner (default: the configured one; PartnerBoost when both are)."
PlatformName = Literal["partnerboost", "openpartner"]
FIRST_CHOICE = "FIRST CHOICE for PartnerBoost questions about"


@dataclass(frozen=True)
class CliAliases:
    """Extra words the command line accepts for a choice (alias → value), e.g. `--against year`."""

    aliases: dict[str, str]


class QuestionInput(BaseModel):
    """A question's options. Every input declares `period` first and `lang` last; the defaults declared here
    are the only defaults (MCP schema, CLI, routing and prompts read them)."""

    model_config = ConfigDict(extra="forbid")

    if TYPE_CHECKING:  # declared by each input, in its own order
        period: str
        lang: Lang


class ReviewInput(QuestionInput):
    period: str = Field("last three months", description=PERIOD_HELP)
    group_by: GroupBy | None = Field(None, description=GROUP_BY_HELP)
    platform: PlatformName | None = Field(None, description=PLATFORM_HELP)
    lang: Lang = Field("en", description=LANG_HELP)


class MonitorInput(QuestionInput):
    period: str = Field("last 7 days", description=PERIOD_HELP)
    platform: PlatformName | None = Field(None, description=PLATFORM_HELP)
    lang: Lang = Field("en", description=LANG_HELP)


class BillInput(QuestionInput):
    period: str = Field(
        "last month", description="One calendar month: 'last month', '2026-10', 'October 2026', '上个月'."
    )
    by: Literal["period", "issued"] = Field(
        "period", description="period: the bills covering that month's orders (issued the month after); "
        "issued: the bills issued during that month.")
    platform: PlatformName | None = Field(
        None, description="partnerboost (OpenPartner issues no bills: its commission check answers).")
    lang: Lang = Field("en", description=LANG_HELP)


class CommissionsInput(QuestionInput):
    period: str = Field("last month", description=PERIOD_HELP)
    platform: PlatformName | None = Field(None, description=PLATFORM_HELP)
    lang: Lang = Field("en", description=LANG_HELP)


class MediaInput(QuestionInput):
    period: str = Field("last 30 days", description=PERIOD_HELP)
    status: Literal["joined", "pending", "refused", "terminated", "all"] = Field(
        "joined", description="Only partners with this relationship status (all: every status).")
    platform: PlatformName | None = Field(None, description=PLATFORM_HELP)
    lang: Lang = Field("en", description=LANG_HELP)


class CompareInput(QuestionInput):
    period: str = Field("last month", description=PERIOD_HELP)
    against: Annotated[Literal["previous", "year_before"], CliAliases({"year": "year_before"})] = Field(
        "previous", description="previous: the period just before (month on month); year_before: the same "
        "period a year earlier (year on year).")
    group_by: GroupBy | None = Field(None, description=GROUP_BY_HELP)
    platform: PlatformName | None = Field(None, description=PLATFORM_HELP)
    lang: Lang = Field("en", description=LANG_HELP)


InputT = TypeVar("InputT", bound=QuestionInput)
ResultT = TypeVar("ResultT", bound=Answer)


@dataclass(frozen=True)
class Context:
    """When and where an answer runs: the clock (the sandbox's in demo mode), the periods' time zone, the
    platforms with credentials (PartnerBoost first: the default) and OpenPartner's webhook events."""

    now: datetime
    tz: str
    platforms: tuple[str, ...] = ("partnerboost",)
    events: WebhookEvents | None = None


def provider(data: Data, options: Any, context: Context) -> Data:
    """The provider of the platform the options ask for (or the configured one) over `data`; `data` itself
    when it is a provider already (tests pass one)."""
    if isinstance(data, answers.Provider):
        return data
    platform = answers.choose_platform(getattr(options, "platform", None), context.platforms)
    return answers.provider_for(as_source(data), platform, context.events)


Chart = Callable[[Any, Path, Lang, date], Path | None]


@dataclass(frozen=True)
class Question(Generic[InputT, ResultT]):
    name: Name
    """The CLI subcommand and `ask`'s answer kind."""
    tool: str
    """The MCP tool name."""
    title: str
    summary: str
    """One line for the CLI's command list."""
    description: str
    """What it answers, for the MCP tool description and the CLI help."""
    input_model: type[InputT]
    result_type: type[ResultT]
    run: Callable[[Data, InputT, Context], Awaitable[ResultT]]
    document: Callable[[ResultT, Lang], Document]
    chart: Chart | None = None
    prompt: str | None = None
    """The prompt template (prompts/partnerboost_prompts/<prompt>.<lang>.md) that asks this question."""

    @property
    def default_period(self) -> str:
        default = self.input_model.model_fields["period"].default
        assert isinstance(default, str)
        return default

    def check_period(self, options: InputT, now: datetime) -> None:
        """Refuse a period phrase no zone can read (PeriodError) before anything is fetched — the zone the
        answer reads it in may take a request to learn."""
        resolve_period(options.period, now=now, tz="UTC")

    def options(self, **values: Any) -> InputT:
        """The input with `values` over the defaults (None means the default); raises ValidationError."""
        return self.input_model.model_validate({k: v for k, v in values.items() if v is not None})


def _review_chart(result: PerformanceReview, path: Path, lang: Lang, today: date) -> Path | None:
    if "sales" in result.unavailable:
        return None  # the chart draws sales and ROAS, which this platform does not report
    return charts.review_chart(result, path, lang)


def _orders_chart(result: OrderMonitor, path: Path, lang: Lang, today: date) -> Path | None:
    daily = [charts.DayCount(day.day, day.orders) for day in result.daily_orders]
    return charts.orders_chart(result, daily, path, lang, today=today) if daily else None


async def _review(data: Data, p: ReviewInput, c: Context) -> PerformanceReview:
    return await answers.review(provider(data, p, c), p.period, p.group_by, now=c.now, tz=c.tz)


async def _monitor(data: Data, p: MonitorInput, c: Context) -> OrderMonitor:
    return await answers.monitor(provider(data, p, c), p.period, now=c.now, tz=c.tz)


async def _bill(data: Data, p: BillInput, c: Context) -> BillCheck:
    return await answers.bills(provider(data, p, c), p.period, by=p.by, now=c.now, tz=c.tz)


async def _commissions(data: Data, p: CommissionsInput, c: Context) -> CommissionCheck:
    return await answers.commissions(provider(data, p, c), p.period, now=c.now, tz=c.tz)


async def _media(data: Data, p: MediaInput, c: Context) -> PartnerMedia:
    status = None if p.status == "all" else p.status
    return await answers.media(provider(data, p, c), p.period, status, now=c.now, tz=c.tz)


async def _compare(data: Data, p: CompareInput, c: Context) -> PeriodComparison:
    return await answers.compare(provider(data, p, c), p.period, p.against, p.group_by, now=c.now, tz=c.tz)


REVIEW: Question[ReviewInput, PerformanceReview] = Question(
    name="review",
    tool="review_performance",
    title="Review performance (ROI by channel) with advice",
    summary="performance review: ROI by channel (or partner, country, ...) and what to do",
    description=(
        f"{FIRST_CHOICE} performance, ROI, ROAS, which channels or partners perform best and where to place "
        "budget. Reviews a period grouped by channel type (or partner, partner type, country, device, month, "
        "medium) against the previous period: sales and commission per currency, ROAS, ROI, conversion, AOV, "
        "void rate, and scale/fix/watch/cut recommendations with the numbers behind them. Fetches every "
        "order and click itself."
    ),
    input_model=ReviewInput,
    result_type=PerformanceReview,
    run=_review,
    document=review_document,
    chart=_review_chart,
    prompt="review_performance",
)

ORDERS: Question[MonitorInput, OrderMonitor] = Question(
    name="orders",
    tool="monitor_orders",
    title="Monitor orders and flag anomalies",
    summary="recent orders: headline numbers, best partners, abnormal orders",
    description=(
        f"{FIRST_CHOICE} recent orders, order trends and suspicious orders. Compares the period with the one "
        "before and flags abnormal orders (bursts, duplicate order numbers, amount and commission-rate "
        "outliers, void spikes, repeat customers) with reasons; names the best partners."
    ),
    input_model=MonitorInput,
    result_type=OrderMonitor,
    run=_monitor,
    document=orders_document,
    chart=_orders_chart,
    prompt="monitor_orders",
)

BILL: Question[BillInput, BillCheck] = Question(
    name="bill",
    tool="check_bill",
    title="Check a month's bills against the orders",
    summary="check one month's bills against the orders, to the cent",
    description=(
        f"{FIRST_CHOICE} bills, invoices and commission payments. Lists one month's bills with exact totals "
        "per currency and status and reconciles each bill, to the cent, with the non-void commission of the "
        "orders behind it; explains every difference."
    ),
    input_model=BillInput,
    result_type=BillCheck,
    run=_bill,
    document=bill_document,
    prompt="check_bill",
)

COMMISSIONS: Question[CommissionsInput, CommissionCheck] = Question(
    name="commissions",
    tool="check_commissions",
    title="Check commissions: owed, paid, reversed",
    summary="what you owe partners: commissions accrued, approved, paid and reversed",
    description=(
        f"{FIRST_CHOICE} what you owe partners, and for OpenPartner commissions (it has no bills, no clicks "
        "and no order values). The commissions accrued in a period by status (accrued, approved, paid, "
        "reversed) per currency and partner, what is owed (accrued + approved), reversal spikes and "
        "commissions accrued after a partner was revoked."
    ),
    input_model=CommissionsInput,
    result_type=CommissionCheck,
    run=_commissions,
    document=commissions_document,
    prompt="check_commissions",
)

PARTNERS: Question[MediaInput, PartnerMedia] = Question(
    name="partners",
    tool="partner_media",
    title="Partner media structure and activity",
    summary="which media (partners) you work with, and who contributes",
    description=(
        f"{FIRST_CHOICE} which partners, publishers, influencers and media you work with. Shows every "
        "partnered medium with its activity in the period, the portfolio's structure (partner type, channel "
        "type, country, group), active versus dormant media and the top contributors per currency."
    ),
    input_model=MediaInput,
    result_type=PartnerMedia,
    run=_media,
    document=partners_document,
    prompt="partner_media",
)

COMPARE: Question[CompareInput, PeriodComparison] = Question(
    name="compare",
    tool="compare_periods",
    title="Compare two periods",
    summary="compare a period with the one before (or a year earlier)",
    description=(
        f"{FIRST_CHOICE} month-on-month or year-on-year changes. Compares a period with the one before or "
        "the same period a year earlier: every headline metric per currency and the change per group."
    ),
    input_model=CompareInput,
    result_type=PeriodComparison,
    run=_compare,
    document=compare_document,
)

QUESTIONS: tuple[Question[Any, Any], ...] = (REVIEW, ORDERS, BILL, COMMISSIONS, PARTNERS, COMPARE)
BY_NAME: dict[str, Question[Any, Any]] = {q.name: q for q in QUESTIONS}
BY_TOOL: dict[str, Question[Any, Any]] = {q.tool: q for q in QUESTIONS}
DEFAULT_PERIODS: dict[str, str] = {q.name: q.default_period for q in QUESTIONS}


def question_for(result: Answer) -> Question[Any, Any]:
    """The question whose answer `result` is."""
    for question in QUESTIONS:
        if isinstance(result, question.result_type):
            return question
    raise TypeError(f"no question answers with {type(result).__name__}")


def document_of(result: Answer, lang: Lang) -> Document:
    document: Document = question_for(result).document(result, lang)
    return document


def render_answer(
    result: Answer,
    fmt: Format,
    lang: Lang = "en",
    *,
    demo: bool = False,
    preamble: Sequence[Block] = (),
    surface: Literal["cli", "mcp"] = "cli",
) -> list[str]:
    """The answer as chat messages in `fmt` (see render.render)."""
    return render(document_of(result, lang), fmt, lang, demo=demo, preamble=preamble, surface=surface)
