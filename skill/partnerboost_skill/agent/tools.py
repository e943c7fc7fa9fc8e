"""The MCP server's tools as Anthropic tool definitions, and MCP tool results as Anthropic tool results.

Whatever tools/list returns is what the model gets, in the server's order (analysis tools first): the agent
never keeps a tool list of its own, so a change to the server's tools reaches the agent unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcp.types import CallToolResult, Tool

CACHE_CONTROL: dict[str, str] = {"type": "ephemeral"}
CONFIRM_FLAG = "confirm"
DRY_RUN_FLAG = "dry_run"


def is_write_tool(tool: Tool) -> bool:
    """A tool that changes the account: it takes `confirm` and does not declare itself read-only."""
    properties = (tool.input_schema or {}).get("properties") or {}
    read_only = bool(tool.annotations and tool.annotations.read_only_hint)
    return CONFIRM_FLAG in properties and not read_only


def anthropic_tool(tool: Tool) -> dict[str, Any]:
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    description = tool.description or tool.title or tool.name
    if is_write_tool(tool):
        description += ("\n\nIn this conversation a call only previews the write; it is performed only after "
                        "the user confirms in their next message. Never claim it was performed.")
    return {"name": tool.name, "description": description, "input_schema": schema}


def anthropic_tools(tools: list[Tool]) -> list[dict[str, Any]]:
    """The definitions in the server's order; the last one carries the cache breakpoint for the whole list."""
    converted = [anthropic_tool(tool) for tool in tools]
    if converted:
        converted[-1] = {**converted[-1], "cache_control": CACHE_CONTROL}
    return converted


@dataclass(frozen=True)
class ToolOutput:
    """What one tool call gave back, as the model will see it."""

    text: str
    is_error: bool
    structured: dict[str, Any] | None


def _json_in(text: str) -> Any:
    start = text.find("{")
    if start < 0:
        return None
    try:
        return json.loads(text[start:])
    except ValueError:
        return None


def tool_output(result: CallToolResult) -> ToolOutput:
    """The text blocks, plus the structured content when the text does not already carry it as JSON."""
    texts = [block.text for block in result.content if block.type == "text"]
    text = "\n\n".join(texts)
    structured = result.structured_content
    if structured is not None and not result.is_error and _json_in(text) != structured:
        text = f"{text}\n\nStructured result (JSON):\n{json.dumps(structured, ensure_ascii=False)}".strip()
    return ToolOutput(text=text or "(no content)", is_error=bool(result.is_error), structured=structured)
