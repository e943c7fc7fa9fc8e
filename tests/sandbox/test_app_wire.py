"""Request parsing, validation errors, unknown actions and page-size clamping, family by family."""

from __future__ import annotations

import pytest
from test_app_support import call, client_for, data_of, error_of, fixed_app, query_pairs, unix

from partnerboost_skill.sandbox import credentials as cred
from partnerboost_skill.sandbox import default_world
from partnerboost_tools.catalogue import ACTIONS

pytestmark = pytest.mark.anyio
KEY = {"X-Api-Key": cred.SANDBOX_API_KEY}
SEPTEMBER = {"trans_time_start": unix("2026-09-01"), "trans_time_end": unix("2026-09-30T23:59:59")}


@pytest.fixture(scope="module")
def app():
    return fixed_app(default_world())


async def test_merchant_get_arrays_and_post_json_select_the_same_orders(app) -> None:
    params = {**SEPTEMBER, "trans_status": ["void", "new"], "partner_channel_type": ["SOCIAL_NETWORK"]}
    async with client_for(app) as client:
        by_get = data_of(await client.get("/a/transaction/list4", params=query_pairs(params), headers=KEY))
        by_post = data_of(await client.post("/a/transaction/list4", json=params, headers=KEY))
    assert by_get["total_size"] == by_post["total_size"] > 0
    assert {r["status"] for r in by_get["list"]} <= {"void", "new"}
    assert {r["partner_channel_type"] for r in by_get["list"]} == {"SOCIAL_NETWORK"}


async def test_a_repeated_plain_query_key_is_a_list_too(app) -> None:
    query = [*query_pairs(SEPTEMBER), ("trans_status", "void"), ("trans_status", "paid")]
    async with client_for(app) as client:
        data = data_of(await client.get("/a/transaction/list_stats", params=query, headers=KEY))
    counts = data["status_count"]
    assert counts["void"] > 0 and counts["paid"] > 0 and counts["new"] == counts["effective"] == 0


async def test_merchant_invalid_parameter_is_1003_naming_it(app) -> None:
    async with client_for(app) as client:
        response = await client.post("/a/transaction/list4", json={"trans_status": ["lost"]}, headers=KEY)
    assert response.status_code == 400
    code, message = error_of(response)
    assert code == 1003
    assert "trans_status" in message and "lost" in message


async def test_unknown_parameter_is_1003_naming_it(app) -> None:
    async with client_for(app) as client:
        response = await client.post("/a/transaction/list4", json={"page_sise": 10}, headers=KEY)
    code, message = error_of(response)
    assert code == 1003 and "page_sise" in message


async def test_a_body_that_is_not_json_is_1003(app) -> None:
    async with client_for(app) as client:
        response = await client.post(
            "/a/transaction/list4", content=b"{not json", headers={**KEY, "Content-Type": "application/json"}
        )
    assert error_of(response)[0] == 1003


async def test_unknown_merchant_endpoint_is_404_with_1003(app) -> None:
    async with client_for(app) as client:
        response = await client.get("/a/transaction/list9", headers=KEY)
    assert response.status_code == 404
    code, message = error_of(response)
    assert code == 1003 and "/a/transaction/list9" in message


async def test_unknown_publisher_op_and_amazon_op(app) -> None:
    async with client_for(app) as client:
        publisher = await client.get(
            "/api.php", params={"mod": "medium", "op": "nothing", "token": cred.SANDBOX_PUBLISHER_TOKEN}
        )
        amazon = await client.post("/amazon_api/get_nothing", json={"token": cred.SANDBOX_AMAZON_TOKEN})
    assert publisher.status_code == 200 and error_of(publisher)[0] == 1003
    assert amazon.status_code == 404 and error_of(amazon)[0] == 1003


@pytest.mark.parametrize("how", ["get", "form", "json"])
async def test_publisher_accepts_get_form_and_json(app, how: str) -> None:
    params = {
        "token": cred.SANDBOX_PUBLISHER_TOKEN,
        "begin_date": "2026-10-01",
        "end_date": "2026-10-31",
        "limit": "5",
    }
    query = {"mod": "medium", "op": "transaction"}
    async with client_for(app) as client:
        if how == "get":
            response = await client.get("/api.php", params={**query, **params})
        elif how == "form":
            response = await client.post("/api.php", params=query, data=params)
        else:
            response = await client.post("/api.php", params=query, json=params)
    data = data_of(response)
    assert data["limit"] == 5 and len(data["list"]) == 5 and data["total_items"] > 5


async def test_publisher_return_format_type_is_not_a_filter_but_coupon_type_is(app) -> None:
    base = {"mod": "coupon", "op": "list", "token": cred.SANDBOX_COUPON_TOKEN}
    async with client_for(app) as client:
        everything = data_of(await client.get("/api.php", params={**base, "type": "json"}))
        coupons = data_of(
            await client.get("/api.php", params=[*base.items(), ("type", "json"), ("type", "coupon")])
        )
        xml = await client.get("/api.php", params={**base, "type": "xml"})
    assert {r["type"] for r in everything["list"]} == {"coupon", "deal"}
    assert {r["type"] for r in coupons["list"]} == {"coupon"}
    assert error_of(xml)[0] == 1003


async def test_brand_parameters_may_come_as_a_signed_get_query(app) -> None:
    from test_app_support import brand_headers, brand_query

    async with client_for(app) as client:
        response = await client.get(
            "/api/brand",
            params={**brand_query("report/transaction"), "page_size": "25", "sort_col": "amount"},
            headers=brand_headers("report/transaction"),
        )
    data = data_of(response)
    amounts = [float(r["sale_amount"]) for r in data["list"]]
    assert len(amounts) == 25 and amounts == sorted(amounts, reverse=True)


@pytest.mark.parametrize(
    ("tool_name", "size_param", "asked", "served"),
    [
        ("merchant_list_transactions", "page_size", 500, 200),
        ("merchant_list_bills", "page_size", 1000, 200),
        ("publisher_list_transactions", "limit", 5000, 2000),
        ("brand_transaction_report", "page_size", 5, 20),
        ("brand_transaction_report", "page_size", 500, 100),
        ("brand_list_clicks", "page_size", 1000, 100),
        ("amazon_search_products", "page_size", 1000, 100),
    ],
)
async def test_page_sizes_are_clamped_to_the_documented_range(
    app, tool_name: str, size_param: str, asked: int, served: int
) -> None:
    paging = ACTIONS[tool_name].paging
    assert paging is not None and paging.size_param == size_param
    params: dict = {size_param: asked}
    if tool_name == "publisher_list_transactions":
        params |= {"begin_date": "2026-09-20", "end_date": "2026-11-20"}
    if tool_name == "brand_list_clicks":
        params |= {"start_time": unix("2026-11-19"), "end_time": unix("2026-11-20")}
    async with client_for(app) as client:
        data = data_of(await call(client, tool_name, params))
    if tool_name == "publisher_list_transactions":  # the token's channel has fewer orders than a full page
        assert data["limit"] == served and len(data["list"]) == data["total_items"] < served
    else:
        assert len(data["list"]) == served


async def test_clamped_page_size_is_reported_and_totals_stay_right(app) -> None:
    async with client_for(app) as client:
        data = data_of(await call(client, "merchant_list_transactions", {**SEPTEMBER, "page_size": 1000}))
        stats = data_of(await call(client, "merchant_transaction_stats", SEPTEMBER))
    assert data["page_size"] == 200 and data["current_size"] == 200
    assert data["total_size"] == stats["total_size"]
    assert data["total_page"] == -(-stats["total_size"] // 200)


async def test_times_in_any_documented_wire_format_select_the_same_orders(app) -> None:
    iso = {"trans_time_start": "2026-09-01T00:00:00Z", "trans_time_end": "2026-09-30T23:59:59Z"}
    async with client_for(app) as client:
        unix_seconds = data_of(await call(client, "merchant_transaction_stats", SEPTEMBER))
        iso_text = data_of(await call(client, "merchant_transaction_stats", iso))
    assert unix_seconds == iso_text


async def test_root_describes_the_sandbox(app) -> None:
    async with client_for(app) as client:
        info = (await client.get("/")).json()
    assert info["amazon_base_url"].endswith("/amazon_api") and info["actions"] == len(ACTIONS)
