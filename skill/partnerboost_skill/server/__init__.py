"""The PartnerBoost MCP server: `build_server(settings, toolsets=..., allow_writes=...)` returns the SDK's
low-level MCP `Server`; `skill.server.transports` runs it over stdio or streamable HTTP."""

from partnerboost_skill.server.app import build_server

__all__ = ["build_server"]
