"""An agent reply as chat messages (markdown, discord, feishu) or JSON, with the chart of the question a
tool answered (the same chart the CLI draws for that question)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from partnerboost_skill.agent.session import AgentReply
from partnerboost_skill.config import Settings
from partnerboost_skill.render import charts as chart_module
from partnerboost_skill.render import i18n
from partnerboost_skill.render.agent_doc import agent_document
from partnerboost_skill.render.formats import Format, to_messages
from partnerboost_skill.render.i18n import Lang

logger = logging.getLogger("partnerboost.agent")


@dataclass(frozen=True)
class Presented:
    messages: list[str]
    chart: Path | None
    note: str | None = None
    """Something the reader should know about the chart (e.g. labels in English)."""


def draw_chart(reply: AgentReply, lang: Lang, settings: Settings, path: Path | None = None) -> Path | None:
    """The chart of the last question a tool answered in full (when that question has one), or None."""
    if reply.answered is None or reply.answered[0].chart is None:
        return None
    question, result = reply.answered
    draw = question.chart
    assert draw is not None
    target = path or chart_module.default_path(
        settings.cache_dir, question.name, result.period.start.date(), result.period.end.date(),
        extra="-".join(part for part in (getattr(result, "group_by", ""), lang, "agent") if part),
    )
    today = datetime.now(UTC).astimezone(ZoneInfo(result.period.timezone)).date()
    try:
        return draw(result, target, lang, today)
    except chart_module.ChartUnavailable:
        logger.info("chart skipped: matplotlib is not available")
    except OSError as exc:
        logger.info("chart skipped: cannot write %s (%s)", target, exc.strerror)
    return None


def present(reply: AgentReply, *, lang: Lang, fmt: Format, settings: Settings, chart: bool = True,
            chart_path: Path | None = None, can_confirm: bool = False) -> Presented:
    document = agent_document(
        reply.text, lang, fmt, demo=reply.demo, unverified=reply.unverified, stopped=reply.stopped,
        rounds=settings.agent_max_rounds, pending=[write.tool for write in reply.pending],
        can_confirm=can_confirm,
    )
    messages = to_messages(document, fmt)
    drawn = draw_chart(reply, lang, settings, chart_path) if chart else None
    note = i18n.text("chart_english", lang) if drawn and chart_module.labels_language(lang) != lang else None
    return Presented(messages, drawn, note)


def reply_json(reply: AgentReply, lang: Lang, chart: Path | None) -> str:
    payload: dict[str, Any] = {
        "demo": reply.demo,
        "notice": i18n.text("demo", lang) if reply.demo else None,
        "answer": "agent",
        "model": reply.model,
        "text": reply.text,
        "unverified": reply.unverified,
        "stopped": reply.stopped,
        "tools": [{"name": call.name, "arguments": call.arguments, "is_error": call.output.is_error,
                   "performed_write": call.sent_write} for call in reply.calls],
        "pending_writes": [{"name": write.tool, "arguments": write.arguments} for write in reply.pending],
        "usage": {"input_tokens": reply.usage.input, "output_tokens": reply.usage.output,
                  "cache_read_input_tokens": reply.usage.cache_read,
                  "cache_creation_input_tokens": reply.usage.cache_write, "model_calls": reply.usage.calls},
        "chart": str(chart) if chart else None,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)
