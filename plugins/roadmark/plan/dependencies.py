"""Dependencies across the product: every `depends_on` link, and whether it is late.

A dependency is *late* when the work depended on is scheduled in a later release than
the work that needs it (Jira Plans' rule): the dependant cannot ship as planned. It is
decided here, once, so the dependency page and any other view agree. As for at-risk
releases (`risks.py`), finished or cancelled work on either side makes no conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..spec.kept import Kept, Same
from ..spec.model import Item
from .progress import is_closed, is_done
from .schedule import Schedule


@dataclass(frozen=True, slots=True)
class Dependency:
    """`item` depends on `target` (`item.depends_on` names it)."""

    item: Item
    target: Item
    item_release: str | None
    """The release `item` ships in, inherited from its epic or PRD."""
    target_release: str | None
    late: bool
    """`target` is scheduled in a release after `item`'s."""


@dataclass(frozen=True, slots=True)
class DependencyPlan:
    """Every dependency between items of the product, in id order of the dependant."""

    dependencies: tuple[Dependency, ...]

    @property
    def late(self) -> tuple[Dependency, ...]:
        """The dependencies on work scheduled in a later release."""
        return tuple(dependency for dependency in self.dependencies if dependency.late)

    @property
    def late_items(self) -> frozenset[str]:
        """The ids of the items that depend on work scheduled in a later release."""
        return frozenset(dependency.item.id for dependency in self.late)


class KeptDependencies:
    """Under `serve`, each dependant's dependencies, kept while the dependant, its targets,
    the releases each ships in and what decides lateness (the releases' order, the
    settings' statuses) are the same."""

    def __init__(self) -> None:
        self.shared: Same[tuple[object, ...]] = Same()
        """The sources every dependant shares, so that each dependant's compare by identity."""
        self.by_item: Kept[str, tuple[Dependency, ...]] = Kept()


def plan_dependencies(schedule: Schedule, kept: KeptDependencies | None = None) -> DependencyPlan:
    """Each `depends_on` link of the product, flagged when it points to a later release.

    Dangling references and self-references are left out: rules report them. `kept`
    (under `serve`) keeps each dependant's links while what they are made of is the same.
    """
    graph, release_of = schedule.graph, schedule.release_of
    shared = None if kept is None else kept.shared((schedule.rank, schedule.settings))
    # Only the items that depend on something are sorted.
    dependants = [item for item in graph.items.values() if item.fields.get("depends_on")]
    found: list[Dependency] = []
    for item in sorted(dependants, key=graph.rank):
        # A list may name a target twice; it is still one dependency.
        named = (graph.items.get(target_id) for target_id in dict.fromkeys(item.get("depends_on")))
        targets = tuple(target for target in named if target is not None and target is not item)
        releases = (release_of(item), *(release_of(target) for target in targets))
        make = partial(_links, schedule, item, targets, releases)
        if kept is None:
            found.extend(make())
        else:
            found.extend(kept.by_item.get(item.id, (item, targets, releases, shared), make))
    if kept is not None:
        kept.by_item.forget_unused()
    return DependencyPlan(tuple(found))


def _links(
    schedule: Schedule, item: Item, targets: tuple[Item, ...], releases: tuple[str | None, ...]
) -> tuple[Dependency, ...]:
    """`item`'s dependencies on `targets`; `releases` are where it and they ship."""
    settings, item_release = schedule.settings, releases[0]
    found = []
    for target, target_release in zip(targets, releases[1:], strict=True):
        late = _later(schedule, item_release, target_release) and not any(
            is_done(end, settings) or is_closed(end, settings) for end in (item, target)
        )
        found.append(Dependency(item, target, item_release, target_release, late))
    return tuple(found)


def _later(schedule: Schedule, item_release: str | None, target_release: str | None) -> bool:
    """Whether `target_release` comes after `item_release`, both being known releases."""
    if item_release is None or target_release is None:
        return False
    mine, theirs = schedule.rank.get(item_release), schedule.rank.get(target_release)
    return mine is not None and theirs is not None and theirs > mine
