"""Partner media: the listed media, the portfolio's structure and activity, and the derived mode without a
partner list."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pandas as pd
import pytest
from analysis_support import NOW, OCTOBER, clicks, frame, spread

from partnerboost_skill.analysis.partners import partner_media
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.records.frames import partners_frame
from partnerboost_skill.sandbox.world import World


def test_joined_media_and_structure_match_the_partner_list(
    world: World, partners: pd.DataFrame, orders: pd.DataFrame
) -> None:
    period = resolve_period("last 30 days", now=NOW)
    result = partner_media(partners, orders, None, period)
    joined = [p for p in world.partners.to_dict("records") if p["status"] == "joined"]
    assert len(result.media) == len(joined) and not result.derived_from_activity
    assert {m.partner_id for m in result.media} == {str(p["partner_id"]) for p in joined}
    for dimension, column in (
        ("channel_type", "channel_type"),
        ("partner_type", "partner_type"),
        ("country", "country"),
        ("group", "group_name"),
    ):
        counts = Counter(p[column] for p in joined)
        assert {b.value: b.media for b in result.structure[dimension]} == dict(counts)
        assert sum(b.share for b in result.structure[dimension]) == pytest.approx(1.0, abs=1e-5)
    active = {str(pid) for pid in world.orders_between(period.start, period.end)["partner_id"]}
    assert {m.partner_id for m in result.media if m.active} == active & {m.partner_id for m in result.media}
    assert result.active_media + result.dormant_media == len(joined)


def test_status_all_lists_every_partner(world: World, partners: pd.DataFrame, orders: pd.DataFrame) -> None:
    result = partner_media(partners, orders, None, resolve_period("last 30 days", now=NOW), status="all")
    assert len(result.media) == len(world.partners) and result.status_filter is None


def test_top_contributors_rank_by_sales_per_currency(
    partners: pd.DataFrame, orders: pd.DataFrame, order_rows: list[dict]
) -> None:
    period = resolve_period("2026-10", now=NOW)
    result = partner_media(partners, orders, None, period)
    sales: Counter[str] = Counter()
    for row in order_rows:
        if (
            period.start <= row["order_time"] < period.end
            and row["status"] != "void"
            and row["currency"] == "EUR"
        ):
            sales[str(row["channel_id"])] += int(row["amount_cents"])
    joined = {m.medium for m in result.media}
    expected = [medium for medium, _ in sales.most_common() if medium in joined][:5]
    assert [m.medium for m in result.top_contributors["EUR"]] == expected


def _listed() -> pd.DataFrame:
    return partners_frame(
        [
            {
                "partner_id": 1,
                "medium_id": 101,
                "medium_name": "Alpha Deals",
                "partner_type": "publisher",
                "channel_type": "WEBSITE",
                "country": "US",
                "group_name": "Standard",
                "status": "joined",
            },
            {
                "partner_id": 2,
                "medium_id": 102,
                "medium_name": "@bravo",
                "partner_type": "influencer",
                "channel_type": "SOCIAL_NETWORK",
                "country": "GB",
                "group_name": "Creators",
                "status": "joined",
            },
            {
                "partner_id": 3,
                "medium_id": 103,
                "medium_name": "Charlie App",
                "partner_type": "publisher",
                "channel_type": "MOBILE",
                "country": "DE",
                "group_name": "Standard",
                "status": "terminated",
            },
        ]
    )


def test_dormant_media_and_clicks_count_as_activity() -> None:
    orders = frame(spread("A", 3, OCTOBER, "10.00", "1.00"))
    result = partner_media(_listed(), orders, clicks({"B": 40}, OCTOBER), OCTOBER)
    by_name = {m.name: m for m in result.media}
    assert set(by_name) == {"Alpha Deals", "@bravo"}  # the terminated one is not "joined"
    assert by_name["Alpha Deals"].active and by_name["Alpha Deals"].orders == 3
    assert by_name["@bravo"].active and by_name["@bravo"].clicks == 40 and by_name["@bravo"].orders == 0
    quiet = partner_media(_listed(), orders, clicks({}, OCTOBER), OCTOBER)
    assert {m.name: m.active for m in quiet.media} == {"Alpha Deals": True, "@bravo": False}
    assert quiet.dormant_media == 1 and quiet.structure["group"][0].value in ("Standard", "Creators")


def test_unknown_status_says_which_exist() -> None:
    result = partner_media(_listed(), frame([]), None, OCTOBER, status="pending")
    assert result.media == [] and "joined, terminated" in result.notes[0]


def test_without_a_partner_list_media_come_from_activity() -> None:
    orders = frame(spread("A", 2, OCTOBER, "10.00", "1.00") + spread("C", 1, OCTOBER, "20.00", "2.00"))
    result = partner_media(None, orders, clicks({"A": 10, "B": 5}, OCTOBER), OCTOBER)
    assert result.derived_from_activity
    assert any("only media with orders or clicks" in note for note in result.notes)
    assert {m.name for m in result.media} == {"Alpha Deals", "Charlie App", "@bravo"}
    assert all(m.active for m in result.media) and result.dormant_media == 0
    by_name = {m.name: m for m in result.media}
    assert (
        by_name["Charlie App"].channel_type == "MOBILE"
        and str(by_name["Charlie App"].sales["USD"]) == "20.00"
    )


@pytest.mark.parametrize("status", ["joined", "all"])
def test_structure_shares_add_up_to_exactly_one(
    partners: pd.DataFrame, orders: pd.DataFrame, status: str
) -> None:
    # 96 joined media: 47/96 WEBSITE and 14/96 GB do not round to six places without losing a millionth
    result = partner_media(partners, orders, None, resolve_period("last 30 days", now=NOW), status=status)
    for dimension, breakdown in result.structure.items():
        assert sum(Decimal(str(b.share)) for b in breakdown) == 1, dimension
        for b in breakdown:
            assert abs(b.share - b.media / len(result.media)) <= 1e-6


def test_a_status_filter_cannot_apply_without_the_partner_list() -> None:
    orders = frame(spread("A", 2, OCTOBER, "10.00", "1.00"))
    result = partner_media(None, orders, None, OCTOBER, status="terminated")
    assert result.derived_from_activity and result.status_filter is None
    assert [m.name for m in result.media] == ["Alpha Deals"]
    assert any("status filter 'terminated' needs the partner list" in note for note in result.notes)
