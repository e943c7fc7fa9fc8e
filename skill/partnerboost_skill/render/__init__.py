"""Chat-ready answers: the analysis results as Markdown, Discord or Feishu messages, or JSON, in EN or ZH.

    messages = render(document, "discord", "zh", demo=True)    # list[str], each within Discord's limits
    print(join_messages(messages))                             # parts separated by a line "---8<---"

The first line says when the numbers are demo data. Text from the API is escaped (skill.render.escape).
Charts are in skill.render.charts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Block, Document, Line, Surface
from partnerboost_skill.render.formats import TEXT_FORMATS, Format, to_messages
from partnerboost_skill.render.i18n import LANGS, Lang

OutputFormat = Literal["markdown", "discord", "feishu", "json"]
FORMATS: tuple[OutputFormat, ...] = (*TEXT_FORMATS, "json")
MESSAGE_SEPARATOR = "---8<---"
"""Printed alone on a line between two chat messages (discord and feishu output)."""

__all__ = ["FORMATS", "LANGS", "MESSAGE_SEPARATOR", "Lang", "OutputFormat", "join_messages", "render",
           "render_json"]

def render(
    document: Document,
    fmt: Format,
    lang: Lang = "en",
    *,
    demo: bool = False,
    preamble: Sequence[Block] = (),
    surface: Surface = "cli",
) -> list[str]:
    """An answer's document (see questions.Question.document) as chat messages. `preamble` (e.g. what `ask`
    understood) follows the demo line; `surface` says where it is read (the command line or an MCP tool's
    text)."""
    doc = Document()
    if demo:
        doc.add(Line((i18n.text("demo", lang),), tone="warning"))
    doc.add(*preamble)
    doc.blocks.extend(document.blocks)
    return to_messages(doc, fmt, surface)


def join_messages(messages: Sequence[str]) -> str:
    return f"\n{MESSAGE_SEPARATOR}\n".join(messages)


def render_json(result: Answer, *, answer: str, demo: bool, lang: Lang, understood: str | None = None,
                chart: str | None = None) -> str:
    """The typed result (with its resolved period) for machines; `demo` comes first."""
    payload: dict[str, Any] = {
        "demo": demo,
        "notice": i18n.text("demo", lang) if demo else None,
        "answer": answer,
        "understood": understood,
        "chart": chart,
        "result": result.model_dump(mode="json"),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)
