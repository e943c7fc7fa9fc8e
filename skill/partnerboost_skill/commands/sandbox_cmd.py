"""`partnerboost sandbox`: serve the local PartnerBoost simulator on loopback, optionally with faults."""

from __future__ import annotations

import argparse
import errno
import math
import re
import socket
from typing import Any

from partnerboost_skill.commands.common import UsageError
from partnerboost_skill.sandbox.dialects.catalogue import DIALECTS

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/s)?\s*$")

NAMED_FAULTS: dict[str, dict[str, Any]] = {
    "hang": {"hang_rate": 1.0, "hang_seconds": 3600.0},
    "trickle": {"trickle_bytes_per_s": 2.0},
    "rate-limit-forever": {"endless_rate_limit": 30.0},
    "ignore-page": {"ignore_page_num": True},
    "null-data": {"lying_data": "null"},
    "empty-data": {"lying_data": "empty"},
    "echo-key-upper": {"echo_credentials": "upper"},
    "echo-key-lower": {"echo_credentials": "lower"},
    "echo-key-base64": {"echo_credentials": "base64"},
    "echo-key-hex": {"echo_credentials": "hex"},
    "echo-key-url": {"echo_credentials": "url"},
}
"""Upstreams that hang, trickle, rate-limit for ever, lie about pages or echo rejected keys
(sandbox/faults.py): for trying the skill against them by hand."""


def parse_rate(text: str | None) -> float | None:
    if text is None:
        return None
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--rate-limit expects requests per second such as 20/s or 5, got {text!r}.")
    return float(match.group(1))


def check_port(host: str, port: int) -> None:
    """Refuse a port out of range, or one that cannot be bound, before the world is generated."""
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {port}.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host!r} is not an address this machine can serve on ({exc}).") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            why = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise UsageError(f"--port {port} on {host} {why}; choose another port.") from None


def fault_knobs(names: list[str] | None) -> dict[str, Any]:
    knobs: dict[str, Any] = {}
    for name in names or []:
        knobs.update(NAMED_FAULTS[name])
    return knobs


def run(args: argparse.Namespace) -> int:
    from partnerboost_skill.sandbox.serve import run_sandbox

    if not 0.0 <= args.error_rate <= 1.0:
        raise UsageError(f"--error-rate must be between 0 and 1, got {args.error_rate}.")
    if not (args.orders_per_day > 0 and math.isfinite(args.orders_per_day)):
        raise UsageError(f"--orders-per-day must be a positive number, got {args.orders_per_day}.")
    if not (args.latency_ms >= 0 and math.isfinite(args.latency_ms)):
        raise UsageError(f"--latency-ms must be a number of milliseconds, 0 or more, got {args.latency_ms}.")
    check_port(args.host, args.port)
    run_sandbox(
        host=args.host,
        port=args.port,
        seed=args.seed,
        orders_per_day=args.orders_per_day,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_limit=parse_rate(args.rate_limit),
        dialect=args.dialect,
        faults=fault_knobs(args.fault),
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sandbox",
        help="serve the local PartnerBoost sandbox on loopback",
        description="Serve a deterministic simulator of all four PartnerBoost APIs. It prints the base URLs "
        "and the credentials it accepts.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--orders-per-day", type=int, default=300)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added latency per request")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered with a 5xx")
    parser.add_argument("--rate-limit", help="requests per second before answering 429, e.g. 20/s")
    parser.add_argument("--dialect", default="default", choices=list(DIALECTS),
                        help="serve the same world in another plausible record shape (docs/contracts.md, "
                        "'Sandbox dialects')")
    parser.add_argument("--fault", action="append", choices=sorted(NAMED_FAULTS), metavar="NAME",
                        help="misbehave on purpose (repeatable): " + ", ".join(sorted(NAMED_FAULTS)))
    parser.set_defaults(handler=run)
