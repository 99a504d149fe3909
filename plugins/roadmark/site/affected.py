"""Which item pages an edit of the specs can change: the model's side of the live preview.

The preview (`rebuild.py`) plans the whole product again after an edit, which is cheap,
but renders again only the pages whose output can differ, which is where the time goes.
An item's page shows more than the item: its ancestors (the chain), its children with
their progress, the items it references and that reference it, its file's problems, and
the health of the releases it ships in; a sprint's page shows its stories and the
stories left unfinished in its team's previous sprint, and a release's page its board.
So an edit reaches, in the graphs before and
after it alike, the edited items' pages and those of every item within one of these
steps. The list is generous on purpose: a page it names needlessly is compared and left
alone, while a page it misses would be served stale, which `tests/test_preview_property.py`
would catch. Free of MkDocs, like the model it reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan.health import Health
from ..plan.progress import Progress
from ..plan.sprints import SprintsPlan
from ..spec.graph import Graph, references
from ..spec.model import Item
from ..spec.problems import Problem
from ..spec.product import Product
from ..spec.settings import Settings

if TYPE_CHECKING:
    from ..render.site_pages import SitePage


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the item pages of one build were rendered from."""

    graph: Graph
    progress: Mapping[str, Progress]
    health: Health | None
    problems: Mapping[str, tuple[Problem, ...]]
    """Each file's problems, by path relative to the project root."""
    sprints: SprintsPlan | None = None
    """Each sprint's plan: what its page's sprint section shows."""

    @classmethod
    def of(
        cls,
        product: Product,
        progress: Mapping[str, Progress],
        health: Health | None,
        sprints: SprintsPlan | None,
    ) -> PlanState:
        """What `product`'s item pages are rendered from, as planned."""
        problems = problems_by_path(product.problems)
        return cls(product.graph, progress, health, problems, sprints)


def problems_by_path(problems: Iterable[Problem]) -> dict[str, tuple[Problem, ...]]:
    """Group problems by the file they are found in, in the order they were reported."""
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.path, []).append(problem)
    return {path: tuple(found) for path, found in grouped.items()}


def changed_ids(before: Mapping[str, object], after: Mapping[str, object]) -> set[str]:
    """Keys added, removed, or mapped to a different value."""
    changed = set(before.keys() ^ after.keys())
    old = before.get
    # The same object is equal: most values are kept from build to build (parsed items),
    # and comparing a dataclass field by field costs far more than `is`.
    changed.update(
        key
        for key, value in after.items()
        if (was := old(key, value)) is not value and was != value
    )
    return changed


def moved_names(
    before: Mapping[str, object], after: Mapping[str, object], edited: set[str], *graphs: Graph
) -> set[str]:
    """The link targets (`before` and `after` the edit, by name) that came, went or changed.
    An item's targets are made of it alone (its id and its clauses' addresses, on its page),
    and pages do not move unless items come or go: only the `edited` items' (as `graphs`
    hold them, before and after) can differ, so only theirs are compared."""
    names: set[str] = set()
    for graph in graphs:
        for item_id in edited:
            item = graph.items.get(item_id)
            if item is not None:
                names.add(item.id)
                names.update(clause.address for clause in item.clauses)
    return {name for name in names if before.get(name) != after.get(name)}


def affected_items(
    before: PlanState, after: PlanState, settings: Settings, product_folder: str
) -> set[str]:
    """The ids of the items whose pages an edit may have changed (see the module's docstring).

    `product_folder` is the product folder's path relative to the project root, with which
    problems are located.
    """
    edited = changed_ids(before.graph.items, after.graph.items)
    shown = set(edited)
    for state in (before, after):
        for item_id in edited:
            item = state.graph.items.get(item_id)
            if item is not None:
                shown.update(_neighbours(item, state.graph, settings))
    shown.update(_with_parents(changed_ids(before.progress, after.progress), before, after))
    shown.update(_health_changes(before.health, after.health))
    shown.update(_sprint_changes(before.sprints, after.sprints))
    for path in changed_ids(before.problems, after.problems):
        shown.update(_items_in(path, product_folder, before.graph, after.graph))
    return shown


def may_show(
    page: SitePage, before: SitePage, item_pages: set[str], reached: tuple[set[str], set[str]]
) -> bool:
    """Whether an edit may change a generated page's deferred parts: `reached` holds the
    items it affects (`affected_items`, whose pages are `item_pages`) and those it edited
    (`changed_ids` of the graphs' items). `before` is the page as planned before the edit:
    what it showed then counts too, for an item that left it."""
    items, edited = reached
    if page.item is not None:
        return page.src_uri in item_pages
    if page.scope is not None:
        return page.scope in items
    if page.shows is None or before.shows is None:
        return True
    return not (
        items.isdisjoint(page.shows)
        and items.isdisjoint(before.shows)
        and edited.isdisjoint(page.reads)
        and edited.isdisjoint(before.reads)
    )


def _neighbours(item: Item, graph: Graph, settings: Settings) -> set[str]:
    """Items whose page shows `item`: its chain, its descendants (whose chain shows it),
    what it references and what references it, and the release it ships in (whose board
    shows it). Its ancestors' releases show them, not it: only their progress, which
    `_with_parents` follows."""
    found = {up.id for up in graph.ancestors(item)}
    found.update(_descendants(item.id, graph))
    found.update(ref.source for ref in graph.incoming.get(item.id, ()))
    found.update(ref.target for ref in references(item, settings) if ref.target in graph.items)
    release = graph.release_of(item)
    if release is not None:
        found.add(release)
    found.update(_sprints_showing(item, graph))
    return found


def _sprints_showing(item: Item, graph: Graph) -> set[str]:
    """For a sprint, every sprint (their order and teams decide each one's previous sprint)
    and its stories; for a story, its sprint (its history may show even a closed story).
    The other sprints whose section shows a story (its carry-over into the team's next
    sprint) show it through their plan, which `_sprint_changes` compares."""
    if item.kind != "sprint":
        named = graph.items.get(item.get("sprint")) if isinstance(item.get("sprint"), str) else None
        return {named.id} if named is not None and named.kind == "sprint" else set()
    found = {sprint.id for sprint in graph.of_kind("sprint")}
    found.update(story.id for story in graph.of_kind("story") if story.get("sprint") == item.id)
    return found


def _sprint_changes(before: SprintsPlan | None, after: SprintsPlan | None) -> set[str]:
    """The sprints whose plan changed (their stories, board, figures or carry-over): a
    sprint's section shows its plan and nothing else (`render/sprints.py`). A story's edit
    reaches its sprint's plan and, unfinished, the carry-over of the team's next sprint."""
    if before is None or after is None:
        return set(before.sprints if before else ()) | set(after.sprints if after else ())
    return changed_ids(before.sprints, after.sprints)


def _descendants(item_id: str, graph: Graph) -> set[str]:
    found: set[str] = set()
    stack = [item_id]
    while stack:
        for child in graph.children.get(stack.pop(), ()):
            if child.id not in found:
                found.add(child.id)
                stack.append(child.id)
    return found


def _with_parents(ids: set[str], *states: PlanState) -> set[str]:
    """The items whose progress changed, their parents, whose children lists show it, and
    their releases, which list it when it names them."""
    found = set(ids)
    for state in states:
        for item_id in ids:
            item = state.graph.items.get(item_id)
            if item is None:
                continue
            parent, release = state.graph.parent(item), state.graph.release_of(item)
            if parent is not None:
                found.add(parent.id)
            if release is not None:
                found.add(release)
    return found


def _health_changes(before: Health | None, after: Health | None) -> set[str]:
    """Releases whose health as pages show it changed, with the epics and PRDs delivered
    in them, and the epics and PRDs delivered elsewhere than before."""
    if before is None or after is None:
        return set()
    releases = changed_ids(_shown(before), _shown(after))
    found = set(releases) | changed_ids(before.delivered_in, after.delivered_in)
    for health in (before, after):
        found.update(
            holder
            for holder, delivered in health.delivered_in.items()
            if releases.intersection(delivered)
        )
    return found


def _shown(health: Health) -> dict[str, tuple[object, ...]]:
    """What an epic's or a PRD's page shows of each release's health: its title and risks
    (its progress and scope change with its own items, which are neighbours anyway)."""
    return {
        release_id: (plan.release.title, tuple(plan.risks))
        for release_id, plan in health.releases.items()
    }


def _items_in(path: str, product_folder: str, *graphs: Graph) -> set[str]:
    """The items written in the file at `path` (relative to the project root)."""
    prefix = f"{product_folder.rstrip('/')}/"
    if not path.startswith(prefix):
        return set()
    local = path[len(prefix) :]
    return {item.id for graph in graphs for item in graph.items.values() if item.path == local}
