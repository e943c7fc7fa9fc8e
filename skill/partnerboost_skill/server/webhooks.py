"""`POST /webhooks/openpartner`: OpenPartner's signed webhook deliveries, kept so later answers are fresher.

OpenPartner cannot send our MCP bearer token, so the signature is this route's authentication, and the route
exists only when OPENPARTNER_WEBHOOK_SECRET is set (404 otherwise). A delivery is accepted when:
- its body is at most MAX_WEBHOOK_BYTES (413 otherwise, read no further);
- `x-openpartner-timestamp` (Unix seconds) is within TOLERANCE_SECONDS of our clock (401 stale_timestamp);
- `x-openpartner-signature` is the lowercase hex HMAC-SHA256 of `"{timestamp}.{raw body}"` under the secret,
  compared in constant time (401 invalid_signature);
and only then is the body read as the envelope `{id, event, created, data}` (its id must be the
`x-openpartner-delivery` header). Commission and partner events are stored once per delivery id (a
redelivery answers 200 `duplicate: true` and changes nothing); other events are acknowledged, not stored.
Nothing from a delivery that fails a check is stored or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from partnerboost_skill.store.webhook_events import STORED_EVENTS, Delivery, WebhookEvents

WEBHOOK_PATH = "/webhooks/openpartner"
TOLERANCE_SECONDS = 300
MAX_WEBHOOK_BYTES = 256_000
SIGNATURE_HEADER = "x-openpartner-signature"
TIMESTAMP_HEADER = "x-openpartner-timestamp"
EVENT_HEADER = "x-openpartner-event"
DELIVERY_HEADER = "x-openpartner-delivery"

logger = logging.getLogger("partnerboost.webhooks")
Clock = Callable[[], float]


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return JSONResponse({"error": self.code, "message": self.message}, status_code=self.status)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of `"{timestamp}.{raw body}"` under `secret` (OpenPartner's scheme)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float) -> None:
    """Raise Refused unless the timestamp is fresh and the signature matches (constant-time comparison)."""
    if not timestamp or not given:
        raise Refused(400, "missing_signature",
                      f"send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} (OpenPartner signs every delivery)")
    if not timestamp.strip().isdigit() or len(timestamp.strip()) > 12:
        raise Refused(401, "stale_timestamp", f"{TIMESTAMP_HEADER} must be Unix seconds")
    if abs(now - int(timestamp.strip())) > TOLERANCE_SECONDS:
        raise Refused(401, "stale_timestamp",
                      f"the timestamp is more than {TOLERANCE_SECONDS // 60} minutes from our clock")
    expected = signature(secret, timestamp.strip(), body)
    if not hmac.compare_digest(expected.encode(), given.strip().lower().encode("ascii", "replace")):
        raise Refused(401, "invalid_signature", "the signature does not match this endpoint's secret")


async def read_capped(request: Request, limit: int = MAX_WEBHOOK_BYTES) -> bytes:
    """The raw body, refusing (413) as soon as it is longer than `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, "too_large", f"a delivery is at most {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, "too_large", f"a delivery is at most {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def envelope(body: bytes, delivery_id: str | None, event_header: str | None) -> Delivery:
    """The verified body as a Delivery; 400 when it is not OpenPartner's envelope."""
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Refused(400, "invalid_body", "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "invalid_body", "the body is not an envelope object")
    envelope_id, event, created = (payload.get(name) for name in ("id", "event", "created"))
    if not (isinstance(envelope_id, str) and envelope_id and isinstance(event, str) and event
            and isinstance(created, str) and created):
        raise Refused(400, "invalid_body", "the envelope needs id, event and created")
    if not isinstance(payload.get("data"), dict):
        raise Refused(400, "invalid_body", "the envelope's data must be an object")
    if delivery_id is not None and delivery_id != envelope_id:
        raise Refused(400, "invalid_body", f"{DELIVERY_HEADER} differs from the envelope id")
    if event_header is not None and event_header != event:
        raise Refused(400, "invalid_body", f"{EVENT_HEADER} differs from the envelope event")
    return Delivery(envelope_id, event, created, payload["data"])


class OpenPartnerWebhook:
    """The route's handler. `secret()` and `events()` are read per request (the server's settings and its
    open connection); `clock` is Unix seconds (tests move it)."""

    def __init__(self, secret: Callable[[], str | None], events: Callable[[], WebhookEvents | None],
                 clock: Clock = time.time) -> None:
        self.secret = secret
        self.events = events
        self.clock = clock

    async def handle(self, request: Request) -> Response:
        secret = self.secret()
        if not secret:
            return JSONResponse({"error": "not_found"}, status_code=404)
        try:
            body = await read_capped(request)
            headers = request.headers
            verify(secret, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), body, self.clock())
            delivery = envelope(body, headers.get(DELIVERY_HEADER), headers.get(EVENT_HEADER))
        except Refused as refused:
            logger.warning("OpenPartner webhook refused: %s", refused.code)
            return refused.response()
        return await self._store(delivery)

    async def _store(self, delivery: Delivery) -> Response:
        answer: dict[str, Any] = {"received": True, "id": delivery.delivery_id, "event": delivery.event}
        if delivery.event not in STORED_EVENTS:
            return JSONResponse({**answer, "stored": False})
        events = self.events()
        if events is None:
            return JSONResponse({"error": "unavailable", "message": "the event store is not open"},
                                status_code=503)
        received = datetime.fromtimestamp(self.clock(), UTC)
        new = await anyio.to_thread.run_sync(events.record, delivery, received)  # the cache may block
        return JSONResponse({**answer, "stored": new, "duplicate": not new})
