"""A tool as the server runs it: its definition (what `tools/list` shows) and a handler that validates its own
arguments and builds its own result, so that every failure the model sees is one clear paragraph: invalid
arguments name the parameter and what is allowed, PartnerBoost errors keep their message (already free of
secrets), and anything unexpected is reported without internals."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent, Tool, ToolAnnotations

from partnerboost_skill.api.errors import IncompleteData, PartnerBoostError

logger = logging.getLogger("partnerboost.server")


class ToolError(Exception):
    """A failure the caller can act on; its message is the whole tool result (is_error)."""


class ToolContext(Protocol):
    """What a running tool may use of its request: progress notifications to the caller."""

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None: ...


Handler = Callable[[dict[str, Any], ToolContext], Awaitable[CallToolResult]]


@dataclass(frozen=True)
class ServerTool:
    """One tool: `definition` is listed as is; `handler(arguments, ctx)` validates and answers."""

    definition: Tool
    handler: Handler

    @property
    def name(self) -> str:
        return self.definition.name


def error_text(exc: PartnerBoostError) -> str:
    """The message a model can act on; for incomplete data, what is missing."""
    text = exc.message
    if isinstance(exc, IncompleteData) and exc.missing:
        missing = "; ".join(exc.missing[:10])
        more = f" (and {len(exc.missing) - 10} more)" if len(exc.missing) > 10 else ""
        text += f" Fetched {len(exc.records)} records"
        text += f" of {exc.total}" if exc.total is not None else ""
        text += f". Missing: {missing}{more}."
    return text


REPORTABLE = (ToolError, MCPError, PartnerBoostError)
MAX_ERROR_CHARS = 4_000
"""An error the model reads is one paragraph: text echoed from arguments or upstream never makes it longer."""


def capped(text: str) -> str:
    if len(text) <= MAX_ERROR_CHARS:
        return text
    return f"{text[:MAX_ERROR_CHARS]}… (cut: the message had {len(text):,} characters)"


def reportable(exc: BaseException) -> BaseException:
    """The error to report: for an exception group (concurrent fetches), its first reportable leaf."""
    if isinstance(exc, BaseExceptionGroup):
        for leaf in exc.exceptions:
            found = reportable(leaf)
            if isinstance(found, REPORTABLE):
                return found
    return exc


def failure(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


async def run_tool(tool: ServerTool, arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
    """The tool's answer, or its failure as an error result (an MCPError stays a protocol error)."""
    try:
        return await tool.handler(arguments, ctx)
    except Exception as raised:
        exc = reportable(raised)
        if isinstance(exc, MCPError):
            if exc is raised:
                raise
            raise exc from raised
        if isinstance(exc, ToolError):
            logger.info("Tool %r failed: %r", tool.name, capped(str(exc)))
            return failure(capped(str(exc)))
        if isinstance(exc, PartnerBoostError):
            logger.info("Tool %r failed: %r", tool.name, capped(exc.message))
            return failure(capped(error_text(exc)))
        logger.exception("Tool %r raised an unexpected exception", tool.name)
        return failure(
            f"{tool.name} failed unexpectedly ({type(exc).__name__}); the server log has the details."
        )


def make_tool(
    *,
    name: str,
    title: str,
    description: str,
    input_schema: dict[str, Any],
    output_schema: dict[str, Any] | None,
    annotations: ToolAnnotations,
    handler: Handler,
) -> ServerTool:
    definition = Tool(
        name=name,
        title=title,
        description=description,
        input_schema=input_schema,
        output_schema=output_schema,
        annotations=annotations,
    )
    return ServerTool(definition, handler)


def result(text: str, structured: dict[str, Any] | None = None) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)
