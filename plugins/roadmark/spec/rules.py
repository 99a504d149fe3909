"""Rules over the whole product: ids, references, cycles, workflow, dates and placeholders.

Per-file rules (YAML, field types, local ids) run while loading; these need
every item at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..text.suggest import did_you_mean
from ..text.words import with_article
from .clauses import TEMPLATES, is_placeholder
from .graph import Graph, Reference
from .ids import is_id
from .model import Clause, Item, Position
from .settings import SPRINT_KIND, Settings


@dataclass(frozen=True, slots=True)
class ItemFinding:
    """A problem located in one item's file."""

    item: Item
    code: str
    position: Position
    message: str


def check_items(items: list[Item], graph: Graph, settings: Settings) -> Iterator[ItemFinding]:
    """Every cross-item problem of `items`, given their graph."""
    yield from duplicate_ids(items, settings)
    for item, ref in graph.unresolved:
        yield dangling_reference(item, ref, graph)
    placeholder = Placeholders()
    for item in items:
        if item.id and item.kind:
            yield from item_findings(item, settings, placeholder)
    yield from cycles(graph)
    for item in graph.items.values():
        yield from done_in_future_sprints(item, graph, settings)


def item_findings(
    item: Item, settings: Settings, placeholder: Placeholders | None = None
) -> list[ItemFinding]:
    """The problems of one item that read nothing but the item and the settings: template
    text (RM024), no criteria (RM014), dates in the wrong order (RM015)."""
    placeholder = Placeholders() if placeholder is None else placeholder
    return [
        *_placeholders(item, settings, placeholder),
        *_missing_criteria(item, settings, placeholder),
        *_inverted_dates(item),
    ]


def duplicate_ids(items: list[Item], settings: Settings) -> Iterator[ItemFinding]:
    """RM008 at each item whose id another item declares too."""
    by_id: dict[str, list[Item]] = {}
    for item in items:
        if item.id:
            by_id.setdefault(item.id, []).append(item)
    for same in by_id.values():
        if len(same) < 2:
            continue
        for item in same:
            others = ", ".join(
                f"{settings.source_path(other.path)}:{other.position('id').line}"
                for other in same
                if other is not item
            )
            yield ItemFinding(
                item, "RM008", item.position("id"), f"id '{item.id}' is also declared in {others}"
            )


def dangling_reference(item: Item, ref: Reference, graph: Graph) -> ItemFinding:
    """Why `ref` does not resolve: no such item, the wrong kind, or no such requirement."""
    where = item.position(ref.field, ref.index)
    target = graph.get(ref.target)
    if target is None and ref.target in graph.broken:
        return ItemFinding(
            item,
            "RM009",
            where,
            f"{ref.field}: '{ref.target}' is declared in {graph.broken[ref.target]}, "
            "which cannot be read until its own error is fixed",
        )
    if target is None:
        hint = did_you_mean(ref.target, graph.items)
        if not is_id(ref.target):
            # Free text written before the product had items of the kind (`2026-S23`):
            # no item could ever have it as its id.
            return ItemFinding(
                item,
                "RM009",
                where,
                f"{ref.field}: '{ref.target}' is not an id (a letter, then letters, digits, "
                f"'.', '_' or '-'), so it names no {ref.target_kind or 'item'}{hint}",
            )
        return ItemFinding(
            item, "RM009", where, f"{ref.field}: no item has id '{ref.target}'{hint}"
        )
    if ref.target_kind is not None and target.kind != ref.target_kind:
        return ItemFinding(
            item,
            "RM010",
            where,
            f"{ref.field}: '{ref.target}' is {with_article(target.kind)}, "
            f"but {ref.field} must name {with_article(ref.target_kind)}",
        )
    known = ", ".join(dict.fromkeys(r.local_id for r in target.requirements)) or "none"
    return ItemFinding(
        item,
        "RM013",
        where,
        f"{ref.field}: {target.id} has no requirement '{ref.clause}' (its requirements: {known})",
    )


_PLACEHOLDER_FIX = {
    "requirement": "write what the system shall do",
    "criterion": "write the situation, the action and the outcome a test can check",
}


class Placeholders(dict[str, bool]):
    """`is_placeholder` of each clause text, decided once per check: both RM024 and RM014 ask
    it of a story's criteria."""

    def __missing__(self, text: str) -> bool:
        found = self[text] = is_placeholder(text)
        return found


def _placeholders(
    item: Item, settings: Settings, placeholder: Placeholders
) -> Iterator[ItemFinding]:
    """RM024 at each requirement or criterion that is still a template's text, or empty, once
    its item has left the first state of its workflow."""
    kind = settings.kinds.get(item.kind)
    # The first state is where `roadmark new` puts an item, with its template to fill in: a
    # draft, and `roadmark check` must stay clean right after `roadmark new`. From the next
    # state on (a story `ready`, a PRD in `review`) the text is read as a promise. Closed
    # items promise nothing either.
    if kind is None or item.status not in kind.statuses[1:]:
        return
    for clause in item.clauses:
        if placeholder[clause.text]:
            yield ItemFinding(item, "RM024", clause.position, _placeholder_message(clause))


def _placeholder_message(clause: Clause) -> str:
    text = " ".join(clause.text.split())
    shown = text if len(text) <= 60 else text[:59] + "…"
    what = f"is still template text ('{shown}')" if text else "has no text"
    return f"{clause.kind} {clause.local_id} {what}; {_PLACEHOLDER_FIX[clause.kind]}"


def _missing_criteria(
    item: Item, settings: Settings, placeholder: Placeholders
) -> Iterator[ItemFinding]:
    kind = settings.kinds.get(item.kind)
    if kind is None or not kind.needs_criteria(item.status):
        return
    # A placeholder promises nothing: criteria that are all template text are none (RM024
    # points at each of them).
    if any(not placeholder[criterion.text] for criterion in item.criteria):
        return
    only = " other than template text" if item.criteria else ""
    yield ItemFinding(
        item,
        "RM014",
        item.position("status"),
        f"{item.kind} is '{item.status}' but has no acceptance criteria{only}; add "
        f"'- {TEMPLATES['criterion']}' under an 'Acceptance criteria' heading",
    )


def _inverted_dates(item: Item) -> Iterator[ItemFinding]:
    """RM015 at `start` when it is after the item's end: a release's `date`, an epic's
    `target`, a sprint's `end`."""
    start = item.fields.get("start")
    for end_field in ("date", "target", "end"):
        end = item.fields.get(end_field)
        if start is not None and end is not None and start > end:
            yield ItemFinding(
                item,
                "RM015",
                item.position("start"),
                f"start {start.isoformat()} is after {end_field} {end.isoformat()}",
            )


def done_in_future_sprints(item: Item, graph: Graph, settings: Settings) -> list[ItemFinding]:
    """RM026 at the reference of a done item to a sprint that starts after today: either the
    status or the sprint is wrong, and velocity would count points not yet earned."""
    today = settings.today
    kind = settings.kinds.get(item.kind)
    if today is None or kind is None or item.status != kind.done:
        return []
    found: list[ItemFinding] = []
    for ref in graph.outgoing.get(item.id, ()):
        if ref.target_kind != SPRINT_KIND:
            continue
        sprint = graph.items[ref.target]
        start = sprint.fields.get("start")
        if start is None or start <= today:
            continue
        found.append(
            ItemFinding(
                item,
                "RM026",
                item.position(ref.field, ref.index),
                f"{item.id} is '{item.status}', but its {ref.field} {sprint.id} starts on "
                f"{start.isoformat()}, after today ({today.isoformat()})",
            )
        )
    return found


def cycles(graph: Graph) -> Iterator[ItemFinding]:
    """One finding per `depends_on` cycle, at the dependency that closes it."""
    edges: dict[str, list[str]] = {}  # only items that depend on something
    for ref in graph.links:
        if ref.field == "depends_on":
            edges.setdefault(ref.source, []).append(ref.target)
    state: dict[str, int] = {}  # 1 while on the path, 2 when finished
    for start in graph.items:
        if start in state:
            continue
        if start not in edges:
            state[start] = 2  # depends on nothing: no cycle passes through it
            continue
        # Iterative depth-first search: deep dependency chains must not hit the recursion limit.
        path: list[str] = [start]
        pending: list[Iterator[str]] = [iter(edges[start])]
        state[start] = 1
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                item = graph.items[path[-1]]
                index = item.fields["depends_on"].index(nxt)
                yield ItemFinding(
                    item,
                    "RM011",
                    item.position("depends_on", index),
                    "depends_on forms a cycle: " + " → ".join(cycle),
                )
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                pending.append(iter(edges.get(nxt, ())))
