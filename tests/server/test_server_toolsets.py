"""Toolset selection at start-up: defaults, the families served, --toolsets, and unknown names."""

from __future__ import annotations

import pytest

from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.server.toolsets import ToolsetError, parse_toolsets, select
from partnerboost_tools.base import FAMILIES
from partnerboost_tools.catalogue import ACTIONS

PUBLISHER_ONLY = Settings(credentials=Credentials(publisher_token="p" * 30))
BRAND = Settings(credentials=Credentials(brand_id="1234", brand_token="t" * 30, brand_secret="s" * 60))


def test_analysis_and_the_api_pair_are_the_default_toolsets() -> None:
    assert parse_toolsets(None) == {"analysis", "api"}
    assert parse_toolsets("") == {"analysis", "api"}


def test_credentials_add_families_to_serve_not_tools_to_list() -> None:
    assert select(Settings()).families == {"merchant"}
    assert select(PUBLISHER_ONLY).families == {"merchant", "publisher"}
    assert select(BRAND).toolsets == {"analysis", "api"}
    assert select(BRAND).families == {"merchant", "brand"}
    assert select(BRAND).actions() == []


def test_naming_a_family_lists_its_typed_tools_and_serves_it() -> None:
    selection = select(Settings(), "default,amazon")
    assert selection.toolsets == {"analysis", "api", "amazon"}
    assert "amazon" in selection.families
    assert {action.family for action in selection.actions()} == {"amazon"}


def test_openpartner_is_served_by_its_key_and_listed_when_named() -> None:
    openpartner = Settings(credentials=Credentials(openpartner_api_key="op_" + "a" * 48),
                           openpartner_base_url="https://partners.example.com/api")
    served = select(openpartner, allow_writes=False)
    assert served.toolsets == {"analysis", "api"} and served.families == {"merchant", "openpartner"}
    assert served.actions() == [], "a key serves the family through the api pair, it lists no typed tools"
    reads = {"openpartner_list_partners", "openpartner_get_partner", "openpartner_list_commissions",
             "openpartner_partner_commissions"}
    writes = {"openpartner_create_partner", "openpartner_invite_partner", "openpartner_revoke_partner",
              "openpartner_record_event"}
    assert {a.tool_name for a in served.api_actions(writes=False) if a.family == "openpartner"} == reads
    assert served.api_actions(writes=True) == []
    with_writes = select(openpartner, allow_writes=True)
    assert {a.tool_name for a in with_writes.api_actions(writes=True) if a.family == "openpartner"} == writes
    named = select(openpartner, "default,openpartner", allow_writes=False)
    assert {a.tool_name for a in named.actions()} == reads


def test_toolsets_names_exactly_what_is_shown() -> None:
    assert parse_toolsets("amazon") == {"amazon"}
    assert parse_toolsets(" Default , amazon ") == {"analysis", "api", "amazon"}
    assert parse_toolsets("all") == {"analysis", "api", "merchant", "brand", "publisher", "amazon",
                                     "openpartner"}


@pytest.mark.parametrize("text", ["merchant,shopify", ",", "analytics"])
def test_an_unknown_toolset_is_refused_with_the_allowed_names(text: str) -> None:
    with pytest.raises(ToolsetError) as raised:
        parse_toolsets(text)
    message = str(raised.value)
    assert message.startswith("--toolsets:")
    for name in ("analysis", "api", *FAMILIES, "default", "all"):
        assert name in message


def test_writes_need_permission_from_the_flag_or_the_environment() -> None:
    create_order = ACTIONS["brand_create_order"]
    assert not select(Settings(), "brand").shows(create_order)
    assert select(Settings(), "brand", allow_writes=True).shows(create_order)
    assert select(Settings(allow_writes=True), "brand").shows(create_order)
    assert not select(Settings(allow_writes=True), "brand", allow_writes=False).shows(create_order)
    assert select(Settings(), "brand").shows(ACTIONS["brand_get_order"])


def test_the_api_tools_reach_writes_only_when_allowed() -> None:
    create_order = ACTIONS["brand_create_order"]
    assert not select(BRAND).reaches(create_order)
    assert select(BRAND, allow_writes=True).reaches(create_order)
    assert not select(Settings(), allow_writes=True).reaches(create_order), "brand is not served"
    assert not select(BRAND, "analysis", allow_writes=True).reaches(create_order), "no api toolset"
