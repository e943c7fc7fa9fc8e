"""The four families' authentication, checked for real against the sandbox credentials.

Messages say what is wrong (missing header, hash mismatch, stale date) and never repeat a secret or token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from partnerboost_skill.sandbox import credentials
from partnerboost_skill.sandbox.handlers.wire import BAD_REQUEST, INVALID_CREDENTIALS, SandboxError

BRAND_MAX_SKEW = timedelta(minutes=15)
BRAND_VERSION = "1.0"
DATE_HEADER = "x-partnerboost-date"
HASH_HEADER = "x-partnerboost-authentication"


def _same(given: Any, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def brand_signature(token: str, action: str, date: str, secret: str) -> str:
    """Lowercase hex SHA-256 of `token;action;date;secret` (the documented brand API hash)."""
    return hashlib.sha256(f"{token};{action};{date};{secret}".encode()).hexdigest()


def check_merchant(headers: Mapping[str, str]) -> None:
    key = headers.get("x-api-key")
    if not key:
        raise SandboxError(INVALID_CREDENTIALS, "missing X-Api-Key header")
    if not _same(key, credentials.SANDBOX_API_KEY):
        raise SandboxError(INVALID_CREDENTIALS, "invalid X-Api-Key")


def check_brand(params: Mapping[str, Any], headers: Mapping[str, str], now: datetime) -> str:
    """Check bid, token, version, signature and date freshness; return the requested action name."""
    for name in ("bid", "token"):
        if not params.get(name):
            raise SandboxError(INVALID_CREDENTIALS, f"missing parameter {name}")
    if not (
        _same(str(params["bid"]), credentials.SANDBOX_BRAND_ID)
        and _same(params["token"], credentials.SANDBOX_BRAND_TOKEN)
    ):
        raise SandboxError(INVALID_CREDENTIALS, "unknown brand id or token")
    action = params.get("action")
    if not action or not isinstance(action, str):
        raise SandboxError(BAD_REQUEST, "missing parameter action")
    if str(params.get("version", "")) != BRAND_VERSION:
        raise SandboxError(BAD_REQUEST, f"parameter version must be {BRAND_VERSION}")
    date = headers.get(DATE_HEADER)
    if not date:
        raise SandboxError(INVALID_CREDENTIALS, "missing X-PARTNERBOOST-DATE header")
    signature = headers.get(HASH_HEADER)
    if not signature:
        raise SandboxError(INVALID_CREDENTIALS, "missing X-PARTNERBOOST-AUTHENTICATION header")
    expected = brand_signature(
        credentials.SANDBOX_BRAND_TOKEN, action, date, credentials.SANDBOX_BRAND_SECRET
    )
    if not _same(signature.lower(), expected):
        raise SandboxError(
            INVALID_CREDENTIALS,
            "authentication hash mismatch: X-PARTNERBOOST-AUTHENTICATION must be the SHA-256 "
            "hex of token;action;date;secret with the same date as X-PARTNERBOOST-DATE",
        )
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        raise SandboxError(
            INVALID_CREDENTIALS,
            "X-PARTNERBOOST-DATE is not an RFC 1123 date such as 'Fri, 07 Jan 2022 07:21:16 GMT'",
        ) from None
    if sent.tzinfo is None:
        raise SandboxError(INVALID_CREDENTIALS, "X-PARTNERBOOST-DATE must be in GMT")
    skew = abs(now - sent)
    if skew > BRAND_MAX_SKEW:
        minutes = int(skew.total_seconds() // 60)
        raise SandboxError(
            INVALID_CREDENTIALS,
            f"stale date: X-PARTNERBOOST-DATE is {minutes} minutes from the server clock "
            "(at most 15 allowed)",
        )
    return action


def check_token(params: Mapping[str, Any], expected: str) -> None:
    """Publisher and Amazon: the `token` parameter."""
    token = params.get("token")
    if not token:
        raise SandboxError(INVALID_CREDENTIALS, "missing parameter token")
    if not _same(token, expected):
        raise SandboxError(INVALID_CREDENTIALS, "invalid token")
