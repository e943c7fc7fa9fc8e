"""No answer is larger than ~20 KB; a cut list says so and the next arguments continue right after it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult
from server_support import payload_of

from partnerboost_skill.config import Settings
from partnerboost_skill.runtime import connect
from partnerboost_skill.server import build_server
from partnerboost_skill.server.action_results import write_result
from partnerboost_skill.server.output_cap import MAX_TEXT_BYTES, largest_fitting, shrink_lists
from partnerboost_skill.server.output_models import WriteResult
from partnerboost_tools.brand import BrandListClicks
from partnerboost_tools.merchant import MerchantListTransactions


def text_size(result: CallToolResult) -> int:
    return sum(len(block.text.encode()) for block in result.content if block.type == "text")


async def direct_records(action: Any) -> list[dict[str, Any]]:
    """The same listing read straight through the client, without the server's cap."""
    async with connect(Settings()) as connection:
        return (await connection.source.call(action))["list"]


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> Any:
    async with Client(build_server(Settings(), toolsets="all")) as connected:
        yield connected


@pytest.mark.anyio
async def test_a_huge_page_is_cut_under_the_limit_and_continues_exactly(client: Client) -> None:
    first = await client.call_tool("merchant_list_transactions", {"page_size": 200, "page_num": 3})
    page = payload_of(first)["page"]
    shown = page["returned"]
    assert text_size(first) <= MAX_TEXT_BYTES
    assert 0 < shown < 200 and page["has_more"] and "cut" in page["note"]
    assert len(payload_of(first)["data"]["list"]) == shown

    second = await client.call_tool("merchant_list_transactions", page["next_arguments"])
    assert page["next_arguments"]["page_size"] == shown
    ids = [o["order_id"] for r in (first, second) for o in payload_of(r)["data"]["list"]]
    expected = await direct_records(MerchantListTransactions(page_size=200, page_num=3))
    assert ids == [o["order_id"] for o in expected[: len(ids)]]
    assert len(ids) == 2 * shown


@pytest.mark.anyio
async def test_an_offset_listing_is_cut_and_continues_at_the_next_offset(client: Client) -> None:
    first = await client.call_tool("brand_list_clicks", {"page_size": 100, "first": 40})
    page = payload_of(first)["page"]
    shown = page["returned"]
    assert text_size(first) <= MAX_TEXT_BYTES and shown < 100
    assert page["next_arguments"]["first"] == 40 + shown
    second = await client.call_tool("brand_list_clicks", page["next_arguments"])
    ids = [c["id"] for r in (first, second) for c in payload_of(r)["data"]["list"]]
    expected = await direct_records(BrandListClicks(page_size=100, first=40))
    assert ids[:100] == [c["id"] for c in expected[: len(ids[:100])]]


@pytest.mark.anyio
async def test_a_long_unpaged_list_is_cut_with_advice_to_narrow(client: Client) -> None:
    result = await client.call_tool("brand_list_publishers", {})
    page = payload_of(result)["page"]
    assert text_size(result) <= MAX_TEXT_BYTES
    assert page["has_more"] and page["next_arguments"] is None
    assert page["returned"] == len(payload_of(result)["data"]["list"]) < page["total"]
    assert "Narrow the query" in page["note"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "args", "cut_list"),
    [("check_bill", {"period": "last month"}, "bills"), ("partner_media", {"status": "all"}, "media")],
)
async def test_a_large_analysis_result_is_cut_and_says_what_was_left_out(
    client: Client, name: str, args: dict[str, Any], cut_list: str
) -> None:
    result = await client.call_tool(name, args)
    structured = result.structured_content
    assert not result.is_error
    assert len(json.dumps(structured, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_TEXT_BYTES
    assert text_size(result) <= MAX_TEXT_BYTES
    assert any(note.startswith(f"{cut_list}: showing") for note in structured["notes"])


def test_largest_fitting_finds_the_boundary() -> None:
    assert largest_fitting(100, lambda k: k <= 37) == 37
    assert largest_fitting(10, lambda k: True) == 10
    assert largest_fitting(10, lambda k: k == 0) == 0


def test_shrink_lists_cuts_the_biggest_list_and_reports_it() -> None:
    value = {"small": [1, 2, 3], "big": {"rows": ["x" * 100] * 50}}
    cuts = shrink_lists(value, fits=lambda v: len(json.dumps(v)) <= 1200)
    assert len(json.dumps(value)) <= 1200
    assert value["small"] == [1, 2, 3]
    assert [(cut.path, cut.original) for cut in cuts] == [(("big", "rows"), 50)]
    assert cuts[0].shown == len(value["big"]["rows"]) < 50


def test_an_oversized_write_acknowledgement_is_truncated_within_its_schema() -> None:
    outcome = WriteResult(action="brand_upsert_product", endpoint="POST /api/brand action=datafeed/product",
                          demo=True, notice="Demo data.", performed=True, params={"sku": "A"},
                          data={"rows": ["x" * 1000] * 50}, message="Sent.")
    result = write_result(outcome)
    structured = payload_of(result)
    assert text_size(result) <= MAX_TEXT_BYTES
    WriteResult.model_validate(structured)
    assert len(result.content[0].text.encode()) <= MAX_TEXT_BYTES
    assert structured["data"]["truncated_json"].startswith('{"rows":["xxx')
    assert "truncated" in structured["message"]


def test_cutting_a_list_leaves_the_callers_structure_untouched() -> None:
    """The result is cut in a copy of the containers on the way to the list (no deep copy of the rest)."""
    original = {"groups": {"rows": ["x" * 100] * 50, "other": [1, 2]}, "kept": [3]}
    before = json.dumps(original)
    value = dict(original)
    cuts = shrink_lists(value, fits=lambda v: len(json.dumps(v)) <= 1200)
    assert json.dumps(original) == before
    assert [(cut.path, cut.original) for cut in cuts] == [(("groups", "rows"), 50)]
    assert len(value["groups"]["rows"]) < 50 and value["kept"] is original["kept"]
