"""MCP resources: the metric glossary and the account summary (account_info + current_plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

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
        raise ResourceError(error_text(exc)) from exc
    summary: dict[str, Any] = {"demo": connection.demo, "account": account, "plan": plan}
    if connection.demo:
        summary["notice"] = state.notice()
    return summary


def register_resources(server: MCPServer[Any], state: ServerState) -> None:
    @server.resource(
        GLOSSARY_URI,
        name="metric_glossary",
        title="Metric glossary",
        description="How ROAS, ROI, conversion rate, AOV, void rate, effective commission rate and the other "
        "figures are computed.",
        mime_type="text/markdown",
    )
    def glossary() -> str:
        return glossary_text()

    @server.resource(
        ACCOUNT_URI,
        name="account_summary",
        title="Account summary",
        description="The merchant account (name, currency, time zone, balance) and its current plan.",
        mime_type="application/json",
    )
    async def account() -> str:
        return json_text(await account_summary(state))
