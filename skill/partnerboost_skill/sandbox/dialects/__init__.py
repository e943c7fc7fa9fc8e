"""Sandbox dialects: the same world served in other record shapes and API conventions.

PartnerBoost does not publish its merchant record fields, and the default sandbox was written from the same
guesses as the client. A dialect is another plausible answer to "what do the records look like": the default
handlers build their records, then `respond` reshapes them (names, nesting, money, time and status formats);
`adjust_request` applies the dialect's request conventions (exclusive end bounds) before the handler runs.
`partnerboost sandbox --dialect NAME` and `sandbox_transport(world, dialect=NAME)` serve one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from partnerboost_skill.sandbox.dialects.catalogue import DEFAULT, DIALECTS
from partnerboost_skill.sandbox.dialects.shapes import SHAPERS
from partnerboost_skill.sandbox.dialects.traits import Dialect
from partnerboost_tools.base import Action

END_PARAMS: dict[str, str] = {
    "merchant_list_transactions": "trans_time_end",
    "merchant_transaction_stats": "trans_time_end",
    "merchant_performance_chart": "end_date",
    "merchant_performance_list": "end_date",
    "merchant_performance_totals": "end_date",
    "merchant_list_bills": "time_end",
}
"""The end bound a dialect with exclusive ends reads as 'before this second'."""

_SECOND = timedelta(seconds=1)


def dialect_named(name: str | Dialect | None) -> Dialect:
    """The dialect called `name` (None: the default); ValueError lists the known names."""
    if isinstance(name, Dialect):
        return name
    if name is None:
        return DEFAULT
    found = DIALECTS.get(name.strip().lower().replace("-", "_"))
    if found is None:
        raise ValueError(f"unknown sandbox dialect {name!r}; known: {', '.join(DIALECTS)}")
    return found


def adjust_request(dialect: Dialect, model: Action) -> Action:
    """The parsed request as the default handler must see it to answer with the dialect's semantics."""
    param = END_PARAMS.get(type(model).tool_name) if dialect.exclusive_end else None
    end = getattr(model, param) if param else None
    if param is None or end is None:
        return model
    return model.model_copy(update={param: end - _SECOND})


def respond(dialect: Dialect, tool_name: str, data: Any) -> Any:
    """The default handler's answer reshaped into the dialect."""
    shaper = SHAPERS.get(tool_name)
    if shaper is None or dialect.is_default:
        return data
    return shaper(dialect, data)


__all__ = ["DEFAULT", "DIALECTS", "END_PARAMS", "Dialect", "adjust_request", "dialect_named", "respond"]
