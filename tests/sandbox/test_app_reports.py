"""Report options: grouping, sorting, status mappings and filters that match nothing in the sandbox."""

from __future__ import annotations

import pytest
from test_app_support import call, client_for, data_of, error_of, fixed_app, money_cents

from partnerboost_skill.sandbox import default_world

pytestmark = pytest.mark.anyio
OCTOBER = {"start_date": "2026-10-01", "end_date": "2026-10-31T23:59:59Z"}


@pytest.fixture(scope="module")
def app():
    return fixed_app(default_world())


@pytest.mark.parametrize(("group_by", "key", "rows"), [("week", "week", 5), ("month", "month", 1)])
async def test_time_groups_label_every_period(app, group_by: str, key: str, rows: int) -> None:
    async with client_for(app) as client:
        data = data_of(await call(client, "merchant_performance_chart", {**OCTOBER, "group_by": group_by}))
    labels = [row[key] for row in data["list"]]
    assert len(labels) == rows and labels == sorted(labels)
    if group_by == "month":
        assert labels == ["2026-10"]
    else:
        assert labels[0] == "2026-W40" and data["list"][0]["week_start"] == "2026-09-28"


async def test_performance_list_sorts_by_the_requested_column(app) -> None:
    async with client_for(app) as client:
        by_comm = data_of(
            await call(
                client,
                "merchant_performance_list",
                {
                    **OCTOBER,
                    "group_by": "medium",
                    "sort_type": "clicks",
                    "sort_order": "asc",
                    "page_size": 200,
                },
            )
        )
        by_channel = data_of(
            await call(client, "merchant_performance_list", {**OCTOBER, "group_by": "channel"})
        )
        wrong = await call(client, "merchant_performance_list", {**OCTOBER, "sort_type": "mood"})
    clicks = [row["clicks"] for row in by_comm["list"]]
    assert clicks == sorted(clicks) and len(clicks) > 20
    assert {row["channel"] for row in by_channel["list"]} == {"WEBSITE", "SOCIAL_NETWORK", "MOBILE"}
    code, message = error_of(wrong)
    assert code == 1003 and "sort_type" in message and "sale_comm" in message


async def test_brand_report_effective_includes_paid_orders(app) -> None:
    async with client_for(app) as client:
        effective = data_of(await call(client, "brand_transaction_report", {"status": "effective"}))
        stats = data_of(
            await call(client, "merchant_transaction_stats", {"trans_status": ["effective", "paid"]})
        )
    assert effective["total_size"] == stats["total_size"]
    assert {r["status"] for r in effective["list"]} <= {"effective", "paid"}


async def test_filters_on_attributes_the_sandbox_lacks_match_nothing(app) -> None:
    async with client_for(app) as client:
        tagged = data_of(await call(client, "merchant_list_transactions", {"trans_tag": "vip"}))
        amazon = data_of(await call(client, "merchant_transaction_stats", {"amazon_shop_country": "US"}))
        prepay = data_of(await call(client, "merchant_list_prepayments", {"mid": "123"}))
        all_prepay = data_of(await call(client, "merchant_list_prepayments", {}))
    assert tagged["total_size"] == amazon["total_size"] == prepay["total_size"] == 0
    assert all_prepay["total_size"] == len(default_world().prepayments)


async def test_list_stats_by_status_adds_up_to_the_whole(app) -> None:
    async with client_for(app) as client:
        stats = data_of(await call(client, "merchant_transaction_stats", {"trans_time_start": "2026-06-01"}))
    for column in ("sale_amount", "sale_comm"):
        whole = money_cents(stats[column])
        parts: dict[str, int] = {}
        for part in stats["by_status"].values():
            for currency, value in money_cents(part[column]).items():
                parts[currency] = parts.get(currency, 0) + value
        assert parts == whole
    assert sum(stats["currency_count"].values()) == stats["total_size"]
