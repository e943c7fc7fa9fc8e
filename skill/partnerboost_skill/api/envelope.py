"""Unwrapping PartnerBoost responses: both envelope styles into `data`, or the right typed error.

merchant / brand: `{"code": 0, "message": "ok", "data": ...}`
publisher / amazon: `{"status": {"code": 0, "msg": "Success"}, "data": ...}`
Either style is accepted from any family; the shape decides.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2

from partnerboost_skill.api.errors import UpstreamError, error_for_code

Clock = Callable[[], float]
Scrub = Callable[[str], str]


def parse_retry_after(value: str | None, *, clock: Clock = time.time) -> float | None:
    """Retry-After in seconds from now, from delta-seconds ("30") or an HTTP date; None when absent."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - clock())


def _as_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def read_envelope(payload: Any) -> tuple[int, str | None, Any] | None:
    """(code, message, data) from either envelope style, or None when the payload is no envelope."""
    if not isinstance(payload, dict):
        return None
    status = payload.get("status")
    if isinstance(status, dict) and "code" in status:
        code = _as_code(status.get("code"))
        message = status.get("msg", status.get("message"))
    elif "code" in payload:
        code = _as_code(payload.get("code"))
        message = payload.get("message", payload.get("msg"))
    else:
        return None
    if code is None:
        return None
    return code, None if message is None else str(message), payload.get("data")


def unwrap(
    response: httpx2.Response,
    *,
    action: str | None = None,
    parameters: Iterable[str] = (),
    scrub: Scrub = lambda text: text,
    clock: Clock = time.time,
) -> Any:
    """The `data` of a successful response; otherwise raise the typed error for its code or HTTP status.

    `scrub` removes credentials from the upstream message before it is kept anywhere.
    """
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("Retry-After"), clock=clock)
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        payload = None
        malformed = True
    else:
        malformed = False

    envelope = None if malformed else read_envelope(payload)
    if envelope is not None:
        code, message, data = envelope
        message = scrub(message) if message is not None else None
        if code == 0 and 200 <= status < 300:
            return data
        if code != 0:
            raise error_for_code(
                code=code, http_status=status, upstream_message=message, action=action,
                parameters=parameters, retry_after=retry_after,
            )
    if status >= 400:
        raise error_for_code(
            code=None, http_status=status, upstream_message=None, action=action,
            parameters=parameters, retry_after=retry_after,
        )
    what = "malformed JSON" if malformed else "a response without the expected code/status envelope"
    where = f" for {action}" if action else ""
    raise UpstreamError(
        f"PartnerBoost sent {what}{where} (HTTP {status}); try again later.",
        action=action,
        http_status=status,
    )

