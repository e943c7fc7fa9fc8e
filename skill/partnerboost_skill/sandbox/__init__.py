"""A local PartnerBoost: a deterministic synthetic merchant world served by an ASGI app.

In-process (no sockets) for tests and the demo:

    transport = sandbox_transport()            # the default world: ends at the current minute
    async with PartnerBoostClient(creds, base_url=SANDBOX_BASE_URL, amazon_base_url=SANDBOX_AMAZON_BASE_URL,
                                  transport=transport) as pb: ...

or on loopback with `skill.sandbox.serve.run_sandbox` (the `partnerboost sandbox` command).
"""

from __future__ import annotations

import threading
import weakref
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx2
    from starlette.applications import Starlette

    from partnerboost_skill.sandbox.dialects import Dialect
    from partnerboost_skill.sandbox.faults import Faults
    from partnerboost_skill.sandbox.world import World, WorldConfig

SANDBOX_BASE_URL = "http://sandbox.partnerboost.local"
SANDBOX_AMAZON_BASE_URL = f"{SANDBOX_BASE_URL}/amazon_api"
SANDBOX_OPENPARTNER_BASE_URL = f"{SANDBOX_BASE_URL}/openpartner/api/t/sandbox-brand"
"""The sandbox's OpenPartner tenant on its hosted, multi-tenant instance (the slug is part of the base)."""
SANDBOX_OPENPARTNER_SELF_HOSTED_URL = f"{SANDBOX_BASE_URL}/openpartner-selfhosted/api"
"""The same tenant as a self-hosted, single-tenant instance."""

STALE_AFTER = timedelta(hours=1)
"""A long-running process (the MCP server) regenerates the present-day world once it is this far behind."""

_lock = threading.Lock()
_default_world: World | None = None
_pinned: WorldConfig | None = None
_shared_apps: weakref.WeakKeyDictionary[World, dict[str, Starlette]] = weakref.WeakKeyDictionary()


def pin_default_world(config: WorldConfig | None) -> None:
    """Make `default_world()` the world of `config` (the tests pin WorldConfig(), which ends at DEFAULT_NOW);
    None goes back to the present-day world."""
    global _default_world, _pinned
    with _lock:
        _pinned = config
        _default_world = None


def default_world() -> World:
    """The world the demo serves: it ends at the current minute (`present_config()`), is generated once per
    process and again when it is STALE_AFTER behind the clock; or the pinned world (`pin_default_world`)."""
    global _default_world
    from partnerboost_skill.sandbox.world import World, present_config

    with _lock:
        if _default_world is None or (
            _pinned is None and datetime.now(UTC) - _default_world.config.now > STALE_AFTER
        ):
            _default_world = World.generate(_pinned or present_config())
        return _default_world


def sandbox_app(world: World | None = None, dialect: str = "default") -> Starlette:
    """The fault-free app of `world` speaking `dialect`, shared by every caller in this process (writes stay
    visible to all callers of that dialect)."""
    world = world or default_world()
    with _lock:
        apps = _shared_apps.setdefault(world, {})
        app = apps.get(dialect)
        if app is None:
            from partnerboost_skill.sandbox.app import create_app

            app = create_app(world, dialect=dialect)
            apps[dialect] = app
        return app


def sandbox_transport(
    world: World | None = None,
    faults: Faults | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    dialect: str | Dialect | None = None,
) -> httpx2.ASGITransport:
    """An in-process transport to the sandbox.

    `dialect` names a record shape of sandbox.dialects.DIALECTS (ValueError when unknown) or is a Dialect.
    Without faults or clock it serves the shared app of `world` in that dialect; with them, a fresh app over
    the same world (its own rate limits, drift and fault sequence).
    """
    import httpx2

    from partnerboost_skill.sandbox.dialects import dialect_named

    if faults is None and clock is None and (dialect is None or isinstance(dialect, str)):
        app = sandbox_app(world, dialect_named(dialect).name)
    else:
        from partnerboost_skill.sandbox.app import create_app

        app = create_app(world or default_world(), faults, clock=clock, dialect=dialect)
    return httpx2.ASGITransport(app=app)


__all__ = [
    "SANDBOX_AMAZON_BASE_URL",
    "SANDBOX_BASE_URL",
    "SANDBOX_OPENPARTNER_BASE_URL",
    "SANDBOX_OPENPARTNER_SELF_HOSTED_URL",
    "default_world",
    "pin_default_world",
    "sandbox_app",
    "sandbox_transport",
]
