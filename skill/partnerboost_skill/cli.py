"""The `partnerboost` command line: one subcommand per capability, thin over the server's functions."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from partnerboost_skill.commands.common import UsageError, fail
from partnerboost_skill.version import package_version

EXIT_USAGE = 2


COMMAND_MODULES: dict[str, str] = {
    "ask": "ask_cmd",
    "chat": "chat_cmd",
    "bot": "bot_cmd",
    "actions": "actions_cmd",
    "call": "call_cmd",
    "sandbox": "sandbox_cmd",
    "serve": "serve_cmd",
    "init": "init_cmd",
    "doctor": "doctor_cmd",
    "tenants": "tenants_cmd",
}
"""Every subcommand but the questions, and the module that registers it: a run imports only the module of the
command it names (the question commands come from the registry through answer_cmds; see modules_for)."""

REGISTRATION_ORDER = ("ask_cmd", "chat_cmd", "bot_cmd", "answer_cmds", "actions_cmd", "call_cmd",
                      "sandbox_cmd", "serve_cmd", "init_cmd", "doctor_cmd", "tenants_cmd")
"""The order of `partnerboost --help`'s command list."""

def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand argv names: its first word that is not an option (the top-level options take no value);
    None when a help option comes first (the top-level help lists every command)."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return None
        if not arg.startswith("-"):
            return arg
    return None


def modules_for(command: str | None, argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a run needs: the one that registers `command`, answer_cmds for anything else (the
    questions; main falls back to all of them for a name no module has), none for a bare --version."""
    if command in COMMAND_MODULES:
        return (COMMAND_MODULES[command],)
    if command is not None:
        return ("answer_cmds",)
    if "--version" in argv and not {"-h", "--help"} & set(argv):
        return ()
    return REGISTRATION_ORDER


def build_parser(modules: Sequence[str] = REGISTRATION_ORDER) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerboost",
        description="PartnerBoost for merchants and agents: call any API action, or run the local sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules:
        importlib.import_module(f"partnerboost_skill.commands.{module}").register(sub)
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """A parser that knows the command argv names (and every command when argv names none it knows)."""
    command = command_of(argv)
    modules = modules_for(command, argv)
    parser = build_parser(modules)
    if command is not None and modules != REGISTRATION_ORDER and command not in _command_names(parser):
        parser = build_parser()
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = parser_for(arguments)
    args = parser.parse_args(arguments)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
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
        # imported here, not at the top: a command that never loads the client answers without it
        from partnerboost_skill.api.errors import PartnerBoostError
        from partnerboost_skill.config import ConfigError

        if isinstance(exc, UsageError | ConfigError | PartnerBoostError):
            return fail(str(exc))
        logging.getLogger("partnerboost").debug("unexpected error", exc_info=True)
        return fail(f"unexpected internal error ({type(exc).__name__}); please report it.", 1)


if __name__ == "__main__":
    raise SystemExit(main())
