"""OpenPartner's REST API (an open-source partner-program platform, hosted or self-hosted): partners,
attribution events and commissions.

Every route lives under the instance's API base: `https://app.openpartner.dev/api/t/<slug>` on the hosted,
multi-tenant service, `https://<host>/api` on a self-hosted one. Requests carry `Authorization: Bearer <key>`
(an admin key, or a scoped key whose scopes must include the action's `scope`). GET parameters go in the
query, POST parameters in a JSON body; path parameters (`partner_id`) are in the route. Answers are plain
JSON (no envelope); errors are `{"error": "<stable code>", "detail"?: "..."}`. Money is a decimal string plus
an ISO 4217 currency; times are ISO 8601 UTC.

Facts from OpenPartner's route code (shared/reference/openpartner-api.md): the partner list pages by cursor
(`nextCursor`, null on the last page); the commission lists have no cursor and no date filter: at most 500
per request, newest accrual first.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from partnerboost_tools.base import Action, Paging
from partnerboost_tools.types import Currency, IsoDateTime, Money

PARTNERS_MAX_LIMIT = 200
COMMISSIONS_MAX_LIMIT = 500
DEFAULT_LIMIT = 100

Scope = Literal["partners:read", "partners:write", "commissions:read", "events:write"]
SCOPES: tuple[Scope, ...] = ("partners:read", "partners:write", "commissions:read", "events:write")
CommissionStatus = Literal["accrued", "approved", "paid", "reversed"]
COMMISSION_STATUSES: tuple[CommissionStatus, ...] = ("accrued", "approved", "paid", "reversed")

_PARTNER_ID = "The partner's id (a ULID, as the partner list returns it)"
_ROUTE_ID = r"^[0-9A-Za-z_-]{1,64}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class OpenpartnerAction(Action):
    """Base of the OpenPartner actions: `scope` names what a scoped key must carry."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)
    family = "openpartner"
    scope: ClassVar[Scope]
    path_params: ClassVar[tuple[str, ...]] = ()
    """Fields sent in the route (`{name}` in `endpoint`), not in the query or body."""

    def route(self) -> str:
        """The endpoint with its path parameters filled in."""
        values = {name: getattr(self, name) for name in self.path_params}
        return self.endpoint.format(**values)

    def to_wire(self) -> dict[str, Any]:
        """The query or body parameters (path parameters are in `route()`)."""
        return {key: value for key, value in super().to_wire().items() if key not in self.path_params}


class OpenpartnerListPartners(OpenpartnerAction):
    """List the program's partners, newest first, optionally only the one with an email address.

    One page per call (`limit` up to 200); `nextCursor` is the cursor of the next page, null on the last.
    Each partner has id, email, name, metadata, createdAt, activatedAt (null until the invite is accepted),
    revokedAt and revokeReason.
    """

    endpoint = "/partners"
    tool_name = "openpartner_list_partners"
    scope = "partners:read"
    paging = Paging(kind="cursor", page_param="cursor", size_param="limit", max_size=PARTNERS_MAX_LIMIT,
                    default_size=DEFAULT_LIMIT, first_page=None, records_key="partners",
                    cursor_key="nextCursor", id_key="id")

    email: str | None = Field(None, min_length=3, max_length=320,
                              description="Only the partner with this email")
    limit: int | None = Field(None, ge=1, le=PARTNERS_MAX_LIMIT, description="Partners per page, 1 to 200")
    cursor: str | None = Field(None, min_length=1, max_length=512,
                               description="The nextCursor of the previous page (leave out for page one)")


class OpenpartnerGetPartner(OpenpartnerAction):
    """Look up one partner by id: email, name, when they joined, activated or were revoked and why.

    Returns the partner object; an unknown id answers 404 not_found.
    """

    endpoint = "/partners/{partner_id}"
    tool_name = "openpartner_get_partner"
    example = {"partner_id": "01JH0Y8NMR6917REEH0JKQZXVZ"}
    scope = "partners:read"
    path_params = ("partner_id",)

    partner_id: str = Field(pattern=_ROUTE_ID, description=_PARTNER_ID)


class OpenpartnerCreatePartner(OpenpartnerAction):
    """Add a partner to the program and, unless sendInvite is false, email them an invite link; a write.

    Returns the new partner plus `invited`; an email already in the program answers 409 email_taken, unknown
    program ids 400 unknown_campaign_ids.
    """

    endpoint = "/partners"
    method = "POST"
    tool_name = "openpartner_create_partner"
    example = {"email": "new.partner@example.com", "name": "New Partner"}
    scope = "partners:write"
    writes = True
    idempotent = False

    email: str = Field(pattern=_EMAIL, max_length=320, description="The partner's email address")
    name: str = Field(min_length=1, max_length=200, description="The partner's display name")
    metadata: dict[str, Any] | None = Field(None, description="Any JSON object to keep with the partner")
    send_invite: bool | None = Field(None, alias="sendInvite",
                                     description="Email an invite link (default true); false activates now")
    program_ids: list[str] | None = Field(None, alias="programIds", min_length=1,
                                          description="Programs (campaign ids) to enrol the partner in")
    commission_snapshot: dict[str, Any] | None = Field(
        None, alias="commissionSnapshot", description="Commission terms to fix for this partner (object)")


class OpenpartnerInvitePartner(OpenpartnerAction):
    """Send a partner who has not activated yet a fresh invite email; a write.

    Returns `{ok: true}`; an activated partner answers 409 already_activated, a failed email 422
    mail_send_failed.
    """

    endpoint = "/partners/{partner_id}/invite"
    method = "POST"
    tool_name = "openpartner_invite_partner"
    example = {"partner_id": "01JH0Y8NMR6917REEH0JKQZXVZ"}
    scope = "partners:write"
    path_params = ("partner_id",)
    writes = True
    idempotent = False

    partner_id: str = Field(pattern=_ROUTE_ID, description=_PARTNER_ID)


class OpenpartnerRevokePartner(OpenpartnerAction):
    """Revoke a partner: end their sessions and keys and stop future attribution; destructive.

    Past commissions stay as they are. Returns `{ok, revokedAt, notified, notifyError}`; a partner already
    revoked answers 409 already_revoked.
    """

    endpoint = "/partners/{partner_id}/revoke"
    method = "POST"
    tool_name = "openpartner_revoke_partner"
    example = {"partner_id": "01JH0Y8NMR6917REEH0JKQZXVZ"}
    scope = "partners:write"
    path_params = ("partner_id",)
    writes = True
    destructive = True

    partner_id: str = Field(pattern=_ROUTE_ID, description=_PARTNER_ID)
    reason: str | None = Field(None, max_length=500,
                               description="Why (kept with the partner; 500 characters at most)")
    notify: bool | None = Field(None, description="Email the partner about it (default true)")


class OpenpartnerRecordEvent(OpenpartnerAction):
    """Record a conversion event (a sale, a signup) so OpenPartner attributes it to partners; a write.

    Returns `{ok, eventId, attribution: {status, model, touches: [{clickId, partnerId, weight,
    attributionId, commissionId}]}}`: the partners credited and the commissions it created.
    """

    endpoint = "/attribution/events"
    method = "POST"
    tool_name = "openpartner_record_event"
    example = {"userId": "customer-1", "type": "purchase"}
    scope = "events:write"
    writes = True
    idempotent = False

    user_id: str = Field(alias="userId", min_length=1, max_length=200,
                         description="Your id of the customer (links the event to their clicks)")
    type: str = Field(min_length=1, max_length=100, description="Event type, e.g. purchase or signup")
    value: Money | None = Field(None, description="Order value in major units (12.50), if any")
    currency: Currency | None = Field(None, description="ISO 4217 currency of value (default USD)")
    metadata: dict[str, Any] | None = Field(None, description="Any JSON object to keep with the event")
    ts: IsoDateTime | None = Field(None, description="When it happened (default: now)")


class OpenpartnerListCommissions(OpenpartnerAction):
    """List the program's commissions, newest accrual first, optionally in one status.

    At most 500 per call and no cursor or date filter: a program with more needs the per-partner list
    (openpartner_partner_commissions). Each commission has id, partnerId, amount (decimal string), currency,
    status, accruedAt, approvedAt, paidAt, payoutId, campaignName, holdbackDays and matureAt.
    """

    endpoint = "/commissions"
    tool_name = "openpartner_list_commissions"
    scope = "commissions:read"

    status: CommissionStatus | None = Field(None, description="Only accrued, approved, paid or reversed")
    limit: int | None = Field(None, ge=1, le=COMMISSIONS_MAX_LIMIT,
                              description="How many, newest first: 1 to 500 (default 100)")


class OpenpartnerPartnerCommissions(OpenpartnerAction):
    """List one partner's commissions, newest accrual first, optionally in one status.

    At most 500 per call (no cursor). Same fields as openpartner_list_commissions.
    """

    endpoint = "/partners/{partner_id}/commissions"
    tool_name = "openpartner_partner_commissions"
    example = {"partner_id": "01JH0Y8NMR6917REEH0JKQZXVZ"}
    scope = "commissions:read"
    path_params = ("partner_id",)

    partner_id: str = Field(pattern=_ROUTE_ID, description=_PARTNER_ID)
    status: CommissionStatus | None = Field(None, description="Only accrued, approved, paid or reversed")
    limit: int | None = Field(None, ge=1, le=COMMISSIONS_MAX_LIMIT,
                              description="How many, newest first: 1 to 500 (default 100)")


OPENPARTNER_ACTIONS: tuple[type[OpenpartnerAction], ...] = (
    OpenpartnerListPartners,
    OpenpartnerGetPartner,
    OpenpartnerCreatePartner,
    OpenpartnerInvitePartner,
    OpenpartnerRevokePartner,
    OpenpartnerRecordEvent,
    OpenpartnerListCommissions,
    OpenpartnerPartnerCommissions,
)
