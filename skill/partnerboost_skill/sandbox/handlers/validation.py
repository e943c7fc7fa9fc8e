"""Turn wire parameters into the catalogue's action model, the same model the client serialised them from.

Adapts the few wire formats the friendly types do not read back themselves: RFC 1123 dates (brand), naive
'YYYY-MM-DD HH:MM:SS' times meant in UTC+8 (publisher click report), digit strings for integer enums, and a
single query value for a list parameter. Page sizes above the action's maximum are clamped, as the API does.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, SandboxError
from partnerboost_tools.base import Action
from partnerboost_tools.types import CHINA_TZ, ChinaDateTime, Rfc1123Time

A = TypeVar("A", bound=Action)


@dataclass(frozen=True)
class FieldShape:
    is_list: bool = False
    int_literal: bool = False
    rfc1123: bool = False
    china_time: bool = False
    ge: int | None = None


def _annotation_parts(annotation: Any) -> list[Any]:
    """The annotation and everything nested in it (Optional/Union members, Annotated bases, list items)."""
    found = [annotation]
    origin = get_origin(annotation)
    if origin is Annotated:
        found += _annotation_parts(get_args(annotation)[0])
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found += _annotation_parts(arg)
    return found


def _has_marker(annotation: Any, field: FieldInfo, marker: Any) -> bool:
    wanted = typing.get_args(marker)[1:]
    if any(m is w for m in field.metadata for w in wanted):
        return True
    for part in _annotation_parts(annotation):
        if get_origin(part) is Annotated and any(m is w for m in part.__metadata__ for w in wanted):
            return True
    return False


def _shape(field: FieldInfo) -> FieldShape:
    annotation = field.annotation
    parts = _annotation_parts(annotation)
    is_list = any(get_origin(p) in (list, tuple, set, frozenset) for p in parts)
    literal_values = [v for p in parts if get_origin(p) is Literal for v in get_args(p)]
    int_literal = bool(literal_values) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in literal_values
    )
    ge = next((getattr(m, "ge", None) for m in field.metadata if getattr(m, "ge", None) is not None), None)
    return FieldShape(
        is_list=is_list,
        int_literal=int_literal,
        rfc1123=_has_marker(annotation, field, Rfc1123Time),
        china_time=_has_marker(annotation, field, ChinaDateTime),
        ge=ge,
    )


@cache
def field_shapes(action: type[Action]) -> dict[str, FieldShape]:
    """Shapes keyed by every name a parameter may arrive under (alias and field name)."""
    shapes: dict[str, FieldShape] = {}
    for name, field in action.model_fields.items():
        shape = _shape(field)
        shapes[name] = shape
        if field.alias:
            shapes[field.alias] = shape
    return shapes


def _read_rfc1123(value: Any) -> Any:
    if isinstance(value, str) and "," in value and not value.strip().isdigit():
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _read_china_time(value: Any) -> Any:
    if isinstance(value, str) and " " in value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHINA_TZ)
    return value


def _adapt(shape: FieldShape, value: Any) -> Any:
    if shape.is_list and not isinstance(value, list | tuple):
        value = [value]
    if shape.int_literal:
        if isinstance(value, list):
            value = [int(v) if isinstance(v, str) and v.strip().lstrip("-").isdigit() else v for v in value]
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
    if shape.rfc1123:
        value = _read_rfc1123(value)
    if shape.china_time:
        value = _read_china_time(value)
    return value


def clamp_page_size(action: type[Action], params: dict[str, Any]) -> None:
    """Clamp the page size into the action's documented range, as the API does (in place)."""
    paging = action.paging
    if paging is None or paging.size_param not in params:
        return
    raw = params[paging.size_param]
    try:
        size = int(str(raw).strip())
    except ValueError:
        return  # left for the model to reject with a clear message
    size = min(size, paging.max_size)
    shape = field_shapes(action).get(paging.size_param)
    low = shape.ge if shape and shape.ge is not None else 1
    params[paging.size_param] = max(size, low)


def parse_action(action: type[A], params: dict[str, Any]) -> A:
    """Validate wire parameters into the action model; bad input → SandboxError 1003 naming the parameter."""
    params = dict(params)
    clamp_page_size(action, params)
    shapes = field_shapes(action)
    adapted = {key: _adapt(shapes[key], value) if key in shapes else value for key, value in params.items()}
    try:
        return action.model_validate(adapted)
    except ValidationError as exc:
        raise SandboxError(
            BAD_REQUEST, explain_validation_error(action, exc, subject=action.endpoint)
        ) from None
