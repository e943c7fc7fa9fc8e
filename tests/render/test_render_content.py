"""What every answer says: the demo line first, the exact period, completeness, exact money per currency,
Chinese when asked, and JSON that round-trips to the typed result."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from render_support import bill_check, comparison, every_result, media, monitor, review

from partnerboost_skill.analysis.results import PerformanceReview
from partnerboost_skill.questions import render_answer
from partnerboost_skill.render import i18n, render_json
from partnerboost_skill.render.blocks import Data, Line

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("fmt", ["markdown", "discord", "feishu"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_notice_is_the_first_line(fmt: str, lang: str) -> None:
    for result in every_result(["A", "B"]):
        first = render_answer(result, fmt, lang, demo=True)[0].splitlines()[0]  # type: ignore[arg-type]
        assert ("Demo data" in first) if lang == "en" else ("演示数据" in first)
        assert "Demo" not in render_answer(result, fmt, lang, demo=False)[0]  # type: ignore[arg-type]


def test_preamble_follows_the_demo_line() -> None:
    preamble = [Line(("Understood: ", Data("x")))]
    messages = render_answer(review(), "markdown", "en", demo=True, preamble=preamble)
    lines = [line for line in messages[0].splitlines() if line]
    assert lines[0].startswith("⚠ Demo data") and lines[1] == "Understood: x"


def test_the_period_line_gives_range_timezone_and_convention() -> None:
    (text,) = render_answer(review(), "markdown", "en")
    assert "Period: Aug 1 – Oct 31 2026 (UTC; the three most recent complete calendar months)" in text
    assert "May 1 – Jul 31 2026" in text, "the comparison period is named"


def test_chinese_period_line_uses_iso_dates_and_a_translated_convention() -> None:
    (text,) = render_answer(review(), "markdown", "zh")
    assert "期间：2026-08-01 至 2026-10-31（UTC；最近 3 个完整自然月）" in text


@pytest.mark.parametrize("fmt", ["markdown", "discord", "feishu"])
def test_incomplete_data_is_said_near_the_top_with_what_is_missing(fmt: str) -> None:
    result = monitor(["A", "B"], complete=False)
    first = render_answer(result, fmt, "en")[0]  # type: ignore[arg-type]
    assert "Incomplete data" in first and "page 3 of 9" in first
    head = first.splitlines()[:6]
    assert any("Incomplete data" in line for line in head)
    zh = render_answer(result, fmt, "zh")[0]  # type: ignore[arg-type]
    assert "数据不完整" in zh


def test_complete_answers_do_not_warn() -> None:
    for result in every_result(["A"]):
        assert "Incomplete" not in "\n".join(render_answer(result, "markdown", "en"))  # type: ignore[arg-type]


def test_money_is_exact_with_its_currency_code_and_never_summed_across_currencies() -> None:
    (text,) = render_answer(review(), "markdown", "en")
    assert "USD 1,745,377.68" in text and "EUR 185,981.56" in text and "GBP 78,164.62" in text
    total = Decimal("1745377.68") + Decimal("185981.56") + Decimal("78164.62")
    assert f"{total:,.2f}" not in text
    assert "Sales USD" in text, "table columns name their currency"


def test_money_format_rounds_half_up_to_two_places() -> None:
    assert i18n.money(Decimal("0.005"), "USD") == "USD 0.01"
    assert i18n.money(Decimal("1234567.8"), "EUR") == "EUR 1,234,567.80"
    assert i18n.money(None, "USD") == "n/a"


def test_bill_check_lists_mismatches_with_exact_differences() -> None:
    (text,) = render_answer(bill_check(["Shop A", "Shop B"]), "markdown", "en")
    assert "2 bills do not match their orders" in text
    assert "USD 100.10" in text and "USD 90.00" in text and "+10.10" in text
    assert "Total: USD 200.20 · EUR 0.05" in text


def test_review_groups_recommendations_by_kind() -> None:
    (text,) = render_answer(review(), "markdown", "en")
    assert "Scale (USD): Partner 0 (ROAS 12.40, sales +8.0%) → more placement: featured slots" in text
    assert "Diversify (USD): Partner 7 (share of sales 41.0%)" in text


@pytest.mark.parametrize("build", [review, lambda: monitor(["A"]), lambda: bill_check(["A"]),
                                   lambda: media(["A"]), lambda: comparison(["A"])])
def test_chinese_answers_use_chinese_labels(build: object) -> None:
    result = build()  # type: ignore[operator]
    zh = "\n".join(render_answer(result, "markdown", "zh"))
    en = "\n".join(render_answer(result, "markdown", "en"))
    assert len(CJK.findall(zh)) > 10
    assert not CJK.search(en)


def test_known_codes_get_friendly_names() -> None:
    result = review(["WEBSITE", "SOCIAL_NETWORK"], group_by="channel_type")
    result.groups[0].key, result.groups[1].key = "WEBSITE", "SOCIAL_NETWORK"
    (en,) = render_answer(result, "markdown", "en")
    (zh,) = render_answer(result, "markdown", "zh")
    assert "| Website |" in en and "| Social network |" in en
    assert "| 网站 |" in zh and "| 社交媒体 |" in zh


def test_json_round_trips_to_the_typed_result_with_its_period() -> None:
    result = review()
    text = render_json(result, answer="review", demo=True, lang="en", understood="u", chart=None)
    payload = json.loads(text)
    assert next(iter(payload)) == "demo" and payload["demo"] is True
    assert payload["result"]["period"]["start"] == "2026-08-01T00:00:00Z"
    assert PerformanceReview.model_validate(payload["result"]) == result
    assert payload["result"]["totals"]["money"]["USD"]["sales"] == "1745377.68"


def test_a_chinese_period_cut_during_a_day_ends_on_that_day_at_that_time() -> None:
    start = datetime(2026, 11, 7, tzinfo=UTC)
    assert i18n.period_label(start, datetime(2026, 11, 13, 6, tzinfo=UTC), "Nov 7 – Nov 13 2026 (to 06:00)",
                             "zh") == "2026-11-07 至 2026-11-13（截至 06:00）"
    assert i18n.period_label(start, datetime(2026, 11, 14, tzinfo=UTC), "Nov 7 – Nov 13 2026",
                             "zh") == "2026-11-07 至 2026-11-13"
