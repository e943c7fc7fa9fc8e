"""Turning a raw action's answer into a tool result that fits the size limit, saying what was cut and how to
get the rest.

The result is one JSON text (the demo notice first, PartnerBoost's data last; empty fields left out) and no
structured copy: every client shows text, and a client that shows both would show the same data twice."""

from __future__ import annotations

from typing import Any

from mcp.types import CallToolResult

from partnerboost_skill.server.output_cap import (
    MAX_TEXT_BYTES,
    json_text,
    largest_fitting,
    shrink_lists,
    size_of,
)
from partnerboost_skill.server.output_models import ActionResult, PageInfo, WriteResult
from partnerboost_skill.server.paging_envelope import allowed_cut, page_info, page_records
from partnerboost_skill.server.tool_base import result
from partnerboost_tools.base import Action

FIRST = ("notice",)
LAST = ("data",)


def render_text(structured: dict[str, Any]) -> str:
    """The answer as compact JSON: the notice first, the data last, None values left out."""
    present = {key: value for key, value in structured.items() if value is not None}
    middle = [key for key in present if key not in FIRST + LAST]
    ordered = {key: present[key] for key in (*FIRST, *middle, *LAST) if key in present}
    return json_text(ordered)


def _fits(structured: dict[str, Any]) -> bool:
    return size_of(render_text(structured)) <= MAX_TEXT_BYTES


def _with_records(data: Any, key: str, records: list[Any]) -> Any:
    if isinstance(data, list):
        return records
    return {**data, key: records}


def read_result(action: Action, arguments: dict[str, Any], data: Any, notice: str | None) -> CallToolResult:
    """A read action's answer: one page with its cursor envelope, cut to the size limit when needed."""
    base = ActionResult(
        action=action.tool_name, endpoint=action.describe_endpoint(), demo=notice is not None, notice=notice,
        data=None,
    ).model_dump(mode="json")
    paging = type(action).paging
    records = page_records(action, data)

    if paging is not None and records is not None:
        def render(shown: int) -> dict[str, Any]:
            page = page_info(action, arguments, data, records, shown)
            return {**base, "data": _with_records(data, paging.records_key, records[:shown]),
                    "page": page.model_dump(mode="json")}

        structured = render(len(records))
        if not _fits(structured):
            fitting = largest_fitting(len(records), lambda k: _fits(render(k)))
            structured = render(allowed_cut(action, fitting))
        return _finish(structured)

    return _finish(_cap_unpaged({**base, "data": data}))


def _cap_unpaged(structured: dict[str, Any]) -> dict[str, Any]:
    """An answer without a paging contract: cut its biggest list(s) and say that the query must narrow."""
    if _fits(structured):
        return structured
    trimmed = dict(structured)
    reserve = 600  # room for the page note added below

    def fits(value: Any) -> bool:
        return size_of(render_text(value)) + reserve <= MAX_TEXT_BYTES

    data_holder = {"data": trimmed["data"]}
    cuts = shrink_lists(data_holder, fits=lambda value: fits({**trimmed, **value}))
    trimmed["data"] = data_holder["data"]
    if cuts and fits(trimmed):
        trimmed["page"] = PageInfo(
            returned=cuts[0].shown, total=cuts[0].original, has_more=True, next_arguments=None,
            note="; ".join(cut.describe() for cut in cuts)
            + ". Narrow the query (a shorter date range or a filter) to see the rest.",
        ).model_dump(mode="json")
        return trimmed
    text = json_text(structured["data"])
    keep = largest_fitting(len(text), lambda k: fits({**structured, "data": {"truncated_json": text[:k]}}))
    return {
        **structured,
        "data": {"truncated_json": text[:keep]},
        "page": PageInfo(
            returned=0, total=None, has_more=True, next_arguments=None,
            note="The answer was too large and is shown as truncated JSON text; narrow the query.",
        ).model_dump(mode="json"),
    }


def _finish(structured: dict[str, Any]) -> CallToolResult:
    return result(render_text(structured))


def write_result(outcome: WriteResult) -> CallToolResult:
    """A write's preview or acknowledgement; an oversized acknowledgement is kept as truncated JSON text."""
    structured = outcome.model_dump(mode="json")
    if not _fits(structured):
        text = json_text(structured["data"])
        structured["message"] += " PartnerBoost's answer was too large and is shown as truncated JSON text."

        def fits(k: int) -> bool:
            return _fits({**structured, "data": {"truncated_json": text[:k]}})

        structured["data"] = {"truncated_json": text[: largest_fitting(len(text), fits)]}
    return _finish(structured)
