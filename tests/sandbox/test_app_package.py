"""The package entry points: cached default world, shared in-process app, fault transports, serve banner."""

from __future__ import annotations

import io

import httpx2
import pytest
from test_app_support import call, data_of

from partnerboost_skill.sandbox import (
    SANDBOX_AMAZON_BASE_URL,
    SANDBOX_BASE_URL,
    default_world,
    sandbox_app,
    sandbox_transport,
)
from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.serve import banner

pytestmark = pytest.mark.anyio


def test_the_default_world_is_generated_once() -> None:
    assert default_world() is default_world()
    assert default_world().config.seed == 7


def test_the_amazon_base_lives_under_the_sandbox_origin() -> None:
    assert f"{SANDBOX_BASE_URL}/amazon_api" == SANDBOX_AMAZON_BASE_URL


def test_fault_free_transports_share_one_app_per_world() -> None:
    assert sandbox_app() is sandbox_app(default_world())
    assert sandbox_transport().app is sandbox_transport().app
    assert sandbox_transport(faults=Faults(latency_ms=1)).app is not sandbox_app()


async def test_the_transport_serves_the_merchant_and_the_amazon_base() -> None:
    async with httpx2.AsyncClient(transport=sandbox_transport(), base_url=SANDBOX_BASE_URL) as client:
        account = data_of(await call(client, "merchant_account_info"))
    async with httpx2.AsyncClient(transport=sandbox_transport()) as client:
        brands = await client.post(
            f"{SANDBOX_AMAZON_BASE_URL}/get_amazon_joined_brands", json={"token": cred.SANDBOX_AMAZON_TOKEN}
        )
    assert account["brand_name"] == default_world().account["brand_name"]
    assert data_of(brands)["list"]


def test_the_banner_names_the_base_urls_every_credential_and_the_faults() -> None:
    text = banner(
        "http://127.0.0.1:8765",
        seed=7,
        orders=109_448,
        faults=Faults(latency_ms=50, error_rate=0.1, rate_limit_per_s=20),
    )
    assert "PARTNERBOOST_BASE_URL=http://127.0.0.1:8765" in text
    assert "PARTNERBOOST_AMAZON_BASE_URL=http://127.0.0.1:8765/amazon_api" in text
    for value in (
        cred.SANDBOX_API_KEY,
        cred.SANDBOX_BRAND_ID,
        cred.SANDBOX_BRAND_TOKEN,
        cred.SANDBOX_BRAND_SECRET,
        cred.SANDBOX_PUBLISHER_TOKEN,
        cred.SANDBOX_AMAZON_TOKEN,
    ):
        assert value in text
    assert "latency 50 ms" in text and "error rate 10%" in text and "rate limit 20/s" in text
    assert "109,448 orders" in text


def test_run_sandbox_prints_the_banner_before_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from partnerboost_skill.sandbox import serve

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.update(kwargs, app=app))
    out = io.StringIO()
    serve.run_sandbox(port=9911, seed=3, orders_per_day=40, latency_ms=5, out=out)
    assert served["port"] == 9911 and served["host"] == "127.0.0.1"
    assert "http://127.0.0.1:9911" in out.getvalue() and "latency 5 ms" in out.getvalue()
