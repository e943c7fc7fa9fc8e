"""OpenPartner's answers: the JSON body of a success, or the skill's typed error for its stable error code.

OpenPartner answers errors as `{"error": "<stable code>", "detail"?: ...}` with an HTTP status; the code, not
the wording, decides the error type, and each message says what to do about it: the scope a key lacks, how to
put the tenant slug into the base URL, that a cursor must be passed back as given.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx2

from partnerboost_skill.api.envelope import parse_retry_after
from partnerboost_skill.api.errors import (
    BadRequest,
    Conflict,
    ForbiddenScope,
    InvalidCredentials,
    InvalidCursor,
    NotFound,
    PartnerBoostError,
    RateLimited,
    TenantSlugMissing,
    UpstreamError,
)
from partnerboost_skill.config import ENV_VARS
from partnerboost_tools.openpartner import OpenpartnerAction

Scrub = Callable[[str], str]
DETAIL_CHARACTERS = 240
BASE_ENV = ENV_VARS["openpartner_base_url"]
KEY_ENV = ENV_VARS["openpartner_api_key"]


CONFLICTS: dict[str, str] = {
    "email_taken": "a partner with this email is already in the program; find it with "
    "openpartner_list_partners and its email parameter",
    "already_activated": "the partner has already accepted an invite, so there is nothing to resend",
    "already_revoked": "the partner was already revoked; nothing changed",
    "not_revoked": "the partner is not revoked",
}


def _payload(response: httpx2.Response) -> tuple[Any, bool]:
    try:
        return response.json(), True
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None, False


def _text(value: Any, scrub: Scrub) -> str | None:
    """An upstream detail as short, secret-free text (zod's flattened errors as `field: message`)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        fields = value.get("fieldErrors")
        if isinstance(fields, dict) and fields:
            parts = [f"{name}: {'; '.join(map(str, messages)) if isinstance(messages, list) else messages}"
                     for name, messages in fields.items()]
            forms = value.get("formErrors")
            if isinstance(forms, list):
                parts.extend(map(str, forms))
            value = ", ".join(parts)
        else:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = scrub(" ".join(str(value).split()))
    return text if len(text) <= DETAIL_CHARACTERS else text[: DETAIL_CHARACTERS - 1] + "…"


def _field_named(detail: Any, action_cls: type[OpenpartnerAction]) -> str | None:
    """The first parameter a zod error names, by its wire name."""
    if not isinstance(detail, dict) or not isinstance(detail.get("fieldErrors"), dict):
        return None
    wire = {info.alias or name for name, info in action_cls.model_fields.items()}
    return next((name for name in detail["fieldErrors"] if name in wire), None)


def _slug_advice(base_url: str) -> str:
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    api = path if path.endswith("/api") else f"{path}/api" if path else "/api"
    return (f"{BASE_ENV} ({base_url}) names no tenant, and this OpenPartner instance hosts several: set it "
            f"to {origin}{api}/t/<your-slug> (the slug is in your portal's URLs, /t/<slug>/...).")


def openpartner_error(
    response: httpx2.Response,
    action: OpenpartnerAction,
    *,
    base_url: str,
    scrub: Scrub = lambda text: text,
    clock: Callable[[], float] = time.time,
) -> PartnerBoostError:
    """The typed error for a failed answer (status ≥ 400)."""
    status = response.status_code
    name = type(action).tool_name
    payload, _ = _payload(response)
    body = payload if isinstance(payload, dict) else {}
    code = body.get("error") if isinstance(body.get("error"), str) else None
    raw_detail = body.get("detail")
    detail = _text(raw_detail, scrub)
    upstream = scrub(code) if code else None
    said = f": {detail}" if detail else ""
    head = f"OpenPartner answered HTTP {status}{f' {upstream}' if upstream else ''} for {name}"
    common: dict[str, Any] = {"upstream_message": detail or upstream, "action": name, "http_status": status}

    if status == 401:
        return InvalidCredentials(
            f"{head}: the API key was not accepted. Check {KEY_ENV} (the value is never shown): it may be "
            f"mistyped or revoked, or belong to another instance or tenant than {BASE_ENV}.", **common)
    if status == 403 and code == "forbidden_scope":
        required = body.get("required")
        scope = scrub(str(required)) if isinstance(required, str) and required else None
        known = scope or type(action).scope
        lacks = f"lacks the scope {known}" if scope else f"lacks a scope it needs (likely {known})"
        return ForbiddenScope(
            f"{head}: the API key {lacks}, which {name} needs. Mint a key with {known} (OpenPartner: Admin → "
            "CRM integration) or use an admin key.", scope=scope, **common)
    if status == 403:
        return InvalidCredentials(
            f"{head}: this key may not use {name}{said}. The route needs an admin key or the scope "
            f"{type(action).scope} (a partner's own key sees only that partner).", **common)
    if status == 400 and code == "tenant_slug_missing":
        return TenantSlugMissing(f"{head}. {_slug_advice(base_url)}", parameter=None, **common)
    if status == 400 and code == "invalid_cursor":
        return InvalidCursor(
            f"{head}: the cursor is not one this listing gave out (or it has expired). Pass the previous "
            "page's nextCursor exactly as returned, or leave cursor out to start again from the first page.",
            parameter="cursor", **common)
    if status in (400, 422) and code not in ("mail_send_failed",):
        parameter = _field_named(raw_detail, type(action))
        if code == "unknown_campaign_ids":
            parameter = "programIds"
        about = f" Parameter `{parameter}`." if parameter else ""
        return BadRequest(f"{head}{said}.{about}", parameter=parameter, **common)
    if status == 422:
        return UpstreamError(
            f"{head}{said}: OpenPartner could not send the email; the partner itself is unchanged. Try "
            "openpartner_invite_partner later.", retryable=False, **common)
    if status == 404:
        if code == "not_found":
            return NotFound(f"{head}: no such partner (check the id with openpartner_list_partners).",
                            **common)
        return NotFound(
            f"{head}: this OpenPartner instance has no route {type(action).endpoint}. Check {BASE_ENV} "
            f"({base_url}): https://<your-host>/api when self-hosted, https://app.openpartner.dev/api/t/"
            "<your-slug> on the hosted service.", **common)
    if status == 409:
        meaning = CONFLICTS.get(code or "", "the request conflicts with the partner's current state")
        return Conflict(f"{head}: {meaning}{said}.", **common)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), clock=clock)
        wait = f"Retry after {retry_after:g} s." if retry_after is not None else "Wait a minute and retry."
        return RateLimited(f"{head}: too many requests. {wait}", retry_after=retry_after, **common)
    if status >= 500:
        return UpstreamError(f"{head}{said}. OpenPartner had a server error; try again later.", **common)
    return PartnerBoostError(f"{head}{said}. This answer is not documented.", **common)


def unwrap_openpartner(
    response: httpx2.Response,
    action: OpenpartnerAction,
    *,
    base_url: str,
    scrub: Scrub = lambda text: text,
    clock: Callable[[], float] = time.time,
) -> Any:
    """The JSON body of a successful answer; otherwise raise the typed error."""
    if response.status_code >= 400:
        raise openpartner_error(response, action, base_url=base_url, scrub=scrub, clock=clock)
    payload, readable = _payload(response)
    if not readable or not isinstance(payload, dict | list):
        what = "malformed JSON" if not readable else "an answer that is no JSON object"
        raise UpstreamError(
            f"OpenPartner sent {what} for {type(action).tool_name} (HTTP {response.status_code}); try again "
            "later.",
            action=type(action).tool_name, http_status=response.status_code)
    return payload


__all__ = ["openpartner_error", "unwrap_openpartner"]
