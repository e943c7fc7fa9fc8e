"""`--lang zh` answers on the sandbox read as Chinese: the analysis's own notes, the default period `ask`
fell back to, Chinese punctuation around our words, and a word when the chart could not be drawn in Chinese.

The sandbox's clock is 2026-11-20 06:00 UTC.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from answer_support import clean_env, run

from partnerboost_skill.render import charts

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")
CJK = "\u4e00-\u9fff"
ASCII_PUNCTUATION = re.compile(
    rf"[{CJK}][,;]|[,;] [{CJK}]|[{CJK}] ?\(|\([{CJK}]|\)[{CJK}]|[{CJK}]\)|\d \(\d+%?\)"
)
"""ASCII commas, semicolons and brackets next to Chinese words, or around our own counts and shares."""


def notes_section(out: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "说明：" in line)
    return [line for line in lines[start + 1:] if line.startswith("- ")]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["review", "--group-by", "device"], "点击数据不区分设备：无法按设备计算转化率"),
        (["bill", "2026-10"], "2026-10 的账单对应该月产生的佣金"),
        (["compare", "October", "--against", "year"], "2025-10-01 至 2025-10-31 没有订单"),
        (["orders", "last 30 days", "--no-chart"], "笔订单已作废"),
    ],
)
def test_the_analysis_notes_are_in_chinese(capsys: pytest.CaptureFixture[str], argv: list[str],
                                           expected: str) -> None:
    code, out, err = run(capsys, *argv, "--lang", "zh", "--no-cache", *(["--no-chart"] if argv[0] == "review"
                                                                       else []))
    assert code == 0, err
    notes = notes_section(out)
    assert any(expected in note for note in notes), notes
    for note in notes:
        assert re.search(f"[{CJK}]", note), f"an English note in a Chinese answer: {note}"


def test_a_month_without_bills_says_so_once_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bill", "2025-01", "--lang", "zh")
    assert code == 0
    assert out.count("2025-01 没有账单") == 1
    assert "no bills" not in out


@pytest.mark.parametrize(
    "argv",
    [["partners"], ["orders", "--no-chart"], ["review", "--group-by", "partner", "--no-chart"], ["bill"],
     ["compare"]],
)
def test_chinese_answers_use_chinese_punctuation_around_our_words(capsys: pytest.CaptureFixture[str],
                                                                 argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv, "--lang", "zh")
    assert code == 0
    found = ASCII_PUNCTUATION.findall(out)
    assert not found, found


def test_best_partners_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "orders", "--lang", "zh", "--no-chart")
    assert code == 0
    assert re.search(r"^- Green Coupon Journal：[\d,]+ 单，USD [\d,]+\.\d\d$", out, re.MULTILINE), out


def test_ask_names_its_default_period_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "我合作的媒体有哪些")
    assert code == 0
    understood = out.splitlines()[2]
    expected = "理解为：合作媒体；未指定时间，默认最近 30 天 = 2026-10-22 至 2026-11-20"
    assert understood.startswith(expected), understood


def test_a_chinese_chart_drawn_in_english_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = str(tmp_path / "c.png")
    code, out, _ = run(capsys, "review", "--lang", "zh", "--format", "discord", "--chart", chart)
    assert code == 0
    media_part = out.rstrip("\n").split("\n---8<---\n")[-1].splitlines()
    assert media_part[-1] == f"MEDIA:{(tmp_path / 'c.png').resolve()}"
    english_labels = charts.labels_language("zh") == "en"
    assert (media_part[:-1] == ["图表标签为英文：本机未安装中文字体。"]) == english_labels
    code, out, _ = run(capsys, "review", "--chart", str(tmp_path / "d.png"))
    assert "Chinese font" not in out and "中文字体" not in out
