"""The deadline of one answer or tool call, shared by every request made for it.

An entry point (a CLI answer, an MCP tool call) opens `answer_deadline(seconds)`; the client reads the
deadline in force from a context variable, which concurrent fetches (task groups) inherit. Every request is
bounded by what is left, including its body (a server that trickles bytes cannot extend it), and no retry or
rate-limit wait is started that would end after it. A call made outside any answer gets a deadline of its
own (`ensure_deadline`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from partnerboost_skill.api.errors import DeadlineExceeded

DEFAULT_DEADLINE_SECONDS = 120.0
MIN_DEADLINE_SECONDS = 1.0
MAX_DEADLINE_SECONDS = 3600.0
DEADLINE_SETTING = "PARTNERBOOST_DEADLINE_SECONDS"


@dataclass(frozen=True)
class Deadline:
    seconds: float
    expires_at: float
    """time.monotonic() value (the clock asyncio's loop uses)."""

    @classmethod
    def start(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.expires_at - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def exceeded(self, waiting_for: str, *, action: str | None = None) -> DeadlineExceeded:
        return DeadlineExceeded(self.seconds, waiting_for, setting=DEADLINE_SETTING, action=action)


_current: ContextVar[Deadline | None] = ContextVar("partnerboost_deadline", default=None)


def current_deadline() -> Deadline | None:
    return _current.get()


@contextmanager
def answer_deadline(seconds: float | None = None) -> Iterator[Deadline]:
    """A new deadline of `seconds` (default 120) for everything done inside; an enclosing, earlier deadline
    still applies (a tool call inside an answer cannot outlive the answer)."""
    seconds = DEFAULT_DEADLINE_SECONDS if seconds is None else seconds
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"a deadline must be a positive number of seconds, got {seconds!r}")
    deadline = Deadline.start(seconds)
    outer = _current.get()
    if outer is not None and outer.expires_at < deadline.expires_at:
        deadline = outer
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


@contextmanager
def ensure_deadline(seconds: float | None = None) -> Iterator[Deadline]:
    """The deadline in force, or a new one of `seconds` when there is none."""
    deadline = _current.get()
    if deadline is not None:
        yield deadline
        return
    with answer_deadline(seconds) as started:
        yield started
