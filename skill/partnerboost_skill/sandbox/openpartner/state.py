"""The OpenPartner tenant as the sandbox serves it: reads and the writes (create, invite, revoke, events).

Each handler takes the validated action model and answers `(HTTP status, JSON body)`; errors are
`ApiError(status, code)` answered as `{"error": code, "detail"?: ...}`, OpenPartner's shape.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from partnerboost_skill.sandbox.openpartner.world import CAMPAIGNS, OpenPartnerTenant, iso, ulid
from partnerboost_tools.openpartner import (
    DEFAULT_LIMIT,
    OpenpartnerAction,
    OpenpartnerCreatePartner,
    OpenpartnerGetPartner,
    OpenpartnerInvitePartner,
    OpenpartnerListCommissions,
    OpenpartnerListPartners,
    OpenpartnerPartnerCommissions,
    OpenpartnerRecordEvent,
    OpenpartnerRevokePartner,
)

Answer = tuple[int, Any]
BOUNCING_DOMAIN = "bounce.example"
"""Invites to this email domain fail with 422 mail_send_failed."""
UNATTRIBUTED_PREFIX = "anon"
"""Events of users whose id starts with this have no partner click to credit."""
EVENT_COMMISSION_RATE = Decimal("0.10")
"""An attributed event's commission: 10 % of its value (5.00 when it has none)."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: Any = None, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.body: dict[str, Any] = {"error": code, **extra}
        if detail is not None:
            self.body["detail"] = detail


class TenantState:
    """Mutable copies of the tenant's records (writes change them for every later request)."""

    def __init__(self, tenant: OpenPartnerTenant) -> None:
        self.tenant = tenant
        self.partners: list[dict[str, Any]] = copy.deepcopy(tenant.partners)
        self.commissions: list[dict[str, Any]] = copy.deepcopy(tenant.commissions)
        self._writes = 0
        self._cursor_key = hashlib.sha256(f"cursor:{tenant.tenant_id}".encode()).digest()
        self.handlers: dict[type[OpenpartnerAction], Callable[[Any], Answer]] = {
            OpenpartnerListPartners: self.list_partners,
            OpenpartnerGetPartner: self.get_partner,
            OpenpartnerCreatePartner: self.create_partner,
            OpenpartnerInvitePartner: self.invite_partner,
            OpenpartnerRevokePartner: self.revoke_partner,
            OpenpartnerRecordEvent: self.record_event,
            OpenpartnerListCommissions: self.list_commissions,
            OpenpartnerPartnerCommissions: self.partner_commissions,
        }

    # ------------------------------------------------------------------------------------------ helpers
    @property
    def now(self) -> pd.Timestamp:
        return pd.Timestamp(self.tenant.now)

    def _new_id(self, salt: str) -> str:
        self._writes += 1
        digest = hashlib.sha256(f"{salt}:{self._writes}".encode()).digest()
        return ulid(int(self.now.value // 1_000_000) + self._writes, int.from_bytes(digest[:10], "big"))

    def _partner(self, partner_id: str) -> dict[str, Any]:
        found = next((p for p in self.partners if p["id"] == partner_id), None)
        if found is None:
            raise ApiError(404, "not_found")
        return found

    def _cursor(self, offset: int) -> str:
        text = str(offset)
        mac = hmac.new(self._cursor_key, text.encode(), hashlib.sha256).hexdigest()[:16]
        return base64.urlsafe_b64encode(f"{text}.{mac}".encode()).decode().rstrip("=")

    def _offset(self, cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            text, mac = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(".", 1)
            expected = hmac.new(self._cursor_key, text.encode(), hashlib.sha256).hexdigest()[:16]
            if hmac.compare_digest(mac, expected) and text.isdigit():
                return int(text)
        except (ValueError, UnicodeDecodeError):
            pass
        raise ApiError(400, "invalid_cursor", "cursor is malformed or was not issued by this listing")

    # ------------------------------------------------------------------------------------------ reads
    def list_partners(self, action: OpenpartnerListPartners) -> Answer:
        ordered = sorted(self.partners, key=lambda p: (p["createdAt"], p["id"]), reverse=True)
        if action.email:
            ordered = [p for p in ordered if p["email"] == action.email.strip().lower()]
        offset = self._offset(action.cursor)
        limit = action.limit or DEFAULT_LIMIT
        page = ordered[offset: offset + limit]
        following = offset + limit if offset + limit < len(ordered) else None
        return 200, {"partners": page, "nextCursor": None if following is None else self._cursor(following)}

    def get_partner(self, action: OpenpartnerGetPartner) -> Answer:
        return 200, self._partner(action.partner_id)

    def _commissions(self, status: str | None, limit: int | None, partner_id: str | None = None) -> Answer:
        chosen = [
            c for c in self.commissions
            if status in (None, c["status"]) and partner_id in (None, c["partnerId"])
        ]
        chosen.sort(key=lambda c: (c["accruedAt"], c["id"]), reverse=True)
        return 200, {"commissions": chosen[: limit or DEFAULT_LIMIT]}

    def list_commissions(self, action: OpenpartnerListCommissions) -> Answer:
        return self._commissions(action.status, action.limit)

    def partner_commissions(self, action: OpenpartnerPartnerCommissions) -> Answer:
        return self._commissions(action.status, action.limit, action.partner_id)

    # ------------------------------------------------------------------------------------------ writes
    def create_partner(self, action: OpenpartnerCreatePartner) -> Answer:
        email = action.email.strip().lower()
        if any(p["email"] == email for p in self.partners):
            raise ApiError(409, "email_taken")
        known = {campaign.id for campaign in CAMPAIGNS}
        unknown = [pid for pid in action.program_ids or [] if pid not in known]
        if unknown:
            raise ApiError(400, "unknown_campaign_ids", unknown)
        invite = action.send_invite is not False
        now = iso(self.now)
        partner = {
            "id": self._new_id(email), "tenantId": self.tenant.tenant_id, "email": email, "name": action.name,
            "metadata": action.metadata or {}, "createdAt": now, "updatedAt": now,
            "activatedAt": None if invite else now, "revokedAt": None, "revokeReason": None,
        }
        self.partners.append(partner)
        return 201, {**partner, "invited": invite}

    def invite_partner(self, action: OpenpartnerInvitePartner) -> Answer:
        partner = self._partner(action.partner_id)
        if partner["activatedAt"] is not None:
            raise ApiError(409, "already_activated")
        if partner["email"].endswith("@" + BOUNCING_DOMAIN):
            raise ApiError(422, "mail_send_failed", f"the mail server refused {partner['email']}")
        return 200, {"ok": True}

    def revoke_partner(self, action: OpenpartnerRevokePartner) -> Answer:
        partner = self._partner(action.partner_id)
        if partner["revokedAt"] is not None:
            raise ApiError(409, "already_revoked")
        now = iso(self.now)
        partner.update(revokedAt=now, revokeReason=action.reason, updatedAt=now)
        notify = action.notify is not False
        return 200, {"ok": True, "revokedAt": now, "notified": notify, "notifyError": None}

    def record_event(self, action: OpenpartnerRecordEvent) -> Answer:
        event_id = "evt_" + self._new_id(f"event:{action.user_id}")
        active = [p for p in self.partners if p["activatedAt"] is not None and p["revokedAt"] is None]
        if action.user_id.startswith(UNATTRIBUTED_PREFIX) or not active:
            return 200, {"ok": True, "eventId": event_id,
                         "attribution": {"status": "unattributed", "model": "last_click", "touches": []}}
        digest = hashlib.sha256(action.user_id.encode()).digest()
        partner = active[int.from_bytes(digest[:4], "big") % len(active)]
        moment = pd.Timestamp(action.ts) if action.ts is not None else self.now
        amount = Decimal("5.00") if action.value is None else (action.value * EVENT_COMMISSION_RATE).quantize(
            Decimal("0.01"), ROUND_HALF_UP)
        commission = {
            "id": self._new_id("commission"), "attributionId": self._new_id("attribution"),
            "partnerId": partner["id"], "amount": str(amount),
            "currency": action.currency or "USD", "status": "accrued", "accruedAt": iso(moment),
            "approvedAt": None, "paidAt": None, "payoutId": None, "holdbackDays": CAMPAIGNS[0].holdback_days,
            "campaignId": CAMPAIGNS[0].id, "campaignName": CAMPAIGNS[0].name,
            "matureAt": iso(moment + pd.Timedelta(days=CAMPAIGNS[0].holdback_days)),
        }
        self.commissions.append(commission)
        touch = {"clickId": "clk_" + self._new_id("click"), "partnerId": partner["id"], "weight": 1,
                 "attributionId": commission["attributionId"], "commissionId": commission["id"]}
        return 200, {"ok": True, "eventId": event_id,
                     "attribution": {"status": "attributed", "model": "last_click", "touches": [touch]}}
