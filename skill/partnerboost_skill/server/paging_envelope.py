"""One page of a raw list tool: the caller's arguments with the small default page size, and the cursor
envelope (PageInfo) computed by the one paging module, skill.api.pages.

When the answer has to be cut to fit the size limit, the next arguments start right after the last record
shown, so nothing is skipped: numbered pages switch to a page size that the shown count divides into, offset
pages move the offset, and a cursor page is read again from the same cursor in a smaller size.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from partnerboost_skill.api.pages import allowed_cut, next_page, records_of, size_bounds
from partnerboost_skill.api.params import field_name
from partnerboost_skill.server.output_cap import SMALL_PAGE
from partnerboost_skill.server.output_models import PageInfo
from partnerboost_skill.server.tool_base import ToolError
from partnerboost_tools.base import Action

__all__ = ["allowed_cut", "default_page_size", "page_info", "page_records", "with_defaults"]


def wire_key(action_cls: type[Action], key: str) -> str:
    """The documented (alias) name of a parameter given by its field name or alias."""
    name = field_name(action_cls, key)
    if name is None:
        return key
    return action_cls.model_fields[name].alias or name


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
    return records_of(data, paging.records_key)


def page_info(
    action: Action, arguments: dict[str, Any], data: Any, records: list[Any], shown: int
) -> PageInfo:
    """The cursor envelope for a page of which the first `shown` records are returned."""
    return PageInfo(**asdict(next_page(action, arguments, data, records, shown)))
