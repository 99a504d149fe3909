"""The machine-readable export of the whole graph, as JSON or CSV.

The same functions write `roadmark.json` into the built site and back
`roadmark export`, so both always agree.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from .model import Clause, Item
from .product import Product

EXPORT_VERSION = 1
CSV_COLUMNS = ("id", "kind", "title", "status", "path", "parent", "release", "owner", "priority")


def export_data(product: Product) -> dict[str, Any]:
    """Every item, field, requirement, criterion, resolved link and problem, as plain data."""
    graph = product.graph
    return {
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
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "col": p.col,
                "severity": str(p.severity),
                "code": p.code,
                "message": p.message,
            }
            for p in product.problems
        ],
    }


def export_json(product: Product) -> str:
    """The export as stable, pretty JSON."""
    return json.dumps(export_data(product), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_csv(product: Product) -> str:
    """One row per item with its main fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in product.graph.items.values():
        parent = product.graph.parent(item)
        writer.writerow(
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
    return buffer.getvalue()


def _item(item: Item, product: Product) -> dict[str, Any]:
    parent = product.graph.parent(item)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "status": item.status,
        "path": product.settings.source_path(item.path),
        "parent": parent.id if parent else None,
        "fields": {name: _plain(value) for name, value in item.fields.items()},
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


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(element) for element in value]
    if isinstance(value, dict):
        return {key: _plain(element) for key, element in value.items()}
    return value
