"""The coverage model: requirements → implementing stories → their criteria → tests.

Built once per build from the graph and the test evidence, in one pass over the items and
links. Closed items (cancelled stories, superseded PRDs) leave it, as they leave every total.
A criterion is verified when it has tests and all passed; failing when any failed or errored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Literal

from ..spec.graph import Graph
from ..spec.kept import Kept, Same
from ..spec.model import Clause, Item
from ..spec.product import Product
from .evidence import Evidence, RecordedTest

State = Literal["verified", "failing", "skipped", "untested"]
"""A criterion's verdict: all tests passed; one failed or errored; some skipped; none."""

STORY_KIND = "story"
PRD_KIND = "prd"


@dataclass(frozen=True, slots=True)
class CriterionTrace:
    """An acceptance criterion and the tests that verify it."""

    clause: Clause
    tests: tuple[RecordedTest, ...] = ()

    @property
    def state(self) -> State:
        """The verdict over all its tests."""
        return verdict(self.tests)


@dataclass(frozen=True, slots=True)
class StoryTrace:
    """A story, the requirements it implements and its criteria."""

    story: Item
    criteria: tuple[CriterionTrace, ...]
    implements: tuple[str, ...]
    """Addresses of the requirements it implements that exist."""


@dataclass(frozen=True, slots=True)
class RequirementTrace:
    """A requirement, the active stories implementing it, and tests naming it directly."""

    clause: Clause
    stories: tuple[StoryTrace, ...]
    tests: tuple[RecordedTest, ...] = ()


@dataclass(frozen=True, slots=True)
class Figure:
    """A coverage figure: how many of a total meet a bar."""

    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        """The share as a whole percentage, rounded down so 99.6% never reads as complete."""
        return self.count * 100 // self.total if self.total else 0

    def describe(self) -> str:
        """E.g. `3 of 4 (75%)`; a dash for the share when there is nothing to count."""
        share = f"{self.percent}%" if self.total else "–"
        return f"{self.count} of {self.total} ({share})"


@dataclass(frozen=True, slots=True)
class Coverage:
    """The four coverage figures of a scope and its gaps."""

    requirements_with_story: Figure
    stories_with_criteria: Figure
    criteria_with_test: Figure
    criteria_passing: Figure
    requirements_without_story: tuple[Clause, ...]
    stories_without_criteria: tuple[Item, ...]
    criteria_without_test: tuple[Clause, ...]
    failing_criteria: tuple[Clause, ...]

    @property
    def figures(self) -> tuple[Figure, Figure, Figure, Figure]:
        """The figures in reading order."""
        return (
            self.requirements_with_story,
            self.stories_with_criteria,
            self.criteria_with_test,
            self.criteria_passing,
        )


@dataclass(frozen=True, slots=True)
class PrdTrace:
    """The trace of one PRD, or of the stories outside every PRD when `prd` is None."""

    prd: Item | None
    requirements: tuple[RequirementTrace, ...]
    stories: tuple[StoryTrace, ...]
    """Every active story in scope: under the PRD's epics or implementing its requirements."""
    coverage: Coverage

    @property
    def unlinked(self) -> tuple[StoryTrace, ...]:
        """Stories in scope that implement none of this PRD's requirements."""
        own = {req.clause.address for req in self.requirements}
        return tuple(s for s in self.stories if not own.intersection(s.implements))


@dataclass(slots=True)
class Trace:
    """The whole product's trace, with lookups for item pages."""

    coverage: Coverage
    prds: list[PrdTrace]
    """The trace of each PRD (or other item with requirements), then of the stories outside
    every PRD."""
    requirements: dict[str, RequirementTrace] = field(default_factory=dict)
    stories: dict[str, StoryTrace] = field(default_factory=dict)
    criteria: dict[str, CriterionTrace] = field(default_factory=dict)
    """Every criterion of every active item, by address."""
    evidence: Evidence = field(default_factory=Evidence)
    by_prd: dict[str, PrdTrace] = field(default_factory=dict)
    """The traces of PRDs (and of other items with requirements), by id."""


def verdict(tests: Sequence[RecordedTest]) -> State:
    """The state of a criterion verified by `tests`."""
    if not tests:
        return "untested"
    results = {test.result for test in tests}
    if results & {"failed", "error"}:
        return "failing"
    return "skipped" if "skipped" in results else "verified"


class KeptTrace:
    """What tracing keeps from one planning to the next under `serve`: each active item's
    part of the trace, each requirement's and each PRD's, made again only when what they
    are made of are other objects (the items, the test evidence, the traces below them)."""

    def __init__(self) -> None:
        self.evidence: Same[Evidence] = Same()
        self.items: Kept[str, _Traced] = Kept()
        self.requirements: Kept[str, RequirementTrace] = Kept()
        self.prds: Kept[str | None, PrdTrace] = Kept()
        self.implemented: Kept[None, dict[str, tuple[str, ...]]] = Kept()

    def forget_unused(self) -> None:
        """Once per planning: let go of the parts that planning did not ask for."""
        self.items.forget_unused()
        self.requirements.forget_unused()
        self.prds.forget_unused()
        self.implemented.forget_unused()


@dataclass(frozen=True, slots=True)
class _Traced:
    """What one active item adds to the trace: its criteria (the first of a repeated local
    id wins, as in the graph) and, for a story, its trace and its share of the figures."""

    criteria: tuple[tuple[str, CriterionTrace], ...]
    story: StoryTrace | None = None
    untested: tuple[Clause, ...] = ()
    failing: tuple[Clause, ...] = ()
    verified: int = 0


def build_trace(
    product: Product, evidence: Evidence | None = None, kept: KeptTrace | None = None
) -> Trace:
    """Trace every active requirement and story of `product` to its tests. With `kept`
    (under `serve`), each part made of the same objects as last time is reused."""
    graph = product.graph
    evidence = evidence or Evidence()
    evidence = evidence if kept is None else kept.evidence(evidence)
    closed = graph.closed  # `is_closed` of each item, worked out once by the graph
    active = [item for item in graph.items.values() if item.id not in closed]
    criteria: dict[str, CriterionTrace] = {}
    shares: dict[str, _Traced] = {}
    implemented = _implemented(graph, kept)
    for item in active:
        if item.kind != STORY_KIND and not item.criteria:
            continue
        implements = implemented.get(item.id, ()) if item.kind == STORY_KIND else ()
        # An item's part reads the item, the tests of its criteria, and which of the
        # requirements it names exist (`implements`, from the graph's resolved links).
        make, sources = partial(_traced, item, implements, evidence), (item, evidence, implements)
        traced = make() if kept is None else kept.items.get(item.id, sources, make)
        criteria.update(traced.criteria)
        if traced.story is not None:
            shares[item.id] = traced
    stories = {story_id: traced.story for story_id, traced in shares.items() if traced.story}
    requirements = _requirements(active, stories, evidence, kept)
    owners = [item for item in active if item.kind == PRD_KIND or item.requirements]
    in_scope: dict[str, list[StoryTrace]] = {owner.id: [] for owner in owners}
    outside: list[StoryTrace] = []
    for story in stories.values():
        scopes = [up.id for up in graph.ancestors(story.story) if up.id in in_scope]
        scopes += [address.split("/", 1)[0] for address in story.implements]
        placed = [scope for scope in dict.fromkeys(scopes) if scope in in_scope]
        for scope in placed:
            in_scope[scope].append(story)
        if not placed:
            outside.append(story)
    scoped: list[tuple[Item | None, list[RequirementTrace], list[StoryTrace]]] = [
        (
            owner,
            [requirements[a] for a in dict.fromkeys(c.address for c in owner.requirements)],
            in_scope[owner.id],
        )
        for owner in owners
    ]
    if outside:
        scoped.append((None, [], outside))
    prd_traces = [_kept_prd_trace(kept, shares, *scope) for scope in scoped]
    if kept is not None:
        kept.forget_unused()
    overall = _coverage(list(requirements.values()), list(shares.values()))
    by_prd = {s.prd.id: s for s in prd_traces if s.prd is not None}
    return Trace(overall, prd_traces, requirements, stories, criteria, evidence, by_prd)


def _implemented(graph: Graph, kept: KeptTrace | None) -> dict[str, tuple[str, ...]]:
    """The existing requirements each item implements, by address, once each, as written."""
    # `implements` names PRDs' requirements only, so the links into PRDs hold them all: far
    # fewer than every item's links; all it reads. An edit gives new lists to those it touched.
    links = tuple(graph.incoming.get(prd.id, ()) for prd in graph.of_kind(PRD_KIND))
    if kept is not None:
        return kept.implemented.get(None, links, partial(_implemented, graph, None))
    found: dict[str, list[tuple[int, str]]] = {}
    for ref in chain.from_iterable(links):
        if ref.field == "implements" and ref.clause:
            found.setdefault(ref.source, []).append((ref.index or 0, ref.address))
    # Most items implement one requirement: nothing to order or to count once.
    return {
        source: tuple(dict.fromkeys(a for _, a in sorted(named))) if named[1:] else (named[0][1],)
        for source, named in found.items()
    }


def _traced(item: Item, implements: tuple[str, ...], evidence: Evidence) -> _Traced:
    """An active item's part of the trace (see `_Traced`)."""
    own: dict[str, CriterionTrace] = {}
    for clause in item.criteria:
        if clause.address not in own:
            own[clause.address] = CriterionTrace(clause, tuple(evidence.tests_of(clause.address)))
    if item.kind != STORY_KIND:
        return _Traced(tuple(own.items()))
    return _share(StoryTrace(item, tuple(own.values()), implements), tuple(own.items()))


def _share(story: StoryTrace, criteria: tuple[tuple[str, CriterionTrace], ...] = ()) -> _Traced:
    """A story's share of the coverage figures, with `criteria` by address."""
    untested = tuple(c.clause for c in story.criteria if not c.tests)
    # Only a tested criterion can pass or fail: the verdicts of the others go unasked.
    states = [(c.clause, c.state) for c in story.criteria if c.tests]
    failing = tuple(clause for clause, state in states if state == "failing")
    verified = sum(1 for _, state in states if state == "verified")
    return _Traced(criteria, story, untested, failing, verified)


def _requirements(
    active: list[Item],
    stories: dict[str, StoryTrace],
    evidence: Evidence,
    kept: KeptTrace | None,
) -> dict[str, RequirementTrace]:
    """Each requirement of an active item, with the active stories implementing it (in
    item order) and the tests naming it; a repeated local id is one address, the first."""
    implementers: dict[str, list[StoryTrace]] = {}
    for story in stories.values():
        for address in story.implements:
            implementers.setdefault(address, []).append(story)
    requirements: dict[str, RequirementTrace] = {}
    for item in active:
        for clause in item.requirements:
            address = clause.address
            if address in requirements:
                continue
            implementing = tuple(implementers.get(address, ()))
            tests = tuple(evidence.tests_of(address))
            make = partial(RequirementTrace, clause, implementing, tests)
            sources = (clause, evidence, *implementing)
            requirements[address] = (
                make() if kept is None else kept.requirements.get(address, sources, make)
            )
    return requirements


def _kept_prd_trace(
    kept: KeptTrace | None,
    shares: dict[str, _Traced],
    prd: Item | None,
    requirements: list[RequirementTrace],
    stories: list[StoryTrace],
) -> PrdTrace:
    """A PRD's trace, made again only when its requirements' or stories' traces changed."""
    if kept is None:
        return _prd_trace(prd, requirements, stories, shares)
    sources = (prd, *requirements, None, *stories)  # None: where one list ends
    key = prd.id if prd is not None else None
    return kept.prds.get(key, sources, lambda: _prd_trace(prd, requirements, stories, shares))


def _prd_trace(
    prd: Item | None,
    requirements: list[RequirementTrace],
    stories: list[StoryTrace],
    shares: dict[str, _Traced],
) -> PrdTrace:
    coverage = _coverage(requirements, [shares[story.story.id] for story in stories])
    return PrdTrace(prd, tuple(requirements), tuple(stories), coverage)


def _coverage(requirements: Sequence[RequirementTrace], shares: Sequence[_Traced]) -> Coverage:
    """`coverage_of` the requirements and the stories of `shares`, from each story's share
    of the figures rather than from its criteria again."""
    without_story = tuple(req.clause for req in requirements if not req.stories)
    without_criteria = tuple(s.story.story for s in shares if s.story and not s.story.criteria)
    counted = sum(len(s.story.criteria) for s in shares if s.story)
    untested = tuple(chain.from_iterable(s.untested for s in shares))
    failing = tuple(chain.from_iterable(s.failing for s in shares))
    total = len(requirements)
    return Coverage(
        Figure("Requirements with a story", total - len(without_story), total),
        Figure("Stories with criteria", len(shares) - len(without_criteria), len(shares)),
        Figure("Criteria with a test", counted - len(untested), counted),
        Figure("Criteria whose tests all pass", sum(s.verified for s in shares), counted),
        without_story,
        without_criteria,
        untested,
        failing,
    )


def coverage_of(
    requirements: Sequence[RequirementTrace], stories: Sequence[StoryTrace]
) -> Coverage:
    """The figures and gaps of a set of requirements and stories."""
    return _coverage(requirements, [_share(story) for story in stories])


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One row of the traceability matrix: requirement × story × criterion, with its tests.

    A requirement with no story, a story with no criteria, a story implementing none of the
    PRD's requirements and tests naming a requirement directly each get a row too.
    """

    requirement: Clause | None
    story: Item | None
    criterion: CriterionTrace | None
    tests: tuple[RecordedTest, ...]

    @property
    def state(self) -> State | None:
        """The verdict of the row's tests; None for a row that no test could verify."""
        if self.criterion is not None:
            return self.criterion.state
        return verdict(self.tests) if self.tests else None


def matrix(prd_trace: PrdTrace) -> list[MatrixRow]:
    """A PRD's matrix rows: by requirement, then the stories implementing none of them."""
    rows: list[MatrixRow] = []
    for requirement in prd_trace.requirements:
        clause = requirement.clause
        if requirement.tests or not requirement.stories:
            rows.append(MatrixRow(clause, None, None, requirement.tests))
        for story in requirement.stories:
            rows.extend(_story_rows(clause, story))
    for story in prd_trace.unlinked:
        rows.extend(_story_rows(None, story))
    return rows


def _story_rows(requirement: Clause | None, story: StoryTrace) -> list[MatrixRow]:
    if not story.criteria:
        return [MatrixRow(requirement, story.story, None, ())]
    return [MatrixRow(requirement, story.story, c, c.tests) for c in story.criteria]
