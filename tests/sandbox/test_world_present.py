"""The demo lives in the present: its world ends at the current minute, holds over a year of whole months,
and stays deterministic for a given seed and moment. (Every other test runs on the world pinned at
DEFAULT_NOW.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

import partnerboost_skill.sandbox as sandbox
import partnerboost_skill.sandbox.world as world_module
from partnerboost_skill.sandbox.world import World, WorldConfig, present_config

DECEMBER = datetime(2026, 12, 4, 15, 37, 42, tzinfo=UTC)


def test_a_present_world_ends_at_the_minute_and_starts_fifteen_whole_months_earlier() -> None:
    config = present_config(DECEMBER)
    assert config.now == datetime(2026, 12, 4, 15, 37, tzinfo=UTC)
    # September 1 2025 .. December 4 2026: 122 days of Sep–Dec 2025, 334 of Jan–Nov 2026, then Dec 1–4
    assert config.days == (date(2026, 12, 4) - date(2025, 9, 1)).days + 1 == 460
    january = present_config(datetime(2027, 1, 31, 23, 59, tzinfo=UTC))
    assert january.now.date() - timedelta(days=january.days - 1) == date(2025, 10, 1)


def test_the_same_seed_and_moment_give_the_same_world() -> None:
    config = present_config(DECEMBER, orders_per_day=20)
    first, second = World.generate(config), World.generate(config)
    pd.testing.assert_frame_equal(first.orders, second.orders)
    assert first.orders["order_time"].max() < pd.Timestamp(config.now)
    assert first.orders["order_time"].max() > pd.Timestamp(config.now) - pd.Timedelta(hours=6)
    assert first.orders["order_time"].min() >= pd.Timestamp("2025-09-01", tz="UTC")


@pytest.fixture
def present(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpin the default world for one test (a thin one: 5 orders a day); the pinned one comes back after."""
    monkeypatch.setattr(sandbox, "_pinned", None)
    monkeypatch.setattr(sandbox, "_default_world", None)
    monkeypatch.setattr(world_module, "present_config", lambda: present_config(orders_per_day=5))


@pytest.mark.usefixtures("present")
def test_the_demo_world_ends_now_and_is_regenerated_when_an_hour_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = sandbox.default_world()
    assert abs(datetime.now(UTC) - world.config.now) < timedelta(minutes=2)
    assert sandbox.default_world() is world
    monkeypatch.setattr(sandbox, "_default_world", World.generate(
        WorldConfig(now=datetime.now(UTC) - timedelta(hours=2), orders_per_day=5, days=30)))
    assert abs(datetime.now(UTC) - sandbox.default_world().config.now) < timedelta(minutes=2)


def test_the_loopback_sandbox_serves_data_up_to_the_minute_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """`partnerboost sandbox` and a client on the real clock agree on what "last 7 days" holds."""
    import io

    import uvicorn

    from partnerboost_skill.sandbox.serve import run_sandbox

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    out = io.StringIO()
    run_sandbox(port=0, orders_per_day=5, out=out)
    world = served[0].state.sandbox.state.world
    assert abs(datetime.now(UTC) - world.config.now) < timedelta(minutes=2)
    assert f"Orders up to {world.config.now:%Y-%m-%d %H:%M} UTC" in out.getvalue()
