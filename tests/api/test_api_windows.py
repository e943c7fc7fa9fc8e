from datetime import UTC, date, datetime, timedelta, timezone

import httpx2
import pytest
from api_actions import SampleClicks, SampleMerchantList, SamplePublisherList
from api_support import FakeTime, make_client, status_error, status_ok

from partnerboost_skill.api.errors import IncompleteData
from partnerboost_skill.api.windows import RateLimiter, split_windows


def day(text: str) -> date:
    return date.fromisoformat(text)


def spans(actions) -> list[tuple[str, str]]:
    return [(a.to_wire()["begin_date"], a.to_wire()["end_date"]) for a in actions]


def test_a_150_day_publisher_query_becomes_3_windows_of_at_most_62_days():
    windows = split_windows(SamplePublisherList(begin_date="2026-01-01", end_date="2026-05-31"))
    assert spans(windows) == [
        ("2026-01-01", "2026-03-03"),
        ("2026-03-04", "2026-05-04"),
        ("2026-05-05", "2026-05-31"),
    ]
    # contiguous, no overlap, each at most 62 calendar days counting both ends
    for (_, end), (start, _) in zip(spans(windows), spans(windows)[1:], strict=False):
        assert day(start) - day(end) == timedelta(days=1)
    assert all((day(e) - day(s)).days + 1 <= 62 for s, e in spans(windows))


def test_a_query_within_62_days_is_not_split():
    action = SamplePublisherList(begin_date="2026-01-01", end_date="2026-03-03")  # 62 days with both ends
    assert split_windows(action) == [action]
    assert len(split_windows(SamplePublisherList(begin_date="2026-01-01", end_date="2026-03-04"))) == 2


def test_open_ranges_and_actions_without_windows_are_not_split():
    assert len(split_windows(SamplePublisherList(begin_date="2026-01-01"))) == 1
    action = SampleMerchantList(time_start="2020-01-01", time_end="2026-01-01")
    assert split_windows(action) == [action]


def test_a_3_hour_click_query_becomes_3_one_hour_windows():
    windows = split_windows(SampleClicks(begin_date="2026-09-01T00:00:00Z", end_date="2026-09-01T03:00:00Z"))
    # sent in UTC+8, seconds resolution, each window ends a second before the next starts
    assert spans(windows) == [
        ("2026-09-01 08:00:00", "2026-09-01 08:59:59"),
        ("2026-09-01 09:00:00", "2026-09-01 09:59:59"),
        ("2026-09-01 10:00:00", "2026-09-01 11:00:00"),
    ]
    assert all(w.end_date - w.begin_date <= timedelta(hours=1) for w in windows)


@pytest.mark.anyio
async def test_rate_limiter_waits_instead_of_exceeding_the_limit(fake_time):
    limiter = RateLimiter(2, period=60, clock=fake_time.clock, sleep=fake_time.sleep)
    for _ in range(3):
        await limiter.acquire()
    assert fake_time.sleeps == [60]
    # requests so far at t=0, 0, 60; at t=90 the one at 60 still counts, so a fifth must wait for t=120
    fake_time.now += 30
    await limiter.acquire()
    assert fake_time.sleeps == [60]
    await limiter.acquire()
    assert fake_time.sleeps == [60, 30]


class ClickServer:
    """Publisher click report: one hour at most per request, records the (fake) time of each request."""

    def __init__(self, fake_time: FakeTime) -> None:
        self.fake_time = fake_time
        self.times: list[float] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.times.append(self.fake_time.now)
        begin = datetime.fromisoformat(request.url.params["begin_date"])
        end = datetime.fromisoformat(request.url.params["end_date"])
        if end - begin > timedelta(hours=1):
            return status_error(1011, "click report span over one hour")
        if sum(1 for t in self.times if t > self.fake_time.now - 60) > 10:
            return status_error(1012, "more than ten click report requests in a minute", 429)
        clicks = [{"click_ref": f"{begin:%H}-{i}", "click_time": f"{begin:%Y-%m-%d %H}:{i:02d}:00"}
                  for i in range(3)]
        return status_ok({"list": clicks, "total_items": len(clicks)})


@pytest.mark.anyio
async def test_click_windows_are_fetched_and_merged(fake_time):
    server = ClickServer(fake_time)
    client, recorder = make_client(server, fake_time)
    async with client:
        result = await client.fetch_all(
            SampleClicks(begin_date="2026-09-01T00:00:00Z", end_date="2026-09-01T03:00:00Z"))
    assert result.windows == 3 and result.complete
    assert len(recorder.requests) == 3
    assert sorted(r["click_ref"] for r in result.records) == sorted(
        f"{h}-{i}" for h in ("08", "09", "10") for i in range(3))
    assert fake_time.sleeps == []  # three requests fit in a minute


@pytest.mark.anyio
async def test_many_click_windows_are_paced_to_ten_a_minute(fake_time):
    server = ClickServer(fake_time)
    client, recorder = make_client(server, fake_time)
    async with client:
        result = await client.fetch_all(
            SampleClicks(begin_date="2026-09-01T00:00:00Z", end_date="2026-09-01T12:00:00Z"))
    assert result.windows == 12 and result.complete and len(result.records) == 36
    assert len(recorder.requests) == 12  # no request was rejected and retried
    assert fake_time.sleeps, "the limiter must wait"
    times = sorted(server.times)
    assert all(sum(1 for t in times if start <= t < start + 60) <= 10 for start in times)


class PublisherServer:
    """Publisher transactions over a date range: 62 days at most, pages of `limit`."""

    def __init__(self, orders: list[dict], fail_from: str | None = None) -> None:
        self.orders = orders
        self.fail_from = fail_from

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        params = request.url.params
        begin, end = day(params["begin_date"]), day(params["end_date"])
        if (end - begin).days + 1 > 62:
            return status_error(1006, "date span over 62 days")
        if self.fail_from and params["begin_date"] >= self.fail_from:
            return httpx2.Response(502, text="bad gateway")
        page, limit = int(params["page"]), int(params["limit"])
        selected = [o for o in self.orders if begin <= day(o["order_date"]) <= end]
        chunk = selected[(page - 1) * limit: page * limit]
        pages = -(-len(selected) // limit)
        return status_ok({"list": chunk, "total_items": len(selected), "total_page": pages, "limit": limit})


def orders_over(first: date, days: int, per_day: int) -> list[dict]:
    return [{"order_id": f"{first + timedelta(days=d)}-{i}", "order_date": str(first + timedelta(days=d))}
            for d in range(days) for i in range(per_day)]


@pytest.mark.anyio
async def test_a_long_publisher_query_is_windowed_and_each_window_fully_paged(fake_time):
    orders = orders_over(date(2026, 1, 1), 151, 40)  # 2026-01-01 .. 2026-05-31, 40 a day
    client, recorder = make_client(PublisherServer(orders), fake_time)
    async with client:
        result = await client.fetch_all(SamplePublisherList(begin_date="2026-01-01", end_date="2026-05-31"))
    assert result.windows == 3 and result.complete
    assert result.total == len(orders) == 6040
    assert sorted(o["order_id"] for o in result.records) == sorted(o["order_id"] for o in orders)
    # 62 days x 40 = 2480 orders → 2 pages of 2000 in each of the first two windows, 1 page in the last
    assert len(recorder.requests) == 5 == result.requests


@pytest.mark.anyio
async def test_a_window_that_fails_for_good_is_reported(fake_time):
    orders = orders_over(date(2026, 1, 1), 151, 2)
    client, _ = make_client(PublisherServer(orders, fail_from="2026-05-01"), fake_time, max_retries=1)
    async with client:
        with pytest.raises(IncompleteData) as info:
            await client.fetch_all(SamplePublisherList(begin_date="2026-01-01", end_date="2026-05-31"))
    exc = info.value
    assert len(exc.records) == 124 * 2  # the first two windows
    assert exc.missing == [
        exc.missing[0],
    ] and exc.missing[0].startswith("window begin_date=2026-05-05 to end_date=2026-05-31: all records:")
    assert exc.total is None


def test_windows_keep_the_other_parameters():
    windows = split_windows(SamplePublisherList(begin_date="2026-01-01", end_date="2026-05-31", limit=10))
    assert {w.limit for w in windows} == {10}
    assert windows[0].begin_date == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_long_validation_date_query_is_windowed_on_the_validation_dates():
    from partnerboost_tools.publisher import PublisherListTransactions

    windows = split_windows(PublisherListTransactions(validation_date_begin="2026-01-01",
                                                      validation_date_end="2026-05-31"))
    sent = [(w.to_wire()["validation_date_begin"], w.to_wire()["validation_date_end"]) for w in windows]
    assert sent == [("2026-01-01", "2026-03-03"), ("2026-03-04", "2026-05-04"), ("2026-05-05", "2026-05-31")]
    assert all("begin_date" not in w.to_wire() for w in windows)


class ClickLog:
    """Clicks at given UTC seconds; the report filters begin <= click_time <= end (both sent in UTC+8)."""

    def __init__(self, seconds: list[int]) -> None:
        self.seconds = seconds

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        china = timezone(timedelta(hours=8))
        begin, end = (int(datetime.fromisoformat(request.url.params[k]).replace(tzinfo=china).timestamp())
                      for k in ("begin_date", "end_date"))
        if end - begin > 3600:
            return status_error(1011, "click report span over one hour")
        inside = [s for s in self.seconds if begin <= s <= end]
        return status_ok({"list": [{"click_ref": str(s)} for s in inside], "total_items": len(inside)})


@pytest.mark.anyio
async def test_a_click_at_a_window_boundary_second_is_fetched_once(fake_time):
    start = int(datetime(2026, 9, 1, tzinfo=UTC).timestamp())
    edges = [start, start + 3599, start + 3600, start + 3601, start + 7200, start + 10_800]
    client, _ = make_client(ClickLog(edges), fake_time)
    async with client:
        result = await client.fetch_all(SampleClicks(begin_date=start, end_date=start + 10_800))
    assert result.windows == 3
    assert sorted(int(r["click_ref"]) for r in result.records) == edges
