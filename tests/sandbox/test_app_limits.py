"""The publisher API's documented limits: 62-day spans (1006), one-hour click spans (1011), ten click reports
a minute per token (1012, HTTP 429)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from test_app_support import FIXED_NOW, call, client_for, data_of, error_of

from partnerboost_skill.sandbox import default_world
from partnerboost_skill.sandbox.app import create_app

pytestmark = pytest.mark.anyio
HOUR = {"begin_date": "2026-11-19 10:00:00", "end_date": "2026-11-19 11:00:00"}


class StepClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> StepClock:
    return StepClock(FIXED_NOW)


@pytest.fixture
def app(clock: StepClock):
    return create_app(default_world(), clock=clock)


@pytest.mark.parametrize(
    ("tool_name", "params"),
    [
        ("publisher_list_transactions", {"begin_date": "2026-07-01", "end_date": "2026-09-02"}),
        (
            "publisher_list_transactions",
            {"validation_date_begin": "2026-07-01", "validation_date_end": "2026-09-02"},
        ),
        ("publisher_list_commissions", {"begin_date": "2026-07-01", "end_date": "2026-09-02"}),
    ],
)
async def test_a_span_over_62_days_is_1006(app, tool_name: str, params: dict) -> None:
    async with client_for(app) as client:
        response = await call(client, tool_name, params)
    assert response.status_code == 200
    code, message = error_of(response)
    assert code == 1006 and "62" in message


async def test_a_span_of_exactly_62_days_is_served(app) -> None:
    async with client_for(app) as client:
        response = await call(
            client, "publisher_list_transactions", {"begin_date": "2026-07-01", "end_date": "2026-09-01"}
        )
    data_of(response)


async def test_a_click_span_over_one_hour_is_1011(app) -> None:
    async with client_for(app) as client:
        too_long = await call(
            client,
            "publisher_list_clicks",
            {"begin_date": "2026-11-19 10:00:00", "end_date": "2026-11-19 11:00:01"},
        )
        one_hour = await call(client, "publisher_list_clicks", HOUR)
    code, message = error_of(too_long)
    assert code == 1011 and "hour" in message
    assert data_of(one_hour)["total_items"] >= 0


async def test_the_eleventh_click_report_in_a_minute_is_1012_with_429(app, clock: StepClock) -> None:
    async with client_for(app) as client:
        for _ in range(10):
            data_of(await call(client, "publisher_list_clicks", HOUR))
            clock.now += timedelta(seconds=2)
        refused = await call(client, "publisher_list_clicks", HOUR)
        assert refused.status_code == 429
        assert error_of(refused)[0] == 1012
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        other_op = await call(
            client, "publisher_list_transactions", {"begin_date": "2026-11-01", "end_date": "2026-11-19"}
        )
        data_of(other_op)
        clock.now += timedelta(seconds=retry_after)
        data_of(await call(client, "publisher_list_clicks", HOUR))


async def test_click_report_times_are_read_and_shown_in_utc_plus_8(app) -> None:
    async with client_for(app) as client:
        data = data_of(await call(client, "publisher_list_clicks", HOUR))
    assert data["list"], "the token's partner has clicks in that hour"
    for record in data["list"]:
        assert "2026-11-19 10:00:00" <= record["click_time"] <= "2026-11-19 11:00:00"
