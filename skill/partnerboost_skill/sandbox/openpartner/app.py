"""The OpenPartner instance of the sandbox, as two ASGI apps over one tenant:

- hosted, multi-tenant (`/api/t/<slug>/...`): a route without the slug answers 400 tenant_slug_missing, an
  unknown slug 404 tenant_not_found;
- self-hosted, single-tenant (`/api/...`).

Routes come from the catalogue (tools/partnerboost_tools/openpartner.py): each action's endpoint and method.
Every request is authenticated (`Authorization: Bearer`, 401 unauthorized), scope-checked (403
forbidden_scope naming the scope) and validated with the action's own model (400 invalid_query /
invalid_body with zod-style field errors), then answered from the tenant state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from partnerboost_skill.sandbox import credentials
from partnerboost_skill.sandbox.openpartner.state import ApiError, TenantState
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.openpartner import OpenpartnerAction

MAX_BODY_BYTES = 100_000
_SLUGGED = re.compile(r"^/api/t/(?P<slug>[^/]+)(?P<route>/.*)$")


def _pattern(endpoint: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(endpoint)) + "$")


ROUTES: list[tuple[str, re.Pattern[str], type[OpenpartnerAction]]] = [
    (action.method, _pattern(action.endpoint), action)
    for action in ACTIONS.values()
    if isinstance(action, type) and issubclass(action, OpenpartnerAction)
]


def _zod_detail(exc: ValidationError, action: type[OpenpartnerAction]) -> dict[str, Any]:
    """Pydantic's errors in the shape zod's `flatten()` gives (what OpenPartner answers)."""
    fields: dict[str, list[str]] = {}
    forms: list[str] = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        message = str(error.get("msg", "Invalid input")).removeprefix("Value error, ")
        if loc:
            fields.setdefault(loc[0], []).append(message)
        else:
            forms.append(message)
    return {"formErrors": forms, "fieldErrors": fields}


class OpenPartnerSandbox:
    """One ASGI app; `multi_tenant` decides whether routes carry `/t/<slug>`."""

    def __init__(self, state: Callable[[], TenantState], *, multi_tenant: bool) -> None:
        self._state = state
        self.multi_tenant = multi_tenant

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.respond(request)
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        path, root = request.scope["path"], request.scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]  # mounted under a prefix (the PartnerBoost sandbox's /openpartner)
        state = self._state()
        try:
            route = self._route(path, state)
            if route is None:
                return PlainTextResponse(f"Cannot {request.method} {path}", status_code=404)
            scopes = self._principal(request)
            action_cls, path_params = self._match(request.method, route)
            if action_cls is None:
                return PlainTextResponse(f"Cannot {request.method} {path}", status_code=404)
            if scopes is not None and action_cls.scope not in scopes:
                raise ApiError(403, "forbidden_scope", required=action_cls.scope)
            action = await self._validated(request, action_cls, path_params)
            status, body = state.handlers[action_cls](action)
            return JSONResponse(body, status_code=status)
        except ApiError as error:
            return JSONResponse(error.body, status_code=error.status)

    def _route(self, path: str, state: TenantState) -> str | None:
        """The route under the API base, or None when the path is not under it."""
        if not path.startswith("/api/"):
            return None
        if not self.multi_tenant:
            return path.removeprefix("/api")
        slugged = _SLUGGED.match(path)
        if slugged is None:
            raise ApiError(400, "tenant_slug_missing",
                           "This instance hosts several tenants: call /api/t/<slug>/... (your slug is in "
                           "your portal's URLs).")
        if slugged["slug"] != state.tenant.slug:
            raise ApiError(404, "tenant_not_found")
        return slugged["route"]

    @staticmethod
    def _principal(request: Request) -> frozenset[str] | None:
        header = request.headers.get("authorization", "")
        match = re.fullmatch(r"Bearer\s+(\S+)", header.strip(), re.IGNORECASE)
        if match is None or match[1] not in credentials.OPENPARTNER_KEY_SCOPES:
            raise ApiError(401, "unauthorized")
        return credentials.OPENPARTNER_KEY_SCOPES[match[1]]

    @staticmethod
    def _match(method: str, route: str) -> tuple[type[OpenpartnerAction] | None, dict[str, str]]:
        for wanted, pattern, action_cls in ROUTES:
            found = pattern.match(route)
            if found and wanted == method:
                return action_cls, found.groupdict()
        return None, {}

    @staticmethod
    async def _validated(
        request: Request, action_cls: type[OpenpartnerAction], path_params: dict[str, str]
    ) -> OpenpartnerAction:
        kind = "invalid_query" if action_cls.method == "GET" else "invalid_body"
        params: dict[str, Any]
        if action_cls.method == "GET":
            params = dict(request.query_params)
        else:
            raw = await request.body()
            if len(raw) > MAX_BODY_BYTES:
                raise ApiError(413, "payload_too_large")
            try:
                params = json.loads(raw) if raw.strip() else {}
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ApiError(400, kind, "the body is not JSON") from None
            if not isinstance(params, dict):
                raise ApiError(400, kind, "the body must be a JSON object")
        try:
            return action_cls.model_validate({**params, **path_params})
        except ValidationError as exc:
            raise ApiError(400, kind, _zod_detail(exc, action_cls)) from None
