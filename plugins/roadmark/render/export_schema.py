"""The JSON Schemas (draft 2020-12) of the JSON exports, published with them.

One schema per JSON view: `items` is `roadmark.json` (and `roadmark export`), `trace`
is `roadmark export --view trace`. Each names its version in `$id` and requires the
document's `schema_version` to be that version, so a reader can tell which schema a
file was written against. Written by hand, beside the functions that write the data
(`export.py`): a test validates real exports against them.
"""

from __future__ import annotations

import json
from typing import Any

from .export import SCHEMA_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "roadmark.schema.json"
"""Where the built site publishes the `items` schema, beside `roadmark.json`."""

_TEXT: dict[str, Any] = {"type": "string"}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with exactly these properties, all required but the `optional` ones."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


_PROBLEM = _object(
    {
        "path": _TEXT,
        "line": _COUNT,
        "col": _COUNT,
        "severity": {"enum": ["error", "warning"]},
        "code": {"type": "string", "pattern": "^RM[0-9]{3}$"},
        "rule": _TEXT,
        "message": _TEXT,
    }
)
_CLAUSE = _object({"id": _TEXT, "address": _TEXT, "text": _TEXT, "line": _COUNT})
_ITEM = _object(
    {
        "id": _TEXT,
        "kind": _TEXT,
        "title": _TEXT,
        "status": _TEXT,
        "path": _TEXT,
        "parent": {"type": ["string", "null"]},
        "fields": {"type": "object", "description": "Every front matter field as written."},
        "requirements": {"type": "array", "items": {"$ref": "#/$defs/clause"}},
        "criteria": {"type": "array", "items": {"$ref": "#/$defs/clause"}},
        "referenced_by": _TEXTS,
    }
)
_LINK = _object(
    {"source": _TEXT, "field": _TEXT, "target": _TEXT, "clause": _TEXT}, optional=("clause",)
)
_FIGURE = _object({"count": _COUNT, "total": _COUNT, "percent": {**_COUNT, "maximum": 100}})
_COVERAGE = _object(
    {
        "requirements_with_story": {"$ref": "#/$defs/figure"},
        "stories_with_criteria": {"$ref": "#/$defs/figure"},
        "criteria_with_test": {"$ref": "#/$defs/figure"},
        "criteria_passing": {"$ref": "#/$defs/figure"},
        "gaps": _object(
            {
                "requirements_without_story": _TEXTS,
                "stories_without_criteria": _TEXTS,
                "criteria_without_test": _TEXTS,
                "failing_criteria": _TEXTS,
            }
        ),
    }
)
_TEST = _object(
    {
        "classname": _TEXT,
        "name": _TEXT,
        "file": _TEXT,
        "result": {"enum": ["passed", "failed", "error", "skipped"]},
        "message": _TEXT,
        "results_file": _TEXT,
        "line": _COUNT,
    }
)
_TESTS: dict[str, Any] = {"type": "array", "items": {"$ref": "#/$defs/test"}}
_TRACE_PROPERTIES: dict[str, Any] = {
    "results_files": _TEXTS,
    "test_cases": _COUNT,
    "coverage": {"$ref": "#/$defs/coverage"},
    "prds": {
        "type": "array",
        "items": _object(
            {"prd": {"type": ["string", "null"]}, "coverage": {"$ref": "#/$defs/coverage"}}
        ),
    },
    "requirements": {
        "type": "array",
        "items": _object({"address": _TEXT, "stories": _TEXTS, "tests": _TESTS}),
    },
    "criteria": {
        "type": "array",
        "items": _object(
            {
                "address": _TEXT,
                "result": {"enum": ["verified", "failing", "skipped", "untested"]},
                "tests": _TESTS,
            }
        ),
    },
    "problems": {"type": "array", "items": {"$ref": "#/$defs/problem"}},
}
_DEFS: dict[str, Any] = {
    "problem": _PROBLEM,
    "clause": _CLAUSE,
    "item": _ITEM,
    "link": _LINK,
    "figure": _FIGURE,
    "coverage": _COVERAGE,
    "test": _TEST,
    "trace": _object(_TRACE_PROPERTIES),
}
_VERSION: dict[str, Any] = {"const": SCHEMA_VERSION, "description": "This schema's version."}


def items_schema() -> dict[str, Any]:
    """The schema of `roadmark.json`: the whole graph, with the trace when there is one."""
    body = _object(
        {
            "schema_version": _VERSION,
            "product_dir": _TEXT,
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
            "links": {"type": "array", "items": {"$ref": "#/$defs/link"}},
            "problems": {"type": "array", "items": {"$ref": "#/$defs/problem"}},
            "trace": {"$ref": "#/$defs/trace"},
        },
        optional=("trace",),
    )
    return _document("items", "The whole spec graph (roadmark.json).", body)


def trace_schema() -> dict[str, Any]:
    """The schema of `roadmark export --view trace`: the trace alone."""
    body = _object({"schema_version": _VERSION, **_TRACE_PROPERTIES})
    return _document("trace", "Trace links, coverage and test results.", body)


SCHEMAS = {"items": items_schema, "trace": trace_schema}
"""Each JSON view's schema, by the name `--view` and `roadmark schema --export` take."""


def schema_json(view: str) -> str:
    """A view's schema as indented JSON text."""
    return json.dumps(SCHEMAS[view](), indent=2, ensure_ascii=False) + "\n"


def _document(view: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "$id": f"urn:roadmark:export:{view}:{SCHEMA_VERSION}",
        "title": f"Roadmark export, {view} view, version {SCHEMA_VERSION}: {title}",
        **body,
        "$defs": _DEFS,
    }
