"""Running one API action for a tool call (PartnerBoost's and OpenPartner's), and the typed tool of an action
(for a family's toolset).

`run_read` and `run_write` are the one path every action takes, whether the model called the action's own
typed tool or the generic `run_api_action` / `run_api_write` (server/api_tools.py): the arguments are
validated against the action's model (errors name the parameter), list reads get a small default page and a
cursor envelope, and a write previews unless `confirm` is the JSON boolean true (an explicit `dry_run: true`
forces a preview even then).

A typed tool: name = the action's tool_name; description = its docstring plus the endpoint (and, for inferred
endpoint names, a warning); input schema = the action model's compact schema; annotations from its class
variables. Results are JSON text only (no structured copy, so a client shows them once).
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from mcp.types import CallToolResult, ToolAnnotations
from pydantic import ValidationError

from partnerboost_skill.api.deadline import answer_deadline
from partnerboost_skill.api.pages import verified_records
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.server.action_results import read_result, write_result
from partnerboost_skill.server.output_models import WriteResult
from partnerboost_skill.server.paging_envelope import default_page_size, with_defaults
from partnerboost_skill.server.state import ServerState
from partnerboost_skill.server.tool_base import ServerTool, ToolContext, ToolError, make_tool
from partnerboost_tools.base import Action

CONFIRM = "confirm"
DRY_RUN = "dry_run"
CONFIRM_HELP = ("Set true only after the user approved exactly these parameters; without it the tool returns "
                "a preview and sends nothing.")
WRITE_FLAGS: dict[str, dict[str, Any]] = {
    DRY_RUN: {
        "type": "boolean",
        "description": "Preview what would be sent without sending it. This is what happens unless "
        "confirm is true; set dry_run: true to force a preview even with confirm.",
    },
    CONFIRM: {"type": "boolean", "default": False, "description": CONFIRM_HELP},
}


def tool_title(action_cls: type[Action]) -> str:
    words = action_cls.tool_name.split("_")
    return f"{words[0].capitalize()}: {' '.join(words[1:])}"


def platform_name(action_cls: type[Action]) -> str:
    return "OpenPartner" if action_cls.family == "openpartner" else "PartnerBoost"


def tool_description(action_cls: type[Action]) -> str:
    parts = [
        inspect.cleandoc(action_cls.__doc__ or action_cls.summary()),
        f"Endpoint: {action_cls.describe_endpoint()}.",
    ]
    scope = getattr(action_cls, "scope", None)
    if scope:
        parts[-1] += f" A scoped API key needs {scope}."
    if action_cls.inferred:
        parts.append(
            "Note: PartnerBoost documents this action's parameters but not its endpoint name; "
            f"`{action_cls.endpoint}` is our inference, so PartnerBoost may reject it."
        )
    if action_cls.paging is not None:
        size = default_page_size(action_cls)
        parts.append(
            f"Returns one page ({size} records unless `{action_cls.paging.size_param}` says otherwise); "
            "`page.next_arguments` are the arguments for the next page. For questions about performance, "
            "orders, bills or partners, prefer the analysis tools."
        )
    if action_cls.writes:
        parts.append(
            f"WRITES to the {platform_name(action_cls)} account. By default it only previews the endpoint "
            "and the exact parameters; it acts only with confirm: true, after the user approved. "
            "Never retried automatically."
        )
    return "\n\n".join(parts)


def tool_input_schema(action_cls: type[Action]) -> dict[str, Any]:
    schema = copy.deepcopy(action_cls.model_json_schema())
    properties = schema.setdefault("properties", {})
    paging = action_cls.paging
    size = default_page_size(action_cls)
    if paging is not None and size is not None and paging.size_param in properties:
        properties[paging.size_param] = {**properties[paging.size_param], "default": size}
    if action_cls.writes:
        properties.update(copy.deepcopy(WRITE_FLAGS))
    return schema


def tool_annotations(action_cls: type[Action]) -> ToolAnnotations:
    return ToolAnnotations(
        title=tool_title(action_cls),
        read_only_hint=not action_cls.writes,
        destructive_hint=action_cls.writes and action_cls.destructive,
        idempotent_hint=action_cls.idempotent,
        open_world_hint=True,
    )


def validate_action(action_cls: type[Action], arguments: dict[str, Any]) -> Action:
    try:
        return action_cls.model_validate(arguments)
    except ValidationError as exc:
        raise ToolError(explain_validation_error(action_cls, exc)) from None


def flag(value: Any, name: str, tool: str) -> bool:
    """A write flag: only a JSON boolean counts — "true" as a string is no confirmation (nothing is sent)."""
    if not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:40]}…"
        raise ToolError(f"Invalid parameters for {tool}: {name}: must be the JSON boolean true or false, not "
                        f"{type(value).__name__} {shown}; nothing was sent.")
    return value


def _write_message(again: str, confirm: bool) -> str:
    if confirm:
        return f"Not sent: dry_run is true. {again}"
    return f"Preview only: nothing was sent. {again}"


async def run_read(action_cls: type[Action], state: ServerState, arguments: dict[str, Any]) -> CallToolResult:
    named = with_defaults(action_cls, arguments)
    action = validate_action(action_cls, named)
    with answer_deadline(state.settings.deadline_seconds):
        data = await state.connection.source.call(action)
    if action_cls.paging is not None:
        verified_records(data, action_cls.paging, action.tool_name)  # null or {} is an error, not a page
    return read_result(action, named, data, state.notice())


async def run_write(
    action_cls: type[Action], state: ServerState, arguments: dict[str, Any], *, confirm: bool, dry_run: bool,
    again: str,
) -> CallToolResult:
    """Preview, or (confirm and not dry_run) send once; `again` tells how to perform a previewed write."""
    action = validate_action(action_cls, with_defaults(action_cls, arguments))
    perform = confirm and not dry_run
    data = None
    if perform:
        with answer_deadline(state.settings.deadline_seconds):
            data = await state.connection.source.call(action)
    notice = state.notice()
    return write_result(WriteResult(
        action=action.tool_name,
        endpoint=action.describe_endpoint(),
        demo=notice is not None,
        notice=notice,
        performed=perform,
        params=action.to_wire(),
        data=data,
        message=f"Sent to {platform_name(action_cls)} (writes are never retried automatically)."
        if perform else _write_message(again, confirm),
    ))


def read_tool(action_cls: type[Action], state: ServerState) -> ServerTool:
    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        return await run_read(action_cls, state, arguments)

    return _tool(action_cls, handle)


def write_tool(action_cls: type[Action], state: ServerState) -> ServerTool:
    name = action_cls.tool_name
    again = (f"To perform it, call {name} again with the same arguments plus \"confirm\": true (and no "
             "\"dry_run\": true), after the user approved exactly these parameters.")

    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        remaining = dict(arguments)
        confirm = flag(remaining.pop(CONFIRM, False), CONFIRM, name)
        dry_run = flag(remaining.pop(DRY_RUN, not confirm), DRY_RUN, name)
        return await run_write(action_cls, state, remaining, confirm=confirm, dry_run=dry_run, again=again)

    return _tool(action_cls, handle)


def _tool(action_cls: type[Action], handle: Any) -> ServerTool:
    return make_tool(
        name=action_cls.tool_name,
        title=tool_title(action_cls),
        description=tool_description(action_cls),
        input_schema=tool_input_schema(action_cls),
        output_schema=None,
        annotations=tool_annotations(action_cls),
        handler=handle,
    )


def action_tool(action_cls: type[Action], state: ServerState) -> ServerTool:
    return write_tool(action_cls, state) if action_cls.writes else read_tool(action_cls, state)
