"""Each account has its own cache file, named without its credentials; `use_cache=False` writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx2
import pytest
from store_support import NOW, Sandbox, store_path

from partnerboost_skill import answers, runtime
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.records.source import LiveSource
from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.sandbox import SANDBOX_BASE_URL
from partnerboost_skill.store import AccountStore, CachingSource, account_file
from partnerboost_tools.merchant import MerchantListTransactions

OTHER_KEY = "other-merchant-key-5d1c0e"
JUNE = MerchantListTransactions(
    trans_time_start=datetime(2026, 6, 1, tzinfo=UTC),
    trans_time_end=datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC),
)


def other_account_transport() -> httpx2.MockTransport:
    """Another merchant: two orders, on June 9 2026."""
    records = [
        {
            "order_id": f"B-{n}",
            "order_time": 1_781_000_000 + n,
            "currency": "USD",
            "sale_amount": "10.00",
            "sale_comm": "1.00",
            "status": "paid",
        }
        for n in range(2)
    ]

    def handler(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["X-Api-Key"] == OTHER_KEY
        query = json.loads(request.content)
        chosen = [
            r for r in records if query["trans_time_start"] <= r["order_time"] <= query["trans_time_end"]
        ]
        data = {"list": chosen, "total_size": len(chosen), "total_page": 1, "page_num": 1}
        return httpx2.Response(200, json={"code": 0, "message": "ok", "data": data})

    return httpx2.MockTransport(handler)


def test_account_files_differ_per_account_and_address_and_never_hold_the_key(tmp_path):
    sandbox_file = account_file(tmp_path, sandbox_credentials(), SANDBOX_BASE_URL)
    other = account_file(tmp_path, Credentials(api_key=OTHER_KEY))
    other_elsewhere = account_file(tmp_path, Credentials(api_key=OTHER_KEY), "https://eu.example.test")
    assert len({sandbox_file, other, other_elsewhere}) == 3
    assert OTHER_KEY not in str(other) and OTHER_KEY not in str(other_elsewhere)
    assert other.parent == tmp_path
    # another family's token does not change the merchant's cache
    assert account_file(tmp_path, Credentials(api_key=OTHER_KEY, publisher_token="p-1")) == other


@pytest.mark.anyio
async def test_two_accounts_never_read_each_others_orders(world, tmp_path):
    sandbox = Sandbox.over(world)
    async with sandbox.client() as inner:
        first = CachingSource(LiveSource(inner), AccountStore(store_path(tmp_path)), now=lambda: NOW)
        mine = (await first.fetch_orders_frame(JUNE)).frame
        first.close()
    assert len(mine) > 100

    other_credentials = Credentials(api_key=OTHER_KEY)
    async with PartnerBoostClient(
        other_credentials, base_url=SANDBOX_BASE_URL, transport=other_account_transport()
    ) as inner:
        second = CachingSource(
            LiveSource(inner),
            AccountStore(account_file(tmp_path, other_credentials, SANDBOX_BASE_URL)),
            now=lambda: NOW,
        )
        theirs = (await second.fetch_orders_frame(JUNE)).frame
        again = await second.fetch_orders_frame(JUNE)
        second.close()
    assert sorted(theirs["order_id"]) == ["B-0", "B-1"]
    assert sorted(again.frame["order_id"]) == ["B-0", "B-1"]
    assert any("from the local cache" in note for note in again.result.notes)

    files = sorted(p.name for p in tmp_path.glob("*.sqlite3"))
    assert len(files) == 2
    for path in tmp_path.glob("*.sqlite3*"):
        content = path.read_bytes()
        assert OTHER_KEY.encode() not in content
        assert sandbox_credentials().value("api_key").encode() not in content  # type: ignore[union-attr]


@pytest.fixture
def runtime_on_sandbox(world, monkeypatch):
    """runtime.connect with credentials, its client talking to the in-process sandbox, not the network."""
    sandbox = Sandbox.over(world)

    def client_on_sandbox(credentials, **options):
        return PartnerBoostClient(credentials, transport=sandbox.transport, **options)

    monkeypatch.setattr(runtime, "PartnerBoostClient", client_on_sandbox)
    return Settings(credentials=sandbox_credentials(), base_url=SANDBOX_BASE_URL)


@pytest.mark.anyio
async def test_without_the_cache_no_file_is_touched(runtime_on_sandbox, tmp_path):
    cache_dir = tmp_path / "cache"
    settings = runtime_on_sandbox.model_copy(update={"use_cache": False, "cache_dir": cache_dir})
    async with runtime.connect(settings) as connection:
        assert isinstance(connection.source.partnerboost, LiveSource)
        answer = await answers.review(connection.source, now=NOW)
    assert answer.complete
    assert not cache_dir.exists()


@pytest.mark.anyio
async def test_with_the_cache_the_account_file_is_filled(runtime_on_sandbox, tmp_path):
    cache_dir = tmp_path / "cache"
    settings = runtime_on_sandbox.model_copy(update={"cache_dir": cache_dir})
    async with runtime.connect(settings) as connection:
        assert isinstance(connection.source.partnerboost, CachingSource)
        await answers.review(connection.source, now=NOW)
    assert account_file(cache_dir, sandbox_credentials(), SANDBOX_BASE_URL).stat().st_size > 10_000


@pytest.mark.anyio
async def test_the_demo_keeps_its_cache_in_memory(tmp_path):
    cache_dir = tmp_path / "cache"
    async with runtime.connect(Settings(cache_dir=cache_dir)) as connection:
        assert connection.demo
        assert isinstance(connection.source.partnerboost, CachingSource)
        first = await answers.monitor(connection.source, now=connection.now)
        second = await answers.monitor(connection.source, now=connection.now)
    assert first.complete and second.complete
    assert any("checked live" in note for note in second.notes)
    assert not cache_dir.exists()


@pytest.mark.anyio
async def test_the_cache_is_readable_by_its_owner_only(world, tmp_path):
    cache_dir = tmp_path / "cache"
    async with Sandbox.over(world).client() as inner:
        client = CachingSource(LiveSource(inner), AccountStore(store_path(cache_dir)), now=lambda: NOW)
        await client.fetch_orders_frame(JUNE)
        client.close()
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    files = list(cache_dir.iterdir())
    assert files
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, path.name
