"""Fixtures for the reliability tests: one private world and the fault-free answers on it."""

from __future__ import annotations

import anyio
import pytest
from reliability_support import QUESTIONS, RELIABILITY_WORLD, FakeTime, client_on, faulty_transport

from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.sandbox.world import World


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def world() -> World:
    """Generated privately: the shared default world may carry other tests' writes."""
    return World.generate(RELIABILITY_WORLD)


@pytest.fixture(scope="session")
def baseline(world: World) -> dict[str, Answer]:
    """Every question answered on the fault-free sandbox: what a faulty run must equal when complete."""

    async def answer_all() -> dict[str, Answer]:
        time = FakeTime()
        results = {}
        async with client_on(faulty_transport(world, None, time), time, max_retries=0) as client:
            for name, question in QUESTIONS.items():
                results[name] = await question(client)
        return results

    return anyio.run(answer_all)
