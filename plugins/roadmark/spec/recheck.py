"""The graph and the cross-item problems of a product, kept from one load to the next.

Under `mkdocs serve` the product is loaded again after every edit, and the parsed-spec
cache hands back the very same `Item` for every file not edited. `KeptChecks` then
updates the graph (`regraph.py`) and works out again only the problems the edit can
change: those of the replaced items themselves, of the items whose sprint or reference
they are, and the dependency cycles when a `depends_on` changed. Anything else (items
coming or going, an id or kind changing, ids declared twice, new settings) takes the
whole build, as without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .graph import Graph, Reference, build_graph
from .model import Item
from .regraph import replaced_items, updated_graph
from .rules import (
    ItemFinding,
    Placeholders,
    cycles,
    dangling_reference,
    done_in_future_sprints,
    duplicate_ids,
    item_findings,
)
from .settings import SPRINT_KIND, Settings

Broken = Callable[[Graph], dict[str, str]]
"""The ids that unparsable files seem to declare, given the graph (`Graph.broken`)."""

_Dangling = dict[tuple[str, Reference], tuple[tuple[object, ...], ItemFinding]]
"""Findings of unresolved references by (item path, reference), with what each read."""


@dataclass(slots=True)
class _Checked:
    """One load's graph and problems, grouped by what each group reads."""

    settings: Settings
    items: list[Item]
    graph: Graph
    duplicates: list[ItemFinding]
    dangling: _Dangling
    local: dict[str, list[ItemFinding]]
    """`item_findings` by item path, only those with any."""
    cycles: list[ItemFinding]
    sprints: dict[str, list[ItemFinding]]
    """`done_in_future_sprints` by item id, only those with any."""

    def findings(self) -> list[ItemFinding]:
        found = [*self.duplicates, *(finding for _, finding in self.dangling.values())]
        for group in self.local.values():
            found.extend(group)
        found.extend(self.cycles)
        for group in self.sprints.values():
            found.extend(group)
        return found


class KeptChecks:
    """The last load's graph and problems, to update after an edit (see the module)."""

    def __init__(self) -> None:
        self._last: _Checked | None = None
        self.updates = 0
        """How many loads updated the last graph rather than building it, for tests."""

    def check(
        self, items: list[Item], settings: Settings, broken: Broken
    ) -> tuple[Graph, list[ItemFinding]]:
        """The graph of `items` (its `broken` set) and their cross-item problems, as
        `build_graph` and `check_items` make them."""
        last = self._last
        checked = None
        if last is not None and (last.settings is settings or last.settings == settings):
            checked = _updated(last, items, settings, broken)
        if checked is None:
            checked = _built(items, settings, broken)
        else:
            self.updates += 1
        self._last = checked
        return checked.graph, checked.findings()


def _built(items: list[Item], settings: Settings, broken: Broken) -> _Checked:
    graph = build_graph(items, settings)
    graph.broken = broken(graph)
    dangling: _Dangling = {}
    for item, ref in graph.unresolved:
        sources = (item, graph.broken.get(ref.target), graph.get(ref.target))
        dangling[item.path, ref] = (sources, dangling_reference(item, ref, graph))
    placeholder = Placeholders()
    local = {}
    for item in items:
        if item.id and item.kind:
            found = item_findings(item, settings, placeholder)
            if found:
                local[item.path] = found
    sprints = {}
    for item in graph.items.values():
        found = done_in_future_sprints(item, graph, settings)
        if found:
            sprints[item.id] = found
    duplicates = list(duplicate_ids(items, settings))
    return _Checked(
        settings, items, graph, duplicates, dangling, local, list(cycles(graph)), sprints
    )


def _updated(
    last: _Checked, items: list[Item], settings: Settings, broken: Broken
) -> _Checked | None:
    """`_built`, from `last`, when only a few items were replaced in place; else None."""
    pairs = replaced_items(last.items, items)
    if pairs is None:
        return None
    graph = updated_graph(last.graph, pairs, items, settings)
    if graph is None:
        return None
    graph.broken = broken(graph)
    dangling: _Dangling = {}
    for item, ref in graph.unresolved:
        # What `dangling_reference` reads besides the ids, which are the same as before.
        sources = (item, graph.broken.get(ref.target), graph.get(ref.target))
        kept = last.dangling.get((item.path, ref))
        if kept is None or not _same(kept[0], sources):
            kept = (sources, dangling_reference(item, ref, graph))
        dangling[item.path, ref] = kept
    local = dict(last.local)
    placeholder = Placeholders()
    for _, new in pairs:
        _regroup(local, new.path, item_findings(new, settings, placeholder))
    sprints = dict(last.sprints)
    for item_id in _sprint_readers(last.graph, graph, pairs):
        _regroup(sprints, item_id, done_in_future_sprints(graph.items[item_id], graph, settings))
    replaced = {new.id for _, new in pairs}
    found_cycles = last.cycles
    if any(
        old.fields.get("depends_on") != new.fields.get("depends_on") for old, new in pairs
    ) or any(finding.item.id in replaced for finding in found_cycles):
        found_cycles = list(cycles(graph))
    return _Checked(settings, items, graph, last.duplicates, dangling, local, found_cycles, sprints)


def _same(kept: tuple[object, ...], sources: tuple[object, ...]) -> bool:
    """Whether two tuples of sources are the same objects (items) or equal values."""
    return all(a is b or a == b for a, b in zip(kept, sources, strict=True))


def _regroup(groups: dict[str, list[ItemFinding]], key: str, found: list[ItemFinding]) -> None:
    if found:
        groups[key] = found
    else:
        groups.pop(key, None)


def _sprint_readers(before: Graph, after: Graph, pairs: list[tuple[Item, Item]]) -> list[str]:
    """The ids whose RM026 may have changed: the replaced items, and the items naming a
    replaced sprint (its `start`), before or after."""
    found: dict[str, None] = {}
    for old, new in pairs:
        found[new.id] = None
        for graph, item in ((before, old), (after, new)):
            for ref in graph.incoming.get(item.id, ()):
                if ref.target_kind == SPRINT_KIND:
                    found[ref.source] = None
    return list(found)
