"""A minimal valid parameter set for every action (the required parameters and one of each one-of pair).

Adding an action without a sample here fails test_every_action_has_a_sample (test_tool_catalogue.py).
"""

from __future__ import annotations

from typing import Any

MINIMAL_PARAMS: dict[str, dict[str, Any]] = {
    "merchant_list_transactions": {},
    "merchant_transaction_stats": {},
    "merchant_recent_transactions": {},
    "merchant_performance_chart": {"start_date": "2026-08-01", "end_date": "2026-09-01"},
    "merchant_performance_list": {"start_date": "2026-08-01", "end_date": "2026-09-01"},
    "merchant_performance_totals": {"start_date": "2026-08-01", "end_date": "2026-09-01"},
    "merchant_search_partners": {"word": "blog"},
    "merchant_list_bills": {},
    "merchant_account_info": {},
    "merchant_current_plan": {},
    "merchant_list_prepayments": {},
    "brand_create_order": {"order_number": "201000000001", "currency": "USD",
                           "trans_time": "2022-01-20T05:27:30Z"},
    "brand_void_order": {"order_number": "201000000001"},
    "brand_get_order": {"order_number": "201000000001"},
    "brand_create_bonus": {"medium_id": "LDC000123", "currency": "USD", "trans_time": "2022-01-20T05:27:30Z",
                           "commission": "11.15"},
    "brand_list_clicks": {},
    "brand_get_click": {"id": 720078},
    "brand_transaction_report": {},
    "brand_transaction_report_cursor": {},
    "brand_list_creatives": {"type": "IMAGE"},
    "brand_create_creative": {"type": "COUPON", "start_time": 1680241332, "end_time": 1682574132},
    "brand_update_creative": {"id": "132505", "title": "Spring sale"},
    "brand_set_datafeed_config": {"fetch_period": "DAILY", "fetch_url": "http://www.yousite.com/datafeed.xml"},
    "brand_upsert_product": {"name": "Lamp", "url": "http://www.yousite.com/product/1",
                             "image": "http://www.yousite.com/product/1.jpg", "sku": "SKU-1", "price": "100",
                             "currency": "USD"},
    "brand_list_publishers": {},
    "brand_set_publisher_status": {"userId": "40828", "status": "adopt"},
    "publisher_list_transactions": {"begin_date": "2024-01-01", "end_date": "2024-01-31"},
    "publisher_list_clicks": {"begin_date": "2024-01-01T00:00:00Z", "end_date": "2024-01-01T01:00:00Z"},
    "publisher_list_brands": {},
    "publisher_list_commissions": {"begin_date": "2024-01-01", "end_date": "2024-01-31"},
    "publisher_commission_details": {"settlement_id": "12345"},
    "publisher_payment_history": {"payment_id": "12345"},
    "publisher_payment_details": {"payment_id": "12345"},
    "publisher_list_coupons": {},
    "publisher_list_products": {},
    "amazon_search_products": {},
    "amazon_links_from_products": {"product_ids": "101,102"},
    "amazon_links_from_asins": {"asins": "B0C1234567", "country_code": "US"},
    "amazon_list_brands": {},
    "amazon_storefront_links": {"bids": "9001"},
    "amazon_check_links": {"link_ids": "55"},
    "amazon_report": {},
    "amazon_associates_products": {},
    "amazon_acc_products": {},
}
