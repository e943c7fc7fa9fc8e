"""One OpenPartner action as an HTTP request: the route under the instance's API base, bearer auth, GET
parameters in the query and POST parameters as a JSON body."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.api.wire import WireRequest, query_items
from partnerboost_skill.config import ENV_VARS, Credentials
from partnerboost_tools.openpartner import OpenpartnerAction


def bearer_headers(credentials: Credentials, *, action: str | None = None) -> dict[str, str]:
    key = credentials.value("openpartner_api_key")
    if not key:
        raise MissingCredentials("openpartner", (ENV_VARS["openpartner_api_key"],), action=action)
    return {"Authorization": f"Bearer {key}"}


def route(action: OpenpartnerAction) -> str:
    """The action's route with every path parameter percent-encoded (a partner id cannot add a path)."""
    values = {name: quote(str(getattr(action, name)), safe="") for name in type(action).path_params}
    return type(action).endpoint.format(**values)


def build_openpartner_request(
    action: OpenpartnerAction, credentials: Credentials, *, base_url: str | None
) -> WireRequest:
    """The request as sent; MissingCredentials names the setting that is not set."""
    name = type(action).tool_name
    if not base_url:
        raise MissingCredentials("openpartner", (ENV_VARS["openpartner_base_url"],), action=name)
    headers = bearer_headers(credentials, action=name)
    url = f"{base_url.rstrip('/')}{route(action)}"
    params: dict[str, Any] = action.to_wire()
    if type(action).method == "GET":
        return WireRequest("GET", url, query_items(params), None, headers)
    return WireRequest("POST", url, [], params, {**headers, "Content-Type": "application/json"})
