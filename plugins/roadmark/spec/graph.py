"""The resolved graph of items: references, parents, children and backlinks."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

from .ids import split_address
from .model import Clause, Item
from .settings import Settings

_DIGITS = re.compile(r"(\d+)")

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
    for name, spec in settings.fields_for(item.kind).items():
        value = item.fields.get(name)
        if value is None:
            continue
        kind = item.kind if spec.target == "*" else spec.target
        if spec.type == "reference":
            yield Reference(item.id, name, None, value, kind)
        elif spec.becomes_reference is not None and isinstance(value, str):
            if kinds is None or spec.becomes_reference in kinds:
                yield Reference(item.id, name, None, value, spec.becomes_reference)
        elif spec.type == "list" and spec.items == "reference":
            for index, target in enumerate(value):
                yield Reference(item.id, name, index, target, kind)
        elif spec.type == "list" and spec.items == "address":
            for index, address in enumerate(value):
                parts = split_address(address)
                if parts:
                    yield Reference(item.id, name, index, parts[0], "prd", parts[1])


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

    def rank(self, item: Item) -> int:
        """The item's position in id order (after every known item when unknown)."""
        return self.ranks.get(item.id, len(self.ranks))

    def get(self, item_id: str) -> Item | None:
        """The item with this id, if any."""
        return self.items.get(item_id)

    def of_kind(self, kind: str) -> list[Item]:
        """Items of one kind, in id order."""
        return [item for item in self.items.values() if item.kind == kind]

    def parent(self, item: Item) -> Item | None:
        """The nearest parent: a story's epic, an epic's PRD."""
        for name in PARENT_FIELDS:
            target = item.fields.get(name)
            if isinstance(target, str) and target in self.items:
                return self.items[target]
        return None

    def release_of(self, item: Item) -> str | None:
        """The release an item ships in: its own `release`, else its nearest ancestor's."""
        current: Item | None = item
        seen: set[str] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            release = current.get("release")
            if isinstance(release, str) and release in self.items:
                return release
            current = self.parent(current)
        return None

    def in_plan(self, item: Item) -> bool:
        """Whether the item is still planned: work under a cancelled epic or a superseded PRD
        left the plan with it."""
        return not any(up.id in self.closed for up in self.ancestors(item))

    def ancestors(self, item: Item) -> list[Item]:
        """The parent chain, outermost first (PRD, epic)."""
        chain: list[Item] = []
        current = self.parent(item)
        while current is not None and current not in chain and current is not item:
            chain.insert(0, current)
            current = self.parent(current)
        return chain

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
    for item in ordered:
        if item.id and item.kind:
            graph.items.setdefault(item.id, item)
    graph.ranks = {item_id: rank for rank, item_id in enumerate(graph.items)}
    graph.kinds = frozenset(item.kind for item in graph.items.values())
    graph.closed = {
        item.id for item in graph.items.values() if settings.is_closed(item.kind, item.status)
    }
    for item in graph.items.values():
        for clause in item.clauses:
            graph.clauses.setdefault(clause.address, clause)
    for item in ordered:
        if not item.id or not item.kind:
            continue
        indexed = graph.items[item.id] is item
        for ref in references(item, settings, graph.kinds):
            if not resolves(ref, graph.items, graph.clauses):
                graph.unresolved.append((item, ref))
            elif indexed:
                graph.links.append(ref)
                graph.incoming.setdefault(ref.target, []).append(ref)
                graph.outgoing.setdefault(ref.source, []).append(ref)
    for item in graph.items.values():
        parent = graph.parent(item)
        if parent is not None:
            graph.children.setdefault(parent.id, []).append(item)
    for item in graph.items.values():
        release = graph.release_of(item)
        if release is not None:
            graph.scheduled.setdefault(release, []).append(item)
    return graph


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
