"""A fake Claude Messages API (POST /v1/messages) on loopback, answering from a script.

Each step of the script answers one request, in order: a response dict, or a function of the request body
(e.g. one that reads the tool result it was sent and quotes a figure from it). A step with "delay" answers
that many seconds late; one with "status" answers with that HTTP status and its "body". Every request is
recorded with its headers, so tests can check what the SDK sent: the tools, the cache breakpoints, the tool
results.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

Step = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


def message(*content: dict[str, Any], stop: str = "end_turn",
            tokens: tuple[int, int] = (1200, 80)) -> dict[str, Any]:
    return {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-fake",
        "content": list(content), "stop_reason": stop, "stop_sequence": None,
        "usage": {"input_tokens": tokens[0], "output_tokens": tokens[1], "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0},
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(name: str, arguments: dict[str, Any], use_id: str = "toolu_1") -> dict[str, Any]:
    return {"type": "tool_use", "id": use_id, "name": name, "input": arguments}


def asks_tool(name: str, arguments: dict[str, Any], use_id: str = "toolu_1", say: str = "") -> dict[str, Any]:
    content = [text(say)] if say else []
    return message(*content, tool_use(name, arguments, use_id), stop="tool_use")


def answers(value: str) -> dict[str, Any]:
    return message(text(value))


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool_result blocks of the last user message of a request."""
    last = body["messages"][-1]
    return [block for block in last["content"]
            if isinstance(block, dict) and block.get("type") == "tool_result"]


def result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [])


def first_match(pattern: str, body: dict[str, Any]) -> str:
    """The first match of `pattern` in the tool results of the request (the figure a model would quote)."""
    for block in tool_results(body):
        found = re.search(pattern, result_text(block))
        if found:
            return found.group(1) if found.groups() else found.group(0)
    raise AssertionError(f"no {pattern!r} in the tool results sent: {json.dumps(tool_results(body))[:500]}")


class FakeClaude:
    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.app = Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    async def _messages(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        index = len(self.requests) - 1
        if index >= len(self.script):
            return JSONResponse({"type": "error", "error": {"type": "invalid_request_error",
                                 "message": f"the fake has no step {index + 1}"}}, status_code=400)
        step = self.script[index]
        try:
            reply = step(body) if callable(step) else step
        except AssertionError as exc:
            return JSONResponse({"type": "error", "error": {"type": "invalid_request_error",
                                 "message": str(exc)}}, status_code=400)
        if "delay" in reply:
            await asyncio.sleep(reply.pop("delay"))
        if "status" in reply:
            return JSONResponse(reply["body"], status_code=reply["status"])
        return JSONResponse(reply)
