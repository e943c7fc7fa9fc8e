"""`partnerboost actions`: list every PartnerBoost API action the catalogue knows."""

from __future__ import annotations

import argparse
import json
from typing import Any

from partnerboost_tools.catalogue import ACTIONS


def action_rows() -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "family": cls.family,
            "endpoint": cls.describe_endpoint(),
            "method": cls.method,
            "writes": cls.writes,
            "inferred": cls.inferred,
            "summary": cls.summary(),
        }
        for name, cls in ACTIONS.items()
    ]


def run(args: argparse.Namespace) -> int:
    rows = action_rows()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r["name"]) for r in rows)
    for family in ("merchant", "brand", "publisher", "amazon"):
        print(f"\n{family}")
        for row in (r for r in rows if r["family"] == family):
            flags = " [writes]" if row["writes"] else ""
            flags += " [inferred name]" if row["inferred"] else ""
            print(f"  {row['name']:<{width}}  {row['endpoint']}{flags}")
    print(f"\n{len(rows)} actions. Details: partnerboost actions --json")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("actions", help="list every API action (name, family, endpoint, method, writes)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)
