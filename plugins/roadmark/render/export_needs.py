"""The product as a sphinx-needs `needs.json`, which its `needimport` directive reads.

Each item is a need of the type named after its kind (`story`, `epic`, `prd`,
`release`, or a configured kind), and each requirement of a PRD a need of type `req`
whose id is its address (`PRD-1/R-2`), so that `implements` links to it. The links:
`parent` (a story's epic, an epic's PRD), `implements` and `depends_on`. The release an
item ships in (inherited or not) is the field `release`, not a link: sphinx-needs reads
a link to `R1.2` as one to part `2` of need `R1`. The item's Markdown body is the
need's content, as a literal block: sphinx-needs parses content as reStructuredText,
and a Markdown body read as such would warn, or run its markup.

The project importing the file declares these types, links and fields in its
`conf.py` (docs/exports.md has the snippet).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..spec.graph import Graph
from ..spec.model import Clause, Item
from ..spec.product import Product
from .export_table import scalar_text

NEEDS_VERSION = "1.0"
"""The name of the one version the file holds (`current_version`)."""
REQUIREMENT_TYPE = "req"
LINK_TYPES = ("parent", "implements", "depends_on")
FIELDS = ("release", "owner", "team", "priority", "estimate", "path")
"""Roadmark fields carried on each need, as text (`needs_fields` in conf.py)."""


@dataclass(frozen=True, slots=True)
class NeedsOptions:
    """What the file says about where it comes from."""

    project: str
    today: date


def export_needs(product: Product, options: NeedsOptions) -> str:
    """The needs.json text: every item and requirement, in id then file order."""
    graph = product.graph
    needs: dict[str, dict[str, Any]] = {}
    for item in graph.items.values():
        needs[item.id] = _item_need(item, graph, product.settings.source_path(item.path))
        for clause in item.requirements:
            needs[clause.address] = _requirement_need(clause, item)
    created = f"{options.today.isoformat()}T00:00:00"
    data = {
        "created": created,
        "current_version": NEEDS_VERSION,
        "project": options.project,
        "versions": {
            NEEDS_VERSION: {"created": created, "needs": needs, "needs_amount": len(needs)}
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _item_need(item: Item, graph: Graph, path: str) -> dict[str, Any]:
    parent = graph.parent(item)
    release = graph.release_of(item) if item.kind != "release" else None
    return {
        "id": item.id,
        "type": item.kind,
        "title": item.title,
        "status": item.status,
        "tags": [str(tag) for tag in item.get("tags") or []],
        "content": literal(item.body),
        "parent": [parent.id] if parent is not None else [],
        "implements": _resolved(item.get("implements"), graph),
        "depends_on": _resolved(item.get("depends_on"), graph),
        **{name: scalar_text(item.get(name)) for name in FIELDS},
        "release": release or "",
        "path": path,
    }


def _requirement_need(clause: Clause, owner: Item) -> dict[str, Any]:
    return {
        "id": clause.address,
        "type": REQUIREMENT_TYPE,
        "title": f"{clause.address}: {_first_line(clause.text)}",
        "status": owner.status,
        "tags": [],
        "content": literal(clause.text),
        "parent": [owner.id],
        "implements": [],
        "depends_on": [],
        **dict.fromkeys(FIELDS, ""),
    }


def _resolved(value: object, graph: Graph) -> list[str]:
    """The ids or addresses of a list field that name something: a dead link would warn."""
    if not isinstance(value, list):
        return []
    return [str(t) for t in value if str(t) in graph.items or str(t) in graph.clauses]


def literal(text: str) -> str:
    """`text` as a reStructuredText literal block: shown as written, never parsed."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    if not any(lines):
        return ""
    return (
        ".. code-block:: text\n\n"
        + "\n".join(f"    {line}" if line else "" for line in lines)
        + "\n"
    )


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""
