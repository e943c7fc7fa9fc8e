"""The prompt templates (package `partnerboost_prompts` in prompts/) served as MCP prompts with `period` and
`lang` arguments.

`<name>.en.md` and `<name>.zh.md` form one prompt `<name>`; each starts with a frontmatter block (title,
description) and `{period}` in the body is replaced by the argument.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, GetPromptResult, Prompt, PromptArgument, PromptMessage, TextContent

from partnerboost_skill.questions import QUESTIONS

PROMPTS_DIR: Traversable = files("partnerboost_prompts")
LANGUAGES = ("en", "zh")
DEFAULT_PERIODS: dict[str, str] = {q.prompt: q.default_period for q in QUESTIONS if q.prompt}
"""A prompt's default period is its question's (questions.py)."""
_LANG_ALIASES = {"en": "en", "english": "en", "zh": "zh", "cn": "zh", "chinese": "zh", "中文": "zh"}


@dataclass(frozen=True)
class Template:
    title: str
    description: str
    body: str

    def render(self, period: str) -> str:
        return self.body.replace("{period}", period)


def parse_template(text: str, source: str) -> Template:
    if not text.startswith("---\n"):
        raise ValueError(f"{source}: a prompt template starts with a '---' frontmatter block")
    head, _, body = text[4:].partition("\n---\n")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    missing = [key for key in ("title", "description") if not fields.get(key)]
    if missing:
        raise ValueError(f"{source}: frontmatter needs {', '.join(missing)}")
    return Template(fields["title"], fields["description"], body.strip() + "\n")


def load_templates(directory: Traversable = PROMPTS_DIR) -> dict[str, dict[str, Template]]:
    """{prompt name: {lang: template}} for every `<name>.<lang>.md` in `directory`."""
    found: dict[str, dict[str, Template]] = {}
    for path in sorted(directory.iterdir(), key=lambda entry: entry.name):
        if not (path.is_file() and path.name.endswith(".md") and path.name.count(".") == 2):
            continue
        name, lang = path.name.removesuffix(".md").rsplit(".", 1)
        if lang in LANGUAGES:
            found.setdefault(name, {})[lang] = parse_template(path.read_text(encoding="utf-8"), str(path))
    return found


def normalise_lang(lang: str) -> str:
    key = lang.strip().lower()
    if key.startswith(("zh", "cn")):
        key = "zh"
    elif key.startswith("en"):
        key = "en"
    resolved = _LANG_ALIASES.get(key)
    if resolved is None:
        raise MCPError(code=INVALID_PARAMS, message=f"lang: {lang!r} is not allowed; allowed values: en, zh")
    return resolved


@dataclass(frozen=True)
class ServedPrompt:
    """One prompt: `definition` is listed as is; `render(arguments)` is the text of its user message."""

    definition: Prompt
    render: Callable[[dict[str, str]], str]

    @property
    def name(self) -> str:
        return self.definition.name

    def get(self, arguments: dict[str, str] | None) -> GetPromptResult:
        text = self.render(dict(arguments or {}))
        message = PromptMessage(role="user", content=TextContent(type="text", text=text))
        return GetPromptResult(description=self.definition.description, messages=[message])


def make_prompt(name: str, templates: dict[str, Template]) -> ServedPrompt:
    default_period = DEFAULT_PERIODS.get(name, "last month")
    english = templates.get("en") or next(iter(templates.values()))

    def render(arguments: dict[str, str]) -> str:
        period = arguments.pop("period", default_period)
        lang = arguments.pop("lang", "en")
        if arguments:
            raise MCPError(code=INVALID_PARAMS, message=f"{', '.join(sorted(arguments))}: unknown argument; "
                           "allowed arguments: period, lang")
        if not isinstance(period, str):
            raise MCPError(code=INVALID_PARAMS, message="period: must be a text phrase such as 'last month'")
        template = templates.get(normalise_lang(str(lang)), english)
        return template.render(period.strip() or default_period)

    definition = Prompt(
        name=name,
        title=english.title,
        description=english.description,
        arguments=[
            PromptArgument(name="period", required=False, description=(
                "A period phrase in English or Chinese, e.g. 'last month', '2026-10', 'past 90 days', "
                f"'上个月' (default '{default_period}')")),
            PromptArgument(name="lang", required=False,
                           description="Language of the prompt: en or zh (default en)"),
        ],
    )
    return ServedPrompt(definition, render)


def load_prompts(directory: Traversable = PROMPTS_DIR) -> list[ServedPrompt]:
    """One prompt per template name in `directory` (none, with a warning, when it holds no templates)."""
    found = load_templates(directory)
    if not found:
        logging.getLogger("partnerboost.server").warning(
            "no prompt templates found in %s; the server runs without prompts", directory,
        )
    return [make_prompt(name, templates) for name, templates in found.items()]
