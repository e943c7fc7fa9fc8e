"""The MCP requests the server answers, over what it serves: tools (list, call), prompts (list, get) and
resources (list, read). These are the handlers of the SDK's low-level `Server` (its public API for tools built
at run time: each tool brings its own schema and validates its own arguments)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    CallToolResult,
    GetPromptRequestParams,
    GetPromptResult,
    ListPromptsResult,
    ListResourcesResult,
    ListToolsResult,
    PaginatedRequestParams,
    ReadResourceRequestParams,
    ReadResourceResult,
    TextResourceContents,
)

from partnerboost_skill.server.prompts import ServedPrompt
from partnerboost_skill.server.resources import ServedResource
from partnerboost_skill.server.tool_base import ServerTool, failure, run_tool


class RequestProgress:
    """Progress of the request being answered, reported to its caller (nothing when it asked for none)."""

    def __init__(self, ctx: ServerRequestContext[Any, Any]) -> None:
        self._session = ctx.session

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        await self._session.report_progress(progress, total, message)


@dataclass
class Handlers:
    tools: Sequence[ServerTool]
    prompts: Sequence[ServedPrompt]
    resources: Sequence[ServedResource]

    def __post_init__(self) -> None:
        self._tools = {tool.name: tool for tool in self.tools}
        self._prompts = {prompt.name: prompt for prompt in self.prompts}
        self._resources = {resource.uri: resource for resource in self.resources}
        if len(self._tools) != len(self.tools):
            raise ValueError("two tools share a name")

    def tool_input_schema(self, name: str) -> dict[str, Any] | None:
        tool = self._tools.get(name)
        return None if tool is None else tool.definition.input_schema

    async def list_tools(
        self, ctx: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        return ListToolsResult(tools=[tool.definition for tool in self.tools])

    async def call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: CallToolRequestParams
    ) -> CallToolResult:
        tool = self._tools.get(params.name)
        if tool is None:
            return failure(f"Unknown tool: {params.name}. The tools are: {', '.join(self._tools)}.")
        return await run_tool(tool, dict(params.arguments or {}), RequestProgress(ctx))

    async def list_prompts(
        self, ctx: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListPromptsResult:
        return ListPromptsResult(prompts=[prompt.definition for prompt in self.prompts])

    async def get_prompt(
        self, ctx: ServerRequestContext[Any, Any], params: GetPromptRequestParams
    ) -> GetPromptResult:
        prompt = self._prompts.get(params.name)
        if prompt is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown prompt: {params.name}; the prompts are: "
                           f"{', '.join(self._prompts)}")
        return prompt.get(params.arguments)

    async def list_resources(
        self, ctx: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        return ListResourcesResult(resources=[resource.definition for resource in self.resources])

    async def read_resource(
        self, ctx: ServerRequestContext[Any, Any], params: ReadResourceRequestParams
    ) -> ReadResourceResult:
        uri = str(params.uri)
        resource = self._resources.get(uri)
        if resource is None:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown resource: {uri}", data={"uri": uri})
        text = await resource.read()
        mime_type = resource.definition.mime_type or "text/plain"
        return ReadResourceResult(contents=[TextResourceContents(uri=uri, text=text, mime_type=mime_type)])
