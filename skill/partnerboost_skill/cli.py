"""The `partnerboost` command line: one subcommand per capability, thin over the server's functions."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.commands import (
    actions_cmd,
    answer_cmds,
    ask_cmd,
    bot_cmd,
    call_cmd,
    chat_cmd,
    doctor_cmd,
    init_cmd,
    sandbox_cmd,
    serve_cmd,
    tenants_cmd,
)
from partnerboost_skill.commands.common import UsageError, fail
from partnerboost_skill.config import ConfigError
from partnerboost_skill.version import package_version

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerboost",
        description="PartnerBoost for merchants and agents: call any API action, or run the local sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask_cmd.register(sub)
    chat_cmd.register(sub)
    bot_cmd.register(sub)
    answer_cmds.register(sub)
    actions_cmd.register(sub)
    call_cmd.register(sub)
    sandbox_cmd.register(sub)
    serve_cmd.register(sub)
    init_cmd.register(sub)
    doctor_cmd.register(sub)
    tenants_cmd.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except (UsageError, ConfigError, PartnerBoostError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): nothing is wrong with the answer, so no error message;
        # stdout goes to devnull so the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        logging.getLogger("partnerboost").debug("unexpected error", exc_info=True)
        return fail(f"unexpected internal error ({type(exc).__name__}); please report it.", 1)


if __name__ == "__main__":
    raise SystemExit(main())
