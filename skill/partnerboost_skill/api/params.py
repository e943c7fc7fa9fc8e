"""Reading and replacing an action's parameters by their wire name (a field's alias or its name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from partnerboost_tools.base import Action


def field_name(action_cls: type[Action], param: str) -> str | None:
    """The model field sent as `param`, or None when the action has no such parameter."""
    for name, info in action_cls.model_fields.items():
        if param in (name, info.alias, info.serialization_alias):
            return name
    return None


def parameter_names(action_cls: type[Action]) -> set[str]:
    """Every name a parameter of the action may be called by (field names and aliases)."""
    names: set[str] = set()
    for name, info in action_cls.model_fields.items():
        names.update(n for n in (name, info.alias, info.serialization_alias) if n)
    return names


def get_param(action: Action, param: str) -> Any:
    name = field_name(type(action), param)
    return None if name is None else getattr(action, name)


def with_params(action: Action, updates: dict[str, Any]) -> Action:
    """A validated copy of `action` with parameters (by wire name) replaced.

    A datetime value is retried as Unix seconds for actions whose time field is a plain number.
    """
    values = action.model_dump(exclude_unset=False)
    for param, value in updates.items():
        name = field_name(type(action), param)
        if name is None:
            raise KeyError(f"{action.tool_name} has no parameter {param!r}")
        values[name] = value
    try:
        return type(action).model_validate(values)
    except ValidationError:
        fallback = {
            field_name(type(action), p): (int(v.timestamp()) if isinstance(v, datetime) else str(v))
            for p, v in updates.items()
        }
        return type(action).model_validate({**values, **fallback})
