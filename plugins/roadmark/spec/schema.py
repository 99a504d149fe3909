"""A JSON Schema of spec front matter, generated from the configured model.

Editors with yaml-language-server use it to validate and complete fields while
typing; it says the same as the loader's own type checks.
"""

from __future__ import annotations

from typing import Any

from .fields import NUMBER_LIMIT
from .ids import ADDRESS_PATTERN, ID_PATTERN
from .settings import PAGE_KEYS, FieldSpec, Settings

# Schema patterns are ECMA-262 regular expressions, in which `$` is the end of the text:
# the anchored texts of the checker's own patterns say the same there.
_ID = ID_PATTERN.pattern
_NUMBER: dict[str, Any] = {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT}
_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "number"]},
    "number": _NUMBER,
    "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "id": {"type": "string", "pattern": _ID},
    "reference": {"type": "string", "pattern": _ID},
    "address": {"type": "string", "pattern": ADDRESS_PATTERN.pattern},
    "metric": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            # `minimum` and `maximum` apply to numbers only; text passes them.
            "baseline": {**_NUMBER, "type": ["string", "number"]},
            "target": {**_NUMBER, "type": ["string", "number"]},
        },
    },
}


def front_matter_schema(settings: Settings) -> dict[str, Any]:
    """The JSON Schema (draft 7) of a spec's front matter under `settings`."""
    properties: dict[str, Any] = {name: {} for name in sorted(PAGE_KEYS)}
    for spec in settings.fields.values():
        properties[spec.name] = _field(spec, settings)
    properties["kind"] = {"enum": list(settings.kinds), "description": "The kind of item."}
    per_kind = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {
                "properties": {"status": {"enum": list(spec.all_statuses)}},
                "propertyNames": {
                    "enum": sorted([*settings.fields_for(kind), *PAGE_KEYS]),
                },
                "required": sorted(
                    name for name, field in settings.fields_for(kind).items() if field.required
                ),
            },
        }
        for kind, spec in settings.kinds.items()
    ]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Roadmark spec front matter",
        "type": "object",
        "required": sorted(name for name, spec in settings.fields.items() if spec.required),
        "properties": properties,
        "allOf": per_kind,
    }


def _field(spec: FieldSpec, settings: Settings) -> dict[str, Any]:
    if spec.type == "list":
        schema: dict[str, Any] = {"type": "array", "items": _element(spec, spec.items or "string")}
    else:
        schema = _element(spec, spec.type)
    if spec.type == "status":
        statuses = sorted({s for kind in settings.kinds.values() for s in kind.all_statuses})
        schema = {"enum": statuses}
    if spec.description:
        schema["description"] = spec.description
    if spec.kinds is not None:
        kinds = ", ".join(sorted(spec.kinds))
        schema["description"] = f"{schema.get('description', '')} ({kinds})".strip()
    return schema


def _element(spec: FieldSpec, type_: str) -> dict[str, Any]:
    if type_ == "enum":
        return {"enum": list(spec.values)}
    if type_ == "number" and spec.minimum is not None:
        return {**_NUMBER, "minimum": spec.minimum}
    return dict(_TYPES.get(type_, {}))
