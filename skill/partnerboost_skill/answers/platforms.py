"""Which platform answers: the one asked for, else the one whose credentials exist (PartnerBoost when both
are configured, and in the demo), and its provider over the connection's source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from partnerboost_skill.answers.openpartner import OpenPartnerProvider
from partnerboost_skill.answers.partnerboost import PartnerBoostProvider
from partnerboost_skill.answers.provider import PLATFORMS, Platform, Provider
from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.config import ENV_VARS
from partnerboost_skill.records.source import Source
from partnerboost_skill.store.webhook_events import WebhookEvents
from partnerboost_tools.base import Family

SETTINGS: dict[Platform, tuple[str, ...]] = {
    "partnerboost": (ENV_VARS["api_key"],),
    "openpartner": (ENV_VARS["openpartner_base_url"], ENV_VARS["openpartner_api_key"]),
}


class UnknownPlatform(ValueError):
    """A platform name that is not one of PLATFORMS; the message lists them."""


def choose_platform(requested: str | None, configured: Sequence[str]) -> Platform:
    """`requested` when given (it must be configured), else the first configured (PartnerBoost first)."""
    if requested is None or not requested.strip():
        return cast(Platform, configured[0]) if configured else "partnerboost"
    name = requested.strip().lower()
    if name not in PLATFORMS:
        raise UnknownPlatform(f"platform must be one of {', '.join(PLATFORMS)}; got {requested!r}")
    platform = cast(Platform, name)
    if configured and platform not in configured:
        family: Family = "merchant" if platform == "partnerboost" else "openpartner"
        raise MissingCredentials(family, SETTINGS[platform])
    return platform


def provider_for(source: Source, platform: Platform, events: WebhookEvents | None = None) -> Provider:
    if platform == "openpartner":
        return OpenPartnerProvider(source, events)
    return PartnerBoostProvider(source)
