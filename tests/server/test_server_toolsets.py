"""Toolset selection at start-up: defaults, credentials, --toolsets, and unknown names."""

from __future__ import annotations

import pytest

from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.server.toolsets import ToolsetError, parse_toolsets, select
from partnerboost_tools.catalogue import ACTIONS

PUBLISHER_ONLY = Settings(credentials=Credentials(publisher_token="p" * 30))
BRAND = Settings(credentials=Credentials(brand_id="1234", brand_token="t" * 30, brand_secret="s" * 60))


def test_analysis_and_merchant_are_on_by_default() -> None:
    assert parse_toolsets(None, Settings()) == {"analysis", "merchant"}


def test_a_family_with_credentials_is_switched_on() -> None:
    assert parse_toolsets(None, PUBLISHER_ONLY) == {"analysis", "merchant", "publisher"}
    assert parse_toolsets("", BRAND) == {"analysis", "merchant", "brand"}


def test_toolsets_names_exactly_what_is_shown() -> None:
    assert parse_toolsets("amazon", Settings()) == {"amazon"}
    assert parse_toolsets(" Default , amazon ", Settings()) == {"analysis", "merchant", "amazon"}
    assert parse_toolsets("all", Settings()) == {"analysis", "merchant", "brand", "publisher", "amazon"}


@pytest.mark.parametrize("text", ["merchant,shopify", ",", "analytics"])
def test_an_unknown_toolset_is_refused_with_the_allowed_names(text: str) -> None:
    with pytest.raises(ToolsetError) as raised:
        parse_toolsets(text, Settings())
    message = str(raised.value)
    assert message.startswith("--toolsets:")
    for name in ("analysis", "merchant", "brand", "publisher", "amazon", "default", "all"):
        assert name in message


def test_writes_need_permission_from_the_flag_or_the_environment() -> None:
    create_order = ACTIONS["brand_create_order"]
    assert not select(Settings(), "brand").shows(create_order)
    assert select(Settings(), "brand", allow_writes=True).shows(create_order)
    assert select(Settings(allow_writes=True), "brand").shows(create_order)
    assert not select(Settings(allow_writes=True), "brand", allow_writes=False).shows(create_order)
    assert select(Settings(), "brand").shows(ACTIONS["brand_get_order"])
