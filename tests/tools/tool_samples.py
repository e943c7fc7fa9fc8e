"""A minimal valid parameter set for every action: the action classes' own `example` (tools/), by tool name.

test_every_action_example_is_valid (test_tool_catalogue.py) checks each one validates.
"""

from __future__ import annotations

from typing import Any

from partnerboost_tools.catalogue import ACTIONS

MINIMAL_PARAMS: dict[str, dict[str, Any]] = {name: dict(action.example) for name, action in ACTIONS.items()}
