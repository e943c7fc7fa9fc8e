"""Every endpoint and parameter name we inferred, in one place.

PartnerBoost documents the parameters of these actions but not their action/op names (see
shared/reference/partnerboost-api.md). Each action class reads its endpoint from this table and is marked
`inferred = True`; when a real name becomes known, correcting it is a one-line change here. The same holds for
the few parameters whose wire names are not documented (INFERRED_PARAMETERS; the model field sends its value
under the name given here).

Keys are tool names; values use the family's endpoint form (brand: action, publisher: 'mod/op', amazon: path).
"""

from __future__ import annotations

INFERRED_ENDPOINTS: dict[str, str] = {
    # brand open API: only order/new is documented with its name
    "brand_void_order": "order/void",
    "brand_get_order": "order/detail",
    "brand_create_bonus": "order/bonus",
    "brand_list_clicks": "report/transfer",
    "brand_get_click": "report/transfer_detail",
    "brand_transaction_report": "report/transaction",
    "brand_transaction_report_cursor": "report/transaction_v2",
    "brand_list_creatives": "creative/list",
    "brand_create_creative": "creative/new",
    "brand_update_creative": "creative/update",
    "brand_set_datafeed_config": "datafeed/config",
    "brand_upsert_product": "datafeed/product",
    "brand_list_publishers": "publisher/list",
    "brand_set_publisher_status": "publisher/status",
    # publisher API: the payment and coupon ops are documented without their mod/op
    "publisher_payment_history": "settlement/payment_history",
    "publisher_payment_details": "settlement/payment_details",
    "publisher_list_coupons": "coupon/list",
    # Amazon API: not seen in public client code
    "amazon_check_links": "check_link_trackable",
}

INFERRED_PARAMETERS: dict[str, dict[str, str]] = {
    # the docs name the filter ("order ids") but not the parameter
    "amazon_report": {"order_ids": "order_ids"},
    # the trackability check is documented without its operation or parameter names
    "amazon_check_links": {"link_ids": "link_ids"},
}
"""tool name → {model field: the parameter name sent}."""
