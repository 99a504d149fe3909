"""Index pages: one table per kind, and an overview of the whole product."""

from __future__ import annotations

from collections.abc import Mapping

from ..plan.progress import Progress
from ..spec.graph import Graph
from ..spec.problems import Problem, Severity
from ..spec.settings import Settings
from ..text.words import number
from .deferred import placeholder
from .html import Markup
from .markdown import Linker, badge, field_label, kind_label, progress_bar, table, text

INDEX_COLUMNS = ("status", "owner", "release", "priority", "estimate")


def render_kind_index(kind: str, graph: Graph) -> str:
    """The index page of one kind; its table is the deferred part `index`."""
    title = kind_label(kind, plural=True)
    items = graph.of_kind(kind)
    if not items:
        return f"# {title}\n\nNo {title.lower()} yet.\n"
    count = f"{len(items)} {kind_label(kind, plural=len(items) != 1).lower()}."
    return f"# {title}\n\n{count} Click a column heading to sort.\n\n" + placeholder("index")


def kind_index_table(
    kind: str, graph: Graph, settings: Settings, progress: Mapping[str, Progress], linker: Markup
) -> str:
    """Every item of one kind with its main fields and progress (planned, by id), in id order."""
    specs = settings.fields_for(kind)
    columns = [name for name in INDEX_COLUMNS if name in specs]
    with_progress = kind != "story"
    headers = ["Id", "Title", *(field_label(name) for name in columns)]
    if with_progress:
        headers.append("Progress")
    rows = []
    for item in graph.of_kind(kind):
        row = [linker.link(item.id), linker.text(item.title)]
        for name in columns:
            value = item.get(name)
            if name == "status":
                row.append(badge(item.status))
            elif name == "release" and value:
                row.append(linker.link(value))
            elif name == "estimate":
                row.append(number(value))
            else:
                row.append("" if value is None else linker.text(value))
        if with_progress:
            row.append(progress_bar(progress[item.id]) if item.id in progress else "")
        rows.append(row)
    return linker.table(headers, rows)


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
