"""Which tools the server shows: toolsets chosen at start-up, and write actions only when allowed.

Toolsets: `analysis` (the answers to merchants' questions) and `merchant` (raw merchant reads) are on by
default; `brand`, `publisher` and `amazon` are on when their credentials are configured. `--toolsets` names
the toolsets exactly (`default` stands for the default set, `all` for every toolset). Write actions (all in
`brand`) are shown only with --allow-writes or PARTNERBOOST_ALLOW_WRITES=1, and only when `brand` is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from partnerboost_skill.config import Settings
from partnerboost_tools.base import Action
from partnerboost_tools.catalogue import ACTIONS

Toolset = Literal["analysis", "merchant", "brand", "publisher", "amazon"]
TOOLSETS: tuple[Toolset, ...] = ("analysis", "merchant", "brand", "publisher", "amazon")
ALWAYS_ON: tuple[Toolset, ...] = ("analysis", "merchant")
MAX_DEFAULT_TOOLS = 25


class ToolsetError(ValueError):
    """An unknown toolset name; the message lists the allowed names."""


@dataclass(frozen=True)
class Selection:
    toolsets: frozenset[Toolset]
    allow_writes: bool

    def shows(self, action_cls: type[Action]) -> bool:
        if action_cls.family not in self.toolsets:
            return False
        return self.allow_writes or not action_cls.writes

    def actions(self) -> list[type[Action]]:
        return [action for action in ACTIONS.values() if self.shows(action)]


def default_toolsets(settings: Settings) -> frozenset[Toolset]:
    with_credentials = set(settings.credentials.families())
    return frozenset(t for t in TOOLSETS if t in ALWAYS_ON or t in with_credentials)


def parse_toolsets(text: str | None, settings: Settings) -> frozenset[Toolset]:
    """The toolsets named in `text` (comma-separated); None or empty means the defaults."""
    if text is None or not text.strip():
        return default_toolsets(settings)
    chosen: set[Toolset] = set()
    allowed = (*TOOLSETS, "default", "all")
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name == "default":
            chosen.update(default_toolsets(settings))
        elif name == "all":
            chosen.update(TOOLSETS)
        elif name in TOOLSETS:
            chosen.add(name)  # type: ignore[arg-type]
        else:
            raise ToolsetError(f"--toolsets: unknown toolset {name!r}; allowed: {', '.join(allowed)}")
    if not chosen:
        raise ToolsetError(f"--toolsets: name at least one toolset; allowed: {', '.join(allowed)}")
    return frozenset(chosen)


def select(settings: Settings, toolsets: str | None = None, allow_writes: bool | None = None) -> Selection:
    writes = settings.allow_writes if allow_writes is None else allow_writes
    return Selection(toolsets=parse_toolsets(toolsets, settings), allow_writes=writes)
