"""Using the cache without ever failing an answer because of it.

A `StoreSession` is one question's use of the store. A damaged file is set aside and rebuilt (once per
session) and the operation retried; a locked or unusable file makes the session carry on without the store.
Either way the answer is fetched live where the cache could not serve it, and says so in a note.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio

from partnerboost_skill.store.database import AccountStore, StoreUnavailable

T = TypeVar("T")


class StoreSession:
    def __init__(self, store: AccountStore | None) -> None:
        self.store = store
        self.disabled = store is None
        self.rebuilt = False
        self.notes: list[str] = []

    @property
    def writable(self) -> bool:
        return not self.disabled

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    async def run(self, job: Callable[[AccountStore], T], default: T) -> T:
        """`job(store)` in a worker thread; `default` and a note saying why when the store is unusable."""
        store = self.store
        if store is None or self.disabled:
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
                        return self._give_up(failure, default)
                    aside = (
                        f" (the old file is kept as {store.rebuilt_from.name})" if store.rebuilt_from else ""
                    )
                    self.note(
                        f"the local cache file was damaged and has been rebuilt{aside}; what it could not "
                        "provide was fetched live"
                    )
                    continue
                return self._give_up(problem, default)

    def _give_up(self, problem: StoreUnavailable, default: T) -> T:
        self.disabled = True
        if problem.kind == "locked":
            self.note(
                "the local cache is locked by another process; this answer was fetched live and not saved"
            )
        else:
            self.note(f"the local cache could not be used ({problem.detail}); this answer was fetched live")
        return default
