"""Fixtures for the record tests: a private default-config world and its orders as the API sends them."""

from __future__ import annotations

import pandas as pd
import pytest

from partnerboost_skill.records.frames import orders_frame
from partnerboost_skill.sandbox import bulk_records
from partnerboost_skill.sandbox.world import World, WorldConfig


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def world() -> World:
    return World.generate(WorldConfig())


@pytest.fixture(scope="session")
def orders(world: World) -> pd.DataFrame:
    return orders_frame(bulk_records.order_records(world))
