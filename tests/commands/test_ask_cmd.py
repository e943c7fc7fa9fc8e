"""`partnerboost ask`: the reply says it is demo data, then what it understood, in the question's language."""

from __future__ import annotations

import json

import pytest
from answer_support import clean_env, run

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")


def test_chinese_bill_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "上个月账单")
    assert code == 0
    lines = [line for line in out.splitlines() if line]
    assert lines[0].startswith("⚠ 演示数据")
    assert lines[1] == "理解为：账单核对，上个月 = 2026-10-01 至 2026-10-31（UTC）"
    assert "**账单核对 · 2026-10**" in out


def test_english_orders_question_with_chart(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "how are recent orders doing?", "--format", "discord")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("⚠ Demo data")
    assert lines[1] == "Understood: recent orders and anomalies, recent = Nov 14 – Nov 20 2026 (UTC)"
    assert out.rstrip().splitlines()[-1].startswith("MEDIA:/")


def test_default_period_is_said_when_none_was_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "which", "media", "am", "I", "partnering", "with", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["answer"] == "partners"
    assert payload["understood"] == ("Understood: partner media; no period named, so last 30 days = "
                                     "Oct 22 – Nov 20 2026 (UTC)")


def test_comparison_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "本月和上月对比", "--lang", "en", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["answer"] == "compare"
    result = payload["result"]
    assert result["period"]["start"].startswith("2026-11-01")
    assert result["period"]["end"].startswith("2026-11-21")
    assert result["other_period"]["start"].startswith("2026-10-01")
    assert payload["understood"].startswith("Understood: period comparison, 本月 = Nov 1 – Nov 20 2026 vs")


def test_an_empty_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "   ")
    assert code == 2 and out == "" and "ask needs a question" in err
