"""Every action's JSON schema and endpoint metadata, kept in tests/tools/snapshots/tool_schemas.json so that
any change to what a model sees (parameters, descriptions, endpoints, paging) shows up in review.

Regenerate after an intended change with: UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/tools
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from partnerboost_tools.base import Action
from partnerboost_tools.catalogue import ACTIONS

SNAPSHOT = Path(__file__).parent / "snapshots" / "tool_schemas.json"
MAX_SCHEMA_CHARS = 3500
"""The largest schema, as compact JSON, that a model should have to read for one tool."""


def _entry(action: type[Action]) -> dict[str, Any]:
    window = None
    if action.window is not None:
        window = {**asdict(action.window), "max_span": action.window.max_span.total_seconds()}
    return {
        "class": action.__name__,
        "family": action.family,
        "endpoint": action.endpoint,
        "method": action.method,
        "writes": action.writes,
        "destructive": action.destructive,
        "idempotent": action.idempotent,
        "inferred": action.inferred,
        "paging": asdict(action.paging) if action.paging is not None else None,
        "window": window,
        "description": inspect.cleandoc(action.__doc__ or ""),
        "schema": action.model_json_schema(),
    }


def _current() -> dict[str, Any]:
    """Every entry as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps({name: _entry(action) for name, action in ACTIONS.items()}))


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _difference(stored: dict[str, Any], current: dict[str, Any]) -> str:
    lines = []
    for name in [n for n in stored if n not in current]:
        lines.append(f"removed: {name}")
    for name in [n for n in current if n not in stored]:
        lines.append(f"added: {name}")
    for name in [n for n in current if n in stored and current[n] != stored[n]]:
        diff = difflib.unified_diff(_dump(stored[name]).splitlines(), _dump(current[name]).splitlines(),
                                    f"snapshot/{name}", f"code/{name}", lineterm="", n=2)
        lines.extend(list(diff)[:80])
    if not lines and list(stored) != list(current):
        lines.append("the tool order changed")
    return "\n".join(lines)


def test_tool_schemas_match_the_snapshot() -> None:
    current = _current()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(_dump(current), encoding="utf-8")
    assert SNAPSHOT.exists(), f"no snapshot yet: run UPDATE_SNAPSHOTS=1 pytest {Path(__file__).name}"
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if stored != current or list(stored) != list(current):
        raise AssertionError(
            "The tool schemas differ from tests/tools/snapshots/tool_schemas.json. If the change is "
            "intended, regenerate with UPDATE_SNAPSHOTS=1 and review the diff:\n"
            + _difference(stored, current))


def test_schemas_stay_compact() -> None:
    for name, action in ACTIONS.items():
        schema = json.dumps(action.model_json_schema(), separators=(",", ":"))
        assert len(schema) <= MAX_SCHEMA_CHARS, f"{name}: {len(schema)} characters"
        assert '"title":"' not in schema.replace(f'"title":"{action.__name__}"', "").replace(
            '"title":"OrderSku"', ""), f"{name}: per-field titles should be left out"
        assert '{"type":"null"}' not in schema, f"{name}: optional parameters need no null branch"


def test_required_parameters_in_the_schema_are_the_required_fields() -> None:
    for name, action in ACTIONS.items():
        required = {field.alias or key for key, field in action.model_fields.items() if field.is_required()}
        assert set(action.model_json_schema().get("required", [])) == required, name
        assert action.model_json_schema()["additionalProperties"] is False, name
