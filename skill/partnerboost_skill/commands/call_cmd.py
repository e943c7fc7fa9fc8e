"""`partnerboost call ACTION`: run one API action with typed, validated parameters."""

from __future__ import annotations

import argparse
import asyncio
import json
import types
import typing
from typing import Any

from pydantic import ValidationError

from partnerboost_skill.api.deadline import answer_deadline
from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.api.params import field_name
from partnerboost_skill.commands.common import UsageError, note
from partnerboost_skill.config import load_settings
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.runtime import DEMO_NOTICE, connect
from partnerboost_tools.base import Action
from partnerboost_tools.catalogue import UnknownAction, get_action


def _is_list_field(action: type[Action], key: str) -> bool:
    for name, field in action.model_fields.items():
        if key in (name, field.alias):
            return _accepts_list(field.annotation)
    return False


def _accepts_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_accepts_list(arg) for arg in typing.get_args(annotation))
    return False


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else f"{text[:40]}…"


def parse_params(action: type[Action], params_json: str | None, pairs: list[str]) -> dict[str, Any]:
    """--params (a JSON object) and every --param key=value; a parameter given twice, under either of its
    names or in both options, is refused rather than the last value silently winning."""
    params: dict[str, Any] = {}
    given: dict[str, str] = {}

    def add(key: str, value: Any, where: str) -> None:
        name = field_name(action, key) or key
        if name in given:
            hint = f" (a list takes commas: --param {key}=a,b)" if _is_list_field(action, key) else ""
            raise UsageError(f"{key} is given twice ({given[name]} and {where} {_shown(value)}); give it "
                             f"once{hint}.")
        given[name] = f"{where} {_shown(value)}"
        params[key] = value

    if params_json:
        try:
            loaded = json.loads(params_json)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--params is not valid JSON ({exc.msg} at position {exc.pos}).") from None
        if not isinstance(loaded, dict):
            raise UsageError('--params must be a JSON object, e.g. --params \'{"page_size": 50}\'.')
        for key, value in loaded.items():
            add(key, value, "--params")
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--param expects key=value, got {pair!r}.")
        parsed: Any
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = raw
        value = parsed
        if _is_list_field(action, key) and not isinstance(value, list):
            value = [v.strip() for v in str(value).split(",") if v.strip()]
        add(key, value, "--param")
    return params


def build_action(action_cls: type[Action], params: dict[str, Any]) -> Action:
    try:
        return action_cls.model_validate(params)
    except ValidationError as exc:
        raise UsageError(explain_validation_error(action_cls, exc)) from None


def _preview(action: Action) -> dict[str, Any]:
    return {
        "preview": True,
        "action": action.tool_name,
        "endpoint": action.describe_endpoint(),
        "params": action.to_wire(),
        "note": "Nothing was sent. Re-run with --confirm to perform this write.",
    }


def _fetches_everything(action: Action, all_pages: bool) -> bool:
    """Paged actions with --all-pages, and actions whose span limit needs splitting, go through fetch_all."""
    if action.paging is not None:
        return all_pages
    return action.window is not None


async def _execute(action: Action, all_pages: bool) -> Any:
    settings = load_settings()
    async with connect(settings) as conn:
        if conn.demo:
            note(DEMO_NOTICE)
        with answer_deadline(settings.deadline_seconds):
            if _fetches_everything(action, all_pages):
                result = await conn.source.fetch_all(action)
                data: Any = {"total": result.total, "count": len(result.records), "list": result.records}
                return data
            return await conn.source.call(action)


def run(args: argparse.Namespace) -> int:
    action_cls = _action_class(args.action)
    action = build_action(action_cls, parse_params(action_cls, args.params, args.param or []))
    if action.writes and not args.confirm:
        print(json.dumps(_preview(action), indent=2, ensure_ascii=False))
        return 0
    if args.all_pages and action.paging is None and action.window is None:
        note(f"{action.tool_name} is not paged; --all-pages has no effect.")
    try:
        data = asyncio.run(_execute(action, args.all_pages))
    except PartnerBoostError as exc:
        raise UsageError(str(exc)) from None
    indent = None if args.json else 2
    print(json.dumps(data, indent=indent, ensure_ascii=False, default=str))
    return 0


def _action_class(name: str) -> type[Action]:
    try:
        return get_action(name)
    except UnknownAction as exc:
        raise UsageError(str(exc.args[0]) + " Run `partnerboost actions` for the list.") from None


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "call",
        help="run one API action",
        description="Run one PartnerBoost API action. With no credentials configured it runs on the built-in "
        "sandbox (demo data). Write actions print a preview unless --confirm is given.",
    )
    parser.add_argument("action", help="action name (see `partnerboost actions`)")
    parser.add_argument("--params", help="parameters as a JSON object")
    parser.add_argument("--param", action="append", metavar="KEY=VALUE",
                        help="one parameter (repeatable); lists as a,b or JSON")
    parser.add_argument("--all-pages", action="store_true", help="fetch every page of a paged action")
    parser.add_argument("--json", action="store_true", help="compact JSON on stdout")
    parser.add_argument("--confirm", action="store_true", help="actually perform a write action")
    parser.set_defaults(handler=run)
