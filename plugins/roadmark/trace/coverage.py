"""The coverage model: requirements → implementing stories → their criteria → tests.

Built once per build from the graph and the test evidence, in one pass over the
items and links. Closed items (cancelled stories, superseded PRDs) leave it, as
they leave every total. A criterion is verified when it has tests and all of
them passed; it is failing when any failed or errored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

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


def build_trace(product: Product, evidence: Evidence | None = None) -> Trace:
    """Trace every active requirement and story of `product` to its tests."""
    graph = product.graph
    evidence = evidence or Evidence()
    closed = graph.closed  # `is_closed` of each item, worked out once by the graph
    active = [item for item in graph.items.values() if item.id not in closed]
    implementers: dict[str, dict[str, None]] = {}
    implemented: dict[str, dict[str, None]] = {}
    for ref in graph.links:  # resolved links only, so every address here exists
        if ref.field == "implements" and ref.clause:
            implementers.setdefault(ref.address, {})[ref.source] = None
            implemented.setdefault(ref.source, {})[ref.address] = None
    # A repeated local id (RM012) is one address: the first clause wins, as in the graph.
    criteria: dict[str, CriterionTrace] = {}
    requirements: dict[str, RequirementTrace] = {}
    stories: dict[str, StoryTrace] = {}
    for item in active:
        for clause in item.criteria:
            if clause.address not in criteria:
                criteria[clause.address] = CriterionTrace(
                    clause, tuple(evidence.tests_of(clause.address))
                )
        if item.kind == STORY_KIND:
            own = tuple(criteria[a] for a in dict.fromkeys(c.address for c in item.criteria))
            stories[item.id] = StoryTrace(item, own, tuple(implemented.get(item.id, ())))
    for item in active:
        for clause in item.requirements:
            if clause.address not in requirements:
                implementing = implementers.get(clause.address, ())
                requirements[clause.address] = RequirementTrace(
                    clause,
                    tuple(stories[s] for s in implementing if s in stories),
                    tuple(evidence.tests_of(clause.address)),
                )
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
    prd_traces = [
        _prd_trace(
            owner,
            [requirements[a] for a in dict.fromkeys(c.address for c in owner.requirements)],
            in_scope[owner.id],
        )
        for owner in owners
    ]
    if outside:
        prd_traces.append(_prd_trace(None, [], outside))
    overall = coverage_of(list(requirements.values()), list(stories.values()))
    by_prd = {s.prd.id: s for s in prd_traces if s.prd is not None}
    return Trace(overall, prd_traces, requirements, stories, criteria, evidence, by_prd)


def _prd_trace(
    prd: Item | None, requirements: list[RequirementTrace], stories: list[StoryTrace]
) -> PrdTrace:
    return PrdTrace(prd, tuple(requirements), tuple(stories), coverage_of(requirements, stories))


def coverage_of(
    requirements: Sequence[RequirementTrace], stories: Sequence[StoryTrace]
) -> Coverage:
    """The figures and gaps of a set of requirements and stories."""
    criteria = [criterion for story in stories for criterion in story.criteria]
    without_story = tuple(req.clause for req in requirements if not req.stories)
    without_criteria = tuple(story.story for story in stories if not story.criteria)
    untested = tuple(c.clause for c in criteria if not c.tests)
    # Only a tested criterion can pass or fail: the verdicts of the others go unasked.
    tested = [c for c in criteria if c.tests]
    states = [c.state for c in tested]
    failing = tuple(c.clause for c, state in zip(tested, states, strict=True) if state == "failing")
    return Coverage(
        Figure(
            "Requirements with a story", len(requirements) - len(without_story), len(requirements)
        ),
        Figure("Stories with criteria", len(stories) - len(without_criteria), len(stories)),
        Figure("Criteria with a test", len(criteria) - len(untested), len(criteria)),
        Figure("Criteria whose tests all pass", states.count("verified"), len(criteria)),
        without_story,
        without_criteria,
        untested,
        failing,
    )


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
