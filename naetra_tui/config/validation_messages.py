"""Pydantic validation errors turned into one-line messages with key path, hint and file:line."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ConfigurationError
from .source import ConfigSource, Loc

# --- validation errors ------------------------------------------------------------------------


def _strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (the first non-None member of a union)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if members else None
    return annotation


def _descend(annotation: Any, part: str | int) -> Any:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
        fields = {f.alias or n: f for n, f in annotation.model_fields.items()}
        return fields[part].annotation if part in fields else None
    origin = typing.get_origin(annotation)
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return typing.get_args(annotation)[1]
    return None


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names (by alias) of the model found at ``loc`` under ``model``, for suggestions."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
    current = _strip_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def describe_errors(
    exc: ValidationError, model: type[BaseModel], source: ConfigSource, prefix: Loc = ()
) -> list[ConfigurationError]:
    """One ``ConfigurationError`` per pydantic error, with hints and without input values."""
    errors: list[ConfigurationError] = []
    for err in exc.errors(include_url=False, include_input=True):
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            unknown = str(loc[-1])
            options = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(unknown, options, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            allowed = f" (allowed: {', '.join(options)})" if options else ""
            message = f"unknown key '{unknown}'{hint}{allowed if not close else ''}"
        elif kind == "string_type" and isinstance(value, bool):
            message = (
                "YAML read this value as a boolean (unquoted ON/OFF/YES/NO/true/false are booleans); "
                'quote it, e.g. "ON"'
            )
        elif kind == "string_type" and isinstance(value, int | float):
            message = 'YAML read this value as a number; quote it, e.g. "0700"'
        elif kind == "missing":
            message = "required key is missing"
        else:
            message = err["msg"].removeprefix("Value error, ")
        errors.append(source.error(message, prefix + loc))
    return errors


def _raise_first(errors: list[ConfigurationError]) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        more = "; ".join(str(e) for e in errors[1:4])
        first = ConfigurationError(
            f"{first.message} (and {len(errors) - 1} more: {more})",
            key_path=first.key_path,
            file=first.file,
            line=first.line,
        )
        first.all_errors = errors  # type: ignore[attr-defined]
    raise first
