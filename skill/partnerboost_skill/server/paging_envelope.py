"""One page of a raw list tool: where it sits in the listing and the exact arguments for the next records.

When the answer has to be cut to fit the size limit, the next arguments start right after the last record
shown, so nothing is skipped: numbered pages switch to a page size that the shown count divides into, offset
pages move the offset, and a cursor page is read again from the same cursor in a smaller size.
"""

from __future__ import annotations

from typing import Any

import annotated_types
from mcp.server.mcpserver.exceptions import ToolError

from partnerboost_skill.api.errors import UpstreamError
from partnerboost_skill.api.paging import records_of
from partnerboost_skill.api.params import field_name, get_param
from partnerboost_skill.parsing import parse_int
from partnerboost_skill.server.output_cap import SMALL_PAGE
from partnerboost_skill.server.output_models import PageInfo
from partnerboost_tools.base import Action, Paging


def wire_key(action_cls: type[Action], key: str) -> str:
    """The documented (alias) name of a parameter given by its field name or alias."""
    name = field_name(action_cls, key)
    if name is None:
        return key
    return action_cls.model_fields[name].alias or name


def size_bounds(action_cls: type[Action], paging: Paging) -> tuple[int, int]:
    """The smallest and largest page size the action's model accepts."""
    low, high = 1, paging.max_size
    name = field_name(action_cls, paging.size_param)
    if name is not None:
        for constraint in action_cls.model_fields[name].metadata:
            if isinstance(constraint, annotated_types.Ge):
                low = max(low, int(constraint.ge))  # type: ignore[call-overload]
            elif isinstance(constraint, annotated_types.Le):
                high = min(high, int(constraint.le))  # type: ignore[call-overload]
    return low, high


def default_page_size(action_cls: type[Action]) -> int | None:
    """The small page a raw list tool asks for when the caller does not say."""
    paging = action_cls.paging
    if paging is None or (paging.kind == "cursor" and field_name(action_cls, paging.size_param) is None):
        return None
    low, high = size_bounds(action_cls, paging)
    return min(max(SMALL_PAGE, low), high)


def with_defaults(action_cls: type[Action], arguments: dict[str, Any]) -> dict[str, Any]:
    """The caller's arguments under their documented names, plus the small default page size.

    A parameter given under both its names (`userId` and `user_id`) is refused rather than one value winning.
    """
    named: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for key, value in arguments.items():
        wire = wire_key(action_cls, key)
        if wire in named:
            raise ToolError(f"Invalid parameters for {action_cls.tool_name}: {wire}: given twice "
                            f"(as {given_as[wire]} and {key}); send it once.")
        named[wire], given_as[wire] = value, key
    paging = action_cls.paging
    size = default_page_size(action_cls)
    if paging is not None and size is not None and named.get(paging.size_param) is None:
        named[paging.size_param] = size
    return named


def page_records(action: Action, data: Any) -> list[Any] | None:
    """The records of a paged action's answer, or None when the answer has no readable list."""
    paging = type(action).paging
    if paging is None:
        return None
    try:
        return records_of(data, paging.records_key, action.tool_name)
    except UpstreamError:
        return None


def _count(data: Any, key: str | None) -> int | None:
    if key is None or not isinstance(data, dict):
        return None
    try:
        return parse_int(data.get(key))
    except ValueError:
        return None


def _position(action: Action, paging: Paging) -> tuple[int, int]:
    """(current page or offset value, page size) of the request."""
    size = get_param(action, paging.size_param) or paging.default_size
    if paging.kind == "cursor":
        return 0, int(size)
    value = get_param(action, paging.page_param)
    return (int(value) if value is not None else paging.first_page), int(size)


def allowed_cut(action: Action, fitting: int) -> int:
    """How many records of the page to show when only `fitting` fit: for numbered pages, a count that the
    records before this page divide by (so a next page of that size starts right after the last shown)."""
    paging = type(action).paging
    if paging is None or paging.kind not in ("page", "has_more"):
        return fitting
    page, size = _position(action, paging)
    offset = (page - paging.first_page) * size
    low, _ = size_bounds(type(action), paging)
    for count in range(fitting, 0, -1):
        if count >= low and offset % count == 0:
            return count
    return fitting


def page_info(
    action: Action, arguments: dict[str, Any], data: Any, records: list[Any], shown: int
) -> PageInfo:
    """The cursor envelope for a page of which the first `shown` records are returned."""
    action_cls = type(action)
    paging = action_cls.paging
    assert paging is not None
    total = _count(data, paging.total_items_key)
    position, size = _position(action, paging)
    cut = shown < len(records)

    if paging.kind in ("page", "has_more"):
        offset = (position - paging.first_page) * size
        if cut:
            return _cut_numbered(action, arguments, total, offset, shown, paging)
        more = _has_more(data, paging, total, offset, len(records), position, size)
        following = {paging.page_param: position + 1, paging.size_param: size} if more else None
    elif paging.kind == "offset":
        low, _ = size_bounds(action_cls, paging)
        more = cut or _has_more(data, paging, total, position, len(records), None, size)
        next_size = max(shown, low) if cut else size
        following = {paging.page_param: position + shown, paging.size_param: next_size} if more else None
    else:
        return _cursor(action, arguments, data, records, shown, total, paging)

    return PageInfo(
        returned=shown,
        total=total,
        has_more=more,
        next_arguments={**arguments, **following} if following else None,
        note=_cut_note(len(records)) if cut else None,
    )


def _cut_note(page_len: int) -> str:
    return f"This page had {page_len} records; the answer was cut to stay under the size limit."


def _has_more(
    data: Any, paging: Paging, total: int | None, offset: int, count: int, page: int | None, size: int
) -> bool:
    if total is not None:
        return offset + count < total
    total_pages = _count(data, paging.total_pages_key or "total_page")
    if total_pages is not None and page is not None:
        return page - paging.first_page + 1 < total_pages
    if isinstance(data, dict) and isinstance(data.get("has_more"), bool):
        return bool(data["has_more"])
    return count >= size


def _cut_numbered(
    action: Action, arguments: dict[str, Any], total: int | None, offset: int, shown: int, paging: Paging
) -> PageInfo:
    low, _ = size_bounds(type(action), paging)
    if shown >= low and shown > 0 and offset % shown == 0:
        next_page = (offset + shown) // shown + paging.first_page
        following = {paging.page_param: next_page, paging.size_param: shown}
        return PageInfo(returned=shown, total=total, has_more=True,
                        next_arguments={**arguments, **following}, note=_cut_note_next())
    return PageInfo(
        returned=shown, total=total, has_more=True, next_arguments=None,
        note=f"Cut to {shown} records to stay under the size limit; ask for a smaller {paging.size_param} "
        "(and page 1) to read this listing in full.",
    )


def _cut_note_next() -> str:
    return ("The page was cut to stay under the size limit; next_arguments continue right after the last "
            "record shown, with a page size that fits.")


def _cursor(
    action: Action, arguments: dict[str, Any], data: Any, records: list[Any], shown: int, total: int | None,
    paging: Paging,
) -> PageInfo:
    if shown < len(records):
        return PageInfo(
            returned=shown, total=total, has_more=True,
            next_arguments={**arguments, paging.size_param: max(shown, 1)},
            note="The page was cut to stay under the size limit; next_arguments read the same cursor again "
            "in a size that fits, then continue from that answer's cursor.",
        )
    cursor = data.get(paging.cursor_key or "cursor") if isinstance(data, dict) else None
    flag = data.get("has_more") if isinstance(data, dict) else None
    more = bool(cursor) and flag is not False
    return PageInfo(
        returned=shown, total=total, has_more=more,
        next_arguments={**arguments, paging.page_param: cursor} if more else None,
    )
