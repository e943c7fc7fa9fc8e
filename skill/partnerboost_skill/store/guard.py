"""Using the cache without ever failing an answer because of it.

A `StoreSession` is one question's use of the store. A damaged store is rebuilt (once per session) and the
operation retried. A store that cannot be read makes the session carry on without it (everything is fetched
live); one that cannot be written keeps serving what it holds and saves nothing more. Either way the answer
says so in one note whose words match what happened (no database text: that goes to the log).

`claiming(days)` holds the right to fetch some days (one fetch per account and days at a time, across
questions and processes); a question that had to wait learns so and reads what the other one saved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any, TypeVar

import anyio

from partnerboost_skill.store.backend import CacheBackend, Claim, StoreUnavailable

T = TypeVar("T")

CLAIM_WAIT = 30.0
"""Seconds a question waits for another one fetching the same days before fetching them itself."""
_FAILED: Any = object()


class StoreSession:
    def __init__(self, store: CacheBackend | None) -> None:
        self.store = store
        self.readable = store is not None
        self.can_write = store is not None
        self.rebuilt = False
        self.notes: list[str] = []

    @property
    def writable(self) -> bool:
        return self.can_write

    @property
    def disabled(self) -> bool:
        return not self.readable

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    async def run(self, job: Callable[[CacheBackend], T], default: T, *, writes: bool = False) -> T:
        """`job(store)` in a worker thread; `default` and a note saying why when the store is unusable.

        `writes` says whether the job changes the store: a store that cannot be written still serves reads.
        """
        store = self.store
        if store is None or not self.readable or (writes and not self.can_write):
            return default
        while True:
            generation = store.generation
            try:
                return await anyio.to_thread.run_sync(job, store)
            except StoreUnavailable as problem:
                if problem.kind == "damaged" and not self.rebuilt:
                    self.rebuilt = True
                    try:
                        await anyio.to_thread.run_sync(store.rebuild, generation)
                    except StoreUnavailable as failure:
                        return self._give_up(failure, default, writes=writes)
                    kept = f" ({store.rebuilt_note})" if store.rebuilt_note else ""
                    self.note(
                        f"the local cache was damaged and has been rebuilt{kept}; what it could not provide "
                        "was fetched live"
                    )
                    continue
                return self._give_up(problem, default, writes=writes)

    def _give_up(self, problem: StoreUnavailable, default: T, *, writes: bool) -> T:
        self.can_write = False
        if writes:
            self.note(f"new data was not saved in the local cache: {problem.reason}")
        else:
            self.readable = False
            self.note(f"the local cache could not be read ({problem.reason}); this answer was fetched live")
        return default

    @asynccontextmanager
    async def claiming(self, days: list[int], wait: float = CLAIM_WAIT) -> AsyncIterator[bool]:
        """Hold the right to fetch `days` while inside; yields True when someone else held them first (their
        fetch may now be in the store). After `wait` seconds it goes ahead without the claim."""
        waited = False
        deadline = anyio.current_time() + wait
        delay = 0.02
        while True:
            claim: Claim | None = await self.run(lambda s: s.try_claim(days), _FAILED, writes=True)
            if claim is _FAILED:
                yield waited
                return
            if claim is not None:
                try:
                    yield waited
                finally:
                    with anyio.CancelScope(shield=True):
                        await anyio.to_thread.run_sync(_release, claim)
                return
            waited = True
            if anyio.current_time() >= deadline:
                yield waited
                return
            await anyio.sleep(delay)
            delay = min(delay * 2, 0.25)


def _release(claim: Claim) -> None:
    with suppress(StoreUnavailable):  # a claim also dies with its connection or file descriptor
        claim.release()
