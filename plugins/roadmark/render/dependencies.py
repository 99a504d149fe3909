"""The product-wide dependency page: late dependencies first, then what crosses epics.

One chart of everything would be unreadable past a few dozen items, and a chart per
epic would repeat, page after page, the chart each epic's own page shows (at 200 epics
the page grew to 2.5 MB). So the page has a table of the dependencies on work scheduled
in a later release (decided in `plan/dependencies.py`), a chart of the epics' own
dependencies, a table of the stories' dependencies that cross from one epic to
another, and, per epic, how many of its stories' links stay inside it, leading to the
chart on its page. Stories in no epic have no page of their own to chart them, so
their chart is here. Charts and tables are deferred parts, written with built URLs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from itertools import groupby

from ..plan.dependencies import Dependency, DependencyPlan, KeptDependencies
from ..spec.graph import Graph
from ..spec.kept import Kept, Same
from ..spec.model import Item
from .deferred import Href, placeholder
from .dependency_chart import CHART_ANCHOR, layout, render_chart
from .html import HtmlLinker, escape
from .markdown import Linker
from .site_pages import ProductPage

TITLE = "Dependencies"


@dataclass(frozen=True, slots=True)
class _Group:
    """The dependencies one chart shows."""

    key: str
    """Its placeholder's key."""
    members: frozenset[str]
    """The ids the chart is about; the other ends of its links are drawn as outside."""
    dependencies: tuple[Dependency, ...]


@dataclass(frozen=True, slots=True)
class _Unit:
    """What one dependant's dependencies bring to the page, made once while they and the
    parents of their ends are the same: an edit makes again only its own item's."""

    dependencies: tuple[Dependency, ...]
    grouped: dict[str, tuple[Dependency, ...]]
    """Its dependencies by the key of the group showing them (`_groups`)."""
    rows: tuple[Hashable, ...]
    """Each dependency's share of the page's key (see `_key`)."""
    read: frozenset[str]
    """Both ends, their ancestors and the releases they ship in (see `_read`)."""


class KeptDependencyPage:
    """Under `serve`, the dependency plan's keeper and each dependant's `_Unit`."""

    def __init__(self) -> None:
        self.plan = KeptDependencies()
        self.ids: Same[dict[str, int]] = Same()
        """The graph's ids, so that units compare them by identity."""
        self.units: Kept[str, _Unit] = Kept()


def dependencies_page(
    plan: DependencyPlan, graph: Graph, kept: KeptDependencyPage | None = None
) -> ProductPage:
    """The dependency page, `dependencies.md` under the product prefix. `kept` (under
    `serve`) keeps each dependant's share of the page from one planning to the next."""
    units = _units(plan, graph, kept)
    groups = _groups(units)
    render = partial(render_dependencies_page, plan, groups)
    parts = partial(_parts, plan, groups, graph)
    # Made once per plan: an edit compares it before (last plan's) and after.
    shown, key = _read(units), cache(partial(_key, units, groups))
    return ProductPage(
        "dependencies", TITLE, render, parts=parts, shows=frozenset(), reads=shown, key=key
    )


def _units(plan: DependencyPlan, graph: Graph, kept: KeptDependencyPage | None) -> list[_Unit]:
    """Each dependant's unit, in plan order (the plan lists a dependant's links together)."""
    # Grouped by id: comparing items would compare their every field.
    groups = (tuple(found) for _, found in groupby(plan.dependencies, key=lambda d: d.item.id))
    if kept is None:
        return [_unit(dependencies, graph) for dependencies in groups]
    # Which ids exist decides an end's ancestors beyond its parent (an epic's PRD).
    ids = kept.ids(graph.ranks)
    units = []
    for dependencies in groups:
        item = dependencies[0].item
        # Everything a unit reads of the graph: its ends' parents (their epics and the
        # epics' titles, the lineage through them), given which ids exist; the dependencies
        # hold the ends themselves, their releases and lateness.
        parents = tuple(graph.parent(d.target) for d in dependencies)
        sources = (dependencies, graph.parent(item), parents, ids)
        units.append(kept.units.get(item.id, sources, partial(_unit, dependencies, graph)))
    kept.units.forget_unused()
    return units


def _unit(dependencies: tuple[Dependency, ...], graph: Graph) -> _Unit:
    homes = tuple((_epic_id(d.item, graph), _epic_id(d.target, graph)) for d in dependencies)
    grouped: dict[str, list[Dependency]] = {}
    for d, home in zip(dependencies, homes, strict=True):
        group = _group_of(d, home)
        if group is not None:
            grouped.setdefault(group, []).append(d)
    rows = tuple(_row(d, home, graph) for d, home in zip(dependencies, homes, strict=True))
    read = graph.lineage(end for d in dependencies for end in (d.item, d.target))
    read.update(r for d in dependencies for r in (d.item_release, d.target_release) if r)
    shown = {group: tuple(found) for group, found in grouped.items()}
    return _Unit(dependencies, shown, rows, frozenset(read))


def _group_of(d: Dependency, homes: tuple[str | None, str | None]) -> str | None:
    """The group showing `d`: the epics' chart, the stories' links across epics or within
    one, the chart of stories in no epic; None for other kinds' links."""
    if d.item.kind == "epic":
        return "epics"
    if d.item.kind != "story":
        return None
    if homes[0] is None and (homes[1] is None or d.target.kind != "story"):
        return "no-epic"
    return "across" if homes[0] != homes[1] else "by-epic"


def _row(d: Dependency, home: tuple[str | None, str | None], graph: Graph) -> Hashable:
    """What the tables show of a dependency (ids, teams, epics, releases, lateness), its
    dependant's epic's title (the table by epic), and its whole ends, which a chart may
    draw: a story's title changes no row unless a chart can show the story."""
    charted = d.item.kind == "epic" or home[0] is None
    ends = (d.item, d.target) if charted else None
    epic = graph.items.get(home[0]) if home[0] else None
    return (
        d.item.id,
        d.target.id,
        d.item_release,
        d.target_release,
        d.late,
        d.item.get("team"),
        d.target.get("team"),
        (home[0], d.item.kind),
        (home[1], d.target.kind),
        epic.title if epic is not None else None,
        ends,
    )


def _read(units: list[_Unit]) -> frozenset[str]:
    """The items whose fields the parts read: both ends of each dependency (title, status,
    team, `depends_on`: a dependency comes or goes with its dependant's edit), their
    ancestors (an end's epic and its title, the release it inherits), and the releases
    they ship in (whose order makes a dependency late: two releases keep their order
    unless one of them is edited)."""
    found: set[str] = set()
    for unit in units:
        found.update(unit.read)
    return frozenset(found)


def _key(units: list[_Unit], groups: list[_Group]) -> Hashable:
    """What the parts are made of (`_parts`), far cheaper to make: each dependency's row
    (`_row`, kept with its unit, so two keys compare mostly by identity) and which chart
    shows it (`_Group`'s members)."""
    rows = tuple(unit.rows for unit in units)
    return rows, tuple((group.key, group.members) for group in groups)


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
    keys = {group.key for group in groups}
    if "epics" in keys:
        parts.append("## Between epics\n\n" + placeholder("epics"))
    if "across" in keys:
        parts.append("## Stories depending on another epic\n\n" + placeholder("across"))
    if "by-epic" in keys:
        parts.append(
            "## Stories within each epic\n\nEach epic's page charts the dependencies "
            "among its stories.\n\n" + placeholder("by-epic")
        )
    if "no-epic" in keys:
        parts.append("## Stories in no epic\n\n" + placeholder("no-epic"))
    return "\n".join(parts)


def _parts(plan: DependencyPlan, groups: list[_Group], graph: Graph, href: Href) -> dict[str, str]:
    linker = HtmlLinker(href)
    parts = {"late": _late_table(plan, linker)}
    for group in groups:
        if group.key == "across":
            parts[group.key] = _across_table(group.dependencies, graph, linker)
        elif group.key == "by-epic":
            parts[group.key] = _by_epic_table(group.dependencies, graph, linker)
        else:
            parts[group.key] = _chart(group, graph, linker)
    return parts


def _late_table(plan: DependencyPlan, linker: HtmlLinker) -> str:
    late = plan.late
    if not late:
        return "<p>No item depends on work scheduled in a later release.</p>\n"
    rows = [
        [
            _flagged(linker.link(d.item.id), True),
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
    label = "Dependencies of stories in no epic" if group.key == "no-epic" else "Dependencies"
    return render_chart(nodes, edges, linker.href, label, late_edges=late_edges)


def _groups(units: list[_Unit]) -> list[_Group]:
    """The epics' chart, the stories' links across epics, those within each epic (a table:
    each epic's page has their chart), and the chart of stories in no epic."""
    grouped: dict[str, list[Dependency]] = {}
    for unit in units:
        for key, shown in unit.grouped.items():
            grouped.setdefault(key, []).extend(shown)
    groups = []
    for key in ("epics", "across", "by-epic", "no-epic"):
        found = grouped.get(key)
        if not found:
            continue
        if key == "epics":
            members = frozenset(i.id for d in found for i in (d.item, d.target))
        else:  # the tables show every end; the stories in no epic are the chart's own
            members = frozenset(d.item.id for d in found) if key == "no-epic" else frozenset()
        groups.append(_Group(key, members, tuple(found)))
    return groups


def _across_table(dependencies: Sequence[Dependency], graph: Graph, linker: HtmlLinker) -> str:
    rows = [
        [
            _flagged(linker.link(d.item.id), d.late),
            _epic_link(d.item, graph, linker),
            linker.link(d.target.id),
            _epic_link(d.target, graph, linker),
            _release(d.target_release, linker),
        ]
        for d in dependencies
    ]
    headers = ["Story", "Its epic", "Depends on", "That item's epic", "Its release"]
    return f'<div class="roadmark-deps__across">\n{linker.table(headers, rows)}</div>\n'


def _by_epic_table(dependencies: Sequence[Dependency], graph: Graph, linker: HtmlLinker) -> str:
    counts: dict[str, list[Dependency]] = {}
    for d in dependencies:
        counts.setdefault(_epic_id(d.item, graph) or "", []).append(d)
    rows = []
    for epic_id in sorted(counts, key=lambda key: graph.ranks.get(key, 0)):
        links = counts[epic_id]
        stories = {end.id for d in links for end in (d.item, d.target)}
        rows.append(
            [
                linker.link(epic_id, anchor=CHART_ANCHOR),
                linker.text(graph.items[epic_id].title),
                str(len(stories)),
                str(len(links)),
            ]
        )
    headers = ["Epic", "Title", "Stories linked", "Dependencies"]
    return f'<div class="roadmark-deps__by-epic">\n{linker.table(headers, rows)}</div>\n'


def _flagged(link: str, late: bool) -> str:
    return f'<span class="roadmark-deps__flag">{link}</span>' if late else link


def _epic_link(item: Item, graph: Graph, linker: HtmlLinker) -> str:
    epic = _epic_id(item, graph)
    if epic is not None:
        return linker.link(epic)
    return linker.text(item.kind) if item.kind != "story" else escape("none")


def _epic_id(story: Item, graph: Graph) -> str | None:
    parent = graph.parent(story)
    return parent.id if parent is not None and parent.kind == "epic" else None
