"""The agent loop: Claude answers with tool use over the MCP server's own tools, in process.

    async with open_agent(settings, api_key) as agent:
        reply = await agent.answer(Conversation(), "which partners grew but convert worse?", lang="en")

One answer = model call → the tools it asks for (through `mcp.Client` on `build_server(...)`) → model call …
until it answers, bounded by `settings.agent_max_rounds` tool rounds, `settings.agent_token_budget` tokens and
`settings.agent_timeout` seconds. Every figure of the final text is checked against the tool results of the
conversation (agent.grounding): if some are not there, the model gets one chance to correct itself, and what
is still ungrounded is marked. Write tools only preview: the previewed call is performed, exactly as
previewed, only when the user's next message confirms it (agent.confirmation); the model can never set
`confirm` itself.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import anthropic
from mcp import Client
from mcp.server.lowlevel import Server
from mcp.types import Tool
from pydantic import ValidationError

from partnerboost_skill.agent.confirmation import is_confirmation
from partnerboost_skill.agent.grounding import Evidence, Figure, mark, ungrounded
from partnerboost_skill.agent.prompt import system_blocks
from partnerboost_skill.agent.tools import (
    CACHE_CONTROL,
    CONFIRM_FLAG,
    DRY_RUN_FLAG,
    ToolOutput,
    anthropic_tools,
    is_write_tool,
    tool_output,
)
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.redaction import Redactor
from partnerboost_skill.config import Settings
from partnerboost_skill.questions import BY_TOOL, Question
from partnerboost_skill.runtime import DEMO_NOTICE

MAX_OUTPUT_TOKENS = 4096
"""Tokens one model response may use (the token budget may lower it)."""
MIN_OUTPUT_TOKENS = 256
KEPT_TURNS = 10
"""Earlier question/answer pairs sent with each new question (older ones are dropped)."""
SDK_RETRIES = 2
REPAIR_MARGIN = 1.0
"""Seconds kept free while the model corrects its figures: a late correction leaves the first answer."""
Stop = Literal["answered", "rounds", "budget", "length"]


class AgentError(Exception):
    """The agent could not answer; the message is safe to show (no secrets)."""


class AgentUnavailable(AgentError):
    """The Claude API could not be used (unreachable, refused the key, overloaded)."""


class AgentTimeout(AgentError):
    """No answer within the deadline."""


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]
    output: ToolOutput
    sent_write: bool = False


@dataclass(frozen=True)
class PendingWrite:
    """A write the model previewed; performed exactly so if the user's next message confirms it."""

    tool: str
    arguments: dict[str, Any]


@dataclass
class Usage:
    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    calls: int = 0

    @property
    def total(self) -> int:
        return self.input + self.output + self.cache_read + self.cache_write

    def add(self, usage: Any) -> None:
        self.calls += 1
        self.input += usage.input_tokens or 0
        self.output += usage.output_tokens or 0
        self.cache_read += getattr(usage, "cache_read_input_tokens", None) or 0
        self.cache_write += getattr(usage, "cache_creation_input_tokens", None) or 0


@dataclass
class _Run:
    """What one answer has spent so far."""

    usage: Usage
    calls: list[ToolCall]
    deadline: float
    rounds: int = 0


@dataclass
class Conversation:
    """One chat's memory: earlier questions and answers, the numbers its tools returned, pending writes."""

    history: list[dict[str, Any]] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    pending: list[PendingWrite] = field(default_factory=list)

    def remember(self, question: str, answer: str) -> None:
        self.history += [_user(question), {"role": "assistant", "content": [_text(answer or "…")]}]
        del self.history[: max(0, len(self.history) - 2 * KEPT_TURNS)]


@dataclass
class AgentReply:
    text: str
    """The final answer, with every ungrounded figure marked."""
    unverified: list[str]
    calls: list[ToolCall]
    demo: bool
    stopped: Stop
    usage: Usage
    model: str
    answered: tuple[Question[Any, Any], Answer] | None = None
    """The last question a tool answered, with its full result (for the question's chart)."""
    pending: list[PendingWrite] = field(default_factory=list)


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [_text(text)]}


def _block_param(block: Any) -> dict[str, Any]:
    """A response content block as it is sent back in the next request."""
    if block.type == "text":
        return _text(block.text)
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return dict(block.model_dump(exclude_none=True))


def _with_breakpoint(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy whose last content block carries a cache breakpoint, so each round reads the previous one."""
    if not messages:
        return messages
    last = messages[-1]
    blocks = [dict(block) for block in last["content"]]
    blocks[-1]["cache_control"] = CACHE_CONTROL
    return [*messages[:-1], {**last, "content": blocks}]


def _answer_in(call: ToolCall) -> tuple[Question[Any, Any], Answer] | None:
    """The question a tool call answered and its result, when the tool is a question's and returned it whole
    (a result cut to fit the size limit does not validate)."""
    question = BY_TOOL.get(call.name)
    if question is None or not call.output.structured or call.output.is_error:
        return None
    data = {k: v for k, v in call.output.structured.items() if k not in ("demo", "notice")}
    try:
        return question, question.result_type.model_validate(data)
    except ValidationError:
        return None


def _is_demo(output: ToolOutput) -> bool:
    return bool(output.structured and output.structured.get("demo") is True) or output.text.startswith(
        DEMO_NOTICE.split(":")[0]
    )


def _repair_request(flagged: Sequence[Figure]) -> str:
    listed = ", ".join(dict.fromkeys(f.text for f in flagged))
    return (f"Automatic check of your answer: these figures do not appear in any tool result of this "
            f"conversation: {listed}. Rewrite the whole answer using only figures exactly as the tools gave "
            "them (call a tool if you need one), or leave them out. Reply with the corrected answer only.")


class Agent:
    """A Claude model with the MCP server's tools; one instance serves many conversations."""

    def __init__(self, claude: anthropic.AsyncAnthropic, mcp_client: Client, settings: Settings,
                 redactor: Redactor) -> None:
        self.claude = claude
        self.mcp = mcp_client
        self.settings = settings
        self.redact = redactor
        self.tools: list[Tool] = []
        self._definitions: list[dict[str, Any]] = []

    async def refresh_tools(self) -> None:
        """Read tools/list again (a dynamic toolset may have changed it)."""
        listed: list[Tool] = []
        cursor: str | None = None
        while True:
            page = await self.mcp.list_tools(cursor=cursor, cache_mode="refresh")
            listed.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        if [t.model_dump() for t in listed] != [t.model_dump() for t in self.tools]:
            self.tools = listed
            self._definitions = anthropic_tools(listed)

    def _tool(self, name: str) -> Tool | None:
        return next((tool for tool in self.tools if tool.name == name), None)

    async def answer(self, conversation: Conversation, question: str, *, lang: str = "en",
                     fmt: str = "markdown") -> AgentReply:
        """Answer one user message within the deadline; raises AgentTimeout or AgentUnavailable."""
        timeout = self.settings.agent_timeout
        try:
            async with asyncio.timeout(timeout):
                return await self._answer(conversation, question, lang, fmt, time.monotonic() + timeout)
        except TimeoutError:
            raise AgentTimeout(f"no answer within {timeout:g} s (PARTNERBOOST_AGENT_TIMEOUT)") from None

    async def _answer(self, conversation: Conversation, question: str, lang: str, fmt: str,
                      deadline: float) -> AgentReply:
        usage = Usage()
        calls: list[ToolCall] = []
        conversation.evidence.add(question)
        content = [_text(question)]
        confirmed = conversation.pending if is_confirmation(question) else []
        conversation.pending = []
        for write in confirmed:
            call = await self._perform(write, conversation)
            calls.append(call)
            content.append(_text(
                f"[Note from the application, not the user: the user confirmed, so the write {write.tool} "
                f"was performed exactly as previewed. Result: {call.output.text}]"))
        messages = [*conversation.history, {"role": "user", "content": content}]
        run = _Run(usage=usage, calls=calls, deadline=deadline)
        final, stopped = await self._rounds(messages, conversation, run, lang, fmt)
        flagged = ungrounded(final, conversation.evidence)
        time_left = run.deadline - time.monotonic()
        if flagged and stopped == "answered" and time_left > self.settings.agent_timeout / 3:
            messages.append(_user(_repair_request(flagged)))
            try:
                async with asyncio.timeout(run.deadline - time.monotonic() - REPAIR_MARGIN):
                    repaired, repair_stop = await self._rounds(messages, conversation, run, lang, fmt)
            except (AgentUnavailable, TimeoutError):
                repaired, repair_stop = "", "answered"
            if repaired.strip() and repair_stop == "answered":
                final = repaired
        flagged = ungrounded(final, conversation.evidence)
        conversation.remember(question, final)
        answered = [found for call in calls if (found := _answer_in(call))]
        return AgentReply(
            text=self.redact(mark(final, flagged)),
            unverified=[self.redact(figure.text) for figure in flagged],
            calls=calls,
            demo=any(_is_demo(call.output) for call in calls),
            stopped=stopped,
            usage=usage,
            model=self.settings.agent_model,
            answered=answered[-1] if answered else None,
            pending=list(conversation.pending),
        )

    async def _rounds(self, messages: list[dict[str, Any]], conversation: Conversation, run: _Run, lang: str,
                      fmt: str) -> tuple[str, Stop]:
        """Model calls and the tools they ask for, until the model answers or a bound is reached."""
        while True:
            room = self.settings.agent_token_budget - run.usage.total
            if room < MIN_OUTPUT_TOKENS:
                return "", "budget"
            response = await self._create(messages, lang, fmt, min(MAX_OUTPUT_TOKENS, room),
                                          tools_allowed=run.rounds < self.settings.agent_max_rounds,
                                          deadline=run.deadline)
            run.usage.add(response.usage)
            messages.append({"role": "assistant",
                             "content": [_block_param(block) for block in response.content] or [_text("…")]})
            uses = [block for block in response.content if block.type == "tool_use"]
            text = "\n\n".join(block.text for block in response.content if block.type == "text").strip()
            if not uses or response.stop_reason != "tool_use":
                return text, "length" if response.stop_reason == "max_tokens" else "answered"
            if run.rounds >= self.settings.agent_max_rounds:
                return text, "rounds"
            run.rounds += 1
            results = []
            for use in uses:
                call = await self._call(use.name, dict(use.input or {}), conversation)
                run.calls.append(call)
                results.append({"type": "tool_result", "tool_use_id": use.id,
                                "is_error": call.output.is_error, "content": [_text(call.output.text)]})
            messages.append({"role": "user", "content": results})
            await self.refresh_tools()

    async def _create(self, messages: list[dict[str, Any]], lang: str, fmt: str, max_tokens: int, *,
                      tools_allowed: bool, deadline: float) -> Any:
        options: dict[str, Any] = {}
        if self._definitions:
            options["tools"] = self._definitions
            options["tool_choice"] = {"type": "auto"} if tools_allowed else {"type": "none"}
        try:
            return await self.claude.messages.create(
                model=self.settings.agent_model,
                max_tokens=max_tokens,
                # plain dicts of the shapes the SDK's TypedDicts describe (with cache_control breakpoints)
                system=system_blocks(lang, fmt),  # type: ignore[arg-type]
                messages=_with_breakpoint(messages),  # type: ignore[arg-type]
                timeout=max(1.0, deadline - time.monotonic()),
                **options,
            )
        except anthropic.APIStatusError as exc:
            raise AgentUnavailable(self.redact(
                f"the Claude API answered HTTP {exc.status_code}: {_api_message(exc)}")) from None
        except anthropic.APITimeoutError:
            raise AgentTimeout("the Claude API did not answer in time") from None
        except anthropic.APIConnectionError as exc:
            raise AgentUnavailable(self.redact(f"the Claude API could not be reached ({exc})")) from None

    async def _call(self, name: str, arguments: dict[str, Any], conversation: Conversation) -> ToolCall:
        tool = self._tool(name)
        if tool is None:
            known = ", ".join(t.name for t in self.tools)
            return ToolCall(name, arguments, ToolOutput(f"Unknown tool {name!r}; the tools are: {known}.",
                                                        True, None))
        note = ""
        if is_write_tool(tool):
            if arguments.get(CONFIRM_FLAG) not in (None, False):
                note = ("Note: confirm was ignored. In this conversation a write is performed only after the "
                        "user confirms the preview in their next message.\n\n")
            arguments = {k: v for k, v in arguments.items() if k not in (CONFIRM_FLAG, DRY_RUN_FLAG)}
        output = await self._run(name, arguments)
        if is_write_tool(tool) and not output.is_error:
            conversation.pending.append(PendingWrite(name, arguments))
            output = ToolOutput(note + output.text, False, output.structured)
        conversation.evidence.add(output.text)
        return ToolCall(name, arguments, output)

    async def _perform(self, write: PendingWrite, conversation: Conversation) -> ToolCall:
        output = await self._run(write.tool, {**write.arguments, CONFIRM_FLAG: True})
        conversation.evidence.add(output.text)
        return ToolCall(write.tool, write.arguments, output, sent_write=not output.is_error)

    async def _run(self, name: str, arguments: dict[str, Any]) -> ToolOutput:
        try:
            result = await self.mcp.call_tool(name, arguments)
        except Exception as exc:  # the tool's own failure, told to the model as a tool error
            return ToolOutput(self.redact(f"{name} failed: {exc}"), True, None)
        output = tool_output(result)
        return ToolOutput(self.redact(output.text), output.is_error, output.structured)


def _api_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
    return json.dumps(body)[:300] if body else exc.message[:300]


def secrets_for(settings: Settings, *extra: str | None) -> list[str]:
    """Every secret a reply or log line must not contain: PartnerBoost credentials and the given keys."""
    values = [*settings.credentials.secret_values(), *(value for value in extra if value)]
    if settings.mcp_token:
        values.append(settings.mcp_token.get_secret_value())
    return values


@asynccontextmanager
async def open_agent(settings: Settings, api_key: str, *, server: Server[Any] | None = None,
                     extra_secrets: Sequence[str] = ()) -> AsyncIterator[Agent]:
    """An agent over `server` (default: `build_server(settings)`, the same server `partnerboost serve` runs).

    The Claude base URL is the SDK's own choice (ANTHROPIC_BASE_URL, else Anthropic's API)."""
    from partnerboost_skill.server import build_server

    redactor = Redactor(secrets_for(settings, api_key, *extra_secrets))
    server = server or build_server(settings)
    claude = anthropic.AsyncAnthropic(api_key=api_key, max_retries=SDK_RETRIES)
    try:
        async with Client(server) as mcp_client:
            agent = Agent(claude, mcp_client, settings, redactor)
            await agent.refresh_tools()
            yield agent
    except BaseExceptionGroup as group:
        raise first_leaf(group) from None
    finally:
        await claude.close()


def first_leaf(group: BaseExceptionGroup) -> BaseException:
    """The error that matters in an exception group raised by a task group (the first one not a
    cancellation), so callers can catch AgentError, PartnerBoostError, ... as usual."""
    for leaf in group.exceptions:
        found = first_leaf(leaf) if isinstance(leaf, BaseExceptionGroup) else leaf
        if not isinstance(found, asyncio.CancelledError):
            return found
    return group
