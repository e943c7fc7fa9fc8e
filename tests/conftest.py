"""Fixtures for every test folder: a fresh PostgreSQL database per test when a server is available.

Also for every test: the sandbox's default world is the fixed one at DEFAULT_NOW (the demo's ends at the
current minute), so expected dates and figures do not depend on the day the tests run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from partnerboost_skill.sandbox import pin_default_world
from partnerboost_skill.sandbox.world import WorldConfig

pin_default_world(WorldConfig())

POSTGRES_ENV = "PARTNERBOOST_TEST_POSTGRES_URL"


def database_url(base: str, name: str) -> str:
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of PARTNERBOOST_TEST_POSTGRES_URL (`.ci/postgres`
    starts a throwaway one and sets it); dropped afterwards. Skips without it — in CI it fails instead."""
    base = os.environ.get(POSTGRES_ENV, "").strip()
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the PostgreSQL tests, but {POSTGRES_ENV} is not set (see .ci/postgres)")
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (`source .ci/postgres` starts one)")
    import psycopg

    from partnerboost_skill.store.postgres import PostgresDatabase

    name = f"pbtest_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(base, name)
    try:
        yield url
    finally:
        found = PostgresDatabase._open.pop(url, None)
        if found is not None:
            found.close()
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url
