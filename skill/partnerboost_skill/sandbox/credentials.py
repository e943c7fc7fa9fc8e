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

OPENPARTNER_ADMIN_KEY = "op_5a4e1b0c9d8e7f60123456789abcdef0123456789abcdef0"
"""The OpenPartner tenant's admin key: every route."""
OPENPARTNER_READ_KEY = "op_7c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b"
"""A scoped key with partners:read and commissions:read (what the answers need)."""
OPENPARTNER_PARTNERS_KEY = "op_1f2e3d4c5b6a79880716253443526170f9e8d7c6b5a49382"
"""A scoped key with partners:read only: the commission routes answer 403 forbidden_scope."""
OPENPARTNER_EVENTS_KEY = "op_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a69"
"""A scoped key with events:write only (a checkout backend's key)."""
OPENPARTNER_WEBHOOK_SECRET = "whsec_sandboxV2ViaG9va1NpZ25pbmdTZWNyZXQ"
"""Signs the sandbox tenant's webhook deliveries (sandbox.openpartner.webhooks)."""
OPENPARTNER_KEY_SCOPES: dict[str, frozenset[str] | None] = {
    OPENPARTNER_ADMIN_KEY: None,
    OPENPARTNER_READ_KEY: frozenset({"partners:read", "commissions:read"}),
    OPENPARTNER_PARTNERS_KEY: frozenset({"partners:read"}),
    OPENPARTNER_EVENTS_KEY: frozenset({"events:write"}),
}
"""Each key's scopes; None is an admin key (every scope)."""
