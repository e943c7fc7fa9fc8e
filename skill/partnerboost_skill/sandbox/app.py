"""The sandbox ASGI app: a local PartnerBoost serving all four API families over one synthetic world, and
the same brand's OpenPartner tenant (hosted under /openpartner, self-hosted under /openpartner-selfhosted).

Every catalogue action (tools.catalogue.ACTIONS) is served at its real path and envelope, authenticated for
real, validated with the same pydantic model the client builds its request from, and answered from the world
through `skill.sandbox.handlers`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from partnerboost_skill.sandbox import credentials
from partnerboost_skill.sandbox.dialects import DEFAULT, Dialect, adjust_request, dialect_named, respond
from partnerboost_skill.sandbox.faults import FaultMiddleware, Faults
from partnerboost_skill.sandbox.handlers import amazon, brand, merchant, publisher  # noqa: F401  (registers the handlers)
from partnerboost_skill.sandbox.handlers.auth import check_brand, check_merchant, check_token
from partnerboost_skill.sandbox.handlers.registry import HANDLERS, RequestContext
from partnerboost_skill.sandbox.handlers.state import SandboxState
from partnerboost_skill.sandbox.handlers.validation import parse_action
from partnerboost_skill.sandbox.handlers.wire import (
    BAD_REQUEST,
    CLICK_REPORT_TOO_FREQUENT,
    FastJSONResponse,
    SandboxError,
    error_response,
    ok_response,
    read_params,
)
from partnerboost_skill.sandbox.openpartner import HOSTED_PREFIX, SELF_HOSTED_PREFIX, lazy_state
from partnerboost_skill.sandbox.openpartner.app import OpenPartnerSandbox
from partnerboost_tools.base import PARTNERBOOST_FAMILIES, Action, Family
from partnerboost_tools.catalogue import ACTIONS
from partnerboost_tools.publisher import PublisherListCoupons

if TYPE_CHECKING:
    from partnerboost_skill.sandbox.world import World

Clock = Callable[[], datetime]
BRAND_AUTH_PARAMS = ("bid", "token", "action", "version")
RESPONSE_FORMATS = ("json", "xml")


def real_clock() -> datetime:
    return datetime.now(UTC)


def _span_text(span: timedelta) -> str:
    if span >= timedelta(days=1):
        return f"{span.total_seconds() / 86_400:g} days"
    if span >= timedelta(hours=1):
        return f"{span.total_seconds() / 3_600:g} hours"
    return f"{span.total_seconds() / 60:g} minutes"


class Sandbox:
    """Routes requests of each family to the action's handler; owns the state and the clock."""

    def __init__(self, world: World, clock: Clock, dialect: Dialect = DEFAULT) -> None:
        self.state = SandboxState(world)
        self.clock = clock
        self.dialect = dialect
        self.by_family: dict[Family, dict[str, type[Action]]] = {f: {} for f in PARTNERBOOST_FAMILIES}
        partnerboost = [action for action in ACTIONS.values() if action.family in PARTNERBOOST_FAMILIES]
        for action in partnerboost:
            self.by_family[action.family][action.endpoint] = action
        missing = [action.tool_name for action in partnerboost if action.tool_name not in HANDLERS]
        if missing:
            raise RuntimeError(f"the sandbox has no handler for: {', '.join(missing)}")
        self.rate_log: dict[tuple[str, str], deque[float]] = {}

    # ------------------------------------------------------------------------------------------ families
    async def merchant(self, request: Request) -> Response:
        try:
            check_merchant(request.headers)
            action = self._action("merchant", request.url.path, f"unknown endpoint {request.url.path}")
            params = await read_params(request)
            return ok_response("merchant", self._run(action, params, None))
        except SandboxError as error:
            return error_response("merchant", error)

    async def brand(self, request: Request) -> Response:
        try:
            params = await read_params(request)
            name = check_brand(params, request.headers, self.clock())
            action = self._action("brand", name, f"unknown action {name!r}", http_status=400)
            for key in BRAND_AUTH_PARAMS:
                params.pop(key, None)
            return ok_response("brand", self._run(action, params, None))
        except SandboxError as error:
            return error_response("brand", error)

    async def publisher(self, request: Request) -> Response:
        try:
            params = await read_params(request)
            token = params.pop("token", None)
            mod, op = params.pop("mod", None), params.pop("op", None)
            coupons = f"{mod}/{op}" == PublisherListCoupons.endpoint
            check_token(
                {"token": token},
                credentials.SANDBOX_COUPON_TOKEN if coupons else credentials.SANDBOX_PUBLISHER_TOKEN,
            )
            if not mod or not op:
                raise SandboxError(BAD_REQUEST, "missing parameter mod or op")
            action = self._action("publisher", f"{mod}/{op}", f"unknown mod/op {mod}/{op}", http_status=200)
            self._strip_format(action, params)
            return ok_response("publisher", self._run(action, params, str(token)))
        except SandboxError as error:
            return error_response("publisher", error)

    async def amazon(self, request: Request) -> Response:
        try:
            params = await read_params(request)
            token = params.pop("token", None)
            check_token({"token": token}, credentials.SANDBOX_AMAZON_TOKEN)
            op = request.path_params["op"]
            action = self._action("amazon", op, f"unknown operation {op}")
            return ok_response("amazon", self._run(action, params, str(token)))
        except SandboxError as error:
            return error_response("amazon", error)

    async def index(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return FastJSONResponse(
            {
                "name": "PartnerBoost sandbox",
                "base_url": base,
                "amazon_base_url": f"{base}/amazon_api",
                "actions": len(ACTIONS),
                "dialect": self.dialect.name,
                "world": {
                    "seed": self.state.world.config.seed,
                    "orders": len(self.state.orders),
                    "now": self.state.world.config.now.isoformat(),
                },
            }
        )

    # ------------------------------------------------------------------------------------------ shared steps
    def _action(self, family: Family, endpoint: str, message: str, http_status: int = 404) -> type[Action]:
        action = self.by_family[family].get(endpoint)
        if action is None:
            raise SandboxError(BAD_REQUEST, message, http_status=http_status)
        return action

    @staticmethod
    def _strip_format(action: type[Action], params: dict[str, Any]) -> None:
        """Drop the publisher API's return-format `type=json` (the coupon action's own `type` is a filter)."""
        value = params.get("type")
        values = value if isinstance(value, list) else [value]
        formats = [v for v in values if isinstance(v, str) and v.lower() in RESPONSE_FORMATS]
        if not formats:
            return
        if any(v.lower() == "xml" for v in formats):
            raise SandboxError(BAD_REQUEST, "type=xml is not served by the sandbox; use type=json")
        rest = [v for v in values if v not in formats]
        if rest and "type" in action.model_fields:
            params["type"] = rest[0] if len(rest) == 1 else rest
        else:
            params.pop("type")

    def _run(self, action: type[Action], params: dict[str, Any], token: str | None) -> Any:
        now = self.clock()
        model = parse_action(action, params)
        self._check_window(action, model, token, now)
        model = adjust_request(self.dialect, model)
        data = HANDLERS[action.tool_name](self.state, model, RequestContext(token=token, now=now))
        return respond(self.dialect, action.tool_name, data)

    def _check_window(self, action: type[Action], model: Action, token: str | None, now: datetime) -> None:
        window = action.window
        if window is None:
            return
        if window.requests_per_minute:
            self._rate_limit(action, token or "", window.requests_per_minute, now)
        start, end = getattr(model, window.start_param, None), getattr(model, window.end_param, None)
        if start is not None and end is not None and end - start > window.max_span:
            raise SandboxError(
                window.error_code or BAD_REQUEST,
                f"{window.start_param} to {window.end_param} spans {_span_text(end - start)}; "
                f"at most {_span_text(window.max_span)} per request",
            )

    def _rate_limit(self, action: type[Action], token: str, per_minute: int, now: datetime) -> None:
        log = self.rate_log.setdefault((action.tool_name, token), deque())
        moment = now.timestamp()
        while log and moment - log[0] >= 60:
            log.popleft()
        if len(log) >= per_minute:
            retry = max(1, math.ceil(60 - (moment - log[0])))
            raise SandboxError(
                CLICK_REPORT_TOO_FREQUENT,
                f"more than {per_minute} {action.endpoint} requests a minute; retry in {retry} s",
                http_status=429,
                headers={"Retry-After": str(retry)},
            )
        log.append(moment)


def create_app(
    world: World | None = None,
    faults: Faults | None = None,
    *,
    clock: Clock | None = None,
    dialect: str | Dialect | None = None,
) -> Starlette:
    """The sandbox as an ASGI app over `world` (default: the process's cached default world).

    `clock` is the server time the brand API's date check compares against (default: real UTC time); the data
    itself lives at the world's own `now`. `faults` adds latency, errors, rate limits and page drift.
    `dialect` (a name from sandbox.dialects.DIALECTS) serves the world in another record shape.
    """
    if world is None:
        from partnerboost_skill.sandbox import default_world

        world = default_world()
    sandbox = Sandbox(world, clock or real_clock, dialect_named(dialect))
    openpartner = lazy_state(world)
    methods = ["GET", "POST"]
    routes = [
        Route("/", sandbox.index, methods=["GET"]),
        Route("/a/{controller}/{action}", sandbox.merchant, methods=methods),
        Route("/api/brand", sandbox.brand, methods=methods),
        Route("/api.php", sandbox.publisher, methods=methods),
        Route("/amazon_api/{op}", sandbox.amazon, methods=methods),
        Route("/api/datafeed/{op}", sandbox.amazon, methods=methods),
        Mount(HOSTED_PREFIX, app=OpenPartnerSandbox(openpartner, multi_tenant=True)),
        Mount(SELF_HOSTED_PREFIX, app=OpenPartnerSandbox(openpartner, multi_tenant=False)),
    ]
    middleware = []
    if faults is not None and faults.active:
        middleware.append(Middleware(FaultMiddleware, faults=faults, on_drift=sandbox.state.add_drift_orders))
    app = Starlette(routes=routes, middleware=middleware)
    app.state.sandbox = sandbox
    return app
