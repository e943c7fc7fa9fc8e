"""The schema portability rules of the MCP Inspector's `--strict` tools/list check (inspector 2.12,
clients/cli: lintToolSchemas), ported so that a change reintroducing a finding fails here and not only when
someone runs the Inspector: a bare boolean schema, a `type` array, a remote `$ref`, and a (sub)schema with
no constraining keyword at all (it accepts any value)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

CONSTRAINING = {
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "format", "contentMediaType", "contentEncoding", "contentSchema",
    "maxItems", "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties",
    "required", "dependentRequired", "allOf", "anyOf", "oneOf", "not", "items", "prefixItems", "contains",
    "additionalItems", "unevaluatedItems", "properties", "patternProperties", "additionalProperties",
    "unevaluatedProperties", "propertyNames", "dependentSchemas", "dependencies", "$ref", "$dynamicRef",
    "$recursiveRef",
}
SINGLE = ("additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems", "items",
          "contains", "not", "propertyNames", "if", "then", "else", "contentSchema")
MAPS = ("properties", "patternProperties", "dependentSchemas", "dependencies", "$defs", "definitions")
ARRAYS = ("allOf", "anyOf", "oneOf", "prefixItems")
BOOLEAN_OK = {"additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems"}


def _children(node: dict[str, Any], path: str) -> Iterator[tuple[Any, str, str]]:
    for key in MAPS:
        if isinstance(node.get(key), dict):
            for name, sub in node[key].items():
                yield sub, f"{path}.{key}.{name}", key
    for key in ARRAYS:
        if isinstance(node.get(key), list):
            for index, sub in enumerate(node[key]):
                yield sub, f"{path}.{key}[{index}]", key
    for key in SINGLE:
        if key in node:
            value = node[key]
            if key == "items" and isinstance(value, list):
                for index, sub in enumerate(value):
                    yield sub, f"{path}.items[{index}]", key
            else:
                yield value, f"{path}.{key}", key


def schema_findings(schema: Any, path: str = "", keyword: str | None = None) -> list[str]:
    """Each finding as 'path: rule'."""
    if isinstance(schema, bool):
        return [] if keyword in BOOLEAN_OK else [f"{path}: boolean-schema"]
    if not isinstance(schema, dict):
        return []
    found = []
    if isinstance(schema.get("type"), list):
        found.append(f"{path}: type-union")
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref and not ref.startswith("#"):
        found.append(f"{path}: remote-ref")
    constrains = any(key in CONSTRAINING for key in schema) or ("if" in schema and ("then" in schema
                                                                                      or "else" in schema))
    if not constrains and keyword != "not":
        found.append(f"{path}: untyped-schema")
    for child, child_path, child_keyword in _children(schema, path):
        found.extend(schema_findings(child, child_path, child_keyword))
    return found
