"""The sandbox writes each record shape once: the list4 records built column-wise for benchmarks are the
records its API pages serve, field for field, and both are the OrderRecord contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import Credentials
from partnerboost_skill.records.contracts import ORDERS, OrderRecord
from partnerboost_skill.sandbox import SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox import credentials as sandbox
from partnerboost_skill.sandbox.bulk_records import order_records
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_tools.merchant import MerchantListTransactions

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_both_writers_give_the_same_list4_records() -> None:
    world = World.generate(WorldConfig(days=30, orders_per_day=40, n_partners=20))
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC)
    bulk = order_records(world, start, end).to_dict("records")
    credentials = Credentials(api_key=sandbox.SANDBOX_API_KEY)
    transport = sandbox_transport(world)
    async with PartnerBoostClient(credentials, base_url=SANDBOX_BASE_URL, transport=transport) as client:
        action = MerchantListTransactions(trans_time_start=start, trans_time_end=end.timestamp() - 1)
        served = (await client.fetch_all(action)).records
    assert len(bulk) == len(served) > 100

    def key(record: dict) -> tuple:
        return (record["order_time"], record["order_id"], record["sale_amount"])

    for mine, theirs in zip(sorted(bulk, key=key), sorted(served, key=key), strict=True):
        assert list(mine) == list(OrderRecord.__annotations__) == list(theirs)
        assert {k: str(v) for k, v in mine.items()} == {k: str(v) for k, v in theirs.items()}


def test_the_order_contract_reads_every_field_the_record_has() -> None:
    read = {field.names[0] for field in ORDERS.fields}
    assert set(OrderRecord.__annotations__) <= read | set(ORDERS.unread)
