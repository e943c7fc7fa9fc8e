"""Serve the sandbox on loopback with uvicorn (the `partnerboost sandbox` command)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any, TextIO

from partnerboost_skill.sandbox import credentials
from partnerboost_skill.sandbox.faults import Faults

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def banner(base_url: str, *, seed: int, orders: int, faults: Faults, dialect: str = "default",
           now: datetime | None = None) -> str:
    """What the operator needs: base URLs, the credentials the sandbox accepts, the dialect and the faults."""
    spoken = "" if dialect == "default" else f", dialect {dialect}"
    lines = [
        f"PartnerBoost sandbox (seed {seed}, {orders:,} orders{spoken}) on {base_url}",
        *([f"Orders up to {now:%Y-%m-%d %H:%M} UTC, the time it started"] if now else []),
        "",
        f"  PARTNERBOOST_BASE_URL={base_url}",
        f"  PARTNERBOOST_AMAZON_BASE_URL={base_url}/amazon_api",
        "",
        "Credentials it accepts (sandbox only; they open nothing else):",
        f"  PARTNERBOOST_API_KEY={credentials.SANDBOX_API_KEY}",
        f"  PARTNERBOOST_BRAND_ID={credentials.SANDBOX_BRAND_ID}",
        f"  PARTNERBOOST_BRAND_TOKEN={credentials.SANDBOX_BRAND_TOKEN}",
        f"  PARTNERBOOST_BRAND_SECRET={credentials.SANDBOX_BRAND_SECRET}",
        f"  PARTNERBOOST_PUBLISHER_TOKEN={credentials.SANDBOX_PUBLISHER_TOKEN}",
        f"  PARTNERBOOST_AMAZON_TOKEN={credentials.SANDBOX_AMAZON_TOKEN}",
        f"  PARTNERBOOST_COUPON_TOKEN={credentials.SANDBOX_COUPON_TOKEN}",
    ]
    knobs = []
    if faults.latency_ms:
        knobs.append(f"latency {faults.latency_ms:g} ms")
    if faults.error_rate:
        knobs.append(f"error rate {faults.error_rate:.0%}")
    if faults.rate_limit_per_s:
        knobs.append(f"rate limit {faults.rate_limit_per_s:g}/s")
    knobs += [name for name, on in (
        ("hang", faults.hang_rate), ("trickle", faults.trickle_bytes_per_s),
        ("endless rate limit", faults.endless_rate_limit), ("page_num ignored", faults.ignore_page_num),
        (f"data {faults.lying_data}", faults.lying_data),
        (f"echoes rejected keys ({faults.echo_credentials})", faults.echo_credentials),
    ) if on]
    lines += ["", "Faults: " + (", ".join(knobs) if knobs else "none"), "Press Ctrl+C to stop."]
    return "\n".join(lines)


def run_sandbox(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    seed: int = 7,
    orders_per_day: float = 300,
    latency_ms: float = 0.0,
    error_rate: float = 0.0,
    rate_limit: float | None = None,
    out: TextIO = sys.stdout,
    dialect: str = "default",
    faults: dict[str, Any] | None = None,
) -> None:
    """Generate the world for `seed`/`orders_per_day` ending now, print the banner and serve it in `dialect`
    (sandbox.dialects.DIALECTS) until interrupted.

    The world ends at the minute it starts and the app's clock is the real one, so a client on the real clock
    (PARTNERBOOST_BASE_URL pointing here) sees "last 7 days" as the sandbox does.
    """
    import uvicorn

    from partnerboost_skill.sandbox.app import create_app
    from partnerboost_skill.sandbox.world import World, present_config

    world = World.generate(present_config(seed=seed, orders_per_day=orders_per_day))
    knobs = Faults(latency_ms=latency_ms, error_rate=error_rate, rate_limit_per_s=rate_limit, seed=seed,
                   **(faults or {}))
    app = create_app(world, knobs, dialect=dialect)
    print(
        banner(f"http://{host}:{port}", seed=seed, orders=len(world.orders), faults=knobs, dialect=dialect,
               now=world.config.now),
        file=out,
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
