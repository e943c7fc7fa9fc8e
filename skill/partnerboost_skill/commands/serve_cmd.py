"""`partnerboost serve`: run the MCP server over stdio (default) or streamable HTTP (--http)."""

from __future__ import annotations

import argparse
import logging

from partnerboost_skill.commands.common import UsageError


def run(args: argparse.Namespace) -> int:
    from partnerboost_skill.config import ConfigError, load_settings
    from partnerboost_skill.server import build_server
    from partnerboost_skill.server.app import build_http_server
    from partnerboost_skill.server.toolsets import ToolsetError
    from partnerboost_skill.server.transports import (
        ServeError,
        log_to_stderr,
        required_token,
        run_http,
        run_stdio,
    )

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}.")
    log_to_stderr(logging.INFO if args.http else logging.WARNING)
    if args.hosted:
        return run_hosted_mode(args)
    try:
        settings = load_settings()
        configured = settings.mcp_token.get_secret_value() if settings.mcp_token else None
        token = required_token(args.host, configured) if args.http else None
        allow_writes = True if args.allow_writes else None
        if args.http:
            server, routes = build_http_server(settings, toolsets=args.toolsets, allow_writes=allow_writes)
        else:
            server, routes = build_server(settings, toolsets=args.toolsets, allow_writes=allow_writes), []
    except (ConfigError, ToolsetError, ServeError) as exc:
        raise UsageError(str(exc)) from None
    if args.http:
        run_http(server, host=args.host, port=args.port, token=token, max_sessions=settings.mcp_max_sessions,
                 session_idle_seconds=settings.mcp_session_idle_seconds, routes=routes)
    else:
        run_stdio(server)
    return 0


def run_hosted_mode(args: argparse.Namespace) -> int:
    from partnerboost_skill.config import ConfigError, load_settings
    from partnerboost_skill.server.hosted import hosted_server, run_hosted
    from partnerboost_skill.server.toolsets import ToolsetError

    if not args.http:
        raise UsageError("--hosted serves many merchants over HTTP: add --http")
    try:
        settings = load_settings()
        if settings.mcp_token is not None:
            raise UsageError(
                "--hosted authenticates every client by its own tenant token: unset PARTNERBOOST_MCP_TOKEN "
                "(add tenants with `partnerboost tenants add`)"
            )
        server, pool = hosted_server(
            settings, toolsets=args.toolsets, allow_writes=True if args.allow_writes else None
        )
    except (ConfigError, ToolsetError) as exc:
        raise UsageError(str(exc)) from None
    run_hosted(server, pool, host=args.host, port=args.port)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the MCP server (stdio, or streamable HTTP with --http)",
        description="Run the PartnerBoost MCP server. Without credentials it serves the built-in sandbox "
        "(demo data). By default it lists eight tools: the six analysis tools, search_api_actions and "
        "run_api_action, which reach every API action of the merchant family and of each family with "
        "credentials. Naming a family in --toolsets lists its actions as typed tools too. Writes appear only "
        "with --allow-writes (or PARTNERBOOST_ALLOW_WRITES=1) and still preview unless confirmed. Over HTTP, "
        "binding to anything but loopback requires PARTNERBOOST_MCP_TOKEN (32 characters or more); sessions "
        "are capped (PARTNERBOOST_MCP_MAX_SESSIONS) and close when idle "
        "(PARTNERBOOST_MCP_SESSION_IDLE_SECONDS).",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp (GET /health)")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    parser.add_argument("--toolsets", metavar="A,B",
                        help="exactly these toolsets: analysis, api, or an API family (merchant, brand, "
                        "publisher, amazon, openpartner) to list its actions as typed tools; default = "
                        "analysis,api; all (e.g. default,merchant)")
    parser.add_argument("--hosted", action="store_true",
                        help="with --http: many merchants, each client with its own tenant token "
                        "(PARTNERBOOST_TENANTS, PARTNERBOOST_TENANTS_KEY; see `partnerboost tenants`); "
                        "stateless, so replicas sharing PARTNERBOOST_CACHE_URL can answer any request")
    parser.add_argument("--allow-writes", action="store_true",
                        help="offer the write actions (they still preview unless confirmed)")
    parser.set_defaults(handler=run)
