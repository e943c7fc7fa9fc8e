"""What a long-running process (the MCP server) keeps in memory between questions, so a warm question does
not decode and assemble the same cached days again.

- An assembled orders frame per run of days, keyed by each day's `fetched_at`: a day refetched (its figures
  changed) or forgotten (a write) has another key, so a frame is never served for data that changed.
- The statistics signature of each cached day (what the recent-window check compares with PartnerBoost's),
  keyed the same way, so the check needs no decoded day either.

One process-wide budget of rows (LRU), shared by every cache owner (a hosted server's tenants), so memory
stays bounded however many accounts are open. Each owner's entries are apart (its own token in every key).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

import pandas as pd

from partnerboost_skill.store.signatures import Signature

MAX_ROWS = 1_000_000
"""Orders kept in memory across every frame of the process (about 160 MiB at most)."""
MAX_SIGNATURES = 50_000


class _FrameLRU:
    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows = 0
        self._frames: OrderedDict[Hashable, pd.DataFrame] = OrderedDict()

    def get(self, key: Hashable) -> pd.DataFrame | None:
        frame = self._frames.get(key)
        if frame is not None:
            self._frames.move_to_end(key)
        return frame

    def put(self, key: Hashable, frame: pd.DataFrame) -> None:
        if len(frame) > self.max_rows:
            return
        old = self._frames.pop(key, None)
        if old is not None:
            self.rows -= len(old)
        self._frames[key] = frame
        self.rows += len(frame)
        while self.rows > self.max_rows:
            _, evicted = self._frames.popitem(last=False)
            self.rows -= len(evicted)

    def drop_owner(self, owner: object) -> None:
        for key in [key for key in self._frames if isinstance(key, tuple) and key[0] is owner]:
            self.rows -= len(self._frames.pop(key))


_FRAMES = _FrameLRU(MAX_ROWS)
_SIGNATURES: OrderedDict[tuple[object, int, int, frozenset[str]], Signature] = OrderedDict()


class OrderMemo:
    """One cache owner's view of the process-wide memo (a CachingSource has one)."""

    def __init__(self) -> None:
        self._owner = object()

    def frame(self, days: tuple[tuple[int, int], ...]) -> pd.DataFrame | None:
        """The frame assembled from exactly these (day, fetched_at) pairs, if still in memory."""
        return _FRAMES.get((self._owner, days))

    def keep_frame(self, days: tuple[tuple[int, int], ...], frame: pd.DataFrame) -> None:
        _FRAMES.put((self._owner, days), frame)

    def signature(self, day: int, fetched_at: int, kinds: frozenset[str]) -> Signature | None:
        key = (self._owner, day, fetched_at, kinds)
        found = _SIGNATURES.get(key)
        if found is not None:
            _SIGNATURES.move_to_end(key)
        return found

    def keep_signature(self, day: int, fetched_at: int, kinds: frozenset[str], signature: Signature) -> None:
        _SIGNATURES[(self._owner, day, fetched_at, kinds)] = dict(signature)
        while len(_SIGNATURES) > MAX_SIGNATURES:
            _SIGNATURES.popitem(last=False)

    def forget(self) -> None:
        """Drop this owner's entries (its cache closed)."""
        _FRAMES.drop_owner(self._owner)
        for key in [key for key in _SIGNATURES if key[0] is self._owner]:
            del _SIGNATURES[key]


def memory_rows() -> int:
    """Orders held in memory by every owner (for tests and the benchmark)."""
    return _FRAMES.rows
