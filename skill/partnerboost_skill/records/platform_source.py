"""One `Source` over both platforms: OpenPartner actions go to the OpenPartner client, everything else (and
the orders frame) to the PartnerBoost source. The surfaces (MCP tools, `call`, the answers) hold this one
source and never choose a client themselves."""

from __future__ import annotations

from typing import Any

from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.api.retrying import RetryingClient
from partnerboost_skill.config import ENV_VARS, Credentials
from partnerboost_skill.records.conventions import Conventions
from partnerboost_skill.records.source import OrdersFetch, Source
from partnerboost_tools.base import Action
from partnerboost_tools.merchant import MerchantListTransactions


class PlatformSource:
    """`partnerboost` (a Source: live, cached or wrapped) plus an open OpenPartner client, or None when
    OpenPartner is not configured (its actions then name the settings to set)."""

    def __init__(self, partnerboost: Source, openpartner: RetryingClient | None = None) -> None:
        self.partnerboost = partnerboost
        self.openpartner = openpartner

    @property
    def credentials(self) -> Credentials:
        return self.partnerboost.credentials

    @property
    def conventions(self) -> Conventions:
        return self.partnerboost.conventions

    def _openpartner(self, action: Action) -> RetryingClient:
        if self.openpartner is None:
            names = (ENV_VARS["openpartner_base_url"], ENV_VARS["openpartner_api_key"])
            raise MissingCredentials("openpartner", names, action=action.tool_name)
        return self.openpartner

    async def call(self, action: Action) -> Any:
        if action.family == "openpartner":
            return await self._openpartner(action).call(action)
        return await self.partnerboost.call(action)

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        if action.family == "openpartner":
            return await self._openpartner(action).fetch_all(action, on_progress, allow_partial=allow_partial)
        return await self.partnerboost.fetch_all(action, on_progress, allow_partial=allow_partial)

    async def fetch_orders_frame(
        self,
        action: MerchantListTransactions,
        on_progress: ProgressCallback | None = None,
        *,
        allow_partial: bool = False,
    ) -> OrdersFetch:
        return await self.partnerboost.fetch_orders_frame(action, on_progress, allow_partial=allow_partial)
