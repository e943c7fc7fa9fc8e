"""The PartnerBoost skill server: client, sandbox, analysis, MCP server and CLI."""
