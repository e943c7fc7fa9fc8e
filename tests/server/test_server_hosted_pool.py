"""The tenants' connections on one replica: one per tenant shared by its concurrent requests, each opened with
that tenant's own settings, at most `limit` kept open, idle ones closed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import Connection
from partnerboost_skill.server.hosted import TenantConnections
from partnerboost_skill.tenants import Sealer, new_key, new_tenant
from partnerboost_skill.tenants.registry import FileRegistry


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Recorder:
    def __init__(self) -> None:
        self.opened: list[Settings] = []
        self.closed: list[str] = []

    @asynccontextmanager
    async def connect(self, settings: Settings) -> AsyncIterator[Connection]:
        self.opened.append(settings)
        await anyio.sleep(0.01)  # opening takes a moment: concurrent requests must not open twice
        try:
            yield Connection(source=None, demo=False, now=None)  # type: ignore[arg-type]
        finally:
            self.closed.append(settings.cache_namespace)


def tenants(sealer: Sealer, count: int):
    made = []
    for index in range(count):
        values = {"PARTNERBOOST_API_KEY": f"key-{index}", "PARTNERBOOST_TIMEZONE": "Asia/Shanghai"}
        tenant, _ = new_tenant(f"shop-{index}", tuple(values), lambda i, v=values: sealer.seal(i, v))
        made.append(tenant)
    return made


@pytest.mark.anyio
async def test_one_connection_per_tenant_with_its_own_settings_and_at_most_limit_open(tmp_path):
    sealer = Sealer(new_key())
    recorder = Recorder()
    operator = Settings(timezone="UTC", settle_days=30)
    pool = TenantConnections(operator, FileRegistry(tmp_path / "t.json"), sealer, recorder.connect, limit=2)
    first, second, third = tenants(sealer, 3)

    async def use(tenant) -> None:
        async with pool.lease(tenant):
            await anyio.sleep(0.02)

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(use, first)
    assert [s.cache_namespace for s in recorder.opened] == [first.id]
    opened = recorder.opened[0]
    assert opened.credentials.value("api_key") == "key-0"
    assert opened.timezone == "Asia/Shanghai" and opened.settle_days == 30  # its zone, the operator's rest
    assert opened.config_path == operator.config_path

    await use(second)
    await use(third)  # a third tenant: the least recently used idle one is closed
    assert recorder.closed == [first.id]
    assert sorted(pool.open_tenants) == sorted([second.id, third.id])
    await pool.aclose()
    assert sorted(recorder.closed) == sorted([first.id, second.id, third.id])


@pytest.mark.anyio
async def test_idle_connections_are_closed(tmp_path):
    sealer = Sealer(new_key())
    recorder = Recorder()
    pool = TenantConnections(Settings(), FileRegistry(tmp_path / "t.json"), sealer, recorder.connect, idle=0)
    (tenant,) = tenants(sealer, 1)
    async with pool.lease(tenant):
        assert pool.open_tenants == [tenant.id]
    assert pool.open_tenants == [] and recorder.closed == [tenant.id]
