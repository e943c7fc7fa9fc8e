"""Every answer on every sandbox dialect equals the canonical answer to the cent or says what it could not
read.

The sandbox dialects (partnerboost_skill.sandbox.dialects) serve one world in other plausible record shapes
and conventions. Each answer — review with each group-by, orders, bill, partners, compare (in process, on the
answers' entry points) and every CLI command including ask (through `main`, cache on) — is compared with the
same answer on the default dialect; `dialect_matrix_support.judge` defines equal and explained. A silent
difference fails. Through the CLI, no data-shape problem may surface as "unexpected internal error".

XFAIL lists what the reader cannot do yet: one entry per failing combination, strict, so a combination that
starts passing fails the run until its entry is removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dialect_matrix_support import (
    CLI_COMMANDS,
    QUESTIONS,
    CliRun,
    Vocabulary,
    answer,
    judge,
    outcome_text,
    run_cli,
)

from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.sandbox.dialects import DIALECTS
from partnerboost_skill.sandbox.world import World

pytestmark = pytest.mark.anyio

# ---------------------------------------------------------------------------------------- expected failures
# Every combination passes today. When a new dialect or answer cannot be read yet, list it here with the
# reason (strict marks: an entry whose combination starts passing fails the run until it is removed).
XFAIL: dict[tuple[str, str, str], str] = {
}
"""(test, dialect, case) → why it fails today. test: "answer" (in process), "cli" (figures through the CLI),
"internal" (the CLI printed 'unexpected internal error')."""

DIALECT_NAMES = [name for name in DIALECTS if name != "default"]


def _silent_text(dialect: str, case: str, silent: list[str]) -> str:
    return f"{dialect} {case}: {len(silent)} silent differences, e.g.\n" + "\n".join(silent[:12])


def _cases(test: str, names: list[str], dialects: list[str]) -> Iterator[Any]:
    for dialect in dialects:
        for name in names:
            reason = XFAIL.get((test, dialect, name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(dialect, name, id=f"{dialect}-{name}", marks=marks)


_canonical: dict[str, dict[str, Any]] = {}
_cli_runs: dict[tuple[str, str], CliRun] = {}


async def _canonical_answer(world: World, question: str) -> dict[str, Any]:
    if question not in _canonical:
        result = await answer(world, "default", question)
        assert isinstance(result, Answer), f"the canonical {question} failed: {outcome_text(result)}"
        _canonical[question] = result.model_dump(mode="json")
    return _canonical[question]


def _cli(world: World, dialect: str, command: str, tmp_path_factory: pytest.TempPathFactory,
         capsys: pytest.CaptureFixture[str]) -> CliRun:
    if (dialect, command) not in _cli_runs:
        home = tmp_path_factory.mktemp(f"cli-{dialect}-{command}")
        _cli_runs[(dialect, command)] = run_cli(world, dialect, command, home, capsys)
    return _cli_runs[(dialect, command)]


@pytest.mark.parametrize(("dialect", "question"), list(_cases("answer", list(QUESTIONS), DIALECT_NAMES)))
async def test_answer_equals_canonical_or_says_what_it_could_not_read(
    dialect_world: World, identities: dict[str, str], dialect: str, question: str
) -> None:
    canonical = await _canonical_answer(dialect_world, question)
    result = await answer(dialect_world, dialect, question)
    assert isinstance(result, Answer), f"{dialect} {question}: {outcome_text(result)}"
    silent = judge(canonical, result.model_dump(mode="json"), Vocabulary(identities, DIALECTS[dialect]))
    assert not silent, _silent_text(dialect, question, silent)


@pytest.mark.parametrize(("dialect", "command"), list(_cases("cli", list(CLI_COMMANDS), DIALECT_NAMES)))
def test_cli_answer_equals_canonical_or_says_what_it_could_not_read(
    dialect_world: World, identities: dict[str, str], dialect: str, command: str,
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
) -> None:
    canonical = _cli(dialect_world, "default", command, tmp_path_factory, capsys)
    assert canonical.code == 0 and canonical.result is not None, canonical.err
    got = _cli(dialect_world, dialect, command, tmp_path_factory, capsys)
    assert got.code == 0 and got.result is not None, f"{dialect} {command}: exit {got.code}: {got.err}"
    silent = judge(canonical.result, got.result, Vocabulary(identities, DIALECTS[dialect]))
    assert not silent, _silent_text(dialect, command, silent)


@pytest.mark.parametrize(("dialect", "command"), list(_cases("internal", list(CLI_COMMANDS), list(DIALECTS))))
def test_cli_never_reports_a_data_shape_problem_as_an_internal_error(
    dialect_world: World, dialect: str, command: str,
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
) -> None:
    run = _cli(dialect_world, dialect, command, tmp_path_factory, capsys)
    assert "unexpected internal error" not in run.err + run.out, f"{dialect} {command}: {run.err.strip()}"
    assert "Traceback" not in run.err + run.out


def test_every_expected_failure_names_a_real_case() -> None:
    cases = {"answer": set(QUESTIONS), "cli": set(CLI_COMMANDS), "internal": set(CLI_COMMANDS)}
    stale = [k for k in XFAIL if k[0] not in cases or k[1] not in DIALECTS or k[2] not in cases[k[0]]]
    assert not stale, f"XFAIL entries for cases that do not exist: {stale}"


def test_the_matrix_compares_something(identities: dict[str, str]) -> None:
    """The judge is not vacuous: a commission off by one cent, a lost group and an unexplained None fail; a
    None explained by a note naming clicks passes."""
    vocab = Vocabulary(identities, DIALECTS["default"])
    base = {
        "complete": True,
        "notes": [],
        "totals": {
            "key": "total", "clicks": 10, "conversion_rate": 0.5, "money": {"USD": {"commission": "1.00"}},
        },
        "groups": [{"key": "A", "orders": 1}, {"key": "B", "orders": 2}],
    }
    assert judge(base, base, vocab) == []
    off_by_a_cent = {**base, "totals": {**base["totals"], "money": {"USD": {"commission": "1.01"}}}}
    assert judge(base, off_by_a_cent, vocab) == [
        "totals/money/USD/commission: canonical '1.00', dialect '1.01'"
    ]
    lost_group = {**base, "groups": base["groups"][:1]}
    assert judge(base, lost_group, vocab) == ["groups[B]/orders: canonical 2, dialect absent"]
    no_clicks = {**base, "totals": {**base["totals"], "clicks": None, "conversion_rate": None}}
    assert len(judge(base, no_clicks, vocab)) == 2
    explained = {**no_clicks, "notes": ["the performance rows carry no clicks field: conversion is left out"]}
    assert judge(base, explained, vocab) == []
    wrong_but_noted = {**explained, "totals": {**explained["totals"], "clicks": 11}}
    assert judge(base, wrong_but_noted, vocab) == ["totals/clicks: canonical 10, dialect 11"]
