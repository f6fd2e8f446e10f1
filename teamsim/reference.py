"""The scenario's JSON Schema and reference page, generated from the model so docs cannot drift."""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.scenario import Scenario

SCHEMA_PATH = "scenarios/schema.json"
REFERENCE_PATH = "docs/scenarios.md"


def json_schema_text() -> str:
    """The JSON Schema of a scenario file, as committed in scenarios/schema.json."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "teamsim scenario"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def reference_markdown() -> str:
    """The scenario reference page: every model of the tree, every field, in tree order."""
    lines = [
        "# Scenario reference",
        "",
        "Generated from the pydantic model by `make schema` (`scripts/gen_schema.py`);",
        "a test fails when it is out of date. Durations are minutes (`_min`), delays",
        "calendar days (`_days`), money in the scenario's `currency`. A *distribution* is",
        "a number (fixed) or a mapping with a `kind`: `fixed` (value), `exponential` (mean),",
        "`lognormal` (mean, sd of the value itself), `triangular` (low, mode, high) or",
        "`uniform` (low, high). Editors can check files against `scenarios/schema.json`.",
        "Terms: [glossary.md](glossary.md); typical values: [sources.md](sources.md).",
        "",
    ]
    for model in _models_in_order():
        lines += _model_section(model)
    return "\n".join(lines).rstrip() + "\n"


def _models_in_order() -> list[type[BaseModel]]:
    ordered: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Scenario]
    while pending:
        model = pending.pop(0)
        if model in ordered:
            continue
        ordered.append(model)
        for field in model.model_fields.values():
            pending.extend(_models(field.annotation))
    return ordered


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_models(arg))
    return found


def _model_section(model: type[BaseModel]) -> list[str]:
    doc = (model.__doc__ or "").strip().splitlines()[0]
    lines = [f"## {model.__name__}", "", doc, "", "| field | type | default | meaning |"]
    lines.append("|---|---|---|---|")
    for name, field in model.model_fields.items():
        lines.append(
            f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | "
            f"{field.description or ''} |"
        )
    return [*lines, ""]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        if {"Fixed", "Exponential", "LogNormal", "Triangular", "Uniform"} <= set(names):
            return "distribution"
        suffix = " or empty" if type(None) in args else ""
        return " or ".join(names) + suffix
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin in (list, dict):
        inner = ", ".join(_type_name(a) for a in args)
        return f"{origin.__name__}[{inner}]"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " / ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: FieldInfo) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.get_default(call_default_factory=True, validated_data={})
    if isinstance(value, BaseModel):
        return "see type"
    if isinstance(value, list) and value and isinstance(value[0], Enum):
        return ", ".join(v.value for v in value)
    if isinstance(value, Enum):
        return f"`{value.value}`"
    return f"`{value!r}`" if value not in (None, "") else "empty"
