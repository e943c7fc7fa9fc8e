"""What an answer's fetches add up to: whether everything arrived, the notes to show, the requests made."""

from __future__ import annotations

from dataclasses import dataclass, field

from partnerboost_skill.api.results import FetchResult


@dataclass
class Fetched:
    """Frames plus whether everything behind them arrived."""

    complete: bool = True
    notes: list[str] = field(default_factory=list)
    requests: int = 0

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def absorb(self, result: FetchResult, what: str) -> None:
        self.requests += result.requests
        for note in result.notes:
            self.note(note)
        if not result.complete:
            self.complete = False
            missing = "; ".join(result.missing) or "some pages could not be fetched"
            self.notes.append(f"incomplete {what}: {missing}")
