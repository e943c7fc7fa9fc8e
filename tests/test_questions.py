"""The question registry is the one home of each question: every surface reads its names, options and
defaults from it."""

from __future__ import annotations

import pytest
from mcp import Client

from partnerboost_skill import routing
from partnerboost_skill.cli import build_parser
from partnerboost_skill.commands.answer_cmds import _choices, question_values
from partnerboost_skill.config import Settings
from partnerboost_skill.questions import BY_NAME, QUESTIONS
from partnerboost_skill.server import prompts
from partnerboost_skill.server.app import build_server


def test_every_input_declares_period_first_and_lang_last() -> None:
    for question in QUESTIONS:
        fields = list(question.input_model.model_fields)
        assert fields[0] == "period" and fields[-1] == "lang", question.name


def test_each_question_is_a_cli_subcommand_with_an_option_per_input_field() -> None:
    parser = build_parser()
    for question in QUESTIONS:
        options = [f for f in question.input_model.model_fields if f not in ("period", "lang")]
        argv = [question.name]
        expected = {}
        for name in options:
            field = question.input_model.model_fields[name]
            # an option whose default is None (the platform's own default) is given its first choice
            value = field.default if field.default is not None else _choices(field)[0][0]
            argv += [f"--{name.replace('_', '-')}", str(value)]
            expected[name] = value
        args = parser.parse_args(argv)
        assert question_values(args, question) == expected


def test_a_cli_alias_becomes_the_models_value() -> None:
    args = build_parser().parse_args(["compare", "October", "--against", "year"])
    values = question_values(args, BY_NAME["compare"])
    assert values["against"] == "year_before"
    assert BY_NAME["compare"].options(period="October", **values).against == "year_before"


def test_the_defaults_live_in_the_input_model_only() -> None:
    expected = {q.name: q.input_model.model_fields["period"].default for q in QUESTIONS}
    assert expected == routing.DEFAULT_PERIODS
    assert {q.prompt: expected[q.name] for q in QUESTIONS if q.prompt} == prompts.DEFAULT_PERIODS
    # the partner-media prompt once said "last three months" while the tool said "last 30 days"
    assert prompts.DEFAULT_PERIODS["partner_media"] == BY_NAME["partners"].default_period


@pytest.mark.anyio
async def test_each_question_is_an_mcp_tool_with_its_input_models_parameters() -> None:
    async with Client(build_server(Settings())) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for question in QUESTIONS:
        schema = tools[question.tool].input_schema
        assert list(schema["properties"]) == list(question.input_model.model_fields)
        assert schema["properties"]["period"]["default"] == question.default_period


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
