"""Helpers for the client tests: a fake clock and sleep, canary credentials, a recording mock server."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.config import Credentials

# 2026-11-20 06:00:00 UTC
START = 1_795_154_400.0

CANARY = "canary-7c1d9e0b5a3f"
API_KEY = f"key-{CANARY}"
BRAND_ID = "90001"
BRAND_TOKEN = f"btok-{CANARY}"
BRAND_SECRET = f"bsec-{CANARY}"
PUBLISHER_TOKEN = f"ptok-{CANARY}"
AMAZON_TOKEN = f"atok-{CANARY}"
COUPON_TOKEN = f"ctok-{CANARY}"
BASE = "https://pb.test"
AMAZON_BASE = "https://amz.test/amazon_api"


@dataclass
class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    now: float = START
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def all_credentials() -> Credentials:
    return Credentials(
        api_key=API_KEY, brand_id=BRAND_ID, brand_token=BRAND_TOKEN, brand_secret=BRAND_SECRET,
        publisher_token=PUBLISHER_TOKEN, amazon_token=AMAZON_TOKEN, coupon_token=COUPON_TOKEN,
    )


def merchant_ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json={"code": 0, "message": "ok", "data": data}, headers=headers)


def status_ok(data: Any) -> httpx2.Response:
    return httpx2.Response(200, json={"status": {"code": 0, "msg": "Success"}, "data": data})


def merchant_error(
    code: int, message: str, status: int, headers: dict[str, str] | None = None
) -> httpx2.Response:
    return httpx2.Response(status, json={"code": code, "message": message, "data": None}, headers=headers)


def status_error(code: int, message: str, status: int = 200) -> httpx2.Response:
    return httpx2.Response(status, json={"status": {"code": code, "msg": message}, "data": None})


Handler = Callable[[httpx2.Request], Any]


@dataclass
class Recorder:
    """Wraps a handler and keeps every request it saw."""

    handler: Handler
    requests: list[httpx2.Request] = field(default_factory=list)

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        response = self.handler(request)
        if not isinstance(response, httpx2.Response):
            response = await response
        return response

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) if r.content else {} for r in self.requests]


def body_of(request: httpx2.Request) -> dict[str, Any]:
    return json.loads(request.content) if request.content else {}


def params_of(request: httpx2.Request) -> dict[str, Any]:
    """Query parameters, or the JSON body for POST requests."""
    if request.method == "POST":
        return body_of(request)
    return dict(request.url.params)


def make_client(
    handler: Handler,
    fake_time: FakeTime,
    *,
    credentials: Credentials | None = None,
    **kwargs: Any,
) -> tuple[PartnerBoostClient, Recorder]:
    recorder = Recorder(handler)
    options: dict[str, Any] = {"max_retries": 4, "concurrency": 8, "jitter": lambda: 1.0, **kwargs}
    options.setdefault("sleep", fake_time.sleep)
    client = PartnerBoostClient(
        credentials if credentials is not None else all_credentials(),
        base_url=BASE,
        amazon_base_url=AMAZON_BASE,
        transport=httpx2.MockTransport(recorder),
        clock=fake_time.clock,
        **options,
    )
    return client, recorder
