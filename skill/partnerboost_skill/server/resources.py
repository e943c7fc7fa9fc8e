"""MCP resources: the metric glossary and the account summary (account_info + current_plan)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, Resource

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.server.output_cap import json_text
from partnerboost_skill.server.state import ServerState
from partnerboost_skill.server.tool_base import error_text
from partnerboost_tools.merchant import MerchantAccountInfo, MerchantCurrentPlan

GLOSSARY_URI = "partnerboost://glossary/metrics"
ACCOUNT_URI = "partnerboost://account/summary"
GLOSSARY_PATH = Path(__file__).with_name("glossary.md")


def glossary_text() -> str:
    return GLOSSARY_PATH.read_text(encoding="utf-8")


async def account_summary(state: ServerState) -> dict[str, Any]:
    connection = state.connection
    try:
        account = await connection.source.call(MerchantAccountInfo())
        plan = await connection.source.call(MerchantCurrentPlan())
    except PartnerBoostError as exc:
        raise MCPError(code=INTERNAL_ERROR, message=error_text(exc), data={"uri": ACCOUNT_URI}) from exc
    summary: dict[str, Any] = {"demo": connection.demo, "account": account, "plan": plan}
    if connection.demo:
        summary["notice"] = state.notice()
    return summary


@dataclass(frozen=True)
class ServedResource:
    """One resource: `definition` is listed as is; `read()` is its text."""

    definition: Resource
    read: Callable[[], Awaitable[str]]

    @property
    def uri(self) -> str:
        return str(self.definition.uri)


def served_resources(state: ServerState) -> list[ServedResource]:
    async def glossary() -> str:
        return glossary_text()

    async def account() -> str:
        return json_text(await account_summary(state))

    return [
        ServedResource(Resource(
            uri=GLOSSARY_URI,
            name="metric_glossary",
            title="Metric glossary",
            description="How ROAS, ROI, conversion rate, AOV, void rate, effective commission rate and the "
            "other figures are computed.",
            mime_type="text/markdown",
        ), glossary),
        ServedResource(Resource(
            uri=ACCOUNT_URI,
            name="account_summary",
            title="Account summary",
            description="The merchant account (name, currency, time zone, balance) and its current plan.",
            mime_type="application/json",
        ), account),
    ]
