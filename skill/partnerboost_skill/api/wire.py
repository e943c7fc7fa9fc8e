"""Building the HTTP request for one action: URL per family, parameters in query or JSON body, auth."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from partnerboost_skill.api.auth import Clock, auth_for
from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.config import ENV_VARS, Credentials
from partnerboost_tools.base import PARTNERBOOST_FAMILIES, Action

QueryItems = list[tuple[str, str]]


@dataclass(frozen=True)
class WireRequest:
    method: str
    url: str
    query: QueryItems = field(default_factory=list)
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_items(params: dict[str, Any]) -> QueryItems:
    """GET parameters as query pairs; lists are repeated `key[]=v`, mappings become `key[sub]=v`."""
    items: QueryItems = []

    def add(key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, list | tuple):
            for element in value:
                add(f"{key}[]", element)
        elif isinstance(value, dict):
            for sub, element in value.items():
                add(f"{key}[{sub}]", element)
        else:
            items.append((key, _scalar(value)))

    for key, value in params.items():
        add(key, value)
    return items


def build_request(
    action: Action,
    credentials: Credentials,
    *,
    base_url: str,
    amazon_base_url: str,
    clock: Clock = time.time,
) -> WireRequest:
    """The request for `action` as sent, auth included; MissingCredentials when the family has none."""
    family = type(action).family
    if family not in PARTNERBOOST_FAMILIES:  # an OpenPartner action where only PartnerBoost is connected
        names = (ENV_VARS["openpartner_base_url"], ENV_VARS["openpartner_api_key"])
        raise MissingCredentials(family, names, action=type(action).tool_name)
    endpoint = type(action).endpoint
    method = type(action).method
    auth = auth_for(family, credentials, endpoint, clock=clock, action=type(action).tool_name)
    params: dict[str, Any] = {**action.to_wire(), **auth.params}
    query: QueryItems = list(auth.query.items())

    if family == "merchant":
        url = f"{base_url}/{endpoint.lstrip('/')}"
    elif family == "brand":
        url = f"{base_url}/api/brand"
    elif family == "publisher":
        mod, op = endpoint.split("/", 1)
        url = f"{base_url}/api.php"
        query = [("mod", mod), ("op", op), *query]
    else:
        url = f"{amazon_base_url}/{endpoint.lstrip('/')}"

    if method == "GET":
        return WireRequest("GET", url, [*query, *query_items(params)], None, dict(auth.headers))
    return WireRequest("POST", url, query, params, dict(auth.headers))
