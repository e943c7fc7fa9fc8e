"""The agent's answer (Markdown written by the model) as a Document, so every chat format and its limits
apply.

The model's own formatting is kept (bold, bullets, tables, headings); what chat apps turn into mentions or
links is defanged, because the model may repeat partner names and other text from the API. Our own lines
(demo data, unverified figures, why an answer stopped early, a write that was only previewed) are added in the
answer's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from partnerboost_skill.render import i18n
from partnerboost_skill.render.blocks import Block, Bullets, Document, Line, Table, Title
from partnerboost_skill.render.formats import Format
from partnerboost_skill.render.i18n import Lang

MAX_PARAGRAPH = 1200
"""Characters of one paragraph per Line (longer ones are cut at sentence ends so Discord's 2,000 fit)."""
ZWSP = "\u200b"

_TEXT: dict[str, dict[Lang, str]] = {
    "unverified": {
        "en": "⚠ Unverified: {figures} — not found in any data this answer used; do not rely on {them}.",
        "zh": "⚠ 未经核实：{figures}——本次回答所用的数据中找不到这些数字，请勿据此决策。",
    },
    "stopped_rounds": {
        "en": "The answer stopped after {rounds} tool rounds (PARTNERBOOST_AGENT_MAX_ROUNDS); ask a narrower "
              "question for more.",
        "zh": "已达到工具调用轮数上限（{rounds} 轮，PARTNERBOOST_AGENT_MAX_ROUNDS），"
              "如需更多请缩小问题范围。",
    },
    "stopped_budget": {
        "en": "The answer stopped at the token budget (PARTNERBOOST_AGENT_TOKEN_BUDGET); ask a narrower "
              "question for more.",
        "zh": "已达到 token 预算上限（PARTNERBOOST_AGENT_TOKEN_BUDGET），如需更多请缩小问题范围。",
    },
    "stopped_length": {
        "en": "The answer was cut at the model's output limit.",
        "zh": "回答因模型输出长度上限被截断。",
    },
    "empty": {
        "en": "The model gave no answer; please rephrase the question.",
        "zh": "模型没有给出回答，请换个说法再问一次。",
    },
    "pending_chat": {
        "en": "Nothing was changed: {actions} only previewed. Reply \"yes\" to perform exactly this.",
        "zh": "尚未执行任何更改：{actions} 仅为预览。回复“确认”即按此执行。",
    },
    "pending_once": {
        "en": "Nothing was changed: {actions} only previewed. To perform it, confirm in `partnerboost chat` "
              "or run `partnerboost call <action> … --confirm`.",
        "zh": "尚未执行任何更改：{actions} 仅为预览。如需执行，请在 `partnerboost chat` 中确认，或运行 "
              "`partnerboost call <action> … --confirm`。",
    },
}
_URL_SCHEME = re.compile(r"(?i)(\w)(://)")
_WWW = re.compile(r"(?i)\b(www)\.")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*\*\*([^*]+)\*\*:?\s*$")
_BULLET = re.compile(r"^\s*[-*•+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3}[.)、])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def text(key: str, lang: Lang, **values: object) -> str:
    return _TEXT[key][lang].format(**values)


def defang(text_: str, fmt: Format) -> str:
    """Model text that cannot ping (@everyone, <@id>, Feishu <at>) or turn into links."""
    out = _URL_SCHEME.sub(rf"\1{ZWSP}\2", text_)
    out = _WWW.sub(rf"\1{ZWSP}.", out)
    out = out.replace("@", f"@{ZWSP}")
    if fmt == "feishu":
        out = out.replace("<", "‹").replace(">", "›")
    return out


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _side(rule: str) -> Literal["l", "r"]:
    """A Markdown table's alignment row cell ('---:' right, anything else left)."""
    return "r" if rule.endswith(":") and not rule.startswith(":") else "l"


def _table(lines: list[str], fmt: Format) -> Table | None:
    if len(lines) < 2 or not _TABLE_RULE.match(lines[1]):
        return None
    headers = _cells(lines[0])
    rules = _cells(lines[1])
    width = len(headers)
    align = tuple(_side(rule) for rule in [*rules, *[""] * width][:width])

    def cell(value: str) -> str:
        return value.replace("**", "").replace("`", "") if fmt == "discord" else value

    rows = []
    for line in lines[2:]:
        values = [cell(value) for value in _cells(line)]
        rows.append(tuple((values + [""] * width)[:width]))
    return Table(headers=tuple(cell(h) for h in headers), rows=tuple(rows), align=align)


def _paragraph(lines: list[str]) -> list[Block]:
    joined = " ".join(line.strip() for line in lines if line.strip())
    if not joined:
        return []
    pieces, current, start = [], "", 0
    ends = [match.end() for match in _SENTENCE_END.finditer(joined)] + [len(joined)]
    for end in ends:
        sentence = joined[start:end]
        start = end
        if current and len(current) + len(sentence) > MAX_PARAGRAPH:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return [Line((piece.strip()[:MAX_PARAGRAPH * 2],)) for piece in pieces if piece.strip()]


def markdown_blocks(markdown: str, fmt: Format) -> list[Block]:
    """The model's Markdown as blocks: headings and bold lines → titles, bullets, tables, paragraphs."""
    blocks: list[Block] = []
    lines = defang(markdown, fmt).replace("\r\n", "\n").split("\n")
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if bullets:
            blocks.append(Bullets(tuple((item,) for item in bullets)))
            bullets.clear()
        blocks.extend(_paragraph(paragraph))
        paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip().startswith("|"):
            run = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                run.append(lines[index])
                index += 1
            flush()
            table = _table(run, fmt)
            blocks.extend([table] if table else [Line((row.strip(),)) for row in run])
            continue
        index += 1
        if not line.strip():
            flush()
        elif heading := _HEADING.match(line) or _BOLD_LINE.match(line):
            flush()
            blocks.append(Title((heading.group(1).strip().strip("*").strip(),)))
        elif bullet := _BULLET.match(line):
            if paragraph:
                flush()
            bullets.append(bullet.group(1).strip())
        elif numbered := _NUMBERED.match(line):
            flush()
            blocks.append(Line((f"{numbered.group(1)} {numbered.group(2).strip()}",)))
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + line.strip()
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
    return blocks


def agent_document(
    answer: str,
    lang: Lang,
    fmt: Format,
    *,
    demo: bool = False,
    unverified: Sequence[str] = (),
    stopped: Literal["answered", "rounds", "budget", "length"] = "answered",
    rounds: int = 0,
    pending: Sequence[str] = (),
    can_confirm: bool = False,
) -> Document:
    doc = Document()
    if demo:
        doc.add(Line((i18n.text("demo", lang),), tone="warning"))
    body = markdown_blocks(answer, fmt) if answer.strip() else [Line((text("empty", lang),), tone="warning")]
    doc.blocks.extend(body)
    if unverified:
        figures = i18n.list_sep(lang).join(dict.fromkeys(unverified))
        doc.add(Line((text("unverified", lang, figures=figures,
                           them="it" if len(set(unverified)) == 1 else "them"),), tone="warning"))
    if stopped != "answered":
        doc.add(Line((text(f"stopped_{stopped}", lang, rounds=rounds),), tone="warning"))
    if pending:
        actions = i18n.list_sep(lang).join(dict.fromkeys(f"`{name}`" for name in pending))
        doc.add(Line((text("pending_chat" if can_confirm else "pending_once", lang, actions=actions),),
                     tone="warning"))
    return doc
