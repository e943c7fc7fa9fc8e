"""Turn pydantic validation errors into one paragraph naming each parameter and what is allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

_MAX_SHOWN = 60


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _field_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    loc = ".".join(str(part) for part in error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        allowed = ", ".join(_field_names(model)) or "none"
        return f"{loc}: unknown parameter; allowed parameters: {allowed}"
    if kind == "missing":
        return f"{loc}: required"
    if kind == "literal_error":
        allowed_values = ctx.get("expected", "")
        return f"{loc}: {_shown(error.get('input'))} is not allowed; allowed values: {allowed_values}"
    if not loc:
        return message
    return f"{loc}: {message} (got {_shown(error.get('input'))})"


def explain_validation_error(
    model: type[BaseModel], exc: ValidationError, *, subject: str | None = None
) -> str:
    """One paragraph: 'Invalid parameters for X: a: ...; b: ...'."""
    parts = [_describe(dict(error), model) for error in exc.errors()]
    name = subject or getattr(model, "tool_name", model.__name__)
    return f"Invalid parameters for {name}: " + "; ".join(parts) + "."
