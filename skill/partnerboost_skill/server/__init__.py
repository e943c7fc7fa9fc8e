"""The PartnerBoost MCP server: `build_server(settings, toolsets=..., allow_writes=...)` returns an MCPServer;
`skill.server.transports` runs it over stdio or streamable HTTP."""

from partnerboost_skill.server.app import build_server

__all__ = ["build_server"]
