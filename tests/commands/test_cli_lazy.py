"""The CLI imports only the module of the command it runs (issue #14: `--version` took 0.87 s importing every
subcommand's dependencies), and still knows every command."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from partnerboost_skill.cli import COMMAND_MODULES, build_parser, modules_for, parser_for
from partnerboost_skill.questions import QUESTIONS


def command_names(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices]


def test_every_command_is_either_in_the_table_or_a_question() -> None:
    every = command_names(build_parser())
    assert sorted(every) == sorted([*COMMAND_MODULES, *(q.name for q in QUESTIONS)])
    assert len(every) == len(set(every))


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_a_table_command_is_registered_by_its_own_module_alone(command: str) -> None:
    assert command_names(build_parser(modules_for(command, [command]))) == [command]


@pytest.mark.parametrize("question", [q.name for q in QUESTIONS])
def test_a_question_command_parses_with_only_the_answer_commands(question: str) -> None:
    parser = parser_for([question])
    assert question in command_names(parser)
    assert not set(COMMAND_MODULES) & set(command_names(parser))


def test_an_unknown_command_is_refused_with_every_command_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parser_for(["revue"]).parse_args(["revue"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'revue'" in error
    assert "'init'" in error and "'review'" in error


def test_help_before_a_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser_for(["-h", "review"]).parse_args(["-h", "review"])
    shown = capsys.readouterr().out
    assert "tenants" in shown and "review" in shown


@pytest.mark.parametrize(("argv", "absent"), [
    (["--version"], ["pandas", "pydantic", "partnerboost_skill.api.client"]),
    (["tenants", "--help"], ["pandas", "partnerboost_skill.api.client"]),
    (["actions"], ["pandas", "partnerboost_skill.api.client"]),
])
def test_light_commands_import_neither_pandas_nor_the_client(argv: list[str], absent: list[str]) -> None:
    script = (
        "import sys\n"
        "from partnerboost_skill.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', [m for m in {absent!r} if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          check=False)
    assert "LOADED []" in done.stderr, done.stderr[-2000:]
