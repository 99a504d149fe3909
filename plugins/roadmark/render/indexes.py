"""Index pages: one table per kind, and an overview of the whole product."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..plan.health import Health
from ..plan.progress import Progress
from ..spec.columns import index_columns
from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.problems import Problem, Severity
from ..spec.settings import FieldSpec, Settings
from ..text.words import number
from .deferred import placeholder
from .filters import filter_controls, row_count
from .health import health_cell
from .html import HtmlLinker, attr, escape, slug
from .markdown import Linker, badge, field_label, kind_label, progress_bar, table, text

FILTERED = ("status", "release", "owner", "team")
"""Columns with a select of their values above the table, where the index shows them."""

_WRAPS = frozenset({"health", "theme"})
"""Columns of prose that may wrap; other values (ids, names, dates, sprints) are short and
read badly broken over lines, so they stay on one and the title column takes the slack."""


def render_kind_index(kind: str, graph: Graph) -> str:
    """The index page of one kind; its table, count and filters are the deferred part `index`."""
    title = kind_label(kind, plural=True)
    if not graph.of_kind(kind):
        return f"# {title}\n\nNo {title.lower()} yet.\n"
    return f"# {title}\n\nClick a column heading to sort.\n\n" + placeholder("index")


def kind_index_table(
    kind: str,
    graph: Graph,
    settings: Settings,
    progress: Mapping[str, Progress],
    linker: HtmlLinker,
    health: Health | None = None,
    columns: Sequence[str] | None = None,
    kept: IndexRows | None = None,
) -> str:
    """Every item of one kind, in id order, as a sortable, filterable table with its count.

    `columns` (after id and title) as `spec.columns.index_columns` resolved them; by default
    the kind's. `progress` is planned by id; with `health`, the release index flags each
    release at risk and says why. Cells whose text does not sort as people think carry a
    `data-sort` key: statuses in workflow order, enums (priorities) in their declared
    order, progress by percentage, dates as a number. With `kept` (the same `linker`'s
    URLs each call), rows are made again only for the items that changed.
    """
    if columns is None:
        columns = index_columns({}, settings)[kind]
    specs = settings.fields_for(kind)
    items = graph.of_kind(kind)
    table_id = f"roadmark-index-{slug(kind)}"
    one, many = kind_label(kind).lower(), kind_label(kind, plural=True).lower()
    cells = [_column(name, kind, settings, specs, progress, linker, health) for name in columns]
    head = "<th>Id</th><th>Title</th>" + "".join(
        f'<th data-roadmark-column="{attr(name)}">{escape(_heading(name))}</th>' for name in columns
    )

    def row(item: Item) -> str:
        return (
            f"<tr><td>{linker.link(item.id)}</td><td>{linker.text(item.title)}</td>"
            + "".join(cell(item) for cell in cells)
            + "</tr>\n"
        )

    filtered = [name for name in columns if name in FILTERED]
    if kept is None:
        body = "".join(map(row, items))
        present = {name: _present(name, items) for name in filtered}
    else:
        health_cells = [cell for name, cell in zip(columns, cells, strict=True) if name == "health"]
        context = (kind, tuple(columns), settings)
        body = kept.joined(context, items, progress, health_cells, row, filtered)
        present = {name: kept.present(name) for name in filtered}
    # A select offering nothing but "All" is left out.
    selects = [
        (index + 2, _heading(name), values)
        for index, name in enumerate(columns)
        if name in FILTERED and (values := _values(name, present[name], settings, kind))
    ]
    return (
        filter_controls(table_id, many, selects)
        + row_count(table_id, len(items), one, many)
        + f'<div class="roadmark-index">\n<table id="{table_id}" data-roadmark-filterable>\n'
        + f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>\n"
    )


class IndexRows:
    """The rows of one kind's index table, kept from one call to the next (a served site's
    rebuilds): at 10,000 stories, making every row again to compare the table after a
    one-story edit cost more than the rest of the page's work.

    A row shows its item (parsed once and never changed: a new object when its file was
    read again), its progress and, in the release index, its health; everything else it
    shows comes from the columns and the settings, checked on each call, and the links,
    whose URLs must be the same on each call: one kept lives as long as the site's files
    and item pages (a served build and the preview's rebuilds, which give up on items
    coming or going).
    """

    def __init__(self) -> None:
        self._context: tuple[object, ...] | None = None
        self._rows: dict[str, tuple[Item, tuple[object, ...], str]] = {}
        self._counts: dict[str, dict[str, int]] = {}
        """How many rows show each value, by filtered column: what its select offers."""

    def joined(
        self,
        context: tuple[object, ...],
        items: Sequence[Item],
        progress: Mapping[str, Progress],
        health_cells: Sequence[Callable[[Item], str]],
        row: Callable[[Item], str],
        filtered: Sequence[str] = (),
    ) -> str:
        """The rows of `items`, made by `row` for items whose row may differ from the kept
        one; the values of the `filtered` columns are counted as rows come and go."""
        if context != self._context:
            self._context, self._rows = context, {}
            self._counts = {name: {} for name in filtered}
        kept, fresh, rows = self._rows, {}, []
        for item in items:
            # Health cells are few (releases) and cheap: what they show is the key itself.
            key = (progress.get(item.id), *(cell(item) for cell in health_cells))
            found = kept.get(item.id)
            if found is None or found[0] is not item or found[1] != key:
                if found is not None:
                    self._count(found[0], -1)
                self._count(item, 1)
                found = (item, key, row(item))
            fresh[item.id] = found
            rows.append(found[2])
        for gone in kept.keys() - fresh.keys():
            self._count(kept[gone][0], -1)
        self._rows = fresh
        return "".join(rows)

    def present(self, name: str) -> set[str]:
        """The values the rows show in the filtered column `name` (`_present`)."""
        return set(self._counts[name])

    def _count(self, item: Item, step: int) -> None:
        for name, counts in self._counts.items():
            value = item.get(name)
            if value is not None:
                shown = str(value)
                left = counts.get(shown, 0) + step
                if left:
                    counts[shown] = left
                else:
                    del counts[shown]


def _heading(name: str) -> str:
    return "Health" if name == "health" else field_label(name)


def _column(
    name: str,
    kind: str,
    settings: Settings,
    specs: Mapping[str, FieldSpec],
    progress: Mapping[str, Progress],
    linker: HtmlLinker,
    health: Health | None,
) -> Callable[[Item], str]:
    """How one column writes an item's cell; decided once per column, not per row."""
    field = specs.get(name)
    type_ = field.type if field is not None else "string"
    wraps = name in _WRAPS or type_ == "list"
    wrap = "" if wraps else ' class="roadmark-nowrap"'
    if name == "progress":

        def progress_cell(item: Item) -> str:
            found = progress.get(item.id)
            if found is None:
                return f'<td{wrap} data-sort=""></td>'
            return f'<td{wrap} data-sort="{found.ratio * 100:.2f}">{progress_bar(found)}</td>'

        return progress_cell
    if name == "health":
        releases = health.releases if health is not None else {}
        return lambda item: f"<td>{health_cell(releases.get(item.id), linker)}</td>"
    if name == "status":
        workflow = settings.kinds[kind].all_statuses
        order = {status: f'"{rank}"' for rank, status in enumerate(workflow)}
        last = f'"{len(order)}"'
        return lambda item: (
            f"<td{wrap} data-sort={order.get(item.status, last)}>{badge(item.status)}</td>"
        )
    if type_ == "enum" and field is not None:
        ranks = {value: f'"{rank}"' for rank, value in enumerate(field.values)}

        def enum_cell(item: Item) -> str:
            value = item.get(name)
            if value is None:
                return f'<td{wrap} data-sort=""></td>'
            rank = ranks.get(value, '""')
            return f"<td{wrap} data-sort={rank}>{linker.text(value)}</td>"

        return enum_cell
    if type_ == "date":

        def date_cell(item: Item) -> str:
            value = item.get(name)
            if value is None:
                return f'<td{wrap} data-sort=""></td>'
            shown = str(value)
            # As a number: the sort script would read "2026-03-01" as the number 2026.
            return f'<td{wrap} data-sort="{attr(shown.replace("-", ""))}">{linker.text(shown)}</td>'

        return date_cell
    return lambda item: f"<td{wrap}>{_value(item.get(name), type_, linker)}</td>"


def _value(value: object, type_: str, linker: HtmlLinker) -> str:
    if value is None:
        return ""
    if type_ == "reference" and isinstance(value, str):
        return linker.link(value)
    if type_ == "number":
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(linker.text(element) for element in value)
    return linker.text(value)


def _present(name: str, items: Sequence[Item]) -> set[str]:
    """The values of column `name` that `items` show."""
    return {str(value) for item in items if (value := item.get(name)) is not None}


def _values(name: str, present: set[str], settings: Settings, kind: str) -> list[str]:
    """The values a column's select offers (of those `present`): statuses in workflow
    order, others sorted."""
    if name == "status":
        workflow = settings.kinds[kind].all_statuses
        return [status for status in workflow if status in present] + sorted(
            present.difference(workflow)
        )
    return sorted(present)


def render_overview(
    graph: Graph,
    linker: Linker,
    problems: list[Problem],
    indexes: dict[str, str],
) -> str:
    """The product's landing page: counts per kind, links to the indexes, and problems."""
    rows = [
        [
            f"[{text(kind_label(kind, plural=True))}]({linker.to(path)})",
            str(len(graph.of_kind(kind))),
        ]
        for kind, path in indexes.items()
    ]
    parts = ["# Product\n", table(["Kind", "Items"], rows)]
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if problems:
        parts.append(
            f"\n**{errors} errors and {len(problems) - errors} warnings** in the specs: "
            "run `roadmark check` for the list.\n"
        )
    return "\n".join(parts)
