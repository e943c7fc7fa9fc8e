"""Which tools the server shows: toolsets chosen at start-up, and write actions only when allowed.

By default a model sees a short list: the `analysis` tools (the answers to merchants' questions) and the `api`
pair — `search_api_actions` (find an action, read its parameters) and `run_api_action` (run one read) —
which reach every action of the families the server serves: `merchant` always, the others (`brand`,
`publisher`, `amazon`, `openpartner`) when their credentials are configured or their toolset is named. A
family's toolset shows its actions as typed tools of their own; `--toolsets` names the toolsets exactly
(`default` = analysis,api; `all` = every toolset). Write actions (in `brand` and `openpartner`) are reachable
only with --allow-writes or PARTNERBOOST_ALLOW_WRITES=1: as typed tools when their family's toolset is on,
and through `run_api_write` when the api pair is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerboost_skill.config import Settings
from partnerboost_tools.base import FAMILIES, Action, Family
from partnerboost_tools.catalogue import ACTIONS

ANALYSIS = "analysis"
API = "api"
TOOLSETS: tuple[str, ...] = (ANALYSIS, API, *FAMILIES)
DEFAULT_TOOLSETS: frozenset[str] = frozenset({ANALYSIS, API})
ALWAYS_SERVED: tuple[Family, ...] = ("merchant",)
MAX_VISIBLE_TOOLS = 20
"""Beyond about this many tools, models choose worse (and some clients cap the list); we warn."""


class ToolsetError(ValueError):
    """An unknown toolset name; the message lists the allowed names."""


@dataclass(frozen=True)
class Selection:
    toolsets: frozenset[str]
    """The toolsets shown."""
    families: frozenset[Family]
    """The API families the server serves (what the api tools reach)."""
    allow_writes: bool

    def permits(self, action_cls: type[Action]) -> bool:
        return self.allow_writes or not action_cls.writes

    def shows(self, action_cls: type[Action]) -> bool:
        """Whether the action is listed as a typed tool of its own."""
        return action_cls.family in self.toolsets and self.permits(action_cls)

    def actions(self) -> list[type[Action]]:
        """The actions listed as typed tools, in catalogue order."""
        return [action for action in ACTIONS.values() if self.shows(action)]

    def reaches(self, action_cls: type[Action]) -> bool:
        """Whether the api tools run this action."""
        return API in self.toolsets and action_cls.family in self.families and self.permits(action_cls)

    def api_actions(self, *, writes: bool) -> list[type[Action]]:
        """The reads (or the writes) the api tools run, in catalogue order."""
        return [action for action in ACTIONS.values() if action.writes is writes and self.reaches(action)]


def default_families(settings: Settings) -> frozenset[Family]:
    with_credentials = set(settings.credentials.families())
    return frozenset(f for f in FAMILIES if f in ALWAYS_SERVED or f in with_credentials)


def parse_toolsets(text: str | None) -> frozenset[str]:
    """The toolsets named in `text` (comma-separated); None or empty means the defaults."""
    if text is None or not text.strip():
        return DEFAULT_TOOLSETS
    chosen: set[str] = set()
    allowed = (*TOOLSETS, "default", "all")
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name == "default":
            chosen.update(DEFAULT_TOOLSETS)
        elif name == "all":
            chosen.update(TOOLSETS)
        elif name in TOOLSETS:
            chosen.add(name)
        else:
            raise ToolsetError(f"--toolsets: unknown toolset {name!r}; allowed: {', '.join(allowed)}")
    if not chosen:
        raise ToolsetError(f"--toolsets: name at least one toolset; allowed: {', '.join(allowed)}")
    return frozenset(chosen)


def select(settings: Settings, toolsets: str | None = None, allow_writes: bool | None = None) -> Selection:
    chosen = parse_toolsets(toolsets)
    named = frozenset(f for f in FAMILIES if f in chosen)
    writes = settings.allow_writes if allow_writes is None else allow_writes
    return Selection(toolsets=chosen, families=default_families(settings) | named, allow_writes=writes)
