"""What an answer's fetches add up to: whether everything arrived, the notes to show, the requests made."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from partnerboost_skill.api.results import FetchResult


@dataclass
class Fetched:
    """Frames plus whether everything behind them arrived."""

    complete: bool = True
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    lacking: set[str] = field(default_factory=set)
    """Measures the platform does not provide at all ("sales", "clicks", ...): the answer withholds them
    (analysis.unavailable) instead of showing zeros."""

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def lack(self, measures: Iterable[str], why: str) -> None:
        """The platform has none of `measures`; `why` says so in the answer."""
        self.lacking.update(measures)
        self.note(why)

    def absorb(self, result: FetchResult, what: str) -> None:
        self.requests += result.requests
        for note in result.notes:
            self.note(note)
        if not result.complete:
            self.complete = False
            missing = "; ".join(result.missing) or "some pages could not be fetched"
            self.notes.append(f"incomplete {what}: {missing}")
