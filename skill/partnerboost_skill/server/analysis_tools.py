"""The analysis tools: one per question of the registry (questions.py), answered end to end.

Each takes a period phrase (English or Chinese) and typed options (the question's input model), fetches every
record it needs (reporting progress), and returns the typed result as structured content plus the CLI's
Markdown answer as text.
"""

from __future__ import annotations

from typing import Any

from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from partnerboost_skill import answers
from partnerboost_skill.analysis.metrics import AnalysisError
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.answers import UnknownPlatform
from partnerboost_skill.api.deadline import answer_deadline
from partnerboost_skill.api.errors import MissingCredentials
from partnerboost_skill.input_errors import explain_validation_error
from partnerboost_skill.periods import PeriodError
from partnerboost_skill.questions import QUESTIONS, Context, Question, QuestionInput
from partnerboost_skill.render import i18n
from partnerboost_skill.server import summaries
from partnerboost_skill.server.output_cap import MAX_TEXT_BYTES, json_text, shrink_lists, size_of
from partnerboost_skill.server.output_models import UntitledJsonSchema, compact_output_schema
from partnerboost_skill.server.progress_source import ProgressSource
from partnerboost_skill.server.state import ServerState
from partnerboost_skill.server.tool_base import ServerTool, ToolContext, ToolError, make_tool, result


def output_model(result_model: type[Answer]) -> type[BaseModel]:
    """The result model plus the demo flag and notice every answer carries."""
    return create_model(
        f"{result_model.__name__}Output",
        __base__=result_model,
        demo=(bool, Field(description="true when this is sandbox demo data, not your account")),
        notice=(str | None, None),
    )


class InputJsonSchema(UntitledJsonSchema):
    """An input left out means "use the default": an optional input shows no null branch or null default."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        generated = super().default_schema(schema)
        if generated.get("default", ...) is None:
            del generated["default"]
        return generated


def input_schema(model: type[QuestionInput]) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=InputJsonSchema)
    schema.pop("title", None)  # the model's class name says nothing to a model
    return schema


ANNOTATIONS = dict(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)


def fit_structured(structured: dict[str, Any]) -> dict[str, Any]:
    """Cut the result's longest lists until it fits the size limit, noting each cut in `notes`."""
    reserve = 800

    def fits(value: Any) -> bool:
        return size_of(json_text(value)) + reserve <= MAX_TEXT_BYTES

    if fits(structured):
        return structured
    trimmed = dict(structured)
    body = {key: value for key, value in trimmed.items() if key not in ("period", "notes")}
    cuts = shrink_lists(body, fits=lambda value: fits({**trimmed, **value}))
    trimmed.update(body)
    trimmed["notes"] = [*trimmed.get("notes", []), *(cut.describe() for cut in cuts)]
    return trimmed


def input_error(name: str, exc: Exception) -> ToolError | None:
    """A clear tool error for a period or option the analysis cannot use (possibly inside a task group)."""
    leaves = list(exc.exceptions) if isinstance(exc, ExceptionGroup) else [exc]
    for leaf in leaves:
        if isinstance(leaf, PeriodError):
            return ToolError(f"Invalid parameters for {name}: period: {leaf}")
        if isinstance(leaf, AnalysisError | UnknownPlatform):
            return ToolError(f"Invalid parameters for {name}: {leaf}")
        if isinstance(leaf, MissingCredentials) and leaf.action is None:  # a platform with no credentials
            return ToolError(f"Invalid parameters for {name}: platform: {leaf.message}")
    return None


def analysis_tool(spec: Question[Any, Any], state: ServerState) -> ServerTool:
    wrapped = output_model(spec.result_type)
    name = spec.tool

    async def handle(arguments: dict[str, Any], ctx: ToolContext) -> CallToolResult:
        try:
            params = spec.input_model.model_validate(arguments)
        except ValidationError as exc:
            raise ToolError(explain_validation_error(spec.input_model, exc, subject=name)) from None

        async def report(done: float, total: float | None, message: str) -> None:
            await ctx.report_progress(done, total, message)

        client = ProgressSource(state.connection.source, report)
        try:
            connection = state.connection
            with answer_deadline(state.settings.deadline_seconds):
                spec.check_period(params, connection.current())
                platform = answers.choose_platform(getattr(params, "platform", None), connection.platforms)
                provider = answers.provider_for(client, platform, connection.events)
                tz = await answers.period_timezone(provider, connection.timezone or state.settings.timezone)
                context = Context(now=connection.current(), tz=tz, platforms=connection.platforms,
                                  events=connection.events)
                answer = await spec.run(client, params, context)
        except Exception as exc:
            clear = input_error(name, exc)
            if clear is None:
                raise
            raise clear from exc
        notice = state.notice()
        structured = {**answer.model_dump(mode="json"), "demo": notice is not None, "notice": notice}
        lang = params.lang
        text = summaries.summary(answer, lang)
        if notice:
            shown = i18n.text("demo", "zh") if lang == "zh" else notice
            text = f"{shown}\n\n{text}"
        return result(text, fit_structured(structured))

    return make_tool(
        name=name,
        title=spec.title,
        description=spec.description,
        input_schema=input_schema(spec.input_model),
        output_schema=compact_output_schema(wrapped),
        annotations=ToolAnnotations(title=spec.title, **ANNOTATIONS),
        handler=handle,
    )


def analysis_tools(state: ServerState) -> list[ServerTool]:
    return [analysis_tool(question, state) for question in QUESTIONS]
