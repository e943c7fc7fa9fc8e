"""What the tool list costs a model on every turn: its size per configuration, under budget, snapshotted.

The bytes are those of the `tools/list` result as sent (compact JSON, camelCase, no nulls); ≈ tokens is bytes
÷ 4. A change that grows the list fails the snapshot until it is regenerated with UPDATE_SNAPSHOTS=1 (review
the diff), and fails outright past the budget (issue #14).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from partnerboost_skill.config import FAMILY_CREDENTIALS, Credentials, Settings
from partnerboost_skill.server import build_server
from partnerboost_tools.base import FAMILIES

SNAPSHOT = Path(__file__).parent / "snapshots" / "tool_list_sizes.json"
ALL_CREDENTIALS = Credentials(**{name: f"{name}-0123456789abcdef" for family in FAMILIES
                                 for name in FAMILY_CREDENTIALS[family]})
CONFIGURATIONS: dict[str, tuple[Settings, dict[str, Any], int | None, int | None]] = {
    # name: (settings, build_server options, byte budget, tool budget)
    "default": (Settings(), {}, 20_000, 20),
    "all families": (Settings(credentials=ALL_CREDENTIALS), {}, 48_000, 20),
    "all families + writes": (Settings(credentials=ALL_CREDENTIALS), {"allow_writes": True}, 48_000, 20),
    "--toolsets all --allow-writes (opt-in, every typed tool)": (
        Settings(credentials=ALL_CREDENTIALS), {"toolsets": "all", "allow_writes": True}, None, None),
}


async def measure(settings: Settings, options: dict[str, Any]) -> dict[str, int]:
    async with Client(build_server(settings, **options)) as client:
        listed = await client.list_tools()
    body = json.dumps(listed.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False,
                      separators=(",", ":"))
    size = len(body.encode())
    return {"tools": len(listed.tools), "bytes": size, "tokens_approx": round(size / 4)}


@pytest.mark.anyio
async def test_the_tool_list_sizes_stay_within_budget_and_match_the_snapshot() -> None:
    measured = {name: await measure(settings, options)
                for name, (settings, options, _, _) in CONFIGURATIONS.items()}
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(measured, indent=1, ensure_ascii=False) + "\n")
    for name, (_, _, byte_budget, tool_budget) in CONFIGURATIONS.items():
        if byte_budget is not None:
            assert measured[name]["bytes"] <= byte_budget, f"{name}: {measured[name]} is over {byte_budget}"
        if tool_budget is not None:
            assert measured[name]["tools"] <= tool_budget, f"{name}: {measured[name]} shows too many tools"
    assert measured == json.loads(SNAPSHOT.read_text()), (
        "the tool list changed size; review the change and regenerate with UPDATE_SNAPSHOTS=1"
    )
