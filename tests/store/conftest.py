"""Fixtures for the cache tests (helpers live in store_support.py)."""

import pytest
from store_support import small_world

from partnerboost_skill.sandbox.world import World


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def world() -> World:
    """A fresh small world per test: sandbox writes change the world they are made in."""
    return small_world()
