"""OpenPartnerClient: OpenPartner's REST API over the shared client machinery (retrying.py).

    async with OpenPartnerClient(credentials, base_url="https://app.openpartner.dev/api/t/acme") as op:
        partner = await op.call(OpenpartnerGetPartner(partner_id="01J..."))
        everyone = await op.fetch_all(OpenpartnerListPartners())      # every page, by nextCursor
"""

from __future__ import annotations

from typing import Any

import httpx2

from partnerboost_skill.api.openpartner.errors import unwrap_openpartner
from partnerboost_skill.api.openpartner.wire import build_openpartner_request
from partnerboost_skill.api.retrying import RetryingClient
from partnerboost_skill.api.wire import WireRequest
from partnerboost_skill.config import Credentials, Settings
from partnerboost_tools.base import Action
from partnerboost_tools.openpartner import OpenpartnerAction


class OpenPartnerClient(RetryingClient):
    """Async client for one OpenPartner instance (hosted tenant or self-hosted). The keyword options
    (transport, timeout, retries, concurrency, clock, ...) are RetryingClient's."""

    platform = "OpenPartner"

    def __init__(self, credentials: Credentials | None = None, *, base_url: str | None = None,
                 **options: Any) -> None:
        self.credentials = credentials or Credentials()
        self.base_url = base_url.rstrip("/") if base_url else None
        super().__init__(secrets=self.credentials.secret_values(), **options)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> OpenPartnerClient:
        return cls(settings.credentials, base_url=settings.openpartner_base_url, **kwargs)

    def _action(self, action: Action) -> OpenpartnerAction:
        if not isinstance(action, OpenpartnerAction):
            raise ValueError(f"{action.tool_name} is not an OpenPartner action")
        return action

    def _build(self, action: Action) -> WireRequest:
        return build_openpartner_request(self._action(action), self.credentials, base_url=self.base_url)

    def _unwrap(self, response: httpx2.Response, action: Action) -> Any:
        return unwrap_openpartner(response, self._action(action), base_url=self.base_url or "",
                                  scrub=self.redact, clock=self.clock)
