"""The graph after an edit, made from the graph before it rather than from every item.

Under `mkdocs serve` an edit replaces a few items and keeps every other one as the very
same object (the parsed-spec cache). When the items keep their ids, kinds and paths, each
id keeps its rank, every reference target still exists with the same kind, and so only
the replaced items' own links, parent, release and closedness change, with the releases of
their descendants. `updated_graph` works out just those, on copies: the graph before the
edit stays as it was, since the preview compares the two.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TypeVar

from .graph import PARENT_FIELDS, Graph, _reference_fields, _references, resolves
from .model import Item
from .settings import Settings

_T = TypeVar("_T")

MOST_REPLACED = 64
"""Beyond this many replaced items (or a sixteenth of them) a whole build is as quick."""


def replaced_items(old: Sequence[Item], new: Sequence[Item]) -> list[tuple[Item, Item]] | None:
    """The pairs (before, after) of items replaced between two loads of the same files, when
    `updated_graph` can follow them: same ids, kinds and paths; else None."""
    if len(old) != len(new):
        return None
    pairs = [(before, after) for before, after in zip(old, new, strict=True) if before is not after]
    if len(pairs) > max(MOST_REPLACED, len(new) // 16):
        return None
    for before, after in pairs:
        if (before.id, before.kind, before.path) != (after.id, after.kind, after.path):
            return None
    return pairs


def _addresses(item: Item) -> list[str]:
    return [clause.address for clause in item.clauses]


def updated_graph(
    before: Graph, pairs: list[tuple[Item, Item]], items: Sequence[Item], settings: Settings
) -> Graph | None:
    """`build_graph(items, settings)`, made from `before`, the graph of the items before
    `pairs` (from `replaced_items`) replaced some; None when `before` has items without an
    id or kind, or ids declared twice: those take the whole build."""
    if len(before.items) != len(items):
        return None
    graph = Graph(
        items=dict(before.items),
        clauses=dict(before.clauses),
        links=list(before.links),
        incoming=dict(before.incoming),
        outgoing=dict(before.outgoing),
        kinds=before.kinds,
        children=dict(before.children),
        scheduled=dict(before.scheduled),
        unresolved=list(before.unresolved),
        closed=set(before.closed),
        ranks=before.ranks,  # the same ids in the same order; never changed once built
    )
    for old, new in pairs:
        graph.items[new.id] = new
        for address in set(_addresses(old)).difference(_addresses(new)):
            graph.clauses.pop(address, None)
        for clause in reversed(new.clauses):  # the first of an address wins, as in a build
            graph.clauses[clause.address] = clause
        graph.closed.discard(old.id)
        if settings.is_closed(new.kind, new.status):
            graph.closed.add(new.id)
    for old, new in pairs:
        _relink(graph, before, old, new, settings)
    for item in _referrers(before, pairs):
        _relink(graph, before, item, item, settings)
    for old, new in pairs:
        was, now = before.parent(old), graph.parent(new)
        was_id = None if was is None else was.id
        _move(graph.children, was_id, None if now is None else now.id, new, graph.ranks)
    _reschedule(graph, before, pairs)
    _keep_answers(graph, before, pairs)
    return graph


def _referrers(before: Graph, pairs: list[tuple[Item, Item]]) -> list[Item]:
    """The items not replaced whose references name a clause that came or went: each
    resolves now where it did not, or no longer does."""
    replaced = {new.id for _, new in pairs}
    found: dict[str, Item] = {}
    for old, new in pairs:
        came_or_went = set(_addresses(old)).symmetric_difference(_addresses(new))
        if not came_or_went:
            continue
        for ref in before.incoming.get(new.id, ()):
            if ref.clause is not None and ref.address in came_or_went:
                found[ref.source] = before.items[ref.source]
        for item, ref in before.unresolved:
            if ref.clause is not None and ref.address in came_or_went:
                found[item.id] = item
    return [item for item_id, item in found.items() if item_id not in replaced]


def _relink(graph: Graph, before: Graph, old: Item, new: Item, settings: Settings) -> None:
    """Replace `old`'s references by `new`'s in the links, backlinks and unresolved."""
    rank = graph.ranks[new.id]
    refs = _references(new, _reference_fields(settings, new.kind), graph.kinds)
    resolved = [ref for ref in refs if resolves(ref, graph.items, graph.clauses)]
    unresolved = [(new, ref) for ref in refs if not resolves(ref, graph.items, graph.clauses)]
    by_rank = graph.ranks.__getitem__
    # Both lists are in item order, so the old item's stretch is found by its rank.
    start = bisect_left(graph.links, rank, key=lambda ref: by_rank(ref.source))
    end = bisect_right(graph.links, rank, key=lambda ref: by_rank(ref.source))
    graph.links[start:end] = resolved
    start = bisect_left(graph.unresolved, rank, key=lambda pair: by_rank(pair[0].id))
    end = bisect_right(graph.unresolved, rank, key=lambda pair: by_rank(pair[0].id))
    graph.unresolved[start:end] = unresolved
    if resolved:
        graph.outgoing[new.id] = resolved
    else:
        graph.outgoing.pop(new.id, None)
    targets = {ref.target for ref in before.outgoing.get(old.id, ())}
    targets.update(ref.target for ref in resolved)
    for target in sorted(targets):
        mine = [ref for ref in resolved if ref.target == target]
        _splice(graph.incoming, target, rank, mine, lambda ref: by_rank(ref.source))


def _splice(
    groups: dict[str, list[_T]], key: str, rank: int, values: list[_T], rank_of: Callable[[_T], int]
) -> None:
    """Put `values` in place of the group's values of `rank`, on a copy of the group: the
    graph before shares the lists it was not given new ones for."""
    group = list(groups.get(key, ()))
    start = bisect_left(group, rank, key=rank_of)
    end = bisect_right(group, rank, key=rank_of)
    group[start:end] = values
    if group:
        groups[key] = group
    else:
        groups.pop(key, None)


def _move(
    groups: dict[str, list[Item]],
    was: str | None,
    now: str | None,
    new: Item,
    ranks: dict[str, int],
) -> None:
    """Take the item with `new`'s id out of group `was`, and put `new` into group `now`."""
    rank = ranks[new.id]

    def rank_of(item: Item) -> int:
        return ranks[item.id]

    if was is not None:
        _splice(groups, was, rank, [], rank_of)
    if now is not None:
        _splice(groups, now, rank, [new], rank_of)


_RELEASE_FIELDS = ("release", *PARENT_FIELDS)
"""What an item passes down to its descendants' `release_of`."""


def _reschedule(graph: Graph, before: Graph, pairs: list[tuple[Item, Item]]) -> None:
    """Move each replaced item, and each descendant whose release may follow it, between the
    releases' groups: an epic's `release` is its stories' too."""
    moved: dict[str, None] = {}
    for old, new in pairs:
        moved[new.id] = None
        if any(old.fields.get(name) != new.fields.get(name) for name in _RELEASE_FIELDS):
            moved.update(dict.fromkeys(_descendants(before, old.id)))
            moved.update(dict.fromkeys(_descendants(graph, new.id)))
    for item_id in moved:
        was = before.release_of(before.items[item_id])
        new = graph.items[item_id]
        _move(graph.scheduled, was, graph.release_of(new), new, graph.ranks)


def _descendants(graph: Graph, item_id: str) -> list[str]:
    """The ids under `item_id` through `children`, each once, cycles or not."""
    found: dict[str, None] = {}
    stack = [item_id]
    while stack:
        for child in graph.children.get(stack.pop(), ()):
            if child.id not in found and child.id != item_id:
                found[child.id] = None
                stack.append(child.id)
    return list(found)


def _keep_answers(graph: Graph, before: Graph, pairs: list[tuple[Item, Item]]) -> None:
    """Give `graph` the parents, chains, releases and planned-ness `before` worked out, but
    for the replaced items and their descendants: planning asks them of every item after
    each edit, and an edit of one story would otherwise have all 10,000 worked out again.

    Each answer reads the item's own fields, its ancestors' (up the parent chain, as Item
    objects), the closed set and which ids exist. The ids are the same, and an item closes
    or opens only when replaced; so an item whose chain, before or after, holds no replaced
    item has the same answer, from the same objects. Those that do are the descendants of
    a replaced item through `children`, in the graph before or after.
    """
    stale: set[str] = set()
    for old, new in pairs:
        stale.add(new.id)
        stale.update(_descendants(before, old.id))
        stale.update(_descendants(graph, new.id))
    graph.take_answers(before, stale)
