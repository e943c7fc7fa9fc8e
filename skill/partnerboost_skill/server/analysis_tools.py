"""The analysis tools: the merchant's questions answered end to end (skill/analysis/answers.py).

Each takes a period phrase (English or Chinese) and typed options, fetches every record it needs (reporting
progress), and returns the typed result as structured content plus a compact Markdown summary as text.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.results import (
    Answer,
    BillCheck,
    GroupBy,
    OrderMonitor,
    PartnerMedia,
    PerformanceReview,
    PeriodComparison,
)
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.periods import PeriodError
from partnerboost_skill.render import i18n
from partnerboost_skill.server import summaries
from partnerboost_skill.server.output_cap import MAX_TEXT_BYTES, json_text, shrink_lists, size_of
from partnerboost_skill.server.output_models import UntitledJsonSchema, output_schema
from partnerboost_skill.server.progress_source import ProgressSource
from partnerboost_skill.server.state import ServerState
from partnerboost_skill.server.tool_base import ServerTool, make_tool, result

FIRST_CHOICE = "FIRST CHOICE for questions about"
PERIOD_HELP = ("A period phrase in English or Chinese: 'last month', 'last three months', 'past 90 days', "
               "'this quarter', '2026-10', 'Q3 2026', '2026-08-01..2026-10-31', '上个月', '最近三个月'. "
               "The answer echoes the exact range and time zone.")
GROUP_BY_HELP = "How to group: channel_type, partner, partner_type, country, device, month or medium."
LANG_HELP = "Language of the text summary: en, or zh for Chinese (same structured result)."


class _Input(BaseModel):
    """Every analysis input also has `lang` (declared last in each, so the period comes first)."""

    model_config = ConfigDict(extra="forbid")


class ReviewInput(_Input):
    period: str = Field("last three months", description=PERIOD_HELP)
    group_by: GroupBy = Field("channel_type", description=GROUP_BY_HELP)
    lang: Literal["en", "zh"] = Field("en", description=LANG_HELP)


class MonitorInput(_Input):
    period: str = Field("last 7 days", description=PERIOD_HELP)
    lang: Literal["en", "zh"] = Field("en", description=LANG_HELP)


class BillInput(_Input):
    period: str = Field(
        "last month", description="One calendar month: 'last month', '2026-10', 'October 2026', '上个月'."
    )
    by: Literal["period", "issued"] = Field(
        "period", description="period: the bills covering that month's orders (issued the month after); "
        "issued: the bills issued during that month.")
    lang: Literal["en", "zh"] = Field("en", description=LANG_HELP)


class MediaInput(_Input):
    period: str = Field("last 30 days", description=PERIOD_HELP)
    status: Literal["joined", "pending", "refused", "terminated", "all"] = Field(
        "joined", description="Only partners with this relationship status (all: every status).")
    lang: Literal["en", "zh"] = Field("en", description=LANG_HELP)


class CompareInput(_Input):
    period: str = Field("last month", description=PERIOD_HELP)
    against: Literal["previous", "year_before"] = Field(
        "previous", description="previous: the period just before (month on month); year_before: the same "
        "period a year earlier (year on year).")
    group_by: GroupBy = Field("channel_type", description=GROUP_BY_HELP)
    lang: Literal["en", "zh"] = Field("en", description=LANG_HELP)


Run = Callable[[Any, Any, ServerState], Awaitable[Answer]]


@dataclass(frozen=True)
class AnalysisSpec:
    name: str
    title: str
    description: str
    input_model: type[_Input]
    result_model: type[Answer]
    run: Run


def _context(state: ServerState) -> dict[str, Any]:
    return {"now": state.connection.now, "tz": state.settings.timezone}


SPECS: tuple[AnalysisSpec, ...] = (
    AnalysisSpec(
        "review_performance", "Review performance (ROI by channel) with advice",
        f"{FIRST_CHOICE} performance, ROI, ROAS, which channels or partners perform best and where to place "
        "budget. Reviews a "
        "period grouped by channel type (or partner, partner type, country, device, month, medium) against "
        "the previous period: sales and commission per currency, ROAS, ROI, conversion, AOV, void rate, and "
        "scale/fix/watch/cut recommendations with the numbers behind them. Fetches every order and click "
        "itself.",
        ReviewInput, PerformanceReview,
        lambda client, p, state: answers.review(client, p.period, p.group_by, **_context(state)),
    ),
    AnalysisSpec(
        "monitor_orders", "Monitor orders and flag anomalies",
        f"{FIRST_CHOICE} recent orders, order trends and suspicious orders. Compares the period with the one "
        "before and flags abnormal orders (bursts, duplicate order numbers, amount and commission-rate "
        "outliers, void spikes, repeat customers) with reasons; names the best partners.",
        MonitorInput, OrderMonitor,
        lambda client, p, state: answers.monitor(client, p.period, **_context(state)),
    ),
    AnalysisSpec(
        "check_bill", "Check a month's bills against the orders",
        f"{FIRST_CHOICE} bills, invoices and commission payments. Lists one month's bills with exact "
        "totals per currency and status and reconciles each bill, to the cent, with the non-void commission "
        "of the orders behind it; explains every difference.",
        BillInput, BillCheck,
        lambda client, p, state: answers.bills(client, p.period, by=p.by, **_context(state)),
    ),
    AnalysisSpec(
        "partner_media", "Partner media structure and activity",
        f"{FIRST_CHOICE} which partners, publishers, influencers and media you work with. Shows every "
        "partnered medium with its "
        "activity in the period, the portfolio's structure (partner type, channel type, country, group), "
        "active versus dormant media and the top contributors per currency.",
        MediaInput, PartnerMedia,
        lambda client, p, state: answers.media(
            client, p.period, None if p.status == "all" else p.status, **_context(state)
        ),
    ),
    AnalysisSpec(
        "compare_periods", "Compare two periods",
        f"{FIRST_CHOICE} month-on-month or year-on-year changes. Compares a period with the one before or "
        "the same period a year earlier: every headline metric per currency and the change per group.",
        CompareInput, PeriodComparison,
        lambda client, p, state: answers.compare(client, p.period, p.against, p.group_by, **_context(state)),
    ),
)


def output_model(result_model: type[Answer]) -> type[BaseModel]:
    """The result model plus the demo flag and notice every answer carries."""
    return create_model(
        f"{result_model.__name__}Output",
        __base__=result_model,
        demo=(bool, Field(description="true when this is sandbox demo data, not your account")),
        notice=(str | None, None),
    )


def input_schema(model: type[_Input]) -> dict[str, Any]:
    return model.model_json_schema(schema_generator=UntitledJsonSchema)


ANNOTATIONS = dict(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


def fit_structured(structured: dict[str, Any]) -> dict[str, Any]:
    """Cut the result's longest lists until it fits the size limit, noting each cut in `notes`."""
    reserve = 800

    def fits(value: Any) -> bool:
        return size_of(json_text(value)) + reserve <= MAX_TEXT_BYTES

    if fits(structured):
        return structured
    trimmed = copy.deepcopy(structured)
    body = {key: value for key, value in trimmed.items() if key not in ("period", "notes")}
    cuts = shrink_lists(body, fits=lambda value: fits({**trimmed, **value}))
    trimmed.update(body)
    trimmed["notes"] = [*trimmed.get("notes", []), *(cut.describe() for cut in cuts)]
    return trimmed


def input_error(name: str, exc: Exception) -> ToolError | None:
    """A clear tool error for a period or option the analysis cannot use (possibly inside a task group)."""
    leaves = list(exc.exceptions) if isinstance(exc, ExceptionGroup) else [exc]
    for leaf in leaves:
        if isinstance(leaf, PeriodError):
            return ToolError(f"Invalid parameters for {name}: period: {leaf}")
        if isinstance(leaf, AnalysisError):
            return ToolError(f"Invalid parameters for {name}: {leaf}")
    return None


def analysis_tool(spec: AnalysisSpec, state: ServerState) -> ServerTool:
    wrapped = output_model(spec.result_model)

    async def handle(arguments: dict[str, Any], ctx: Context) -> CallToolResult:
        try:
            params = spec.input_model.model_validate(arguments)
        except ValidationError as exc:
            raise ToolError(explain_validation_error(spec.input_model, exc, subject=spec.name)) from None

        async def report(done: float, total: float | None, message: str) -> None:
            await ctx.report_progress(done, total, message)

        client = ProgressSource(state.connection.source, report)
        try:
            answer = await spec.run(client, params, state)
        except Exception as exc:
            clear = input_error(spec.name, exc)
            if clear is None:
                raise
            raise clear from exc
        notice = state.notice()
        structured = wrapped.model_validate(
            {**answer.model_dump(), "demo": notice is not None, "notice": notice}
        ).model_dump(mode="json")
        lang = params.lang  # type: ignore[attr-defined]
        text = summaries.summary(answer, lang)
        if notice:
            shown = i18n.text("demo", "zh") if lang == "zh" else notice
            text = f"{shown}\n\n{text}"
        return result(text, fit_structured(structured))

    return make_tool(
        name=spec.name,
        title=spec.title,
        description=spec.description,
        input_schema=input_schema(spec.input_model),
        output_schema=output_schema(wrapped),
        annotations=ToolAnnotations(title=spec.title, **ANNOTATIONS),
        handler=handle,
    )


def analysis_tools(state: ServerState) -> list[ServerTool]:
    return [analysis_tool(spec, state) for spec in SPECS]
