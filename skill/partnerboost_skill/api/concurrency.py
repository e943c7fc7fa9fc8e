"""How many requests a client keeps in flight: up to a maximum, halved when the API says it is rate
limited and grown back slowly while requests succeed (additive increase, multiplicative decrease, as in TCP).

A burst of rate-limit answers to requests that were all sent under the same limit halves the limit once, not
once per answer: each request remembers the generation of the limit it was sent under, and only an answer to a
request of the current generation cuts again. Waiting requests are admitted first come, first served.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import anyio

Outcome = Literal["ok", "rate_limited", "other"]


@dataclass(frozen=True)
class Ticket:
    """One admitted request: the limit generation it was sent under."""

    generation: int


class AdaptiveLimit:
    """Bounded concurrency between `minimum` and `maximum` slots, starting at `maximum`.

    `acquire()` waits for a free slot; `release(ticket)` frees it and `adapt(ticket, outcome)` adapts the
    limit (`release(ticket, outcome)` does both): "rate_limited" halves it (once per generation), "ok" adds
    1/slots (a full window of successes adds one slot), "other" (says nothing about load) leaves it.
    """

    def __init__(self, maximum: int, *, minimum: int = 1) -> None:
        if minimum < 1:
            raise ValueError(f"minimum must be at least 1, got {minimum}")
        if maximum < minimum:
            raise ValueError(f"maximum must be at least minimum ({minimum}), got {maximum}")
        self.maximum = maximum
        self.minimum = minimum
        self.limit = float(maximum)
        self.in_flight = 0
        self.generation = 0
        self.cuts = 0
        """How many times the limit was halved (for logs and benchmarks)."""
        self.peak_in_flight = 0
        self._waiters: deque[anyio.Event] = deque()

    @property
    def slots(self) -> int:
        """Requests allowed in flight now."""
        return max(self.minimum, min(self.maximum, int(self.limit)))

    async def acquire(self) -> Ticket:
        if self.in_flight < self.slots and not self._waiters:
            self._admit()
            return Ticket(self.generation)
        event = anyio.Event()
        self._waiters.append(event)
        try:
            await event.wait()
        except BaseException:
            if event.is_set():  # admitted and cancelled at the same time: give the slot on
                self.in_flight -= 1
                self._wake()
            else:
                self._waiters.remove(event)
            raise
        return Ticket(self.generation)

    def release(self, ticket: Ticket, outcome: Outcome | None = None) -> None:
        """Free the slot; with an outcome, also adapt the limit (else `adapt` once the answer is read)."""
        self.in_flight -= 1
        if outcome is not None:
            self.adapt(ticket, outcome)
        self._wake()

    def adapt(self, ticket: Ticket, outcome: Outcome) -> None:
        if outcome == "rate_limited":
            if ticket.generation == self.generation:
                self.limit = max(float(self.minimum), self.limit / 2)
                self.generation += 1
                self.cuts += 1
        elif outcome == "ok":
            self.limit = min(float(self.maximum), self.limit + 1.0 / self.slots)
        self._wake()

    def _admit(self) -> None:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.slots:
            self._admit()
            self._waiters.popleft().set()
