"""Handlers keyed by tool name, and what a handler receives besides its parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partnerboost_skill.sandbox.handlers.state import SandboxState


@dataclass(frozen=True)
class RequestContext:
    token: str | None
    """The family's credential token (publisher/Amazon rate limits are per token); never shown."""
    now: datetime
    """The app clock at the time of the request."""


Handler = Callable[["SandboxState", Any, RequestContext], Any]

HANDLERS: dict[str, Handler] = {}


def handles(tool_name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of the action `tool_name`."""

    def register(function: Handler) -> Handler:
        if tool_name in HANDLERS:
            raise RuntimeError(f"two sandbox handlers for {tool_name}")
        HANDLERS[tool_name] = function
        return function

    return register


def page_bounds(page_num: int | None, page_size: int | None, default_size: int) -> tuple[int, int]:
    """(page_num, page_size) with defaults applied; both at least 1."""
    return max(1, page_num or 1), max(1, page_size or default_size)
