"""A tool that validates its own arguments and builds its own result, so that every failure the model sees is
one clear paragraph: invalid arguments name the parameter and what is allowed, PartnerBoost errors keep their
message (already free of secrets), and anything unexpected is reported without internals."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent, ToolAnnotations

from partnerboost_skill.api.errors import IncompleteData, PartnerBoostError

logger = logging.getLogger("partnerboost.server")

Handler = Callable[[dict[str, Any], Context], Awaitable[CallToolResult]]


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


class ServerTool(Tool):
    """A tool run as `fn(arguments, ctx)`; `fn` validates the raw arguments and returns a CallToolResult."""

    async def run(self, arguments: dict[str, Any], context: Context, convert_result: bool = False) -> Any:
        try:
            return await self.fn(arguments, context)
        except Exception as raised:
            exc = reportable(raised)
            if isinstance(exc, ToolError) and len(str(exc)) > MAX_ERROR_CHARS:
                raise ToolError(capped(str(exc))) from raised
            if exc is raised and isinstance(exc, ToolError | MCPError):
                raise
            if isinstance(exc, ToolError | MCPError):
                raise exc from raised
            if isinstance(exc, PartnerBoostError):
                raise ToolError(capped(error_text(exc))) from raised
            raise UnexpectedToolError(
                f"{self.name} failed unexpectedly ({type(exc).__name__}); the server log has the details."
            ) from raised


def make_tool(
    *,
    name: str,
    title: str,
    description: str,
    input_schema: dict[str, Any],
    output_schema: dict[str, Any],
    annotations: ToolAnnotations,
    handler: Handler,
) -> ServerTool:
    return ServerTool(
        fn=handler,
        name=name,
        title=title,
        description=description,
        parameters=input_schema,
        fn_metadata=FuncMetadata(arg_model=ArgModelBase, output_schema=output_schema),
        is_async=True,
        annotations=annotations,
    )


def result(text: str, structured: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)
