"""The catalogue as a whole: names, endpoints, metadata, docstrings, descriptions, no imports of skill/."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from tool_samples import MINIMAL_PARAMS

from partnerboost_tools.base import FAMILIES, Action
from partnerboost_tools.brand import OrderSku
from partnerboost_tools.catalogue import ACTIONS, UnknownAction, actions_by_family, get_action
from partnerboost_tools.merchant import MERCHANT_MAX_PAGE_SIZE

ROOT = Path(__file__).resolve().parents[2]

# Counted in shared/reference/partnerboost-api.md: the merchant table (section 1) has 11 rows, the brand
# table (section 2) 15, the publisher table (section 3) 9 and the Amazon table (section 4) 9; the endpoint
# table of shared/reference/openpartner-api.md has 8.
REFERENCE_COUNTS = {"merchant": 11, "brand": 15, "publisher": 9, "amazon": 9, "openpartner": 8}

AUTH_PARAMETERS = {
    "merchant": set(),
    "brand": {"bid", "token", "action", "version"},
    "publisher": {"token"},
    "amazon": {"token"},
    "openpartner": {"Authorization", "authorization"},
}


def _contract_rows() -> list[tuple[str, str, str, str]]:
    """(tool_name, family, endpoint column, writes column) from the table in docs/contracts.md."""
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z]+_[a-z_]+", cells[0]) and cells[1] in FAMILIES:
            rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def _wire_names(action: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in action.model_fields.items()}


def test_counts_per_family_match_the_reference() -> None:
    for family, expected in REFERENCE_COUNTS.items():
        assert len(actions_by_family(family)) == expected, family
    assert len(ACTIONS) == sum(REFERENCE_COUNTS.values())


def test_catalogue_matches_the_contract_table() -> None:
    rows = _contract_rows()
    assert len(rows) == len(ACTIONS)
    assert [row[0] for row in rows] == list(ACTIONS), "names or order differ from docs/contracts.md"
    for tool_name, family, endpoint_cell, writes_cell in rows:
        action = ACTIONS[tool_name]
        assert action.family == family, tool_name
        assert action.endpoint == endpoint_cell.removesuffix(" (inferred)"), tool_name
        assert action.inferred == endpoint_cell.endswith("(inferred)"), tool_name
        assert action.writes == writes_cell.startswith("yes"), tool_name
        assert action.destructive == ("destructive" in writes_cell), tool_name


def test_class_names_are_the_tool_names_in_camel_case() -> None:
    for tool_name, action in ACTIONS.items():
        assert action.tool_name == tool_name
        assert action.__name__ == "".join(part.capitalize() for part in tool_name.split("_"))


def test_catalogue_order_is_by_family() -> None:
    families = [action.family for action in ACTIONS.values()]
    assert families == sorted(families, key=FAMILIES.index)
    assert actions_by_family("amazon") == [a for a in ACTIONS.values() if a.family == "amazon"]


INFERRED = {
    "brand_void_order", "brand_get_order", "brand_create_bonus", "brand_list_clicks", "brand_get_click",
    "brand_transaction_report", "brand_transaction_report_cursor", "brand_list_creatives",
    "brand_create_creative", "brand_update_creative", "brand_set_datafeed_config", "brand_upsert_product",
    "brand_list_publishers", "brand_set_publisher_status", "publisher_payment_history",
    "publisher_payment_details", "publisher_list_coupons", "amazon_check_links",
}
"""The actions shared/reference/partnerboost-api.md marks 'inferred' (an independent list)."""


def test_the_inferred_endpoints_are_the_ones_the_reference_marks() -> None:
    assert {name for name, action in ACTIONS.items() if action.inferred} == INFERRED


def test_inferred_parameter_names_are_declared_on_their_action() -> None:
    declared = {name: a.inferred_parameters for name, a in ACTIONS.items() if a.inferred_parameters}
    assert declared == {"amazon_check_links": ("link_ids",), "amazon_report": ("order_ids",)}
    for tool_name, fields in declared.items():
        for field in fields:
            assert field in ACTIONS[tool_name].model_json_schema()["properties"]
    assert ACTIONS["amazon_report"](order_ids=["A1", "A2"]).to_wire() == {"order_ids": "A1,A2"}


def test_endpoint_forms_follow_the_family() -> None:
    for action in ACTIONS.values():
        if action.family == "merchant":
            assert action.endpoint.startswith("/a/")
        elif action.family in ("brand", "publisher"):
            assert re.fullmatch(r"[a-z_]+/[a-z_0-9]+", action.endpoint), action.tool_name
        elif action.family == "openpartner":
            assert re.fullmatch(r"(/[a-z]+|/\{[a-z_]+\})+", action.endpoint), action.tool_name
            placeholders = set(re.findall(r"\{(\w+)\}", action.endpoint))
            assert placeholders == set(action.path_params) <= set(action.model_fields), action.tool_name
        else:
            assert re.fullmatch(r"[a-z_]+", action.endpoint), action.tool_name
        assert action.describe_endpoint()


def test_write_flags_are_consistent() -> None:
    for action in ACTIONS.values():
        if action.destructive:
            assert action.writes, action.tool_name
        if action.writes:
            assert action.method == "POST", action.tool_name
        else:
            assert action.idempotent, action.tool_name
    assert not ACTIONS["brand_create_order"].idempotent
    assert not ACTIONS["brand_create_bonus"].idempotent


def test_every_action_has_a_docstring_with_a_short_first_line() -> None:
    for action in ACTIONS.values():
        assert action.__doc__ and action.__doc__.strip(), action.tool_name
        summary = action.summary()
        assert 20 <= len(summary) <= 110, (action.tool_name, summary)
        assert summary != Action.__doc__


def test_every_parameter_has_a_description() -> None:
    models: list[type[BaseModel]] = [*ACTIONS.values(), OrderSku]
    for model in models:
        for name, field in model.model_fields.items():
            assert field.description and field.description.strip(), f"{model.__name__}.{name}"
            assert len(field.description) <= 100, f"{model.__name__}.{name}: keep descriptions short"


def test_auth_and_format_parameters_are_not_fields() -> None:
    for action in ACTIONS.values():
        assert not _wire_names(action) & AUTH_PARAMETERS[action.family], action.tool_name
    for action in actions_by_family("publisher"):
        if "type" in _wire_names(action):
            # the coupon API's own `type` (coupon or deal) is a filter, not the json/xml return format
            assert action.tool_name == "publisher_list_coupons"
            assert "json" not in json.dumps(action.model_json_schema()["properties"]["type"])


def test_paging_and_window_parameters_are_fields() -> None:
    for action in ACTIONS.values():
        names = _wire_names(action)
        if action.paging is not None:
            assert {action.paging.page_param, action.paging.size_param} <= names, action.tool_name
            params = {**MINIMAL_PARAMS[action.tool_name], action.paging.size_param: action.paging.max_size}
            action.model_validate(params)  # the pager may always ask for max_size
            assert 1 <= action.paging.default_size <= action.paging.max_size
        if action.window is not None:
            assert {action.window.start_param, action.window.end_param} <= names, action.tool_name


def test_documented_paging_and_windows() -> None:
    list4 = ACTIONS["merchant_list_transactions"].paging
    assert MERCHANT_MAX_PAGE_SIZE == 200
    assert list4 is not None
    assert (list4.kind, list4.page_param, list4.size_param) == ("page", "page_num", "page_size")
    assert list4.max_size == 200
    assert (list4.records_key, list4.total_items_key, list4.total_pages_key) == (
        "list", "total_size", "total_page")
    assert list4.id_key is None  # a repeated order_id is a duplicate order to report, not a paging artefact
    assert ACTIONS["merchant_list_bills"].paging.id_key == "id"  # type: ignore[union-attr]

    clicks = ACTIONS["brand_list_clicks"].paging
    assert clicks is not None
    assert (clicks.kind, clicks.page_param, clicks.first_page, clicks.max_size) == ("offset", "first", 0, 100)
    report = ACTIONS["brand_transaction_report"].paging
    assert report is not None
    assert (report.kind, report.page_param, report.max_size) == ("page", "page_number", 100)
    cursor = ACTIONS["brand_transaction_report_cursor"].paging
    assert cursor is not None
    assert (cursor.kind, cursor.page_param, cursor.size_param) == ("cursor", "cursor", "limit")
    assert cursor.max_size == 200

    transactions = ACTIONS["publisher_list_transactions"]
    assert transactions.paging is not None and transactions.window is not None
    assert (transactions.paging.page_param, transactions.paging.size_param) == ("page", "limit")
    assert transactions.paging.max_size == 2000
    assert transactions.paging.total_pages_key == "total_page"
    assert transactions.paging.total_items_key == "total_items"
    assert transactions.window.max_span.days == 62 and transactions.window.error_code == 1006

    click_log = ACTIONS["publisher_list_clicks"].window
    assert click_log is not None
    assert click_log.max_span.total_seconds() == 3600
    assert (click_log.requests_per_minute, click_log.error_code) == (10, 1011)

    for action in actions_by_family("amazon"):
        if action.paging is not None:
            assert (action.paging.kind, action.paging.page_param, action.paging.size_param) == (
                "has_more", "page", "page_size")

    partners = ACTIONS["openpartner_list_partners"].paging
    assert partners is not None
    assert (partners.kind, partners.page_param, partners.cursor_key, partners.records_key) == (
        "cursor", "cursor", "nextCursor", "partners")
    assert partners.first_page is None and partners.max_size == 200  # page one has no cursor
    for name in ("openpartner_list_commissions", "openpartner_partner_commissions"):
        assert ACTIONS[name].paging is None  # at most 500, newest first, no cursor (see the provider)
        sample = MINIMAL_PARAMS[name]
        ACTIONS[name].model_validate({**sample, "limit": 500})
        with pytest.raises(ValueError):
            ACTIONS[name].model_validate({**sample, "limit": 501})


def test_every_action_example_is_valid() -> None:
    for action in ACTIONS.values():
        action.model_validate(action.example)  # a required parameter missing from the example fails here
        assert MINIMAL_PARAMS[action.tool_name] == action.example


def test_get_action_by_tool_class_or_hyphenated_name() -> None:
    assert get_action("merchant_list_transactions").__name__ == "MerchantListTransactions"
    assert get_action("MerchantListBills").tool_name == "merchant_list_bills"
    assert get_action("amazon-check-links").tool_name == "amazon_check_links"


def test_unknown_action_suggests_close_names() -> None:
    with pytest.raises(UnknownAction) as caught:
        get_action("merchant_list_transaction")
    assert isinstance(caught.value, KeyError)
    assert caught.value.name == "merchant_list_transaction"
    assert "merchant_list_transactions" in caught.value.suggestions
    assert "merchant_list_transactions" in str(caught.value)
    assert str(caught.value) == caught.value.args[0]


def test_unknown_action_without_close_names_says_how_names_look() -> None:
    with pytest.raises(UnknownAction) as caught:
        get_action("refund everything")
    assert caught.value.suggestions == []
    assert "merchant_" in str(caught.value) and "amazon_" in str(caught.value)


def test_unknown_family_is_rejected() -> None:
    with pytest.raises(ValueError, match="merchant, brand, publisher, amazon"):
        actions_by_family("shopify")


def test_no_tools_module_imports_skill() -> None:
    for path in sorted((ROOT / "tools" / "partnerboost_tools").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                package = module.split(".")[0]
                assert package != "partnerboost_skill", f"{path.name} imports {module}"
