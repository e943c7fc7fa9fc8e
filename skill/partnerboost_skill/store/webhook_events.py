"""OpenPartner webhook deliveries, kept so later answers know what happened since the API was last read.

`WebhookEvents` is the small interface the webhook route and the OpenPartner provider use;
`BackendWebhookEvents` keeps the deliveries in the account's cache through the storage interface's events
(store/backend.py: `record_event` / `events`, so in the SQLite file or in PostgreSQL alike), platform
"openpartner", kind = the event type. Only verified deliveries reach it (server/webhooks.py checks the
signature first). A delivery is stored once: its id (`x-openpartner-delivery`, the envelope's `evt_...` id,
the same on a redelivery) is the event id.

`commission_states()` and `partner_states()` fold the stored events, oldest first, into the latest known state
of each commission and partner: what the OpenPartner provider merges into the records it reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from partnerboost_skill.parsing import parse_time
from partnerboost_skill.store.backend import CacheBackend, Event

PLATFORM = "openpartner"
COMMISSION_EVENTS = {
    "commission.accrued": "accrued",
    "commission.approved": "approved",
    "commission.paid": "paid",
    "commission.reversed": "reversed",
}
PARTNER_EVENTS = ("partner.created", "partner.activated")
STORED_EVENTS: tuple[str, ...] = (*COMMISSION_EVENTS, *PARTNER_EVENTS)


@dataclass(frozen=True)
class Delivery:
    """One verified webhook delivery: its id, event type, envelope time (ISO 8601) and data object."""

    delivery_id: str
    event: str
    created: str
    data: dict[str, Any]


@dataclass
class CommissionState:
    """What the events say about one commission; times are those of the events (UTC)."""

    commission_id: str
    partner_id: str = ""
    amount: str | None = None
    currency: str | None = None
    status: str = ""
    attribution_id: str = ""
    seen: dict[str, datetime] = field(default_factory=dict)
    """status → when the event announcing it was created."""

    @property
    def first_seen(self) -> datetime:
        return min(self.seen.values())


@dataclass
class PartnerState:
    partner_id: str
    email: str = ""
    name: str = ""
    created_at: datetime | None = None
    activated_at: datetime | None = None


class WebhookEvents(Protocol):
    def record(self, delivery: Delivery, received_at: datetime) -> bool:
        """Store a verified delivery; False when its id was stored before (a redelivery: nothing changes)."""
        ...

    def deliveries(self) -> list[Delivery]:
        """Every stored delivery, oldest envelope first."""
        ...


class BackendWebhookEvents:
    """WebhookEvents in a cache backend's events (blocking calls: run them off the event loop)."""

    def __init__(self, backend: CacheBackend) -> None:
        self.backend = backend

    def record(self, delivery: Delivery, received_at: datetime) -> bool:
        created = _time(delivery.created) or received_at
        body = json.dumps({"created": delivery.created, "data": delivery.data}, sort_keys=True).encode()
        event = Event(PLATFORM, delivery.event, delivery.delivery_id, int(created.timestamp()),
                      int(received_at.timestamp()), body)
        return self.backend.record_event(event)

    def deliveries(self) -> list[Delivery]:
        found = []
        for kind in STORED_EVENTS:
            for event in self.backend.events(PLATFORM, kind):
                body = json.loads(event.body)
                found.append(Delivery(event.event_id, kind, str(body.get("created") or ""),
                                      body.get("data") if isinstance(body.get("data"), dict) else {}))
        return sorted(found, key=lambda d: (_time(d.created) or datetime.min.replace(tzinfo=UTC),
                                            d.delivery_id))


def memory_events() -> BackendWebhookEvents:
    """Events kept in memory for one connection (the demo, --no-cache, tests)."""
    from partnerboost_skill.store.database import IN_MEMORY, AccountStore

    return BackendWebhookEvents(AccountStore(IN_MEMORY))


def _time(text: str) -> datetime | None:
    try:
        return parse_time(text)
    except ValueError:
        return None


def commission_states(deliveries: list[Delivery]) -> dict[str, CommissionState]:
    """commission id → its latest state, from the commission.* events (oldest first; reversed and paid are
    final: a later 'approved' does not undo them)."""
    states: dict[str, CommissionState] = {}
    final = {"paid", "reversed"}
    for delivery in deliveries:
        status = COMMISSION_EVENTS.get(delivery.event)
        data = delivery.data
        commission_id = data.get("commissionId")
        moment = _time(delivery.created)
        if status is None or not isinstance(commission_id, str) or not commission_id or moment is None:
            continue
        state = states.setdefault(commission_id, CommissionState(commission_id))
        for key, attribute in (("partnerId", "partner_id"), ("attributionId", "attribution_id")):
            if isinstance(data.get(key), str):
                setattr(state, attribute, data[key])
        if data.get("amount") is not None:
            state.amount = str(data["amount"])
        if isinstance(data.get("currency"), str):
            state.currency = data["currency"]
        state.seen.setdefault(status, moment)
        if state.status not in final:
            state.status = status
    return states


def partner_states(deliveries: list[Delivery]) -> dict[str, PartnerState]:
    """partner id → what partner.created / partner.activated said."""
    states: dict[str, PartnerState] = {}
    for delivery in deliveries:
        if delivery.event not in PARTNER_EVENTS:
            continue
        data = delivery.data
        partner_id = data.get("partnerId") or data.get("id")
        if not isinstance(partner_id, str) or not partner_id:
            continue
        state = states.setdefault(partner_id, PartnerState(partner_id))
        state.email = str(data.get("email") or state.email)
        state.name = str(data.get("name") or state.name)
        moment = _time(delivery.created)
        if delivery.event == "partner.created":
            state.created_at = state.created_at or moment
        else:
            state.activated_at = state.activated_at or moment
    return states
