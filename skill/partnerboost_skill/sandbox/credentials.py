"""The fixed credentials the sandbox accepts (docs/contracts.md); they open nothing outside the sandbox."""

from __future__ import annotations

SANDBOX_API_KEY = "pbk_sandbox_4f1c2e9a7b"
SANDBOX_BRAND_ID = "90001"
SANDBOX_BRAND_TOKEN = "sandboxtoken0000000000000000abcd"
SANDBOX_BRAND_SECRET = "sandboxsecret00000000000000000000000000000000000000000000000000ef"
SANDBOX_PUBLISHER_TOKEN = "pubtoken_sandbox_0000000000000000000000"
"""Belongs to one partner's channel: `World.publisher_partner_id`."""
SANDBOX_AMAZON_TOKEN = "amztoken_sandbox_000000000000000000000000"
SANDBOX_COUPON_TOKEN = "coupontoken_sandbox_00000000000000000000"
"""The publisher coupon feed's own token (publisher_list_coupons)."""
