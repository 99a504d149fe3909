"""The machine-readable export of the whole graph as JSON.

The same functions write `roadmark.json` into the built site and back
`roadmark export`, so both always agree. Each document names the version of its
published schema (`export_schema`) in `schema_version`. The tables (CSV, XLSX) are in
`export_table`, `export_csv` and `export_xlsx`; the sphinx-needs file in `export_needs`.
"""

from __future__ import annotations

import json
from typing import Any

from ..spec.model import Clause, Item, plain
from ..spec.product import Product
from ..trace.coverage import Coverage, Figure, Trace
from ..trace.evidence import RecordedTest

SCHEMA_VERSION = "1"
"""The version of the export's JSON Schemas, carried by every JSON document written here.
Raised when a key is removed or changes meaning; a key added keeps it."""


def export_data(
    product: Product, trace: Trace | None = None, *, with_items: bool = True
) -> dict[str, Any]:
    """Every item, field, requirement, criterion, resolved link and problem, as plain data.

    With `trace`, also the trace links, coverage and test results (key `trace`); without
    `with_items`, no `items` key (`export_json` encodes them apart).
    """
    graph = product.graph
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "product_dir": product.settings.product_dir,
    }
    if with_items:
        data["items"] = [_item(item, product) for item in graph.items.values()]
    data |= {
        "links": [
            {
                "source": ref.source,
                "field": ref.field,
                "target": ref.target,
                **({"clause": ref.address} if ref.clause else {}),
            }
            for ref in graph.links
        ],
        "problems": [p.as_data() for p in product.problems],
    }
    if trace is not None:
        data["trace"] = trace_data(trace)
    return data


def export_json(product: Product, trace: Trace | None = None, kept: ItemJson | None = None) -> str:
    """The export as stable, compact JSON; with `kept`, each item encoded once per change."""
    if kept is None:
        return _json(export_data(product, trace))
    data = export_data(product, trace, with_items=False)
    written = _json({"items": [], **data})
    # Sorted keys put `items` first: its encoded entries go between the brackets.
    assert written.startswith(_NO_ITEMS), written[:40]
    return _ITEMS + kept.encode_all(product) + written[len(_ITEMS) :]


_ITEMS = '{"items":['
_NO_ITEMS = _ITEMS + "],"


def _json(data: Any) -> str:
    # Compact: Python's JSON encoder is written in C only for output without indentation.
    return _compact(data) + "\n"


def _compact(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class ItemJson:
    """Each item's encoded entry, kept from one build to the next of a served site.

    An entry is encoded again only when its item is another object (the parsed-spec cache
    hands back the same object for a file not read again, and nothing changes an item once
    parsed) or its parent, path or referrers changed: the rest of it is the item's own.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Item, _Context, str]] = {}

    def encode_all(self, product: Product) -> str:
        """Every item's entry, in graph order, joined as in a compact JSON list."""
        kept, self._kept = self._kept, {}
        for item in product.graph.items.values():
            context = _context(item, product)
            last = kept.get(item.id)
            if last is not None and last[0] is item and last[1] == context:
                self._kept[item.id] = last
            else:
                self._kept[item.id] = (item, context, _compact(_entry(item, context)))
        return ",".join(entry for _, _, entry in self._kept.values())


_Context = tuple[str | None, str, list[str]]
"""What an item's entry holds besides the item: its parent's id, its path, its referrers."""


def _context(item: Item, product: Product) -> _Context:
    parent = product.graph.parent(item)
    return (
        parent.id if parent else None,
        product.settings.source_path(item.path),
        sorted({ref.source for ref in product.graph.referrers(item.id)}),
    )


def _item(item: Item, product: Product) -> dict[str, Any]:
    return _entry(item, _context(item, product))


def _entry(item: Item, context: _Context) -> dict[str, Any]:
    parent, path, referrers = context
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "status": item.status,
        "path": path,
        "parent": parent,
        "fields": {name: plain(value) for name, value in item.fields.items()},
        "requirements": [_clause(c) for c in item.requirements],
        "criteria": [_clause(c) for c in item.criteria],
        "referenced_by": referrers,
    }


def _clause(clause: Clause) -> dict[str, Any]:
    return {
        "id": clause.local_id,
        "address": clause.address,
        "text": clause.text,
        "line": clause.position.line,
    }


# --- Traceability ----------------------------------------------------------------------


def trace_data(trace: Trace) -> dict[str, Any]:
    """Trace links, coverage and test results: what `roadmark.json` holds under `trace`."""
    evidence = trace.evidence
    return {
        "results_files": evidence.sources,
        "test_cases": evidence.cases,
        "coverage": _coverage(trace.coverage),
        "prds": [
            {"prd": s.prd.id if s.prd else None, "coverage": _coverage(s.coverage)}
            for s in trace.prds
        ],
        "requirements": [
            {
                "address": address,
                "stories": [story.story.id for story in requirement.stories],
                "tests": [_test(test) for test in requirement.tests],
            }
            for address, requirement in trace.requirements.items()
        ],
        "criteria": [
            {
                "address": address,
                "result": criterion.state,
                "tests": [_test(test) for test in criterion.tests],
            }
            for address, criterion in trace.criteria.items()
        ],
        "problems": [p.as_data() for p in evidence.problems],
    }


def export_trace_json(trace: Trace) -> str:
    """The trace alone as stable, compact JSON (`roadmark export --view trace`)."""
    return _json({"schema_version": SCHEMA_VERSION, **trace_data(trace)})


def _coverage(coverage: Coverage) -> dict[str, Any]:
    return {
        "requirements_with_story": _figure(coverage.requirements_with_story),
        "stories_with_criteria": _figure(coverage.stories_with_criteria),
        "criteria_with_test": _figure(coverage.criteria_with_test),
        "criteria_passing": _figure(coverage.criteria_passing),
        "gaps": {
            "requirements_without_story": [c.address for c in coverage.requirements_without_story],
            "stories_without_criteria": [s.id for s in coverage.stories_without_criteria],
            "criteria_without_test": [c.address for c in coverage.criteria_without_test],
            "failing_criteria": [c.address for c in coverage.failing_criteria],
        },
    }


def _figure(figure: Figure) -> dict[str, int]:
    return {"count": figure.count, "total": figure.total, "percent": figure.percent}


def _test(test: RecordedTest) -> dict[str, Any]:
    return {
        "classname": test.classname,
        "name": test.name,
        "file": test.file,
        "result": test.result,
        "message": test.message,
        "results_file": test.source,
        "line": test.line,
    }
