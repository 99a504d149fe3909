"""The product-wide dependency page: late dependencies first, then a chart per group.

One chart of everything would be unreadable past a few dozen items, so the page has a
table of the dependencies on work scheduled in a later release (decided in
`plan/dependencies.py`), a chart of the epics' own dependencies, and one chart per
epic of its stories with, at the edge, the stories of other epics (and teams) they
are linked to. Charts are deferred parts: their links are written with built URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from ..plan.dependencies import Dependency, DependencyPlan
from ..spec.graph import Graph
from ..spec.model import Item
from .deferred import Href, placeholder
from .dependency_chart import layout, render_chart
from .html import HtmlLinker, escape
from .markdown import Linker, text
from .site_pages import ProductPage

TITLE = "Dependencies"


@dataclass(frozen=True, slots=True)
class _Group:
    """The dependencies one chart shows."""

    key: str
    """Its placeholder's key."""
    epic: Item | None
    """The epic whose stories it charts; None for the epics' chart or stories of no epic."""
    members: frozenset[str]
    """The ids the chart is about; the other ends of its links are drawn as outside."""
    dependencies: tuple[Dependency, ...]


def dependencies_page(plan: DependencyPlan, graph: Graph) -> ProductPage:
    """The dependency page, `dependencies.md` under the product prefix."""
    groups = _groups(plan, graph)
    render = partial(render_dependencies_page, plan, groups)
    return ProductPage("dependencies", TITLE, render, parts=partial(_parts, plan, groups, graph))


def render_dependencies_page(plan: DependencyPlan, groups: list[_Group], linker: Linker) -> str:
    """The Markdown of the page, with a placeholder where each table and chart goes."""
    parts = [
        f"# {TITLE}\n",
        "Which work waits for which: each arrow runs from an item to one that depends on it. "
        "A dependency on unfinished work scheduled in a later release is flagged in red.\n",
    ]
    if not plan.dependencies:
        parts.append("*No item depends on another yet.*\n")
        return "\n".join(parts)
    parts.append("## Dependencies on later releases\n\n" + placeholder("late"))
    stories = False
    for group in groups:
        if group.key == "epics":
            parts.append("## Between epics\n\n" + placeholder(group.key))
            continue
        if not stories:
            parts.append("## Stories by epic\n")
            stories = True
        if group.epic is None:
            heading = "Stories in no epic"
        else:
            heading = f"{linker.link(group.epic.id)} {text(group.epic.title)}"
        parts.append(f"### {heading}\n\n" + placeholder(group.key))
    return "\n".join(parts)


def _parts(plan: DependencyPlan, groups: list[_Group], graph: Graph, href: Href) -> dict[str, str]:
    linker = HtmlLinker(href)
    parts = {"late": _late_table(plan, linker)}
    for group in groups:
        parts[group.key] = _chart(group, graph, linker)
    return parts


def _late_table(plan: DependencyPlan, linker: HtmlLinker) -> str:
    late = plan.late
    if not late:
        return "<p>No item depends on work scheduled in a later release.</p>\n"
    rows = [
        [
            f'<span class="roadmark-deps__flag">{linker.link(d.item.id)}</span>',
            linker.text(d.item.get("team") or ""),
            _release(d.item_release, linker),
            linker.link(d.target.id),
            linker.text(d.target.get("team") or ""),
            _release(d.target_release, linker),
        ]
        for d in late
    ]
    headers = ["Item", "Team", "Release", "Depends on", "Its team", "Its release"]
    return f'<div class="roadmark-deps__late">\n{linker.table(headers, rows)}</div>\n'


def _release(release: str | None, linker: HtmlLinker) -> str:
    return linker.link(release) if release else escape("none")


def _chart(group: _Group, graph: Graph, linker: HtmlLinker) -> str:
    ends: dict[str, Item] = {}
    for d in group.dependencies:
        ends.setdefault(d.item.id, d.item)
        ends.setdefault(d.target.id, d.target)
    edges = [(d.target.id, d.item.id) for d in group.dependencies]
    late_edges = [(d.target.id, d.item.id) for d in group.dependencies if d.late]
    late_items = {d.item.id for d in group.dependencies if d.late}
    nodes = [
        replace(node, late=node.item.id in late_items, outside=node.item.id not in group.members)
        for node in layout(list(ends.values()), edges, graph)
    ]
    label = f"Dependencies of the stories of {group.epic.id}" if group.epic else "Dependencies"
    return render_chart(nodes, edges, linker.href, label, late_edges=late_edges)


def _groups(plan: DependencyPlan, graph: Graph) -> list[_Group]:
    """The epics' chart, then one per epic (in id order) whose stories have dependencies."""
    epics = tuple(d for d in plan.dependencies if d.item.kind == "epic")
    groups = []
    if epics:
        members = frozenset(i.id for d in epics for i in (d.item, d.target))
        groups.append(_Group("epics", None, members, epics))
    by_epic: dict[str | None, list[Dependency]] = {}
    for d in plan.dependencies:
        if d.item.kind != "story":
            continue
        # A link across epics is shown in both: each epic's readers see what it touches.
        homes = dict.fromkeys(_epic_id(end, graph) for end in (d.item, d.target))
        for home in homes:
            by_epic.setdefault(home, []).append(d)
    order = sorted(by_epic, key=lambda key: (key is None, graph.ranks.get(key or "", 0)))
    for index, home in enumerate(order):
        dependencies = by_epic[home]
        members = frozenset(
            end.id
            for d in dependencies
            for end in (d.item, d.target)
            if _epic_id(end, graph) == home
        )
        epic = graph.items[home] if home is not None else None
        groups.append(_Group(f"epic-{index}", epic, members, tuple(dependencies)))
    return groups


def _epic_id(story: Item, graph: Graph) -> str | None:
    parent = graph.parent(story)
    return parent.id if parent is not None and parent.kind == "epic" else None
