"""Fixtures for the client tests (helpers live in api_support.py)."""

import pytest
from api_support import FakeTime


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
