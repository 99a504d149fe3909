"""The work lists of traceability: failing and untested criteria, by PRD and by release.

Planned once per build from the trace, so the pages that show them (the hub, the failing
and untested pages, each PRD's page) only render. A criterion is listed once, under the
first PRD whose trace holds its story, and under the release its story ships in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..spec.graph import Graph
from ..spec.model import Item
from .coverage import CriterionTrace, Trace


@dataclass(frozen=True, slots=True)
class ListedCriterion:
    """A criterion on a work list, with where it belongs."""

    criterion: CriterionTrace
    story: Item
    prd: str | None
    """The id of the PRD whose trace holds it; None when under no PRD."""
    release: str | None
    """The release its story ships in; None when unscheduled."""


@dataclass(frozen=True, slots=True)
class Group:
    """The criteria of one PRD or one release (`key` None: no PRD, or no release)."""

    key: str | None
    criteria: tuple[ListedCriterion, ...]


@dataclass(frozen=True, slots=True)
class WorkList:
    """Criteria in one state, as one list and grouped."""

    state: str
    criteria: tuple[ListedCriterion, ...]
    """In PRD order, then story order."""
    by_prd: tuple[Group, ...]
    by_release: tuple[Group, ...]
    """Releases in date order (undated ones after, then no release)."""


@dataclass(frozen=True, slots=True)
class TraceLists:
    """The failing and the untested criteria of a product."""

    failing: WorkList
    untested: WorkList
    results: bool = True
    """Whether any test results were read; without them both lists are empty, rather than
    every criterion listed as untested."""


def plan_lists(trace: Trace, graph: Graph) -> TraceLists:
    """The work lists of `trace`, in one pass over its PRDs' stories."""
    listed: dict[str, ListedCriterion] = {}
    results = bool(trace.evidence.sources)
    for prd_trace in trace.prds if results else ():
        prd = prd_trace.prd.id if prd_trace.prd else None
        for story in prd_trace.stories:
            release = graph.release_of(story.story)
            for criterion in story.criteria:
                if criterion.state in ("failing", "untested"):
                    address = criterion.clause.address
                    listed.setdefault(
                        address, ListedCriterion(criterion, story.story, prd, release)
                    )
    order = _release_order(graph)
    found = list(listed.values())
    failing, untested = _work_list("failing", found, order), _work_list("untested", found, order)
    return TraceLists(failing, untested, results)


def _work_list(
    state: str, listed: Sequence[ListedCriterion], order: dict[str | None, int]
) -> WorkList:
    chosen = tuple(item for item in listed if item.criterion.state == state)
    by_prd: dict[str | None, list[ListedCriterion]] = {}
    by_release: dict[str | None, list[ListedCriterion]] = {}
    for item in chosen:
        by_prd.setdefault(item.prd, []).append(item)
        by_release.setdefault(item.release, []).append(item)
    releases = sorted(by_release, key=lambda key: order.get(key, len(order)))
    return WorkList(
        state,
        chosen,
        tuple(Group(key, tuple(items)) for key, items in by_prd.items()),
        tuple(Group(key, tuple(by_release[key])) for key in releases),
    )


def _release_order(graph: Graph) -> dict[str | None, int]:
    """Each release's place: dated ones by date, then undated ones, in id order."""

    def key(release: Item) -> tuple[bool, date, int]:
        due = release.get("date")
        dated = isinstance(due, date)
        return (not dated, due if isinstance(due, date) else date.min, graph.rank(release))

    releases = sorted(graph.of_kind("release"), key=key)
    return {release.id: rank for rank, release in enumerate(releases)}
