"""`partnerboost tenants`: the operator manages a hosted server's tenants (never printing their credentials).

    partnerboost tenants new-key                       # a key for PARTNERBOOST_TENANTS_KEY
    partnerboost tenants add acme --from-env PARTNERBOOST_API_KEY [--from-stdin NAME ...] [--token-file PATH]
    partnerboost tenants list [--json]
    partnerboost tenants revoke t_0123abcd

A tenant's credential values are read from the operator's environment (`--from-env NAME`) or from standard
input, one line per `--from-stdin NAME` in order, never from the command line (which other users can see).
`add` prints the tenant's bearer token once (or writes it to --token-file, mode 0600); only its hash is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from partnerboost_skill.commands.common import UsageError, note

if TYPE_CHECKING:
    from partnerboost_skill.tenants import Registry, Sealer


def _registry_and_sealer(need_key: bool) -> tuple[Registry, Sealer | None]:
    from partnerboost_skill.config import ENV_VARS, load_settings
    from partnerboost_skill.tenants import Sealer, open_registry

    settings = load_settings()
    if settings.tenants is None:
        raise UsageError(
            f"set {ENV_VARS['tenants']} to the tenants file (e.g. /etc/partnerboost/tenants.json) or to a "
            "postgresql:// URL (the cache database's pb_tenants table)"
        )
    sealer = None
    if need_key:
        if settings.tenants_key is None:
            raise UsageError(
                f"set {ENV_VARS['tenants_key']} (create a key with `partnerboost tenants new-key`; keep it "
                "out of the tenants file)"
            )
        sealer = Sealer(settings.tenants_key.get_secret_value())
    return open_registry(settings.tenants.get_secret_value()), sealer


def _when(seconds: int | None) -> str:
    return "" if seconds is None else f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%d %H:%M} UTC"


def new_key(_: argparse.Namespace) -> int:
    from partnerboost_skill.tenants import new_key as make

    print(make())
    return 0


def add(args: argparse.Namespace) -> int:
    from partnerboost_skill.tenants import TenantError, new_tenant
    from partnerboost_skill.tenants.accounts import check_variables

    registry, sealer = _registry_and_sealer(need_key=True)
    assert sealer is not None
    values: dict[str, str] = {}
    try:
        names = check_variables([*args.from_env, *args.from_stdin])
    except TenantError as error:
        raise UsageError(str(error)) from None
    for name in args.from_env:
        value = os.environ.get(name, "").strip()
        if not value:
            raise UsageError(f"--from-env {name}: {name} is not set in this environment")
        values[name] = value
    for name in args.from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UsageError(f"--from-stdin {name}: standard input has no line for it")
        values[name] = line.strip()
    if not any("TOKEN" in name or "KEY" in name or "SECRET" in name for name in values):
        raise UsageError("a tenant needs at least one credential (e.g. --from-env PARTNERBOOST_API_KEY)")
    try:
        tenant, token = new_tenant(args.name, names, lambda tenant_id: sealer.seal(tenant_id, values))
        registry.add(tenant)
    except TenantError as error:
        raise UsageError(str(error)) from None
    if args.token_file:
        path = Path(args.token_file).expanduser()
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            registry.revoke(tenant.id)
            raise UsageError(f"--token-file {path}: {error.strerror} (the tenant was not kept)") from None
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
        note(f"tenant {tenant.id} ({tenant.name}) added; its bearer token is in {path}")
    else:
        note(f"tenant {tenant.id} ({tenant.name}) added; its bearer token (shown once, never stored):")
        print(token)
    return 0


def list_tenants(args: argparse.Namespace) -> int:
    registry, _ = _registry_and_sealer(need_key=False)
    tenants = registry.all()
    if args.json:
        rows = [
            {"id": t.id, "name": t.name, "variables": list(t.variables), "created": _when(t.created_at),
             "revoked": _when(t.revoked_at) or None}
            for t in tenants
        ]
        print(json.dumps(rows, indent=1))
        return 0
    if not tenants:
        note(f"no tenants in {registry.label}")
        return 0
    for t in tenants:
        state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else f"active since {_when(t.created_at)}"
        print(f"{t.id}  {t.name}  {state}  {', '.join(t.variables)}")
    return 0


def revoke(args: argparse.Namespace) -> int:
    from partnerboost_skill.tenants import TenantError

    registry, _ = _registry_and_sealer(need_key=False)
    try:
        tenant = registry.revoke(args.tenant_id)
    except TenantError as error:
        raise UsageError(str(error)) from None
    note(f"tenant {tenant.id} ({tenant.name}) revoked: its token no longer connects and its credentials are "
         "deleted (cached data stays until the cache is cleared)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "tenants",
        help="manage a hosted server's tenants (serve --http --hosted)",
        description="Manage the tenants of a hosted MCP server: each has its own bearer token and its own "
        "PartnerBoost credentials, encrypted with PARTNERBOOST_TENANTS_KEY in PARTNERBOOST_TENANTS (a file "
        "or a postgresql:// URL). Credentials are never printed.",
    )
    actions = parser.add_subparsers(dest="tenants_command", metavar="ACTION")
    key = actions.add_parser("new-key", help="print a new encryption key for PARTNERBOOST_TENANTS_KEY")
    key.set_defaults(handler=new_key)
    adding = actions.add_parser("add", help="add a tenant and print its bearer token once")
    adding.add_argument("name", help="the tenant's name (unique among active tenants)")
    adding.add_argument("--from-env", action="append", default=[], metavar="NAME",
                        help="take this setting's value from the same-named environment variable (repeat)")
    adding.add_argument("--from-stdin", action="append", default=[], metavar="NAME",
                        help="read this setting's value from the next line of standard input (repeat)")
    adding.add_argument("--token-file", metavar="PATH", help="write the token to this new file (0600)")
    adding.set_defaults(handler=add)
    listing = actions.add_parser("list", help="the tenants: id, name, state, setting names (no values)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_tenants)
    revoking = actions.add_parser("revoke", help="revoke a tenant's token and delete its credentials")
    revoking.add_argument("tenant_id")
    revoking.set_defaults(handler=revoke)

    def usage(_: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(handler=usage)
