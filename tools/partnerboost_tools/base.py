"""The base of the action catalogue: one pydantic model per API action of each platform (PartnerBoost's
four API families, and OpenPartner).

A model's fields are the action's request parameters (documented names, enums as Literals, documented ranges
as constraints). Its class variables describe the endpoint. Every consumer (client, MCP tools, CLI, sandbox
validation, schema snapshot) is generated from these classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import DEFAULT_REF_TEMPLATE, GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import core_schema

Family = Literal["merchant", "brand", "publisher", "amazon", "openpartner"]
"""An API with its own base URL, authentication and envelope: PartnerBoost's four, and OpenPartner."""
Method = Literal["GET", "POST"]
FAMILIES: tuple[Family, ...] = ("merchant", "brand", "publisher", "amazon", "openpartner")
PARTNERBOOST_FAMILIES: tuple[Family, ...] = ("merchant", "brand", "publisher", "amazon")


@dataclass(frozen=True)
class Paging:
    """How an action pages, so that one helper can fetch every page of any paged action.

    kind:
      - "page": numbered pages (`page_param` starts at `first_page`); the response tells the total
        pages/items;
      - "offset": `page_param` is a record offset (brand click list `first`);
      - "cursor": `page_param` carries the cursor from the previous response's `cursor_key`;
      - "has_more": numbered pages; the response says `has_more` (Amazon) and never the total.
    records_key / total_items_key / total_pages_key name fields inside the unwrapped `data`.
    """

    kind: Literal["page", "offset", "cursor", "has_more"]
    page_param: str
    size_param: str
    max_size: int
    default_size: int
    first_page: int | None = 1
    """The first page's number or offset; None for a cursor listing whose first request has no cursor."""
    records_key: str = "list"
    total_items_key: str | None = None
    total_pages_key: str | None = None
    cursor_key: str | None = None
    id_key: str | None = None
    """Field that identifies a record; pages are de-duplicated on it."""

    def __post_init__(self) -> None:
        if self.first_page is None and self.kind != "cursor":
            raise ValueError(f"a {self.kind} listing needs first_page (only a cursor listing starts without "
                             "one)")

    @property
    def first_number(self) -> int:
        """The first page's number or offset (0 for a cursor listing, which is not numbered)."""
        return 0 if self.first_page is None else self.first_page


@dataclass(frozen=True)
class Window:
    """A documented limit on the span of one request: longer queries are split into windows and merged."""

    start_param: str
    end_param: str
    max_span: timedelta
    requests_per_minute: int | None = None
    error_code: int | None = None
    """The result code the API answers when the span is exceeded."""
    other_ranges: tuple[tuple[str, str], ...] = ()
    """Other (start, end) parameter pairs the same limit applies to; a query uses one pair."""

    def ranges(self) -> tuple[tuple[str, str], ...]:
        return ((self.start_param, self.end_param), *self.other_ranges)


@dataclass(frozen=True)
class FrozenEnd:
    """The parameter that ends an action's time range; set to "now" before paging when left open or later.

    With `start_param`, only when that start is set: for these APIs an end alone would add a filter.
    `record_time_key` names the record field the end filters on; when a listing still shifts while paging
    (records arriving with times before "now"), the next pass ends at the newest time already seen.
    """

    end_param: str
    start_param: str | None = None
    record_time_key: str | None = None
    range_start: str | None = None
    """The parameter that starts the range when it is not `start_param` (a range starting after "now" is
    left alone)."""

    @property
    def start_of_range(self) -> str | None:
        return self.start_param or self.range_start


@dataclass(frozen=True)
class Cached:
    """A listing the local cache keeps whole per query: fetched again until its time range has settled."""

    label: str
    """What it is called in freshness notes ("bills")."""
    start_param: str | None = None
    end_param: str | None = None


class CompactJsonSchema(GenerateJsonSchema):
    """JSON schema without per-field titles and without the `null` branch and `default: null` of optional
    parameters: leaving a parameter out is how a caller says "not set", and the schema is what a model
    reads. The action's docstring is left out too: it is the tool description, shown next to the schema."""

    def generate(
        self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation"
    ) -> JsonSchemaValue:
        generated = super().generate(schema, mode)
        generated.pop("description", None)
        return generated

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        generated = super().default_schema(schema)
        if "default" in generated and generated["default"] is None:
            del generated["default"]
        return generated


class Action(BaseModel):
    """Base class: subclasses are the request parameters of one action."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)

    family: ClassVar[Family]
    endpoint: ClassVar[str]
    """merchant: URL path ('/a/transaction/list4'); brand: action ('order/new'); publisher: 'mod/op'
    ('medium/transaction'); amazon: operation path name ('get_fba_products'); openpartner: route under the
    instance's API base, with path parameters in braces ('/partners/{id}/invite')."""
    method: ClassVar[Method] = "GET"
    writes: ClassVar[bool] = False
    destructive: ClassVar[bool] = False
    """A write that removes or overrides something (void an order, terminate a publisher)."""
    idempotent: ClassVar[bool] = True
    tool_name: ClassVar[str]
    inferred: ClassVar[bool] = False
    """True when `endpoint` is our inference: PartnerBoost documents the action's parameters, not its name
    (correcting it is a one-line change in the class)."""
    inferred_parameters: ClassVar[tuple[str, ...]] = ()
    """Parameters whose wire names are our inference (the docs name the filter, not the parameter)."""
    example: ClassVar[dict[str, Any]] = {}
    """A minimal valid parameter set (required parameters, one of each one-of pair): for tool descriptions,
    `partnerboost actions` and the tests."""
    paging: ClassVar[Paging | None] = None
    window: ClassVar[Window | None] = None
    cached: ClassVar[Cached | None] = None
    """The local cache keeps this listing whole, per query (store/listings.py)."""
    frozen_end: ClassVar[FrozenEnd | None] = None
    """How fetching every page closes an open time range at "now" (api/paging.py); without it, the Window's
    end/start parameters, if any."""

    def to_wire(self) -> dict[str, Any]:
        """The parameters exactly as sent: documented names, wire formats, unset values left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def model_json_schema(
        cls,
        by_alias: bool | None = True,
        ref_template: str = DEFAULT_REF_TEMPLATE,
        schema_generator: type[GenerateJsonSchema] = CompactJsonSchema,
        mode: JsonSchemaMode = "validation",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The parameters' JSON schema, compact by default (see CompactJsonSchema)."""
        return super().model_json_schema(by_alias, ref_template, schema_generator, mode, **kwargs)

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring: what the action does."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else cls.__name__

    @classmethod
    def describe_endpoint(cls) -> str:
        if cls.family == "merchant":
            return f"{cls.method} {cls.endpoint}"
        if cls.family == "brand":
            return f"{cls.method} /api/brand action={cls.endpoint}"
        if cls.family == "publisher":
            mod, op = cls.endpoint.split("/", 1)
            return f"{cls.method} /api.php?mod={mod}&op={op}"
        if cls.family == "openpartner":
            return f"{cls.method} <OpenPartner API base>{cls.endpoint}"
        return f"{cls.method} <amazon base>/{cls.endpoint}"
