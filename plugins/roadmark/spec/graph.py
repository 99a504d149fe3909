"""The resolved graph of items: references, parents, children and backlinks."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from .ids import split_address
from .model import Clause, Item
from .settings import FieldSpec, Settings

_DIGITS = re.compile(r"(\d+)")
_T = TypeVar("_T")

PARENT_FIELDS = ("epic", "prd")
"""Fields naming an item's parent, nearest first: a story's epic, an epic's PRD."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference written in an item's front matter."""

    source: str
    field: str
    index: int | None
    """Position in a list field; None for a single reference."""
    target: str
    """The id referred to."""
    target_kind: str | None
    """The kind the field expects, or None for any."""
    clause: str | None = None
    """For requirement addresses: the local id, e.g. `R-2`."""

    @property
    def address(self) -> str:
        """What was written: an id, or an address for `implements`."""
        return f"{self.target}/{self.clause}" if self.clause else self.target


def references(
    item: Item, settings: Settings, kinds: Collection[str] | None = None
) -> Iterator[Reference]:
    """Every reference in `item`'s front matter, resolved or not, in field order.

    `kinds` are the kinds the product has items of (`Graph.kinds`): a text field that
    `becomes_reference` is a reference only once its kind is among them. None counts every
    kind in, for a caller that only looks up which existing items a value may name.
    """
    return iter(_references(item, _reference_fields(settings, item.kind), kinds))


def _reference_fields(settings: Settings, kind: str) -> list[tuple[str, FieldSpec]]:
    """The fields of `kind` that can hold a reference, in field order: a kind has many fields
    and few of them references, so an item's scan skips the others."""
    return [
        (name, spec)
        for name, spec in settings.fields_for(kind).items()
        if spec.type == "reference"
        or spec.becomes_reference is not None
        or (spec.type == "list" and spec.items in ("reference", "address"))
    ]


def _references(
    item: Item, fields: list[tuple[str, FieldSpec]], kinds: Collection[str] | None
) -> list[Reference]:
    """`references` of `item`, over its kind's `_reference_fields`."""
    found: list[Reference] = []
    values = item.fields
    for name, spec in fields:
        value = values.get(name)
        if value is None:
            continue
        kind = item.kind if spec.target == "*" else spec.target
        if spec.type == "reference":
            found.append(Reference(item.id, name, None, value, kind))
        elif spec.becomes_reference is not None and isinstance(value, str):
            if kinds is None or spec.becomes_reference in kinds:
                found.append(Reference(item.id, name, None, value, spec.becomes_reference))
        elif spec.type == "list" and spec.items == "reference":
            for index, target in enumerate(value):
                found.append(Reference(item.id, name, index, target, kind))
        elif spec.type == "list" and spec.items == "address":
            for index, address in enumerate(value):
                parts = split_address(address)
                if parts:
                    found.append(Reference(item.id, name, index, parts[0], "prd", parts[1]))
    return found


@dataclass(slots=True)
class Graph:
    """Items by id with their resolved references; dangling ones are left out."""

    items: dict[str, Item] = field(default_factory=dict)
    clauses: dict[str, Clause] = field(default_factory=dict)
    links: list[Reference] = field(default_factory=list)
    incoming: dict[str, list[Reference]] = field(default_factory=dict)
    """Resolved references by target id: the "referenced by" backlinks."""
    outgoing: dict[str, list[Reference]] = field(default_factory=dict)
    """Resolved references by source id, in field order (see `referent`)."""
    kinds: frozenset[str] = frozenset()
    """The kinds the product has items of, decided once: a story's `sprint` is a reference
    only once there are sprints (`FieldSpec.becomes_reference`)."""
    children: dict[str, list[Item]] = field(default_factory=dict)
    """Items by parent id (epics of a PRD, stories of an epic), in id order."""
    scheduled: dict[str, list[Item]] = field(default_factory=dict)
    """Items by the release they ship in (see `release_of`), in id order."""
    unresolved: list[tuple[Item, Reference]] = field(default_factory=list)
    """References that name nothing, or the wrong kind, with the item writing them;
    duplicates of an id included, since their references are wrong just the same."""
    closed: set[str] = field(default_factory=set)
    """Ids of items that left the plan (cancelled, superseded)."""
    ranks: dict[str, int] = field(default_factory=dict)
    """Each id's position in natural id order, for sorting."""
    broken: dict[str, str] = field(default_factory=dict)
    """Ids that files which cannot be parsed seem to declare, with those files' paths."""
    # Answers per indexed item, made once: the graph does not change once built, and planning
    # a large product asks for each item's parent, chain and release hundreds of thousands of
    # times. Only the item indexed under its id is answered from here (`_answer`): a
    # duplicate, or an item of another graph (the preview's graph before an edit), is
    # answered afresh from its own fields.
    _parents: dict[str, Item | None] = field(default_factory=dict, repr=False, compare=False)
    _chains: dict[str, tuple[Item, ...]] = field(default_factory=dict, repr=False, compare=False)
    _releases: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    _planned: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)
    _kinded: dict[str, list[Item]] | None = field(default=None, repr=False, compare=False)

    def rank(self, item: Item) -> int:
        """The item's position in id order (after every known item when unknown)."""
        return self.ranks.get(item.id, len(self.ranks))

    def get(self, item_id: str) -> Item | None:
        """The item with this id, if any."""
        return self.items.get(item_id)

    def of_kind(self, kind: str) -> list[Item]:
        """Items of one kind, in id order."""
        if self._kinded is None:
            # Grouped in one pass on the first call: pages and plans ask for every kind.
            self._kinded = {}
            for item in self.items.values():
                _add(self._kinded, item.kind, item)
        return list(self._kinded.get(kind, ()))  # a list of the caller's own

    def parent(self, item: Item) -> Item | None:
        """The nearest parent: a story's epic, an epic's PRD."""
        return self._answer(self._parents, item, self._find_parent)

    def release_of(self, item: Item) -> str | None:
        """The release an item ships in: its own `release`, else its nearest ancestor's."""
        return self._answer(self._releases, item, self._find_release)

    def in_plan(self, item: Item) -> bool:
        """Whether the item is still planned: work under a cancelled epic or a superseded PRD
        left the plan with it."""
        return self._answer(self._planned, item, self._find_in_plan)

    def ancestors(self, item: Item) -> list[Item]:
        """The parent chain, outermost first (PRD, epic)."""
        chain: tuple[Item, ...] = self._answer(self._chains, item, self._find_chain)
        return list(chain)  # the caller's own, which it may change

    def lineage(self, items: Iterable[Item]) -> set[str]:
        """The ids of `items` and of all their ancestors."""
        found: set[str] = set()
        for item in items:
            found.add(item.id)
            found.update(up.id for up in self._answer(self._chains, item, self._find_chain))
        return found

    def take_answers(self, before: Graph, stale: set[str]) -> None:
        """Answer as `before` answered, but for the ids in `stale`: for a graph updated from
        `before` (`spec/regraph.py`), which knows the ids whose answers may differ."""
        _take(self._parents, before._parents, stale)
        _take(self._chains, before._chains, stale)
        _take(self._releases, before._releases, stale)
        _take(self._planned, before._planned, stale)

    def _answer(self, answers: dict[str, _T], item: Item, find: Callable[[Item], _T]) -> _T:
        """`find(item)`, kept in `answers` for the item indexed under its id (see the maps)."""
        if self.items.get(item.id) is not item:
            return find(item)
        try:
            return answers[item.id]
        except KeyError:
            found = answers[item.id] = find(item)
            return found

    def _find_parent(self, item: Item) -> Item | None:
        for name in PARENT_FIELDS:
            target = item.fields.get(name)
            if isinstance(target, str) and target in self.items:
                return self.items[target]
        return None

    def _find_release(self, item: Item) -> str | None:
        current: Item | None = item
        seen: set[str] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            release = current.fields.get("release")
            if isinstance(release, str) and release in self.items:
                return release
            current = self.parent(current)
        return None

    def _find_in_plan(self, item: Item) -> bool:
        closed = self.closed
        return not any(up.id in closed for up in self.ancestors(item))

    def _find_chain(self, item: Item) -> tuple[Item, ...]:
        chain: list[Item] = []
        current = self.parent(item)
        while current is not None and current not in chain and current is not item:
            chain.insert(0, current)
            current = self.parent(current)
        return tuple(chain)

    def referrers(self, item_id: str, field_name: str | None = None) -> list[Reference]:
        """Resolved references to `item_id`, optionally only through one field."""
        found = self.incoming.get(item_id, [])
        return [ref for ref in found if field_name is None or ref.field == field_name]

    def referent(self, item: Item, field_name: str) -> Item | None:
        """The item that `item`'s field `field_name` names, when it is a reference and resolves
        (the first, for a list): a story's sprint once the product has sprints, else None."""
        for ref in self.outgoing.get(item.id, ()):
            if ref.field == field_name:
                return self.items[ref.target]
        return None

    def implementers(self, address: str) -> list[Item]:
        """Items whose `implements` names this requirement address."""
        owner = address.split("/", 1)[0]
        return [
            self.items[ref.source]
            for ref in self.referrers(owner, "implements")
            if ref.address == address
        ]


def build_graph(items: list[Item], settings: Settings) -> Graph:
    """Index `items` (the first wins on duplicate ids) and resolve their references."""
    graph = Graph()
    ordered = sorted(items, key=_id_order)
    indexed = graph.items
    for item in ordered:
        if item.id and item.kind:
            indexed.setdefault(item.id, item)
    graph.ranks = {item_id: rank for rank, item_id in enumerate(indexed)}
    graph.kinds = frozenset(item.kind for item in indexed.values())
    graph.closed = {
        item.id for item in indexed.values() if settings.is_closed(item.kind, item.status)
    }
    clauses = graph.clauses
    for item in indexed.values():
        for clause in item.requirements:
            clauses.setdefault(clause.address, clause)
        for clause in item.criteria:
            clauses.setdefault(clause.address, clause)
    _link(graph, ordered, settings)
    for item in indexed.values():
        parent = graph.parent(item)
        if parent is not None:
            _add(graph.children, parent.id, item)
    for item in indexed.values():
        release = graph.release_of(item)
        if release is not None:
            _add(graph.scheduled, release, item)
    return graph


def _link(graph: Graph, ordered: list[Item], settings: Settings) -> None:
    """Resolve the references of `ordered` items into the graph's links, or its unresolved."""
    fields: dict[str, list[tuple[str, FieldSpec]]] = {}
    indexed, clauses, incoming = graph.items, graph.clauses, graph.incoming
    for item in ordered:
        if not item.id or not item.kind:
            continue
        own = indexed[item.id] is item
        if item.kind not in fields:
            fields[item.kind] = _reference_fields(settings, item.kind)
        resolved: list[Reference] = []
        for ref in _references(item, fields[item.kind], graph.kinds):
            if not resolves(ref, indexed, clauses):
                graph.unresolved.append((item, ref))
            elif own:
                resolved.append(ref)
                _add(incoming, ref.target, ref)
        if resolved:
            # Every reference of an item has the item as its source.
            graph.links.extend(resolved)
            graph.outgoing[item.id] = resolved


def _add(groups: dict[str, list[_T]], key: str, value: _T) -> None:
    """`groups.setdefault(key, []).append(value)`, without a new list for every call."""
    group = groups.get(key)
    if group is None:
        groups[key] = [value]
    else:
        group.append(value)


def resolves(ref: Reference, items: Mapping[str, Item], clauses: Mapping[str, Clause]) -> bool:
    """Whether `ref` names an existing item of the expected kind (and clause)."""
    target = items.get(ref.target)
    if target is None or (ref.target_kind is not None and target.kind != ref.target_kind):
        return False
    return ref.clause is None or ref.address in clauses


def _id_order(item: Item) -> tuple[str, list[int | str], str]:
    """Natural order, so STORY-2 sorts before STORY-10; path breaks ties for duplicates."""
    return (item.kind, natural_key(item.id), item.path)


def natural_key(text: str) -> list[int | str]:
    """A sort key that orders digit runs by value; ids start with a letter, so parts alternate."""
    # isdecimal, not isdigit: "²" is a digit that `\d` does not match and int() refuses.
    return [int(part) if part.isdecimal() else part for part in _DIGITS.split(text)]


def _take(answers: dict[str, _T], taken: dict[str, _T], stale: set[str]) -> None:
    for item_id, answer in taken.items():
        if item_id not in stale:  # what updating the graph asked of it already stays
            answers.setdefault(item_id, answer)
