"""A table of chosen items, as the `items` macro embeds it in any page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..plan.progress import Progress
from ..spec.graph import Graph
from ..spec.model import Item
from ..text.words import number
from .markdown import Linker, badge, kind_label, progress_bar, table, text


def render_item_table(
    items: Sequence[Item], graph: Graph, progress: Mapping[str, Progress], linker: Linker
) -> str:
    """Id, title, status, owner, release, priority, and points or progress of each item
    (`progress` as `plan.progress.progress_by_item` plans it for them)."""
    if not items:
        return "*No items match.*\n"
    mixed = len({item.kind for item in items}) > 1
    stories_only = all(item.kind == "story" for item in items)
    headers = ["Id", *(["Kind"] if mixed else []), "Title", "Status", "Owner", "Release"]
    headers += ["Priority", "Estimate" if stories_only else "Points / progress"]
    rows = []
    for item in items:
        release = graph.release_of(item)
        row = [linker.link(item.id), *([text(kind_label(item.kind))] if mixed else [])]
        row += [text(item.title), badge(item.status), text(item.get("owner") or "")]
        row += [linker.link(release) if release else "", text(item.get("priority") or "")]
        row.append(_amount(item, progress))
        rows.append(row)
    return table(headers, rows)


def _amount(item: Item, progress: Mapping[str, Progress]) -> str:
    if item.kind == "story":
        return number(item.get("estimate"))
    return progress_bar(progress[item.id]) if item.id in progress else ""
