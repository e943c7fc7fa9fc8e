"""Figures in the agent's text against the numbers the tools returned: formatting, rounding, units, what is
not a figure, and marking."""

from __future__ import annotations

import pytest

from partnerboost_skill.agent.grounding import MARK, Evidence, figures, mark, ungrounded

TOOL_TEXT = ("Orders 10,098 (9,479 valid, +6.3% vs before), void rate 6.1%, clicks 719,617, "
             "conversion 1.32%\nUSD: sales USD 605,789.73 (+7.7% vs before), commission USD 55,915.06, "
             "ROAS 10.83")
TOOL_JSON = {"conversion_rate": 0.013199, "change": -0.0631, "sales": "605789.73", "partners": 412}


@pytest.fixture
def evidence() -> Evidence:
    found = Evidence()
    found.add(TOOL_TEXT)
    found.add_json(TOOL_JSON)
    return found


@pytest.mark.parametrize("written", [
    "USD 605,789.73", "$605,789.73", "605789.73", "605,790", "605.8k", "$0.61M", "60.58万", "60.6万",
    "55,915.06", "55.9k", "1.32%", "1.3%", "6.3%", "-6.3%", "down 6.31%", "10.83x", "10.8", "412",
    "10,098", "9.5k", "0.0132",
])
def test_figures_written_another_way_are_grounded(evidence: Evidence, written: str) -> None:
    assert ungrounded(f"The figure is {written} this period.", evidence) == []


@pytest.mark.parametrize("written", [
    "98,765.43", "605,789.74", "605,780", "$0.9M", "61.2万", "1.42%", "7.9%", "11.2x", "413", "9,483",
])
def test_figures_the_tools_never_gave_are_not_grounded(evidence: Evidence, written: str) -> None:
    assert [f.text for f in ungrounded(f"The figure is {written} this period.", evidence)] == [written]


@pytest.mark.parametrize("text", [
    "From 2026-10-01 to 2026-10-31 (UTC), at 14:00.",
    "2026年10月1日至10月31日",
    "In 2025 and 2026.",
    "1. Scale the website channel\n2. Fix the social channel",
    "The top 3 partners, 2 of them new.",
    "Order LP1418533 and partner PB29830666 in Q3, the 3rd best.",
])
def test_dates_years_list_markers_small_counts_and_ids_are_not_figures(text: str) -> None:
    assert figures(text) == []


def test_the_users_own_numbers_count_as_evidence() -> None:
    evidence = Evidence()
    evidence.add("show me the last 45 days and the top 15 partners")
    assert ungrounded("Over the last 45 days the top 15 partners sold 1,234.", evidence)[0].text == "1,234"


def test_marking_puts_the_mark_right_after_each_ungrounded_figure(evidence: Evidence) -> None:
    text = "Sales were $605,789.73, commission **USD 98,765.43** and ROAS 12.5x."
    flagged = ungrounded(text, evidence)
    assert [f.text for f in flagged] == ["98,765.43", "12.5x"]
    assert mark(text, flagged) == (f"Sales were $605,789.73, commission **USD 98,765.43{MARK}** and ROAS "
                                   f"12.5x{MARK}.")
