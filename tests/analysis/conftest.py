"""Fixtures for the analysis tests: a private default-config world and frames built from its records."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from partnerboost_skill.records.frames import bills_frame, orders_frame, partners_frame
from partnerboost_skill.sandbox import bulk_records as sandbox_records
from partnerboost_skill.sandbox.world import World, WorldConfig


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def world() -> World:
    """The default world, generated privately (the shared default world may see other tests' writes)."""
    return World.generate(WorldConfig())


@pytest.fixture(scope="session")
def orders(world: World) -> pd.DataFrame:
    return orders_frame(sandbox_records.order_records(world))


@pytest.fixture(scope="session")
def bills(world: World) -> pd.DataFrame:
    return bills_frame(sandbox_records.bill_records(world))


@pytest.fixture(scope="session")
def partners(world: World) -> pd.DataFrame:
    return partners_frame(sandbox_records.partner_records(world))


@pytest.fixture(scope="session")
def order_rows(world: World) -> list[dict[str, Any]]:
    """The world's orders as plain dicts: the independent side of every comparison."""
    return world.orders.to_dict("records")


@pytest.fixture(scope="session")
def partner_rows(world: World) -> dict[int, dict[str, Any]]:
    return {int(row["partner_id"]): row for row in world.partners.to_dict("records")}
