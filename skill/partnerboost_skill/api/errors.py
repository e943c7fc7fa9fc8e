"""One small hierarchy of errors for everything that can go wrong talking to PartnerBoost or OpenPartner
(whose stable error codes map onto the same classes plus a few of its own: ForbiddenScope, TenantSlugMissing,
InvalidCursor, NotFound, Conflict).

Every error keeps the upstream result code and message (with credentials scrubbed) and the action's tool name,
and its message says what to do next. `error_for_code` maps the documented result codes and HTTP statuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from partnerboost_tools.base import Family

AUTH_CODES = frozenset({1000, 1001})
RATE_LIMIT_CODES = frozenset({1002, 1012})
BAD_REQUEST_CODES = frozenset({1003, 1005, 1006, 1011})

CODE_MEANINGS: dict[int, str] = {
    1000: "the publisher account does not exist",
    1001: "the token or key is invalid",
    1002: "calls are too frequent",
    1003: "a parameter is missing or malformed",
    1005: "uid is longer than 200 characters",
    1006: "the date span is longer than 62 days",
    1011: "the click report span is longer than one hour",
    1012: "more than ten click report requests in a minute",
}


class PartnerBoostError(Exception):
    """Base class. `retryable` says whether repeating the same read may succeed."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        upstream_message: str | None = None,
        action: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.upstream_message = upstream_message
        self.action = action
        self.http_status = http_status

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description (for tool results)."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "code": self.code,
            "upstream_message": self.upstream_message,
            "action": self.action,
            "http_status": self.http_status,
        }


class MissingCredentials(PartnerBoostError):
    """The family an action belongs to has no credentials configured."""

    def __init__(self, family: Family, env_vars: Iterable[str], *, action: str | None = None) -> None:
        self.family = family
        self.env_vars = tuple(env_vars)
        names = " and ".join(self.env_vars)
        article = "an" if family[:1] in "aeiou" else "a"
        what = f"{action} is {article} {family} action" if action else f"{family} actions need credentials"
        super().__init__(
            f"{what}: set {names} in the environment or in the config file "
            "(~/.config/partnerboost/config.toml, or the file named by PARTNERBOOST_CONFIG).",
            action=action,
        )


class InvalidCredentials(PartnerBoostError):
    """PartnerBoost rejected the credentials (codes 1000, 1001; HTTP 401/403)."""


class RateLimited(PartnerBoostError):
    """Too many calls (codes 1002, 1012; HTTP 429). `retry_after` is in seconds when the server said."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class BadRequest(PartnerBoostError):
    """PartnerBoost rejected the parameters (codes 1003, 1005, 1006, 1011; HTTP 400/422)."""

    def __init__(self, message: str, *, parameter: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.parameter = parameter

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "parameter": self.parameter}


class UpstreamError(PartnerBoostError):
    """PartnerBoost failed or answered something unreadable (5xx, malformed JSON, transport failure)."""

    retryable = True

    def __init__(self, message: str, *, retryable: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retryable = retryable


class DeadlineExceeded(PartnerBoostError):
    """The answer's time ran out (skill.api.deadline); `waiting_for` says what it was waiting for then."""

    def __init__(self, seconds: float, waiting_for: str, *, setting: str, action: str | None = None) -> None:
        self.seconds = seconds
        self.waiting_for = waiting_for
        super().__init__(
            f"No answer within the {seconds:g} s deadline: {waiting_for}. PartnerBoost may be slow or "
            f"overloaded; try again later, ask about a shorter period, or allow more time with {setting}.",
            action=action,
        )

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "deadline_seconds": self.seconds}


class ForbiddenScope(InvalidCredentials):
    """An OpenPartner scoped key lacks `scope` (403 forbidden_scope)."""

    def __init__(self, message: str, *, scope: str | None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.scope = scope

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "scope": self.scope}


class TenantSlugMissing(BadRequest):
    """The OpenPartner base URL of a multi-tenant instance has no `/t/<slug>` (400 tenant_slug_missing)."""


class InvalidCursor(BadRequest):
    """A listing cursor the API does not accept (OpenPartner 400 invalid_cursor)."""


class NotFound(PartnerBoostError):
    """No such record (OpenPartner 404 not_found), or no such route (a wrong base URL)."""


class Conflict(PartnerBoostError):
    """A write conflicts with the current state (OpenPartner 409: email_taken, already_revoked, ...)."""


class IncompleteData(PartnerBoostError):
    """Some pages could not be fetched; carries what was fetched and a description of what is missing."""

    def __init__(
        self,
        message: str,
        *,
        records: list[Any],
        total: int | None,
        missing: list[str],
        action: str | None = None,
    ) -> None:
        super().__init__(message, action=action)
        self.records = records
        self.total = total
        self.missing = missing

    def to_dict(self) -> dict[str, Any]:
        extra = {"fetched": len(self.records), "total": self.total, "missing": self.missing}
        return {**super().to_dict(), **extra}


def find_parameter(upstream_message: str | None, parameters: Iterable[str]) -> str | None:
    """The first known parameter name the upstream message mentions, as a whole word."""
    if not upstream_message:
        return None
    for name in sorted(parameters, key=len, reverse=True):
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", upstream_message):
            return name
    return None


def _describe(
    action: str | None, code: int | None, upstream_message: str | None, http_status: int | None
) -> str:
    parts = []
    if code is not None:
        parts.append(f"code {code}")
    if http_status is not None:
        parts.append(f"HTTP {http_status}")
    said = f": {upstream_message!r}" if upstream_message else ""
    where = f" for {action}" if action else ""
    return f"PartnerBoost answered {', '.join(parts) or 'an error'}{where}{said}"


def error_for_code(
    *,
    code: int | None,
    http_status: int | None,
    upstream_message: str | None,
    action: str | None,
    parameters: Iterable[str] = (),
    retry_after: float | None = None,
) -> PartnerBoostError:
    """The typed error for an upstream result code and/or HTTP status (the code wins when both are known)."""
    head = _describe(action, code, upstream_message, http_status)
    meaning = CODE_MEANINGS.get(code) if code is not None else None
    common: dict[str, Any] = {
        "code": code, "upstream_message": upstream_message, "action": action, "http_status": http_status,
    }
    kind = _kind_of_code(code) or _kind_of_status(http_status)

    def explain(default: str) -> str:
        """The meaning of the code as a sentence, unless the upstream message already says it."""
        phrase = meaning or default
        if upstream_message and phrase.lower() in upstream_message.lower():
            return ""
        return f" {phrase[0].upper()}{phrase[1:]}."

    if kind == "auth":
        # PartnerBoost's own words are left out: a rejection may quote the key back, in any encoding
        said = meaning or "the credentials were rejected"
        return InvalidCredentials(
            f"{_describe(action, code, None, http_status)}: {said}. Check the key or token for this family "
            "(the value is never shown).",
            **{**common, "upstream_message": None},
        )
    if kind == "rate":
        wait = f"Retry after {retry_after:g} s." if retry_after is not None else "Wait a minute and retry."
        return RateLimited(f"{head}.{explain('too many requests')} {wait}", retry_after=retry_after, **common)
    if kind == "bad_request":
        parameter = find_parameter(upstream_message, parameters)
        about = f" Parameter `{parameter}`." if parameter else ""
        text = f"{head}.{explain('the request was rejected')}{about}"
        return BadRequest(text, parameter=parameter, **common)
    if kind == "server":
        return UpstreamError(f"{head}. PartnerBoost had a server error; try again later.", **common)
    return PartnerBoostError(f"{head}. This result is not documented.", **common)


def _kind_of_code(code: int | None) -> str | None:
    if code in AUTH_CODES:
        return "auth"
    if code in RATE_LIMIT_CODES:
        return "rate"
    if code in BAD_REQUEST_CODES:
        return "bad_request"
    return None


def _kind_of_status(http_status: int | None) -> str | None:
    if http_status in (401, 403):
        return "auth"
    if http_status == 429:
        return "rate"
    if http_status in (400, 422):
        return "bad_request"
    if http_status is not None and http_status >= 500:
        return "server"
    return None
