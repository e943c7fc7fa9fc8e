"""Pages of a listing: reading one (its records, its totals, whether it is the documented shape), where it
sits, and the arguments for the next. The one home of page arithmetic: the client's fetch_all (paging.py) and
the MCP tools' page envelope (server/paging_envelope.py) both read pages through here.

A page whose `data` is null, `{}` or has no records list is a fault (`PageFault`, retried like a malformed
answer), never an empty page: a lying or broken server must not turn into "no orders".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import annotated_types

from partnerboost_skill.api.errors import UpstreamError
from partnerboost_skill.api.params import field_name, get_param
from partnerboost_skill.parsing import parse_int
from partnerboost_tools.base import Action, Paging


class PageFault(UpstreamError):
    """A page that is not what the API documents (no records list, more records than announced, a repeat
    of the page before): retried like a malformed answer, then reported as missing."""


def count_of(data: Any, key: str | None) -> int | None:
    """A count the page announces (total_size, total_page, ...), or None when absent or unreadable."""
    if key is None or not isinstance(data, dict):
        return None
    try:
        return parse_int(data.get(key))
    except ValueError:
        return None


def _shape(data: Any) -> str:
    if data is None:
        return "data: null"
    if isinstance(data, dict) and not data:
        return "an empty data object ({})"
    if isinstance(data, dict):
        return f"data without a list (fields: {', '.join(sorted(map(str, data))[:8])})"
    return f"data of type {type(data).__name__}"


def verified_records(data: Any, paging: Paging, action: str) -> list[Any]:
    """The records of one page of a paged action; PageFault unless `data` carries the records list
    (`list: null` passes only beside an announced total of 0)."""
    if isinstance(data, dict):
        records = data.get(paging.records_key)
        if isinstance(records, list):
            return records
        if records is None and paging.records_key in data and count_of(data, paging.total_items_key) == 0:
            return []
    raise PageFault(
        f"PartnerBoost answered {action} with {_shape(data)} instead of a page with a "
        f"`{paging.records_key}` list",
        action=action,
    )


def records_of(data: Any, key: str) -> list[Any] | None:
    """The records in a page's data when it has a readable list (data[key], or data itself), else None."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get(key), list):
        return data[key]
    return None


def page_value(paging: Paging, first_value: int, index: int, per_page: int) -> int:
    """The page (or offset) parameter of the page `index` places after the first."""
    return first_value + index if paging.kind == "page" else first_value + index * per_page


def page_span(index: int, per_page: int, total: int | None) -> tuple[int, int]:
    """The 1-based numbers of the first and last record on page `index` (0-based)."""
    first, last = index * per_page + 1, (index + 1) * per_page
    return first, min(last, total) if total is not None else last


def describe_pages(
    paging: Paging, indexes: list[int], first_value: int, per_page: int, total_pages: int | None,
    total_items: int | None,
) -> str:
    """Consecutive pages (0-based indexes) as one phrase: 'pages 3–9 of 47 (records 401–1,800)'."""
    first, last = indexes[0], indexes[-1]
    low, _ = page_span(first, per_page, total_items)
    _, high = page_span(last, per_page, total_items)
    records = f"records {low:,}–{high:,}"
    if paging.kind != "page":
        return f"{records} (offset {page_value(paging, first_value, first, per_page)})"
    start, end = (page_value(paging, first_value, i, per_page) for i in (first, last))
    pages = f"page {start}" if first == last else f"pages {start}–{end}"
    of = f" of {total_pages}" if total_pages is not None else ""
    return f"{pages}{of} ({records})"


def runs(indexes: list[int]) -> list[list[int]]:
    """Sorted indexes split into runs of consecutive numbers."""
    grouped: list[list[int]] = []
    for index in sorted(indexes):
        if grouped and grouped[-1][-1] == index - 1:
            grouped[-1].append(index)
        else:
            grouped.append([index])
    return grouped


def size_bounds(action_cls: type[Action], paging: Paging) -> tuple[int, int]:
    """The smallest and largest page size the action's model accepts."""
    low, high = 1, paging.max_size
    name = field_name(action_cls, paging.size_param)
    if name is not None:
        for constraint in action_cls.model_fields[name].metadata:
            if isinstance(constraint, annotated_types.Ge) and isinstance(constraint.ge, int):
                low = max(low, constraint.ge)
            elif isinstance(constraint, annotated_types.Le) and isinstance(constraint.le, int):
                high = min(high, constraint.le)
    return low, high


def request_position(action: Action, paging: Paging) -> tuple[int, int]:
    """(page number or offset, page size) the request asks for; a cursor request is at 0."""
    size = get_param(action, paging.size_param) or paging.default_size
    if paging.kind == "cursor":
        return 0, int(size)
    value = get_param(action, paging.page_param)
    return (int(value) if value is not None else paging.first_number), int(size)


def allowed_cut(action: Action, fitting: int) -> int:
    """How many records of the page to show when only `fitting` fit: for numbered pages, a count that the
    records before this page divide by (so a next page of that size starts right after the last shown)."""
    paging = type(action).paging
    if paging is None or paging.kind not in ("page", "has_more"):
        return fitting
    page, size = request_position(action, paging)
    offset = (page - paging.first_number) * size
    low, _ = size_bounds(type(action), paging)
    for count in range(fitting, 0, -1):
        if count >= low and offset % count == 0:
            return count
    return fitting


@dataclass(frozen=True)
class NextPage:
    """Where a page sits and the exact arguments for the records after the `returned` ones shown."""

    returned: int
    total: int | None
    has_more: bool
    next_arguments: dict[str, Any] | None
    note: str | None = None


def has_more(
    data: Any, paging: Paging, total: int | None, offset: int, count: int, page: int | None, size: int
) -> bool:
    if total is not None:
        return offset + count < total
    total_pages = count_of(data, paging.total_pages_key or "total_page")
    if total_pages is not None and page is not None:
        return page - paging.first_number + 1 < total_pages
    if isinstance(data, dict) and isinstance(data.get("has_more"), bool):
        return bool(data["has_more"])
    return count >= size


def next_page(
    action: Action, arguments: dict[str, Any], data: Any, records: list[Any], shown: int
) -> NextPage:
    """The envelope of a page of which the first `shown` records are returned."""
    action_cls = type(action)
    paging = action_cls.paging
    assert paging is not None
    total = count_of(data, paging.total_items_key)
    position, size = request_position(action, paging)
    cut = shown < len(records)

    if paging.kind in ("page", "has_more"):
        offset = (position - paging.first_number) * size
        if cut:
            return _cut_numbered(action, arguments, total, offset, shown, paging)
        more = has_more(data, paging, total, offset, len(records), position, size)
        following = {paging.page_param: position + 1, paging.size_param: size} if more else None
    elif paging.kind == "offset":
        low, _ = size_bounds(action_cls, paging)
        more = cut or has_more(data, paging, total, position, len(records), None, size)
        next_size = max(shown, low) if cut else size
        following = {paging.page_param: position + shown, paging.size_param: next_size} if more else None
    else:
        return _cursor(arguments, data, records, shown, total, paging)

    return NextPage(
        returned=shown,
        total=total,
        has_more=more,
        next_arguments={**arguments, **following} if following else None,
        note=f"This page had {len(records)} records; the answer was cut to stay under the size limit."
        if cut else None,
    )


def _cut_numbered(
    action: Action, arguments: dict[str, Any], total: int | None, offset: int, shown: int, paging: Paging
) -> NextPage:
    low, _ = size_bounds(type(action), paging)
    if shown >= low and shown > 0 and offset % shown == 0:
        next_number = (offset + shown) // shown + paging.first_number
        following = {paging.page_param: next_number, paging.size_param: shown}
        return NextPage(returned=shown, total=total, has_more=True, next_arguments={**arguments, **following},
                        note="The page was cut to stay under the size limit; next_arguments continue right "
                        "after the last record shown, with a page size that fits.")
    return NextPage(
        returned=shown, total=total, has_more=True, next_arguments=None,
        note=f"Cut to {shown} records to stay under the size limit; ask for a smaller {paging.size_param} "
        "(and page 1) to read this listing in full.",
    )


def _cursor(
    arguments: dict[str, Any], data: Any, records: list[Any], shown: int, total: int | None, paging: Paging
) -> NextPage:
    if shown < len(records):
        return NextPage(
            returned=shown, total=total, has_more=True,
            next_arguments={**arguments, paging.size_param: max(shown, 1)},
            note="The page was cut to stay under the size limit; next_arguments read the same cursor again "
            "in a size that fits, then continue from that answer's cursor.",
        )
    cursor = next_cursor(data, paging)
    flag = data.get("has_more") if isinstance(data, dict) else None
    more = bool(cursor) and flag is not False
    return NextPage(
        returned=shown, total=total, has_more=more,
        next_arguments={**arguments, paging.page_param: cursor} if more else None,
    )


def next_cursor(data: Any, paging: Paging) -> Any:
    return data.get(paging.cursor_key or "cursor") if isinstance(data, dict) else None
