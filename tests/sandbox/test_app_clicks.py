"""Individual clicks synthesised from the daily counts: totals, paging, windows and look-ups agree."""

from __future__ import annotations

import pandas as pd
import pytest
from test_app_support import call, client_for, data_of, fixed_app, unix

from partnerboost_skill.sandbox import default_world

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def world():
    return default_world()


@pytest.fixture(scope="module")
def app(world):
    return fixed_app(world)


async def clicks(client, start: int, end: int, **extra) -> dict:
    return data_of(await call(client, "brand_list_clicks", {"start_time": start, "end_time": end, **extra}))


async def test_whole_days_hold_exactly_the_worlds_daily_clicks(app, world) -> None:
    partner = world.partners[world.partners["status"] == "joined"].iloc[3]
    daily = world.clicks_daily
    expected = daily[
        (daily["partner_id"] == partner["partner_id"])
        & (daily["date"] >= pd.Timestamp("2026-10-01", tz="UTC"))
        & (daily["date"] <= pd.Timestamp("2026-10-07", tz="UTC"))
    ]["clicks"].sum()
    async with client_for(app) as client:
        data = await clicks(
            client, unix("2026-10-01"), unix("2026-10-07T23:59:59"), publisher_id=str(partner["partner_id"])
        )
    assert data["total_size"] == expected > 0
    assert {c["publisher_id"] for c in data["list"]} == {int(partner["partner_id"])}


async def test_adjacent_windows_add_up_and_clicks_fall_inside_them(app) -> None:
    a, b, c = unix("2026-11-02T03:00:00"), unix("2026-11-02T09:17:41"), unix("2026-11-02T15:30:00")
    async with client_for(app) as client:
        left = await clicks(client, a, b - 1, page_size=100)
        right = await clicks(client, b, c, page_size=100)
        whole = await clicks(client, a, c)
    assert left["total_size"] + right["total_size"] == whole["total_size"] > 0
    assert all(a <= x["click_time"] < b for x in left["list"])
    assert all(b <= x["click_time"] <= c for x in right["list"])


async def test_offset_pages_are_disjoint_and_cover_the_window(app) -> None:
    start, end = unix("2026-11-18T10:00:00"), unix("2026-11-18T10:20:00")
    seen: list[int] = []
    async with client_for(app) as client:
        total = (await clicks(client, start, end))["total_size"]
        for first in range(0, total, 100):
            page = await clicks(client, start, end, first=first, page_size=100)
            seen += [c["id"] for c in page["list"]]
    assert len(seen) == len(set(seen)) == total > 100


async def test_a_click_is_found_by_id_and_by_pbtid(app) -> None:
    async with client_for(app) as client:
        listed = (await clicks(client, unix("2026-11-15"), unix("2026-11-16")))["list"][7]
        by_id = data_of(await call(client, "brand_get_click", {"id": listed["id"]}))
        by_pbtid = data_of(await call(client, "brand_get_click", {"pbtid": listed["pbtid"]}))
        unknown = await call(client, "brand_get_click", {"id": listed["id"] + 10**12})
    assert by_id == by_pbtid == listed
    assert unknown.status_code == 404


async def test_clicks_are_the_same_on_every_request(app) -> None:
    async with client_for(app) as client:
        first = await clicks(client, unix("2026-11-10"), unix("2026-11-11"), first=500)
        again = await clicks(client, unix("2026-11-10"), unix("2026-11-11"), first=500)
    assert first == again
