"""The machine-readable export of the whole graph, as JSON or CSV.

The same functions write `roadmark.json` into the built site and back
`roadmark export`, so both always agree.

CSV is opened in spreadsheets, which run a cell that starts with `=`, `+`, `-` or `@`
as a formula (`=HYPERLINK(…)`, `=cmd|…`): every text cell that would is written with a
leading `'`, as OWASP advises for CSV injection. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from ..spec.model import Clause, Item, plain
from ..spec.product import Product
from ..trace.coverage import Coverage, Figure, Trace, matrix
from ..trace.evidence import RecordedTest

EXPORT_VERSION = 1
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
"""What a spreadsheet may read as the start of a formula: OWASP's list, plus the line feed
and NUL (named by OWASP's ASVS), which some applications skip before looking."""
CSV_COLUMNS = ("id", "kind", "title", "status", "path", "parent", "release", "owner", "priority")
TRACE_COLUMNS = (
    "prd", "requirement", "story", "story_status", "criterion", "verdict",
    "test", "result", "results_file",
)  # fmt: skip
"""Columns of the traceability matrix CSV: one row per requirement × story × criterion × test."""


def export_data(product: Product, trace: Trace | None = None) -> dict[str, Any]:
    """Every item, field, requirement, criterion, resolved link and problem, as plain data.

    With `trace`, also the trace links, coverage and test results (key `trace`).
    """
    graph = product.graph
    data = {
        "version": EXPORT_VERSION,
        "product_dir": product.settings.product_dir,
        "items": [_item(item, product) for item in graph.items.values()],
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


def export_json(product: Product, trace: Trace | None = None) -> str:
    """The export as stable, compact JSON."""
    return _json(export_data(product, trace))


def _json(data: Any) -> str:
    # Compact: Python's JSON encoder is written in C only for output without indentation.
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_csv(product: Product) -> str:
    """One row per item with its main fields."""
    out = _Csv(CSV_COLUMNS)
    for item in product.graph.items.values():
        parent = product.graph.parent(item)
        out.row(
            [
                item.id,
                item.kind,
                item.title,
                item.status,
                product.settings.source_path(item.path),
                parent.id if parent else "",
                item.get("release", ""),
                item.get("owner", ""),
                item.get("priority", ""),
            ]
        )
    return out.text()


def _item(item: Item, product: Product) -> dict[str, Any]:
    parent = product.graph.parent(item)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "status": item.status,
        "path": product.settings.source_path(item.path),
        "parent": parent.id if parent else None,
        "fields": {name: plain(value) for name, value in item.fields.items()},
        "requirements": [_clause(c) for c in item.requirements],
        "criteria": [_clause(c) for c in item.criteria],
        "referenced_by": sorted({ref.source for ref in product.graph.referrers(item.id)}),
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
    return _json(trace_data(trace))


def export_trace_csv(trace: Trace) -> str:
    """The traceability matrix, one row per requirement × story × criterion × test."""
    out = _Csv(TRACE_COLUMNS)
    for prd_trace in trace.prds:
        prd = prd_trace.prd.id if prd_trace.prd else ""
        for row in matrix(prd_trace):
            start = [
                prd,
                row.requirement.address if row.requirement else "",
                row.story.id if row.story else "",
                row.story.status if row.story else "",
                row.criterion.clause.address if row.criterion else "",
                row.state or "",
            ]
            if not row.tests:
                out.row([*start, "", "", ""])
            for test in row.tests:
                out.row([*start, test.title, test.result, test.source])
    return out.text()


def csv_cell(value: object) -> str | int | float:
    """A CSV cell no spreadsheet runs as a formula: text starting like one gets a `'`.

    A number stays a number, negative or not: a spreadsheet reads it as a value, and
    a `'` would make it text.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Csv:
    """CSV text written a row at a time, each cell through `csv_cell`."""

    def __init__(self, header: Iterable[str]) -> None:
        self._buffer = io.StringIO()
        self._minimal = csv.writer(self._buffer, lineterminator="\n")
        # Python's writer quotes a cell holding a line feed (our line end) but not one holding
        # a lone carriage return, which readers take for a line end too: the rest of such a
        # cell would open a record of its own, formula and all. Such rows are quoted whole.
        self._quoted = csv.writer(self._buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._minimal.writerow(header)

    def row(self, cells: Iterable[object]) -> None:
        """Write one record."""
        shown = [csv_cell(cell) for cell in cells]
        carriage = any(isinstance(cell, str) and "\r" in cell for cell in shown)
        (self._quoted if carriage else self._minimal).writerow(shown)

    def text(self) -> str:
        """Everything written so far."""
        return self._buffer.getvalue()


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
