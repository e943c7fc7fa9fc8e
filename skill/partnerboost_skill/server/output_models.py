"""The structured results of the raw action tools, and the JSON schemas the tool list advertises for them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema


class UntitledJsonSchema(GenerateJsonSchema):
    """Pydantic's schema without a title on every field: shorter for the model to read, same meaning."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The schema of what a tool returns (serialisation mode: Decimals are strings, as they are sent)."""
    return model.model_json_schema(mode="serialization", schema_generator=UntitledJsonSchema)


class PageInfo(BaseModel):
    """Where this answer sits in a longer list, and how to get the rest."""

    model_config = ConfigDict(extra="forbid")

    returned: int = Field(description="records in this answer")
    total: int | None = Field(description="records in the whole listing, when PartnerBoost says")
    has_more: bool = Field(description="true when more records follow")
    next_arguments: dict[str, Any] | None = Field(
        description="call this tool again with exactly these arguments for the next records"
    )
    note: str | None = None


class ActionResult(BaseModel):
    """A read action's answer: PartnerBoost's `data`, possibly cut to the size limit (see `page`)."""

    model_config = ConfigDict(extra="forbid")

    action: str
    endpoint: str
    demo: bool = Field(description="true when this is sandbox demo data, not your account")
    notice: str | None = None
    data: Any = Field(description="PartnerBoost's answer")
    page: PageInfo | None = None


class WriteResult(BaseModel):
    """A write action's answer: a preview of what would be sent, or PartnerBoost's acknowledgement."""

    model_config = ConfigDict(extra="forbid")

    action: str
    endpoint: str
    demo: bool = Field(description="true when this ran against the sandbox, not your account")
    notice: str | None = None
    performed: bool = Field(description="false for a preview: nothing was sent")
    params: dict[str, Any] = Field(description="the parameters exactly as sent (or as they would be sent)")
    data: Any = Field(default=None, description="PartnerBoost's answer when performed")
    message: str


SCHEMA_NOISE = ("title", "description", "default")


def compact_output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A short, exact output schema: every top-level field with its type; a nested object as an object with
    the keys it always has (its own field types are in docs/contracts.md and the metric glossary).

    The full schema of a result would cost several KB of the tool list a model reads on every turn; this
    one still validates every answer (clients check structured content against it).
    """
    full = output_schema(model)
    defs: dict[str, Any] = full.get("$defs", {})

    def shallow(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = defs[node["$ref"].rsplit("/", 1)[-1]]
            keys = target.get("required")
            return {"type": "object", "required": keys} if keys else {"type": "object"}
        kept = {key: value for key, value in node.items() if key not in SCHEMA_NOISE}
        for key in ("items", "additionalProperties"):
            if isinstance(kept.get(key), dict):
                kept[key] = shallow(kept[key])
        if "anyOf" in kept:
            kept["anyOf"] = [shallow(branch) for branch in kept["anyOf"]]
        return kept

    compact: dict[str, Any] = {
        "type": "object",
        "properties": {name: shallow(node) for name, node in full["properties"].items()},
    }
    if full.get("required"):
        compact["required"] = full["required"]
    if full.get("additionalProperties") is False:
        compact["additionalProperties"] = False
    return compact
