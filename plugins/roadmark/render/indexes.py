"""Index pages: one table per kind, and an overview of the whole product."""

from __future__ import annotations

from ..graph import Graph
from ..problems import Problem, Severity
from ..progress import progress_of, stories_under
from ..settings import Settings
from .item_page import field_label, kind_label
from .markdown import Linker, badge, progress_bar, table, text

INDEX_COLUMNS = ("status", "owner", "release", "priority", "estimate")


def render_kind_index(kind: str, graph: Graph, settings: Settings, linker: Linker) -> str:
    """The index page of one kind: every item with its main fields, in id order."""
    specs = settings.fields_for(kind)
    columns = [name for name in INDEX_COLUMNS if name in specs]
    items = graph.of_kind(kind)
    with_progress = kind != "story"
    headers = ["Id", "Title", *(field_label(name) for name in columns)]
    if with_progress:
        headers.append("Progress")
    rows = []
    for item in items:
        row = [linker.link(item.id), text(item.title)]
        for name in columns:
            value = item.get(name)
            if name == "status":
                row.append(badge(item.status))
            elif name == "release" and value:
                row.append(linker.link(value))
            else:
                row.append(
                    "" if value is None else text(f"{value:g}" if name == "estimate" else value)
                )
        if with_progress:
            stories = stories_under(item, graph)
            row.append(progress_bar(progress_of(stories, settings)) if stories else "")
        rows.append(row)
    title = kind_label(kind, plural=True)
    count = f"{len(items)} {kind_label(kind, plural=len(items) != 1).lower()}."
    if not items:
        return f"# {title}\n\nNo {title.lower()} yet.\n"
    return f"# {title}\n\n{count} Click a column heading to sort.\n\n" + table(headers, rows)


def render_overview(
    graph: Graph,
    settings: Settings,
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
