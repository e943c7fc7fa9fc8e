"""`partnerboost sandbox`: serve the local PartnerBoost simulator on loopback."""

from __future__ import annotations

import argparse
import re

from partnerboost_skill.commands.common import UsageError
from partnerboost_skill.sandbox.dialects.catalogue import DIALECTS

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/s)?\s*$")


def parse_rate(text: str | None) -> float | None:
    if text is None:
        return None
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--rate-limit expects requests per second such as 20/s or 5, got {text!r}.")
    return float(match.group(1))


def run(args: argparse.Namespace) -> int:
    from partnerboost_skill.sandbox.serve import run_sandbox

    if not 0.0 <= args.error_rate <= 1.0:
        raise UsageError(f"--error-rate must be between 0 and 1, got {args.error_rate}.")
    if args.orders_per_day <= 0 or args.latency_ms < 0:
        raise UsageError("--orders-per-day must be positive and --latency-ms not negative.")
    run_sandbox(
        host=args.host,
        port=args.port,
        seed=args.seed,
        orders_per_day=args.orders_per_day,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_limit=parse_rate(args.rate_limit),
        dialect=args.dialect,
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
    parser.set_defaults(handler=run)
