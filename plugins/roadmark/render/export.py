"""The machine-readable export of the whole graph as JSON.

The same functions write `roadmark.json` into the built site and back
`roadmark export`, so both always agree. Each document names the version of its
published schema (`export_schema`) in `schema_version`. The tables (CSV, XLSX) are in
`export_table`, `export_csv` and `export_xlsx`; the sphinx-needs file in `export_needs`.
"""

from __future__ import annotations

import json
from typing import Any

from ..spec.graph import Graph, Reference
from ..spec.model import Clause, Item, plain
from ..spec.product import Product
from ..trace.coverage import Coverage, CriterionTrace, Figure, RequirementTrace, Trace
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
        "links": [_link(ref) for ref in graph.links],
        "problems": [p.as_data() for p in product.problems],
    }
    if trace is not None:
        data["trace"] = trace_data(trace)
    return data


def export_json(product: Product, trace: Trace | None = None, kept: ItemJson | None = None) -> str:
    """The export as stable, compact JSON; with `kept`, each part encoded once per change."""
    if kept is None:
        return _json(export_data(product, trace))
    return kept.encode(product, trace)


def _json(data: Any) -> str:
    # Compact: Python's JSON encoder is written in C only for output without indentation.
    return _compact(data) + "\n"


def _compact(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _joined(parts: dict[str, str | tuple[str, ...]], end: str = "}") -> str:
    """An object of already encoded values (or of the pieces of one), as `_compact` writes
    it: keys sorted. Joined once, since the items and the links are megabytes long."""
    pieces = ["{"]
    for key in sorted(parts):
        value = parts[key]
        pieces.extend((_compact(key), ":"))
        pieces.extend((value,) if isinstance(value, str) else value)
        pieces.append(",")
    if len(pieces) > 1:
        pieces.pop()  # the last comma
    pieces.append(end)
    return "".join(pieces)


class ItemJson:
    """The export's parts of a served site, kept from one build to the next.

    An item's entry and its links are encoded again only when they may have changed: when
    the item is another object (the parsed-spec cache hands back the same object for a file
    not read again, and nothing changes an item once parsed), or one it links to or that
    links to it is (which may change what resolves, and its referrers). Ids coming or going
    encode them all again. Each trace entry is kept by what it is made of.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Item, _Context, str]] = {}
        self._links: dict[str, tuple[int, str]] = {}
        self._graph: Graph | None = None
        self._trace = _TraceJson()

    def encode(self, product: Product, trace: Trace | None) -> str:
        """`export_json(product, trace)`, at the cost of what changed since the last call."""
        graph = product.graph
        dirty = _dirty(self._graph, graph)
        self._graph = graph
        parts: dict[str, str | tuple[str, ...]] = {
            "items": ("[", self.encode_all(product, dirty), "]"),
            "links": ("[", self._encode_links(graph, dirty), "]"),
            "problems": _compact([p.as_data() for p in product.problems]),
            "product_dir": _compact(product.settings.product_dir),
            "schema_version": _compact(SCHEMA_VERSION),
        }
        if trace is not None:
            parts["trace"] = self._trace.encode(trace)
        return _joined(parts, "}\n")

    def encode_all(self, product: Product, dirty: set[str] | None = None) -> str:
        """Every item's entry, in graph order, joined as in a compact JSON list; only those
        of `dirty` ids looked at again (all when None)."""
        kept, self._kept = self._kept, {}
        for item in product.graph.items.values():
            last = kept.get(item.id)
            if last is not None and dirty is not None and item.id not in dirty:
                self._kept[item.id] = last  # the same item, parent, path and referrers
                continue
            context = _context(item, product)
            if last is not None and last[0] is item and last[1] == context:
                self._kept[item.id] = last
            else:
                self._kept[item.id] = (item, context, _compact(_entry(item, context)))
        return ",".join(entry for _, _, entry in self._kept.values())

    def _encode_links(self, graph: Graph, dirty: set[str] | None) -> str:
        """`export_data`'s links, item by item: the graph lists them by source, in item order."""
        kept, self._links = self._links, {}
        count = 0
        for item_id in graph.items:
            last = kept.get(item_id)
            if last is None or dirty is None or item_id in dirty:
                refs = graph.outgoing.get(item_id, ())
                last = (len(refs), _compact([_link(ref) for ref in refs])[1:-1])
            self._links[item_id] = last
            count += last[0]
        if count != len(graph.links):  # not by source after all: encoded as a whole
            self._links.clear()
            return _compact([_link(ref) for ref in graph.links])[1:-1]
        return ",".join(encoded for _, encoded in self._links.values() if encoded)


def _dirty(before: Graph | None, after: Graph) -> set[str] | None:
    """The ids whose entry or links may differ from `before`'s; None when all may."""
    if before is None or before is after or before.kinds != after.kinds:
        return None  # a kind coming or going may make a field a reference (`becomes_reference`)
    if list(before.items) != list(after.items):  # ids come or go, or change places
        return None
    items = before.items
    changed = [item_id for item_id, item in after.items.items() if items[item_id] is not item]
    dirty = set(changed)
    for graph in (before, after):
        for item_id in changed:
            dirty.update(ref.source for ref in graph.incoming.get(item_id, ()))
            dirty.update(ref.target for ref in graph.outgoing.get(item_id, ()))
    return dirty


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


def _link(ref: Reference) -> dict[str, Any]:
    return {
        "source": ref.source,
        "field": ref.field,
        "target": ref.target,
        **({"clause": ref.address} if ref.clause else {}),
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
    return {
        **_trace_summary(trace),
        "requirements": [_requirement(*entry) for entry in trace.requirements.items()],
        "criteria": [_criterion(*entry) for entry in trace.criteria.items()],
    }


def _trace_summary(trace: Trace) -> dict[str, Any]:
    """`trace_data` but its requirements and criteria, which grow with the product."""
    evidence = trace.evidence
    return {
        "results_files": evidence.sources,
        "test_cases": evidence.cases,
        "coverage": _coverage(trace.coverage),
        "prds": [
            {"prd": s.prd.id if s.prd else None, "coverage": _coverage(s.coverage)}
            for s in trace.prds
        ],
        "problems": [p.as_data() for p in evidence.problems],
    }


def _requirement(address: str, requirement: RequirementTrace) -> dict[str, Any]:
    return {
        "address": address,
        "stories": [story.story.id for story in requirement.stories],
        "tests": [_test(test) for test in requirement.tests],
    }


def _criterion(address: str, criterion: CriterionTrace) -> dict[str, Any]:
    return {
        "address": address,
        "result": criterion.state,
        "tests": [_test(test) for test in criterion.tests],
    }


_Gaps = dict[tuple[str | None, str], tuple[tuple[Clause | Item, ...], str]]
"""Each coverage gap, by scope and name, encoded with the entries it was made of."""


class _TraceJson:
    """The trace's requirements and criteria, each encoded once per change: a requirement's
    entry is made of its stories' ids and its tests, a criterion's of its tests."""

    def __init__(self) -> None:
        self._requirements: dict[str, tuple[tuple[str, ...], tuple[RecordedTest, ...], str]] = {}
        self._criteria: dict[str, tuple[tuple[RecordedTest, ...], str]] = {}
        self._gaps: _Gaps = {}

    def encode(self, trace: Trace) -> str:
        """`trace_data(trace)` as `_compact` encodes it."""
        evidence = trace.evidence
        kept, self._gaps = self._gaps, {}
        scoped = ((s.prd.id if s.prd else None, s.coverage) for s in trace.prds)
        prds = (
            _joined({"coverage": self._coverage(coverage, prd, kept), "prd": _compact(prd)})
            for prd, coverage in scoped
        )
        parts: dict[str, str | tuple[str, ...]] = {
            "results_files": _compact(evidence.sources),
            "test_cases": _compact(evidence.cases),
            "coverage": self._coverage(trace.coverage, "", kept),
            "prds": ("[", ",".join(prds), "]"),
            "problems": _compact([p.as_data() for p in evidence.problems]),
            "requirements": ("[", self._encode_requirements(trace), "]"),
            "criteria": ("[", self._encode_criteria(trace), "]"),
        }
        return _joined(parts)

    def _coverage(self, coverage: Coverage, scope: str | None, kept: _Gaps) -> str:
        """`_coverage(coverage)` encoded; `scope` the PRD's id, "" for the whole product."""
        parts: dict[str, str | tuple[str, ...]] = {
            name: _compact(_figure(figure)) for name, figure in _figures(coverage).items()
        }
        gaps: dict[str, str | tuple[str, ...]] = {}
        for name, gap in _gaps(coverage).items():
            # Most criteria are untested in a large product: their clauses are the same
            # objects from one build to the next when their items are.
            last = kept.get((scope, name))
            if last is None or last[0] != gap:
                last = (gap, _compact(_names(gap)))
            self._gaps[scope, name] = last
            gaps[name] = last[1]
        parts["gaps"] = _joined(gaps)
        return _joined(parts)

    def _encode_requirements(self, trace: Trace) -> str:
        kept, self._requirements = self._requirements, {}
        for address, requirement in trace.requirements.items():
            stories = tuple(story.story.id for story in requirement.stories)
            last = kept.get(address)
            if last is None or last[0] != stories or last[1] != requirement.tests:
                encoded = _compact(_requirement(address, requirement))
                last = (stories, requirement.tests, encoded)
            self._requirements[address] = last
        return ",".join(encoded for _, _, encoded in self._requirements.values())

    def _encode_criteria(self, trace: Trace) -> str:
        kept, self._criteria = self._criteria, {}
        for address, criterion in trace.criteria.items():
            last = kept.get(address)
            if last is None or last[0] != criterion.tests:  # its result is its tests' verdict
                last = (criterion.tests, _compact(_criterion(address, criterion)))
            self._criteria[address] = last
        return ",".join(encoded for _, encoded in self._criteria.values())


def export_trace_json(trace: Trace) -> str:
    """The trace alone as stable, compact JSON (`roadmark export --view trace`)."""
    return _json({"schema_version": SCHEMA_VERSION, **trace_data(trace)})


def _coverage(coverage: Coverage) -> dict[str, Any]:
    return {
        **{name: _figure(figure) for name, figure in _figures(coverage).items()},
        "gaps": {name: _names(gap) for name, gap in _gaps(coverage).items()},
    }


def _figures(coverage: Coverage) -> dict[str, Figure]:
    return {
        "requirements_with_story": coverage.requirements_with_story,
        "stories_with_criteria": coverage.stories_with_criteria,
        "criteria_with_test": coverage.criteria_with_test,
        "criteria_passing": coverage.criteria_passing,
    }


def _gaps(coverage: Coverage) -> dict[str, tuple[Clause, ...] | tuple[Item, ...]]:
    return {
        "requirements_without_story": coverage.requirements_without_story,
        "stories_without_criteria": coverage.stories_without_criteria,
        "criteria_without_test": coverage.criteria_without_test,
        "failing_criteria": coverage.failing_criteria,
    }


def _names(gap: tuple[Clause, ...] | tuple[Item, ...]) -> list[str]:
    """The addresses of a gap's clauses, or the ids of its items."""
    return [entry.address if isinstance(entry, Clause) else entry.id for entry in gap]


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
