"""The long tail of the API behind three tools instead of one tool per action (so the tool list, which a model
pays for on every turn, stays short):

- `search_api_actions`: the actions this server runs, found by words or family, and one action's
  description and parameters (its JSON schema) — schema discovery on demand;
- `run_api_action`: run one read action with its arguments (one small page, like its typed tool);
- `run_api_write` (only when writes are allowed): preview a write action, or perform it with
  `confirm: true` — the same preview-first path as the typed write tools.

Names sort after the analysis tools, so a client listing tools alphabetically shows the analysis tools first.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Sequence
from typing import Any, Literal

from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from partnerboost_skill.config import env_vars_for
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.server.action_tools import (
    CONFIRM,
    CONFIRM_HELP,
    DRY_RUN,
    flag,
    run_read,
    run_write,
    tool_input_schema,
)
from partnerboost_skill.server.output_cap import json_text
from partnerboost_skill.server.output_models import UntitledJsonSchema
from partnerboost_skill.server.paging_envelope import default_page_size
from partnerboost_skill.server.state import ServerState
from partnerboost_skill.server.tool_base import ServerTool, ToolContext, ToolError, make_tool, result
from partnerboost_skill.server.toolsets import Selection
from partnerboost_tools.base import FAMILIES, Action, Family
from partnerboost_tools.catalogue import ACTIONS, UnknownAction, get_action

SEARCH = "search_api_actions"
RUN = "run_api_action"
WRITE = "run_api_write"
ANALYSIS_FIRST = "Call the analysis tools first; this is for records they do not cover."
"""Deliberately without the analysis topics' words, so a lexical tool search (OpenClaw's) ranks the analysis
tools above these for a merchant's question."""
MAX_LISTED = 25


def family_summary(family: Family) -> str:
    """What a family's API is: the first line of the module that defines its actions."""
    module = next(sys.modules[a.__module__] for a in ACTIONS.values() if a.family == family)
    return (module.__doc__ or family).strip().splitlines()[0].rstrip(".")


def unavailable(action_cls: type[Action], selection: Selection) -> str | None:
    """Why the api tools do not run this action here, or None when they do."""
    name, family = action_cls.tool_name, action_cls.family
    if action_cls.writes and not selection.allow_writes:
        return (f"{name} writes to the account; this server runs writes only when started with "
                "--allow-writes (or PARTNERBOOST_ALLOW_WRITES=1).")
    if family not in selection.families:
        return (f"{name} belongs to the {family} API, which this server does not serve: set "
                f"{', '.join(env_vars_for(family))} (or start it with --toolsets default,{family}).")
    return None


def resolve(name: str, selection: Selection, tool: str) -> type[Action]:
    try:
        action_cls = get_action(name)
    except UnknownAction as exc:
        raise ToolError(f"Invalid parameters for {tool}: action: {exc}") from None
    reason = unavailable(action_cls, selection)
    if reason is not None:
        raise ToolError(reason)
    return action_cls


def _validated(model: type[BaseModel], arguments: dict[str, Any], tool: str) -> Any:
    try:
        return model.model_validate(arguments)
    except ValidationError as exc:
        raise ToolError(explain_validation_error(model, exc, subject=tool)) from None


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=UntitledJsonSchema)
    schema.pop("title", None)
    return schema


# --- search_api_actions --------------------------------------------------------------------------------


def action_parameters(action_cls: type[Action]) -> dict[str, Any]:
    """The action's parameters as the model passes them in `arguments` (no write flags)."""
    schema = tool_input_schema(action_cls)
    for name in (CONFIRM, DRY_RUN):
        schema.get("properties", {}).pop(name, None)
    return schema


def describe(action_cls: type[Action]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "action": action_cls.tool_name,
        "run_with": WRITE if action_cls.writes else RUN,
        "description": inspect.cleandoc(action_cls.__doc__ or action_cls.summary()),
        "endpoint": action_cls.describe_endpoint(),
        "writes": action_cls.writes,
    }
    if action_cls.writes:
        described["destructive"] = action_cls.destructive
        described["note"] = ("Previews unless called with confirm: true (next to arguments), after the user "
                             "approved exactly these parameters. Never retried.")
    if action_cls.inferred:
        described["inferred_endpoint"] = ("PartnerBoost documents the parameters but not the endpoint name; "
                                          "it may reject it.")
    if action_cls.paging is not None:
        described["paging"] = (f"One page of {default_page_size(action_cls)} records unless "
                               f"{action_cls.paging.size_param} says otherwise; page.next_arguments are the "
                               "arguments for the next page.")
    described["parameters"] = action_parameters(action_cls)
    return described


def _words(text: str) -> set[str]:
    return {word for word in text.lower().replace("_", " ").replace("-", " ").split() if len(word) > 1}


def search(actions: Sequence[type[Action]], query: str | None) -> list[type[Action]]:
    """The actions whose name or description share words with `query` (most shared first); all without one."""
    if not query or not query.strip():
        return list(actions)
    wanted = _words(query)
    scored = []
    for order, action_cls in enumerate(actions):
        words = _words(f"{action_cls.tool_name} {action_cls.__doc__ or ''}")
        hits = sum(1 for word in wanted if word in words or any(w.startswith(word) for w in words))
        if hits:
            scored.append((-hits, order, action_cls))
    return [action_cls for _, _, action_cls in sorted(scored, key=lambda item: item[:2])]


def listing(found: Sequence[type[Action]], query: str | None, selection: Selection) -> str:
    families = [family for family in FAMILIES if family in selection.families]
    lines = []
    if query and not found:
        lines.append(f"No action matches {query!r}; these are all of them.")
    lines.append(f"Ask again with {{\"action\": \"<name>\"}} for an action's parameters, then call {RUN} "
                 f"(reads){f' or {WRITE} (writes)' if selection.allow_writes else ''}.")
    shown = found[:MAX_LISTED]
    for family in families:
        members = [a for a in shown if a.family == family]
        if members:
            lines.append(f"{family} — {family_summary(family)}:")
            lines.extend(f"- {a.tool_name}{' [write]' if a.writes else ''}: {a.summary()}" for a in members)
    if len(found) > len(shown):
        lines.append(f"({len(found) - len(shown)} more; narrow the query or name a family.)")
    off = [family for family in FAMILIES if family not in selection.families]
    if off:
        lines.append(f"Not served here (no credentials): {', '.join(off)}.")
    return "\n".join(lines)


def search_tool(state: ServerState, selection: Selection) -> ServerTool:
    served = [family for family in FAMILIES if family in selection.families]

    class SearchInput(BaseModel):
        model_config = ConfigDict(extra="forbid")

        query: str | None = Field(None, description="Words to look for in the actions' names and "
                                  "descriptions, e.g. 'coupons', 'payments'. Leave out to list all.")
        # Literals of what this server serves, built at run time so the JSON schema enumerates them; mypy
        # checks only static Literals (the same below).
        family: Literal[tuple(served)] | None = Field(  # type: ignore[valid-type]
            None, description="Only this API family's actions.")
        action: str | None = Field(None, description="One action's name: its description, parameters "
                                   "(JSON schema) and paging.")

    reachable = [a for a in ACTIONS.values() if selection.reaches(a)]

    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        params = _validated(SearchInput, arguments, SEARCH)
        if params.action:
            return result(json_text(describe(resolve(params.action, selection, SEARCH))))
        candidates = [a for a in reachable if params.family in (None, a.family)]
        found = search(candidates, params.query)
        return result(listing(found or candidates, params.query, selection))

    return make_tool(
        name=SEARCH,
        title="Find an API action and its parameters",
        description=(f"Finds raw PartnerBoost API actions ({', '.join(served)}) by words or family and shows "
                     f"one action's parameters, for {RUN}. {ANALYSIS_FIRST}"),
        input_schema=_schema(SearchInput),
        output_schema=None,
        annotations=ToolAnnotations(title="Find an API action", read_only_hint=True, destructive_hint=False,
                                    idempotent_hint=True, open_world_hint=False),
        handler=handle,
    )


# --- run_api_action / run_api_write ----------------------------------------------------------------------


def _arguments_field() -> Any:
    return Field(default_factory=dict, description=f"The action's parameters ({SEARCH} shows them); "
                 "{} for none. For the next page, page.next_arguments of the previous answer.")


def run_tool(state: ServerState, selection: Selection) -> ServerTool:
    names = tuple(a.tool_name for a in selection.api_actions(writes=False))

    class RunInput(BaseModel):
        model_config = ConfigDict(extra="forbid")

        action: Literal[names] = Field(description="The read action to run.")  # type: ignore[valid-type]
        arguments: dict[str, Any] = _arguments_field()

    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        if isinstance(arguments.get("action"), str):  # a clear reason for a write or a family not served
            named = resolve(arguments["action"], selection, RUN)
            if named.writes:
                raise ToolError(f"{named.tool_name} writes to the account: call {WRITE} instead (it previews "
                                "first).")
        params = _validated(RunInput, arguments, RUN)
        return await run_read(ACTIONS[params.action], state, params.arguments)

    return make_tool(
        name=RUN,
        title="Run a raw API read",
        description=(f"Runs one raw PartnerBoost API read action (found with {SEARCH}) and returns its JSON "
                     "answer, one small page at a time (page.next_arguments for the next). "
                     f"{ANALYSIS_FIRST}"),
        input_schema=_schema(RunInput),
        output_schema=None,
        annotations=ToolAnnotations(title="Run a raw API read", read_only_hint=True, destructive_hint=False,
                                    idempotent_hint=True, open_world_hint=True),
        handler=handle,
    )


def write_tool(state: ServerState, selection: Selection) -> ServerTool:
    names = tuple(a.tool_name for a in selection.api_actions(writes=True))

    class WriteInput(BaseModel):
        model_config = ConfigDict(extra="forbid")

        action: Literal[names] = Field(description="The write action.")  # type: ignore[valid-type]
        arguments: dict[str, Any] = _arguments_field()
        confirm: bool = Field(False, description=CONFIRM_HELP)

    again = (f"To perform it, call {WRITE} again with the same action and arguments plus \"confirm\": true, "
             "after the user approved exactly these parameters.")

    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        if isinstance(arguments.get("action"), str):
            resolve(arguments["action"], selection, WRITE)
        confirm = flag(arguments.get(CONFIRM, False), CONFIRM, WRITE)
        params = _validated(WriteInput, {**arguments, CONFIRM: confirm}, WRITE)
        inner = set(params.arguments) & {CONFIRM, DRY_RUN}
        if inner:
            raise ToolError(f"Invalid parameters for {WRITE}: arguments.{sorted(inner)[0]}: put confirm next "
                            "to action and arguments, not inside arguments.")
        action_cls = ACTIONS[params.action]
        return await run_write(action_cls, state, params.arguments, confirm=confirm, dry_run=not confirm,
                               again=again)

    return make_tool(
        name=WRITE,
        title="Preview or perform a raw API write",
        description=(f"WRITES to the PartnerBoost account with one write action ({SEARCH} shows the writes "
                     "and their parameters). Without confirm: true it only previews the endpoint and the "
                     "exact parameters and sends nothing; call again with confirm: true only after the user "
                     "approved exactly these parameters. Never retried automatically."),
        input_schema=_schema(WriteInput),
        output_schema=None,
        annotations=ToolAnnotations(title="Preview or perform a raw API write", read_only_hint=False,
                                    destructive_hint=True, idempotent_hint=False, open_world_hint=True),
        handler=handle,
    )


def api_tools(state: ServerState, selection: Selection) -> list[ServerTool]:
    """The api pair (and the write tool when a served family has writes and writes are allowed)."""
    tools = [run_tool(state, selection), search_tool(state, selection)]
    if selection.api_actions(writes=True):
        tools.insert(1, write_tool(state, selection))
    return tools
