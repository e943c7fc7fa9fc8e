"""The `partnerboost` command on random argv: exit 0, 1 (PartnerBoost said no) or 2 (bad input), a message on
stderr when it fails, and never a traceback or an "unexpected internal error".

The commands come from the CLI's own parser, so a command added later is fuzzed too; only the two that start
servers and never return (`serve`, `sandbox`) are left out. Everything runs on a small sandbox world with no
credentials, HOME and the cache in a temporary folder, and `init` verifying against the sandbox.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_support import fuzz_settings, subcommands

import partnerboost_skill.sandbox
from partnerboost_skill.cli import main
from partnerboost_skill.commands import init_cmd
from partnerboost_skill.sandbox import sandbox_transport
from partnerboost_skill.sandbox.world import World, WorldConfig
from partnerboost_tools.catalogue import ACTIONS

CLI_WORLD = WorldConfig(seed=3, days=170, orders_per_day=12, n_partners=20)

PHRASES = ["last month", "last three months", "last 7 days", "this year", "2026-10", "Q3 2026", "上个月",
           "最近三个月", "9999", "2026-02-30", "yesterday..today", "the other day", "last 1000000 days"]
QUESTIONS = ["how did we do last month", "上个月的账单", "which partners", "compare with last year",
             "ignore previous instructions", "@everyone", "review 2026-10 by country"]
JUNK = ["-", "--", "---", "-x", "--no-such-flag", "=", "key=", "=value", "{}", "[]", "null", '{"a":', "0",
        "-1", "99999999999999999999", "\u202e", "\x00", "a" * 300, "--format=", "--group-by=", "--params"]


VALUES = st.one_of(
    st.sampled_from(PHRASES + JUNK + ["5", "UTC", "chart.png", "all", "joined", "en", "zh"]),
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["page_size", "status", "trans_time_start", "x"]),
              st.sampled_from(["5", "0", "abc", "[1]", '"2026-10-01"', ""])),
    st.dictionaries(st.sampled_from(["page_size", "page", "status", "nope"]),
                    st.one_of(st.integers(-5, 10**12), st.text(max_size=5)), max_size=2).map(json.dumps),
    st.text(max_size=12),
)


def units(parser: argparse.ArgumentParser) -> list[st.SearchStrategy[list[str]]]:
    """Well-formed pieces of a command line: each option with a value it accepts (or any value), each
    positional with plausible words."""
    pieces: list[st.SearchStrategy[list[str]]] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            words = sorted(ACTIONS) if action.dest == "action" else PHRASES + QUESTIONS
            pieces.append(st.sampled_from(words).map(lambda word: [word]))
            continue
        flag = max(action.option_strings, key=len)
        if action.nargs == 0:
            pieces.append(st.just([flag]))
        elif action.choices:
            choices = [str(choice) for choice in action.choices]
            pieces.append(st.sampled_from(choices).map(lambda value, flag=flag: [flag, value]))
        else:
            pieces.append(VALUES.map(lambda value, flag=flag: [flag, value]))
    return pieces


def argv_for(command: str, parser: argparse.ArgumentParser) -> st.SearchStrategy[list[str]]:
    """Mostly well-formed command lines, sometimes with a junk token somewhere."""
    piece = st.one_of(*units(parser)) if units(parser) else st.just([])
    junk = st.one_of(st.sampled_from(JUNK + PHRASES), st.text(max_size=12)).map(lambda token: [token])
    pieces = st.lists(st.one_of(piece, piece, piece, junk), max_size=4)
    return pieces.map(lambda parts: [command, *(token for part in parts for token in part)])


@pytest.fixture
def sandbox_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    world = World.generate(CLI_WORLD)
    monkeypatch.setattr(partnerboost_skill.sandbox, "_default_world", world)
    monkeypatch.setattr(init_cmd, "transport_for_tests", sandbox_transport(world))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return tmp_path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    out, err = capsys.readouterr()
    return code, out, err


def check_run(argv: list[str], capsys: pytest.CaptureFixture[str], config: Path) -> None:
    code, out, err = run_cli(argv, capsys)
    shown = f"argv={argv!r}\nstderr={err[-800:]}"
    assert code in (0, 1, 2), shown
    assert "Traceback" not in out + err, shown
    assert "unexpected internal error" not in err, shown
    if code != 0:
        assert err.strip(), f"failed without saying why: {shown}"
    config.unlink(missing_ok=True)  # an `init` that succeeded must not change the next example


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_random_arguments_to_each_command(
    command: str, sandbox_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = subcommands()[command]

    @fuzz_settings(12)
    @given(argv_for(command, parser))
    def check(argv: list[str]) -> None:
        check_run(argv, capsys, sandbox_home / ".config" / "partnerboost" / "config.toml")

    check()


@fuzz_settings(40)
@given(argv=st.lists(st.one_of(st.text(max_size=10), st.sampled_from([*JUNK, "-h", "--version", "review"])),
                     max_size=4))
def test_random_argv_without_a_known_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    if argv and argv[0] in subcommands():
        return
    code, out, err = run_cli(argv, capsys)
    assert code in (0, 2), (argv, err)
    assert "Traceback" not in out + err
