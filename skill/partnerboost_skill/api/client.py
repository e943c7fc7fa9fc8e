"""PartnerBoostClient: one async client for all four PartnerBoost API families over one shared
httpx2.AsyncClient.

`call(action)` sends one action and returns the unwrapped data; `fetch_all(action)` reads every page (see
paging.py). Retries, rate-limit waits, deadlines and adaptive concurrency are the shared machinery of
retrying.py; this module says how a PartnerBoost action becomes a request (wire.py, auth.py) and how an answer
is unwrapped (envelope.py).
"""

from __future__ import annotations

from typing import Any

import httpx2

from partnerboost_skill.api.envelope import unwrap
from partnerboost_skill.api.params import parameter_names
from partnerboost_skill.api.retrying import USER_AGENT, WRITE_UNCERTAIN, Check, Clock, RetryingClient, Sleep
from partnerboost_skill.api.wire import WireRequest, build_request
from partnerboost_skill.config import DEFAULT_AMAZON_BASE_URL, DEFAULT_BASE_URL, Credentials, Settings
from partnerboost_tools.base import Action

__all__ = ["USER_AGENT", "WRITE_UNCERTAIN", "Check", "Clock", "PartnerBoostClient", "Sleep"]


class PartnerBoostClient(RetryingClient):
    """Async client for the merchant, brand, publisher and Amazon APIs.

    Use as `async with PartnerBoostClient(credentials) as pb: ...`; the keyword options (transport,
    http_client, timeout, retries, concurrency, deadline, clock, ...) are RetryingClient's.
    """

    platform = "PartnerBoost"

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        base_url: str | None = None,
        amazon_base_url: str | None = None,
        **options: Any,
    ) -> None:
        self.credentials = credentials or Credentials()
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.amazon_base_url = (amazon_base_url or DEFAULT_AMAZON_BASE_URL).rstrip("/")
        super().__init__(secrets=self.credentials.secret_values(), **options)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> PartnerBoostClient:
        return cls(settings.credentials, base_url=settings.base_url, amazon_base_url=settings.amazon_base_url,
                   **kwargs)

    def _build(self, action: Action) -> WireRequest:
        return build_request(action, self.credentials, base_url=self.base_url,
                             amazon_base_url=self.amazon_base_url, clock=self.clock)

    def _rebuild_after_wait(self) -> bool:
        return True  # the brand API's date header must be current

    def _unwrap(self, response: httpx2.Response, action: Action) -> Any:
        return unwrap(response, action=action.tool_name, parameters=parameter_names(type(action)),
                      scrub=self.redact, clock=self.clock)
