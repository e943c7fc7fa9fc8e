"""Authentication for each API family, exactly as in the wire table of docs/contracts.md.

merchant: header X-Api-Key. brand: query bid/token/action/version plus a dated SHA-256 signature header.
publisher: `token` as a request parameter (the channel token; the coupon feed takes the coupon token).
amazon: `token` in the JSON body.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.config import ACTION_CREDENTIALS, ENV_VARS, Credentials, env_vars_for
from partnerboost_tools.base import Family

BRAND_API_VERSION = "1.0"
DATE_HEADER = "X-PARTNERBOOST-DATE"
SIGNATURE_HEADER = "X-PARTNERBOOST-AUTHENTICATION"
API_KEY_HEADER = "X-Api-Key"

Clock = Callable[[], float]


@dataclass(frozen=True)
class AuthParts:
    """What authentication adds to a request: headers, URL query parameters and request parameters.

    `params` join the action's own parameters (query for GET, body for POST); `query` always goes in the URL.
    """

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def brand_signature(token: str, action: str, date_str: str, secret: str) -> str:
    """Lowercase hex SHA-256 of `token;action;date;secret` (the brand API's X-PARTNERBOOST-AUTHENTICATION)."""
    return hashlib.sha256(f"{token};{action};{date_str};{secret}".encode()).hexdigest()


def rfc1123_now(clock: Clock = time.time) -> str:
    """The current time as an RFC 1123 date in GMT, e.g. 'Fri, 07 Jan 2022 07:21:16 GMT'."""
    return formatdate(clock(), usegmt=True)


def _require(credentials: Credentials, family: Family, action: str | None) -> None:
    if not credentials.has_family(family):
        raise MissingCredentials(family, env_vars_for(family), action=action)


def _get(credentials: Credentials, name: str) -> str:
    value = credentials.value(name)
    assert value is not None  # guarded by _require
    return value


def merchant_auth(credentials: Credentials, *, action: str | None = None) -> AuthParts:
    _require(credentials, "merchant", action)
    return AuthParts(headers={API_KEY_HEADER: _get(credentials, "api_key")})


def brand_auth(
    credentials: Credentials, endpoint: str, *, clock: Clock = time.time, action: str | None = None
) -> AuthParts:
    _require(credentials, "brand", action)
    token = _get(credentials, "brand_token")
    date_str = rfc1123_now(clock)
    signature = brand_signature(token, endpoint, date_str, _get(credentials, "brand_secret"))
    return AuthParts(
        headers={"Content-Type": "application/json", DATE_HEADER: date_str, SIGNATURE_HEADER: signature},
        query={
            "bid": _get(credentials, "brand_id"),
            "token": token,
            "action": endpoint,
            "version": BRAND_API_VERSION,
        },
    )


def publisher_auth(credentials: Credentials, *, action: str | None = None) -> AuthParts:
    """The channel token, or the action's own token where it has one (the coupon feed's coupon token)."""
    own = ACTION_CREDENTIALS.get(action or "")
    if own is None:
        _require(credentials, "publisher", action)
        return AuthParts(params={"token": _get(credentials, "publisher_token")})
    if not credentials.value(own):
        raise MissingCredentials("publisher", (ENV_VARS[own],), action=action)
    return AuthParts(params={"token": _get(credentials, own)})


def amazon_auth(credentials: Credentials, *, action: str | None = None) -> AuthParts:
    _require(credentials, "amazon", action)
    return AuthParts(params={"token": _get(credentials, "amazon_token")})


def auth_for(
    family: Family,
    credentials: Credentials,
    endpoint: str,
    *,
    clock: Clock = time.time,
    action: str | None = None,
) -> AuthParts:
    """The authentication parts for one request of `family`; raises MissingCredentials naming the env vars."""
    if family == "merchant":
        return merchant_auth(credentials, action=action)
    if family == "brand":
        return brand_auth(credentials, endpoint, clock=clock, action=action)
    if family == "publisher":
        return publisher_auth(credentials, action=action)
    return amazon_auth(credentials, action=action)
