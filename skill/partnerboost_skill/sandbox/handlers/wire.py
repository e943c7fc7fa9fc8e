"""What travels on the wire: the four families' envelopes, error codes, and reading request parameters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response

from partnerboost_tools.base import Family

MERCHANT_STYLE: frozenset[str] = frozenset({"merchant", "brand"})
"""Families answering `{"code", "message", "data"}`; the others: `{"status": {"code", "msg"}, "data"}`."""

_MERCHANT_HTTP_STATUS = {1000: 404, 1001: 401, 1002: 429, 1012: 429}
_STATUS_HTTP_STATUS = {1002: 429, 1012: 429}

OK = 0
PUBLISHER_NOT_FOUND = 1000
INVALID_CREDENTIALS = 1001
TOO_FREQUENT = 1002
BAD_REQUEST = 1003
UID_TOO_LONG = 1005
SPAN_TOO_LONG = 1006
CLICK_SPAN_TOO_LONG = 1011
CLICK_REPORT_TOO_FREQUENT = 1012


class SandboxError(Exception):
    """An API error answered in the family's envelope. `http_status` overrides the family's default."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers = dict(headers or {})

    def status_for(self, family: Family | None) -> int:
        if self.http_status is not None:
            return self.http_status
        if family in MERCHANT_STYLE or family is None:
            return _MERCHANT_HTTP_STATUS.get(self.code, 400)
        return _STATUS_HTTP_STATUS.get(self.code, 200)


def family_of_path(path: str) -> Family | None:
    if path.startswith("/a/"):
        return "merchant"
    if path.rstrip("/") == "/api/brand":
        return "brand"
    if path.startswith("/api.php"):
        return "publisher"
    if path.startswith(("/amazon_api/", "/api/datafeed/")):
        return "amazon"
    return None


def ok_body(family: Family, data: Any) -> dict[str, Any]:
    if family in MERCHANT_STYLE:
        return {"code": OK, "message": "ok", "data": data}
    return {"status": {"code": OK, "msg": "Success" if family == "publisher" else "success"}, "data": data}


def error_body(family: Family | None, code: int, message: str) -> dict[str, Any]:
    if family in MERCHANT_STYLE or family is None:
        return {"code": code, "message": message, "data": None}
    return {"status": {"code": code, "msg": message}, "data": None}


class FastJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ok_response(family: Family, data: Any) -> Response:
    return FastJSONResponse(ok_body(family, data))


def error_response(family: Family | None, error: SandboxError) -> Response:
    return FastJSONResponse(
        error_body(family, error.code, error.message),
        status_code=error.status_for(family),
        headers=error.headers or None,
    )


def params_from_multidict(items: ImmutableMultiDict | list[tuple[str, Any]]) -> dict[str, Any]:
    """Query or form pairs as a dict: `k[]=a&k[]=b` and repeated `k=a&k=b` become lists."""
    pairs = items.multi_items() if isinstance(items, ImmutableMultiDict) else items
    params: dict[str, Any] = {}
    for raw_key, value in pairs:
        is_array = raw_key.endswith("[]")
        key = raw_key[:-2] if is_array else raw_key
        if key in params:
            existing = params[key]
            params[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            params[key] = [value] if is_array else value
    return params


async def read_params(request: Request) -> dict[str, Any]:
    """Query parameters merged with the body (JSON object or form); the body wins on a clash."""
    params = params_from_multidict(request.query_params)
    if request.method not in ("POST", "PUT", "PATCH"):
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if not raw.strip():
        return params
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        params.update(params_from_multidict(list(form.multi_items())))
        return params
    try:
        body = json.loads(raw)
    except ValueError:
        raise SandboxError(BAD_REQUEST, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise SandboxError(BAD_REQUEST, "request body must be a JSON object of parameters")
    params.update(body)
    return params
