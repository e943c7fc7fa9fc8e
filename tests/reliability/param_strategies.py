"""Hypothesis strategies for action parameters: a valid sample with some values replaced, some removed and
some unknown keys added. No tests here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from partnerboost_tools.base import Action


def _load_samples() -> dict[str, dict[str, Any]]:
    """tests/tools/tool_samples.py: a minimal valid parameter set per action, kept with the catalogue."""
    path = Path(__file__).resolve().parents[1] / "tools" / "tool_samples.py"
    spec = importlib.util.spec_from_file_location("reliability_tool_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MINIMAL_PARAMS


MINIMAL_PARAMS = _load_samples()

PLAUSIBLE_TEXT = [
    "", " ", "0", "1", "-1", "20", "200", "201", "100000", "1e309", "NaN", "inf", "true", "false", "null",
    "USD", "usd", "EUR", "XXX", "all", "joined", "adopt", "IMAGE", "COUPON", "DAILY", "US", "ZZ",
    "2026-10-01", "1969-12-31", "1000-01-01", "9999-12-31T23:59:59Z", "2026-13-45", "2026-02-30",
    "20261001", "1790812800", "-62135596800", "99999999999999",
    "2026-10-01T00:00:00Z", "2026-10-01 00:00:00", "Thu, 19 Nov 2026 10:00:00 GMT", "yesterday",
    "a,b,c", ",,,", "B0C1234567", "http://example.com/x", "javascript:alert(1)", "'; DROP TABLE orders; --",
    "\x00", "\u202e", "ü" * 300, "x" * 5000,
]


def _values(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63),
        st.sampled_from([0, 1, -1, 20, 200, 201, 10**6, 2**31, 2**64, 10**30]),
        floats,
        st.sampled_from(PLAUSIBLE_TEXT),
        st.text(max_size=40),
        st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4),
        st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
    )


VALUES = _values(st.floats(allow_nan=True, allow_infinity=True))
JSON_VALUES = _values(st.floats(allow_nan=False, allow_infinity=False))
"""What a JSON message can carry (MCP arguments): no NaN or infinity."""
UNKNOWN_KEYS = st.sampled_from(["token", "api_key", "__class__", "", "page", "limit", "x" * 200, "ürl"])


def field_keys(action_cls: type[Action]) -> list[str]:
    """The names a caller may use: each field's alias (the documented name) and its Python name."""
    keys: list[str] = []
    for name, field in action_cls.model_fields.items():
        keys.append(field.alias or name)
        if field.alias and field.alias != name:
            keys.append(name)
    return keys


@st.composite
def params_for(
    draw: st.DrawFn, action_cls: type[Action], values: st.SearchStrategy[Any] = VALUES
) -> dict[str, Any]:
    params = dict(MINIMAL_PARAMS[action_cls.tool_name])
    keys = field_keys(action_cls)
    if keys:
        for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
            params[key] = draw(values)
    for key in draw(st.lists(st.sampled_from(sorted(params) or ["-"]), max_size=1)):
        params.pop(key, None)
    if draw(st.integers(0, 9)) == 0:
        params[draw(UNKNOWN_KEYS)] = draw(values)
    return params


WRITE_FLAG_VALUES = st.one_of(st.booleans(), st.sampled_from(["true", "false", "yes", 1, 0, None, "", [1]]))


@st.composite
def tool_arguments(draw: st.DrawFn, action_cls: type[Action]) -> dict[str, Any]:
    """What a model might send to the action's MCP tool (write tools: plus confirm / dry_run)."""
    arguments = draw(params_for(action_cls, JSON_VALUES))
    if action_cls.writes:
        for flag in ("confirm", "dry_run"):
            if draw(st.booleans()):
                arguments[flag] = draw(WRITE_FLAG_VALUES)
    return arguments
