"""Claims to fetch days of an account, inside this process (backends add the claim across processes).

Two questions about the same account and days must not both fetch them: the second waits for the first and
then reads what it saved. `claim_locally(store label, days)` takes the days for this process, or returns None
when another question here holds any of them; `LocalClaim.release()` gives them back and runs the backend's
own release (a file lock, an advisory lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_held: set[tuple[str, int]] = set()
_guard = threading.Lock()


class LocalClaim:
    def __init__(self, keys: list[tuple[str, int]]) -> None:
        self._keys = keys
        self._after: list[Callable[[], None]] = []
        self._released = False

    def on_release(self, action: Callable[[], None]) -> None:
        self._after.append(action)

    def release(self) -> None:
        with _guard:
            if self._released:
                return
            self._released = True
            actions, self._after = self._after, []
        try:
            for action in actions:
                action()
        finally:
            with _guard:
                _held.difference_update(self._keys)


def claim_locally(label: str, days: list[int]) -> LocalClaim | None:
    keys = [(label, day) for day in days]
    with _guard:
        if any(key in _held for key in keys):
            return None
        _held.update(keys)
    return LocalClaim(keys)
