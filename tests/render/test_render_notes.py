"""The analysis and cache notes in a Chinese answer are Chinese; unknown notes pass unchanged."""

from __future__ import annotations

import re

import pytest
from render_support import monitor, review

from partnerboost_skill.questions import render_answer
from partnerboost_skill.render.notes import iso_dates, note_text

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b")
"""Three lowercase English words in a row: an untranslated sentence."""


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("clicks are not reported by device: conversion by device is not available", "无法按设备计算转化率"),
        ("1,234 clicks could not be attributed to a country (they count in the totals)",
         "1,234 次点击无法归到某个国家"),
        ("no orders in Oct 1 – Oct 31 2025 (2025-10-01 .. 2025-11-01, end excluded)",
         "2025-10-01 至 2025-10-31 没有订单"),
        ("no orders in Oct 1 – Oct 15 2025 (to 14:00) (2025-10-01 .. 2025-10-15 14:00, end excluded)",
         "2025-10-01 至 2025-10-15（截至 14:00）没有订单"),
        ("incomplete orders 2026-11-14 .. 2026-11-21: page 3 of 9",
         "数据不完整：订单 2026-11-14 至 2026-11-21"),
        ("clicks could not be fetched (upstream error 500): click counts and conversion figures are missing "
         "from this answer", "无法获取点击数据（upstream error 500）"),
        ("orders Sep 1 – Oct 31 2026 (UTC days): Sep 1 – Sep 30 2026 from the local cache (settled; fetched "
         "2026-11-20 06:00 UTC); Oct 1 – Oct 31 2026 (inside the 90-day settle window) checked live against "
         "PartnerBoost's order statistics, 3 days refetched; 12 settled days fetched live and saved",
         "订单 2026-09-01 至 2026-10-31（UTC 日）：2026-09-01 至 2026-09-30 来自本地缓存（已结算，获取于 "
         "2026-11-20 06:00 UTC）；2026-10-01 至 2026-10-31（90 天结算期内）"
         "已与 PartnerBoost 订单统计实时核对，重新获取 3 天；实时获取已结算的 12 天并已保存"),
        ("the local cache is locked by another process; this answer was fetched live and not saved",
         "本地缓存被另一进程锁定"),
    ],
)
def test_known_notes_are_translated(note: str, expected: str) -> None:
    translated = note_text(note, "zh")
    assert expected in translated
    assert not ENGLISH_WORDS.search(translated.replace("PartnerBoost", "")), translated
    assert note_text(note, "en") == note


def test_an_unknown_note_is_kept_with_iso_dates() -> None:
    assert note_text("something new happened on Oct 5 2026", "zh") == "something new happened on 2026-10-05"


def test_english_ranges_become_iso_dates() -> None:
    assert iso_dates("Dec 30 2025 – Jan 2 2026 and Sep 1 – Oct 31 2026") == (
        "2025-12-30 至 2026-01-02 and 2026-09-01 至 2026-10-31")


@pytest.mark.parametrize("fmt", ["markdown", "discord", "feishu"])
def test_a_chinese_answer_shows_its_notes_in_chinese(fmt: str) -> None:
    result = review(["A", "B"], group_by="device",
                    notes=["clicks are not reported by device: conversion by device is not available"])
    text = "\n".join(render_answer(result, fmt, "zh"))  # type: ignore[arg-type]
    assert "点击数据不区分设备" in text and "clicks are not reported" not in text


def test_the_incomplete_warning_translates_what_is_missing_and_is_not_repeated_below() -> None:
    result = monitor(["A", "B"], complete=False)
    (zh,) = render_answer(result, "markdown", "zh")
    assert "缺失：数据不完整：订单 2026-11-14 至 2026-11-21（不含）：page 3 of 9" in zh
    clicks = ("clicks could not be fetched (timeout): click counts and conversion figures are missing from "
              "this answer")
    other = result.model_copy(update={"notes": [clicks]})
    (en,) = render_answer(other, "markdown", "en")
    assert en.count("clicks could not be fetched") == 1, "said in the warning, not again in the notes"
