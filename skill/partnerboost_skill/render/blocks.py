"""A format-neutral answer: a list of blocks whose text keeps our own words apart from API data.

Our own words are plain `str`; anything that came from the API is wrapped in `Data` so each format escapes it
its own way. The documents (skill.render.documents) build blocks; skill.render.formats turns them into chat
messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from partnerboost_skill.render.escape import MAX_TEXT
from partnerboost_skill.render.i18n import Lang

Surface = Literal["cli", "mcp"]
"""Where the answer is read: the `partnerboost` command's output, or an MCP tool's text content."""


@dataclass(frozen=True)
class Data:
    """Text from the API: escaped for the output format, capped at `limit` characters."""

    value: object
    limit: int = MAX_TEXT


@dataclass(frozen=True)
class Hint:
    """Our own words that depend on the surface: the i18n phrase `<key>_<surface>` (e.g. where the full
    result is: `--format json` on the command line, the structured content over MCP)."""

    key: str
    lang: Lang


Part = str | Data | Hint
Parts = tuple[Part, ...]


def parts(*items: Part | None) -> Parts:
    return tuple(item for item in items if item is not None and item != "")


@dataclass(frozen=True)
class Title:
    """A short bold heading; it stays in the same message as the block after it."""

    content: Parts


@dataclass(frozen=True)
class Line:
    """One line of prose. `tone="warning"` lines (incomplete data, demo) are never dropped or merged."""

    content: Parts
    tone: Literal["plain", "warning", "quiet"] = "plain"


@dataclass(frozen=True)
class Bullets:
    items: tuple[Parts, ...]


@dataclass(frozen=True)
class Table:
    """A small table: `align` is "l" or "r" per column; a caption line may follow (e.g. "… and 12 more")."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Part, ...], ...]
    align: tuple[Literal["l", "r"], ...]
    caption: Parts = ()


Block = Title | Line | Bullets | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block | None) -> Document:
        self.blocks.extend(block for block in blocks if block is not None)
        return self
