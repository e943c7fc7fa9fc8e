"""Fixtures for the record tests: a private default-config world and its orders as the API sends them, and the
dialect matrix's own small world with its partner identities."""

from __future__ import annotations

import pandas as pd
import pytest
from dialect_matrix_support import matrix_world, partner_identities

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


@pytest.fixture(scope="session")
def dialect_world() -> World:
    """The matrix world (dialect_matrix_support.matrix_world), generated privately: the shared default world
    may carry other tests' writes."""
    return matrix_world()


@pytest.fixture(scope="session")
def identities(dialect_world: World) -> dict[str, str]:
    return partner_identities(dialect_world)
