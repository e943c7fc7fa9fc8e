"""What the agent tells the model: the fixed system prompt (cached) and the per-answer directions."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from partnerboost_skill.agent.tools import CACHE_CONTROL
from partnerboost_skill.questions import QUESTIONS

SYSTEM_PROMPT_FILE = "agent_system.md"
_LANGUAGE = {"en": "English", "zh": "Simplified Chinese (简体中文)"}
_FORMAT = {
    "markdown": "Markdown.",
    "discord": "a Discord message: Markdown tables become code blocks, so keep a table to 4 narrow columns.",
    "feishu": "a Feishu (Lark) card: Markdown with at most one table.",
    "json": "Markdown (it is stored in a JSON field).",
}


@cache
def system_prompt() -> str:
    """The fixed prompt, with the questions the analysis tools answer read from the question registry."""
    template = files("partnerboost_prompts").joinpath(SYSTEM_PROMPT_FILE).read_text(encoding="utf-8")
    listed = "\n".join(f"  - {q.tool}: {q.summary} (default period: {q.default_period})" for q in QUESTIONS)
    return template.replace("{questions}", listed).strip()


def directions(lang: str, fmt: str) -> str:
    return (f"Answer in {_LANGUAGE.get(lang, 'English')}, whatever language the tool results are in. "
            f"The answer is shown as {_FORMAT.get(fmt, _FORMAT['markdown'])}")


def system_blocks(lang: str, fmt: str) -> list[dict[str, Any]]:
    """The fixed prompt with a cache breakpoint (tools and prompt cached together), then the directions."""
    return [
        {"type": "text", "text": system_prompt(), "cache_control": CACHE_CONTROL},
        {"type": "text", "text": directions(lang, fmt)},
    ]
