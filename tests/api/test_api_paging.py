import math
from collections import Counter

import anyio
import httpx2
import pytest
from api_actions import (
    SampleAmazonList,
    SampleBrandCursor,
    SampleBrandOffset,
    SampleMerchantList,
    SampleMerchantPost,
    SamplePublisherList,
)
from api_support import START, body_of, make_client, merchant_error, merchant_ok, status_ok

from partnerboost_skill.api import paging as paging_module
from partnerboost_skill.api.errors import IncompleteData, InvalidCredentials
from partnerboost_skill.api.results import merge_pages
from partnerboost_tools.base import FrozenEnd


def make_records(n: int, start: int = 0) -> list[dict]:
    return [{"id": i, "amount": f"{i}.00"} for i in range(start, start + n)]


class PagedServer:
    """A merchant-style paged listing over `records` (callers may change them between requests)."""

    def __init__(self, records: list[dict], *, clamp: int | None = None, report_pages: bool = True,
                 fail_pages: set[int] | None = None, delay: float = 0.0) -> None:
        self.records = records
        self.clamp = clamp
        self.report_pages = report_pages
        self.fail_pages = fail_pages or set()
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.pages_served: list[int] = []
        self.before_page = None

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        params = body_of(request) if request.method == "POST" else dict(request.url.params)
        page, size = int(params.get("page_num", 1)), int(params.get("page_size", 20))
        if self.clamp:
            size = min(size, self.clamp)
        if self.before_page:
            self.before_page(page)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await anyio.sleep(self.delay)
            if page in self.fail_pages:
                return httpx2.Response(503, text="unavailable")
            self.pages_served.append(page)
            chunk = self.records[(page - 1) * size: page * size]
            data = {"list": chunk, "total_size": len(self.records), "page_num": page, "page_size": size}
            if self.report_pages:
                data["total_page"] = math.ceil(len(self.records) / size)
            return merchant_ok(data)
        finally:
            self.in_flight -= 1


@pytest.mark.anyio
async def test_fetches_every_page_concurrently_in_order(fake_time):
    records = make_records(1234)
    server = PagedServer(records, delay=0.002)
    client, recorder = make_client(server, fake_time, concurrency=3)
    async with client:
        result = await client.fetch_all(SampleMerchantList(status=["new"]))
    assert result.records == records
    assert result.total == 1234
    assert result.complete and result.missing == []
    assert result.requests == 7  # ceil(1234 / 200)
    assert sorted(server.pages_served) == [1, 2, 3, 4, 5, 6, 7]
    assert server.max_in_flight == 3  # concurrent, but never more than the client's concurrency
    assert all(r.url.params["page_size"] == "200" for r in recorder.requests)
    assert all(r.url.params.get_list("status[]") == ["new"] for r in recorder.requests)


@pytest.mark.anyio
async def test_post_listing_pages_through_the_body(fake_time):
    records = make_records(450)
    client, recorder = make_client(PagedServer(records), fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantPost())
    assert result.records == records
    assert sorted(body_of(r)["page_num"] for r in recorder.requests) == [1, 2, 3]


@pytest.mark.anyio
async def test_repeated_ids_are_dropped_keeping_the_first(fake_time):
    records = make_records(400)
    records[250] = {"id": 10, "amount": "second copy"}
    client, _ = make_client(PagedServer(records), fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert len(result.records) == 399
    assert [r for r in result.records if r["id"] == 10] == [{"id": 10, "amount": "10.00"}]


@pytest.mark.anyio
async def test_empty_listing(fake_time):
    client, recorder = make_client(PagedServer([]), fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.records == [] and result.total == 0 and result.complete
    assert len(recorder.requests) == 1


@pytest.mark.anyio
async def test_a_server_that_shifts_once_is_read_again(fake_time):
    records = make_records(1000, start=100)
    server = PagedServer(records)
    served = {"count": 0}

    def new_order_arrives(page: int) -> None:
        served["count"] += 1
        if served["count"] == 2:  # right after page 1 of the first pass
            server.records = [{"id": 99, "amount": "late"}, *server.records]

    server.before_page = new_order_arrives
    client, _ = make_client(server, fake_time, concurrency=1)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.complete
    assert result.total == 1001
    assert [r["id"] for r in result.records] == [99, *range(100, 1100)]
    assert result.requests == 5 + 6  # a first pass of 5 pages, then a clean pass of 6


@pytest.mark.anyio
async def test_a_server_that_keeps_shifting_is_reported_incomplete(fake_time):
    server = PagedServer(make_records(1000, start=10_000))
    counter = {"next": 0}

    def always_new(page: int) -> None:
        counter["next"] -= 1
        server.records = [{"id": counter["next"]}, *server.records]

    server.before_page = always_new
    client, _ = make_client(server, fake_time, concurrency=1)
    async with client:
        with pytest.raises(IncompleteData) as info:
            await client.fetch_all(SampleMerchantList())
    exc = info.value
    assert len(exc.missing) == 1
    assert "total changed" in exc.missing[0]
    assert exc.records  # what was fetched is kept


@pytest.mark.anyio
async def test_a_short_page_without_a_total_change_is_drift(fake_time):
    records = make_records(600)

    def handler(request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params["page_num"])
        chunk = records[(page - 1) * 200: page * 200]
        if page == 2:
            chunk = chunk[:-5]  # five records vanish from page 2 only
        return merchant_ok({"list": chunk, "total_size": 600, "total_page": 3})

    client, _ = make_client(handler, fake_time)
    async with client:
        with pytest.raises(IncompleteData, match="announced 600 records but the pages held 595") as info:
            await client.fetch_all(SampleMerchantList())
    assert len(info.value.records) == 595


@pytest.mark.anyio
async def test_a_page_that_fails_for_good_raises_incomplete_data(fake_time):
    records = make_records(1000)
    server = PagedServer(records, fail_pages={3})
    client, recorder = make_client(server, fake_time, max_retries=2)
    async with client:
        with pytest.raises(IncompleteData) as info:
            await client.fetch_all(SampleMerchantList())
    exc = info.value
    assert exc.total == 1000
    assert exc.records == records[:400] + records[600:]
    assert len(exc.missing) == 1
    assert exc.missing[0].startswith("page 3 of 5 (records 401–600): ")
    assert "HTTP 503" in exc.missing[0]
    assert "fetched 800 of 1000 records" in str(exc)
    page3 = [r for r in recorder.requests if r.url.params["page_num"] == "3"]
    assert len(page3) == 3  # retried before giving up


@pytest.mark.anyio
async def test_allow_partial_returns_an_incomplete_result(fake_time):
    server = PagedServer(make_records(950), fail_pages={5})
    client, _ = make_client(server, fake_time, max_retries=0)
    async with client:
        result = await client.fetch_all(SampleMerchantList(), allow_partial=True)
    assert not result.complete
    assert len(result.records) == 800
    assert result.missing[0].startswith("page 5 of 5 (records 801–950)")


@pytest.mark.anyio
async def test_a_failing_first_page_raises_its_own_error(fake_time):
    client, _ = make_client(lambda r: merchant_error(1001, "invalid key", 401), fake_time)
    async with client:
        with pytest.raises(InvalidCredentials):
            await client.fetch_all(SampleMerchantList())


@pytest.mark.anyio
async def test_clamped_page_size_with_total_pages(fake_time):
    records = make_records(230)
    client, recorder = make_client(PagedServer(records, clamp=50), fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.records == records
    assert len(recorder.requests) == 5


@pytest.mark.anyio
async def test_clamped_page_size_without_total_pages(fake_time):
    records = make_records(230)
    client, recorder = make_client(PagedServer(records, clamp=50, report_pages=False), fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.records == records
    assert len(recorder.requests) == 5


@pytest.mark.anyio
async def test_listing_without_totals_reads_until_a_short_page(fake_time):
    records = make_records(450)

    def handler(request: httpx2.Request) -> httpx2.Response:
        page, size = int(request.url.params["page_num"]), int(request.url.params["page_size"])
        return merchant_ok({"list": records[(page - 1) * size: page * size]})

    client, recorder = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.records == records and result.total is None and result.complete
    assert len(recorder.requests) == 3


@pytest.mark.anyio
async def test_offset_paging(fake_time):
    records = make_records(250)

    def handler(request: httpx2.Request) -> httpx2.Response:
        first, size = int(request.url.params["first"]), int(request.url.params["page_size"])
        return merchant_ok({"list": records[first: first + size], "total_size": 250})

    client, recorder = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(SampleBrandOffset())
    assert result.records == records
    assert sorted(int(r.url.params["first"]) for r in recorder.requests) == [0, 100, 200]


@pytest.mark.anyio
async def test_cursor_paging_follows_the_cursor(fake_time):
    pages = {
        "1": (make_records(200), "c2"),
        "c2": (make_records(200, 200), "c3"),
        "c3": (make_records(7, 400), ""),
    }

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = body_of(request)
        assert body["limit"] == 200
        chunk, next_cursor = pages[body["cursor"]]
        return merchant_ok({"list": chunk, "cursor": next_cursor})

    client, recorder = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(SampleBrandCursor())
    assert [r["id"] for r in result.records] == list(range(407))
    assert [body_of(r)["cursor"] for r in recorder.requests] == ["1", "c2", "c3"]
    assert result.complete


@pytest.mark.anyio
async def test_cursor_paging_failure_midway_is_incomplete(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        if body_of(request)["cursor"] == "1":
            return merchant_ok({"list": make_records(200), "cursor": "c2"})
        return httpx2.Response(500, text="boom")

    client, _ = make_client(handler, fake_time, max_retries=1)
    async with client:
        with pytest.raises(IncompleteData) as info:
            await client.fetch_all(SampleBrandCursor())
    assert len(info.value.records) == 200
    assert info.value.missing[0].startswith("everything after page 1 (200 records)")


@pytest.mark.anyio
async def test_cursor_that_repeats_stops(fake_time):
    client, recorder = make_client(lambda r: merchant_ok({"list": make_records(3), "cursor": "1"}), fake_time)
    async with client:
        result = await client.fetch_all(SampleBrandCursor())
    assert len(recorder.requests) == 1 and len(result.records) == 3


@pytest.mark.anyio
async def test_has_more_paging(fake_time):
    def handler(request: httpx2.Request) -> httpx2.Response:
        page = body_of(request)["page"]
        rows = [{"asin": f"B{page}{i:03d}"} for i in range(100 if page < 3 else 42)]
        return status_ok({"list": rows, "has_more": page < 3})

    client, recorder = make_client(handler, fake_time)
    async with client:
        result = await client.fetch_all(SampleAmazonList(country_code="US"))
    assert len(result.records) == 242
    assert [body_of(r)["page"] for r in recorder.requests] == [1, 2, 3]
    assert all(body_of(r)["page_size"] == 100 for r in recorder.requests)


@pytest.mark.anyio
async def test_progress_is_reported_sync_and_async(fake_time):
    records = make_records(500)
    seen: list[tuple[int, int | None]] = []
    seen_async: list[tuple[int, int | None]] = []

    async def async_progress(fetched: int, total: int | None) -> None:
        seen_async.append((fetched, total))

    for callback in (lambda f, t: seen.append((f, t)), async_progress):
        client, _ = make_client(PagedServer(records), fake_time)
        async with client:
            await client.fetch_all(SampleMerchantList(), on_progress=callback)
    for calls in (seen, seen_async):
        assert calls[0] == (200, 500)
        assert calls[-1] == (500, 500)
        assert [f for f, _ in calls] == sorted(f for f, _ in calls)


@pytest.mark.anyio
async def test_open_end_time_is_frozen_for_every_page(fake_time, monkeypatch):
    monkeypatch.setattr(SampleMerchantList, "frozen_end", FrozenEnd("time_end"))
    client, recorder = make_client(PagedServer(make_records(450)), fake_time)
    async with client:
        await client.fetch_all(SampleMerchantList(time_start="2026-01-01"))
    assert {r.url.params["time_end"] for r in recorder.requests} == {str(int(START))}


@pytest.mark.anyio
async def test_given_end_time_is_kept(fake_time, monkeypatch):
    monkeypatch.setattr(SampleMerchantList, "frozen_end", FrozenEnd("time_end"))
    client, recorder = make_client(PagedServer(make_records(10)), fake_time)
    async with client:
        await client.fetch_all(SampleMerchantList(time_end=1_700_000_000))
    assert recorder.requests[0].url.params["time_end"] == "1700000000"


def test_freeze_end_needs_the_start_when_the_rule_says_so():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 20, 6, tzinfo=UTC)
    open_range = SamplePublisherList(begin_date="2026-11-01")
    assert paging_module.freeze_end(open_range, now).to_wire()["end_date"] == "2026-11-20"
    no_range = SamplePublisherList()
    assert "end_date" not in paging_module.freeze_end(no_range, now).to_wire()
    # an action without a rule or window is left alone
    assert paging_module.freeze_end(SampleMerchantList(), now) == SampleMerchantList()


class LiveOrderServer:
    """Newest-first orders filtered by time_end; before every request a new order arrives one second after
    the newest one (its time is still before the client's "now", so freezing the end does not exclude it)."""

    def __init__(self, count: int, newest: int) -> None:
        self.orders = [{"id": i, "order_time": newest - i} for i in range(count)]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        newest = self.orders[0]
        self.orders.insert(0, {"id": newest["id"] - 1, "order_time": newest["order_time"] + 1})
        params = request.url.params
        end = int(params["time_end"])
        visible = [o for o in self.orders if o["order_time"] <= end]
        page, size = int(params["page_num"]), int(params["page_size"])
        chunk = visible[(page - 1) * size: page * size]
        return merchant_ok({"list": chunk, "total_size": len(visible),
                            "total_page": math.ceil(len(visible) / size)})


@pytest.mark.anyio
async def test_listing_that_keeps_growing_is_read_again_up_to_the_newest_record_seen(fake_time, monkeypatch):
    newest = int(START) - 3600
    monkeypatch.setattr(SampleMerchantList, "frozen_end", FrozenEnd("time_end", record_time_key="order_time"))
    server = LiveOrderServer(1000, newest)
    client, recorder = make_client(server, fake_time, concurrency=1)
    async with client:
        result = await client.fetch_all(SampleMerchantList())
    assert result.complete
    # the first pass drifted; the second ended at the newest order of the first pass (one arrived before it)
    ends = [int(r.url.params["time_end"]) for r in recorder.requests]
    assert ends[:6] == [int(START)] * 6 and set(ends[6:]) == {newest + 1}
    assert [o["id"] for o in result.records] == list(range(-1, 1000))
    assert result.total == 1001


@pytest.mark.anyio
async def test_growing_listing_without_a_record_time_rule_is_incomplete(fake_time, monkeypatch):
    monkeypatch.setattr(SampleMerchantList, "frozen_end", FrozenEnd("time_end"))
    client, _ = make_client(LiveOrderServer(1000, int(START) - 3600), fake_time, concurrency=1)
    async with client:
        with pytest.raises(IncompleteData, match="total changed"):
            await client.fetch_all(SampleMerchantList())


def order(order_id: str, order_time: int, amount: str = "10.00") -> dict:
    return {"order_id": order_id, "order_time": order_time, "sale_amount": amount}


class LateOrderServer:
    """list4 (POST, newest first, filtered by trans_time_end): before every request an order that was placed
    earlier arrives late, in the middle of the listing, so every pass shifts and no end time can avoid it."""

    def __init__(self, orders: list[dict], late_time: int) -> None:
        self.orders = orders
        self.late_time = late_time
        self.arrived = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.arrived += 1
        self.orders.append(order(f"LATE{self.arrived}", self.late_time - self.arrived))
        self.orders.sort(key=lambda o: o["order_time"], reverse=True)
        body = body_of(request)
        visible = [o for o in self.orders if o["order_time"] <= body["trans_time_end"]]
        page, size = body["page_num"], body["page_size"]
        return merchant_ok({"list": visible[(page - 1) * size: page * size], "total_size": len(visible),
                            "total_page": math.ceil(len(visible) / size)})


@pytest.mark.anyio
async def test_list4_collapses_identical_repeats_from_drift_but_keeps_duplicate_order_numbers(fake_time):
    from partnerboost_tools.merchant import MerchantListTransactions

    newest = int(START) - 60
    orders = [order(f"O{i}", newest - 60 * i) for i in range(560)]
    orders[5] = order("DUP", orders[5]["order_time"])  # a duplicated order number: two different records
    orders[9] = order("DUP", orders[9]["order_time"], "99.00")
    orders[12] = dict(orders[11])  # the same record twice on one page: real data too
    server = LateOrderServer(orders, late_time=newest - 60 * 300)
    client, _ = make_client(server, fake_time, concurrency=1)
    async with client:
        result = await client.fetch_all(MerchantListTransactions(trans_time_start=newest - 86_400),
                                        allow_partial=True)
    assert not result.complete and "total changed" in result.missing[-1]
    identities = Counter((r["order_id"], r["order_time"], r["sale_amount"]) for r in result.records)
    repeated = {key: count for key, count in identities.items() if count > 1}
    assert repeated == {("O11", orders[11]["order_time"], "10.00"): 2}
    assert [r["sale_amount"] for r in result.records if r["order_id"] == "DUP"] == ["10.00", "99.00"]


def test_merge_pages_collapses_only_what_repeats_across_pages():
    a, b, c = {"id": 1, "x": "a"}, {"id": 1, "x": "b"}, {"x": "c", "id": 2}
    same_as_c = {"id": 2, "x": "c"}  # key order does not matter
    assert merge_pages([[a, b, c], [same_as_c, a]], None) == [a, b, c]
    assert merge_pages([[a, a], [a]], None) == [a, a]
    assert merge_pages([[a, c], [b]], "id") == [a, c]


@pytest.mark.anyio
async def test_an_end_time_after_now_is_frozen_at_now(fake_time):
    from partnerboost_tools.merchant import MerchantListTransactions

    seen: list[int] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(body_of(request)["trans_time_end"])
        return merchant_ok({"list": [], "total_size": 0, "total_page": 0})

    client, _ = make_client(handler, fake_time)
    async with client:
        await client.fetch_all(MerchantListTransactions(trans_time_start=int(START) - 86_400,
                                                        trans_time_end=int(START) + 86_400))
        await client.fetch_all(MerchantListTransactions(trans_time_start=int(START) + 3_600,
                                                        trans_time_end=int(START) + 7_200))
    assert seen == [int(START), int(START) + 7_200]  # a range wholly after now is left alone
