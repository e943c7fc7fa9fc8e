"""The demo answers in the present: the README's year-on-year comparison has numbers on both sides."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from answer_support import clean_env, run

import partnerboost_skill.sandbox as sandbox
from partnerboost_skill.sandbox.world import present_config

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")


def test_year_on_year_compares_real_numbers_in_the_demo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare October --against year` as the demo answers it on December 4 2026 (its world then starts on
    September 1 2025)."""
    monkeypatch.setattr(sandbox, "_pinned", present_config(datetime(2026, 12, 4, 15, 37, tzinfo=UTC)))
    monkeypatch.setattr(sandbox, "_default_world", None)
    code, out, _ = run(capsys, "compare", "October", "--against", "year", "--format", "json")
    assert code == 0
    result = json.loads(out)["result"]
    assert result["period"]["start"].startswith("2026-10-01")
    assert result["other_period"]["start"].startswith("2025-10-01")
    assert result["totals"]["orders"] > 1_000 and result["other_totals"]["orders"] > 1_000
