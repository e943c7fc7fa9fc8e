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


@pytest.mark.parametrize(("question", "understood"), [
    ("Review PB order data from the past three months and provide placement optimization suggestions",
     "Understood: performance review by channel type, past three months = Aug 1 – Oct 31 2026 (UTC)"),
    ("复盘最近三个月的订单数据，给出投放建议",
     "理解为：渠道复盘（按渠道类型），最近三个月 = 2026-08-01 至 2026-10-31（UTC）"),
    ("How are recent orders performing? Summarize the top-performing channels.",
     "Understood: recent orders and anomalies, recent = Nov 14 – Nov 20 2026 (UTC)"),
])
def test_the_guides_sample_instructions_get_the_right_answer(
    capsys: pytest.CaptureFixture[str], question: str, understood: str
) -> None:
    code, out, _ = run(capsys, "ask", question, "--no-chart")
    assert code == 0
    assert [line for line in out.splitlines() if line][1] == understood


@pytest.mark.parametrize(("question", "first", "example"), [
    ("what's the weather", "That does not look like a question about your PartnerBoost program",
     '"review the last three months"'),
    ("今天天气怎么样", "这个问题看起来与您的 PartnerBoost 联盟营销无关", "“上个月账单”"),
])
def test_an_off_topic_question_runs_nothing_and_says_what_can_be_asked(
    capsys: pytest.CaptureFixture[str], question: str, first: str, example: str
) -> None:
    code, out, err = run(capsys, "ask", question)
    assert code == 0 and err == ""
    assert out.startswith(first) and example in out
    assert "Demo data" not in out and "演示数据" not in out and "MEDIA:" not in out
    code, out, _ = run(capsys, "ask", question, "--format", "json")
    payload = json.loads(out)
    assert payload["off_topic"] is True and payload["answer"] is None and len(payload["can_answer"]) == 5
