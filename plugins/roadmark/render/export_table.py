"""The tabular exports, one row per item or per trace link, for CSV and XLSX alike.

The rows are planned here once, as plain values (text, or a number the export wrote
itself); `export_csv` and `export_xlsx` only write them, each neutralising formulas its
own way. The column names below are the documented ones (docs/exports.md), and a test
compares the two lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..plan.health import Health
from ..plan.progress import Progress
from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.product import Product
from ..trace.coverage import Trace, matrix

Cell = str | int | float
"""A cell as the writers receive it: text, or a number that stays a number."""

LIST_SEPARATOR = "; "
"""Between the elements of a list field (tags, depends_on, implements), in file order."""

ITEM_COLUMNS = (
    "id", "kind", "title", "status", "type", "release", "release_as_written", "epic",
    "prd", "sprint", "team", "owner", "priority", "estimate", "start", "target", "tags",
    "depends_on", "implements", "progress", "at_risk", "path",
)  # fmt: skip
"""Columns of the items view: one row per item, in id order."""

TRACE_COLUMNS = (
    "prd", "requirement", "story", "story_status", "criterion", "verdict",
    "test", "result", "results_file",
)  # fmt: skip
"""Columns of the traceability matrix: one row per requirement × story × criterion × test."""


@dataclass(frozen=True, slots=True)
class Table:
    """A header and its rows, each row as long as the header."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def item_table(product: Product, health: Health, progress: dict[str, Progress]) -> Table:
    """Every item with the fields a spreadsheet user sorts and filters by.

    `health` decides `at_risk` as the roadmap does; `progress` is each item's with
    stories beneath it (`plan.progress.progress_by_item`).
    """
    graph = product.graph
    rows = []
    for item in graph.items.values():
        done = progress.get(item.id)
        rows.append(
            (
                item.id,
                item.kind,
                item.title,
                item.status,
                scalar_text(item.get("type")),
                _effective_release(item, graph),
                scalar_text(item.get("release")),
                scalar_text(item.get("epic")),
                _prd(item, graph),
                scalar_text(item.get("sprint")),
                scalar_text(item.get("team")),
                scalar_text(item.get("owner")),
                scalar_text(item.get("priority")),
                _number(item.get("estimate")),
                scalar_text(item.get("start")),
                scalar_text(item.get("target", item.get("date"))),
                _joined(item.get("tags")),
                _joined(item.get("depends_on")),
                _joined(item.get("implements")),
                done.percent if done is not None else "",
                _at_risk(item, graph, health),
                product.settings.source_path(item.path),
            )
        )
    return Table(ITEM_COLUMNS, tuple(rows))


def trace_table(trace: Trace) -> Table:
    """The traceability matrix, gaps included: a row without a test has empty test cells."""
    rows: list[tuple[Cell, ...]] = []
    for prd_trace in trace.prds:
        prd = prd_trace.prd.id if prd_trace.prd else ""
        for row in matrix(prd_trace):
            start = (
                prd,
                row.requirement.address if row.requirement else "",
                row.story.id if row.story else "",
                row.story.status if row.story else "",
                row.criterion.clause.address if row.criterion else "",
                row.state or "",
            )
            if not row.tests:
                rows.append((*start, "", "", ""))
            rows.extend((*start, test.title, test.result, test.source) for test in row.tests)
    return Table(TRACE_COLUMNS, tuple(rows))


def _effective_release(item: Item, graph: Graph) -> str:
    """The release the item ships in, inherited from its epic or PRD; a release is its own."""
    if item.kind == "release":
        return item.id
    return graph.release_of(item) or ""


def _prd(item: Item, graph: Graph) -> str:
    """The PRD an epic or story delivers: its own `prd`, else its epic's."""
    written = item.get("prd")
    if written is not None:
        return scalar_text(written)
    for ancestor in graph.ancestors(item):
        if ancestor.kind == "prd":
            return ancestor.id
    return ""


def _at_risk(item: Item, graph: Graph, health: Health) -> str:
    """`true` when a release the item ships in is at risk; empty when it ships in none."""
    plans = health.releases_of(item)
    if not plans:  # a story, or work with nothing planned yet: the release it names
        release = graph.release_of(item)
        plan = health.releases.get(release) if release else None
        plans = [plan] if plan is not None else []
    if not plans:
        return ""
    return "true" if any(plan.at_risk for plan in plans) else "false"


def scalar_text(value: object) -> str:
    """A scalar field as text: dates as `YYYY-MM-DD`, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value: object) -> Cell:
    """A number stays a number (loading refuses any other estimate); else empty."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return ""


def _joined(value: object) -> str:
    """A list field's elements in file order, joined by LIST_SEPARATOR."""
    if not isinstance(value, list | tuple):
        return scalar_text(value)
    return LIST_SEPARATOR.join(scalar_text(element) for element in value)
