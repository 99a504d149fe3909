"""Sprints: each sprint's stories, points, board, capacity and carry-over, and each team's
velocity, planned once per build (free of MkDocs, like the rest of `plan/`).

A sprint's stories are those whose `sprint` field is its id (a reference once the product
has sprint items, plain text before: the value is the same). Closed stories (cancelled)
leave it, as they leave every total. A sprint is closed in the last state of its workflow.

- **committed**: the estimates of its stories (unestimated ones are counted apart);
  **completed**: those of its done stories.
- **previous sprint**: the one before it, by start date, of the same team (or, for a
  sprint without a team, of the sprints without one).
- **carry-over**: the previous sprint's stories neither done nor closed, once that sprint
  is closed or its end has passed: work it left for this one.
- **velocity** of a team: completed points per closed sprint in start order, and the
  average of the last three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from ..spec.fields import is_bounded
from ..spec.graph import Graph
from ..spec.kept import Kept
from ..spec.model import Item
from ..spec.settings import Settings
from .capacity import Capacity, TeamCapacity, sprint_capacity
from .kanban import BoardColumn, plan_kanban
from .progress import is_closed, is_done
from .schedule import as_date

AVERAGE_OF = 3
"""Velocity is the average of the last this many closed sprints."""


@dataclass(frozen=True, slots=True)
class SprintPlan:
    """One sprint as its page shows it."""

    sprint: Item
    team: str | None
    start: date | None
    end: date | None
    finished: bool
    """In the last state of the sprint workflow (`closed`): its figures make velocity."""
    closed: bool
    """Finished, or left the plan (a configured closed state, such as cancelled)."""
    stories: tuple[Item, ...]
    """Its stories that are not closed, in id order."""
    committed: float
    unestimated: int
    """How many of its stories have no estimate (and so add nothing to `committed`)."""
    completed: float
    board: tuple[BoardColumn, ...]
    previous: str | None
    """The id of the team's previous sprint, if any."""
    carry_over: tuple[Item, ...] | None
    """The previous sprint's stories left unfinished; None while that sprint runs."""
    capacity: float | None
    """Its team's capacity for it (the `capacity` option), if set."""

    @property
    def over_capacity(self) -> bool:
        """Whether its committed points exceed its team's capacity."""
        return self.capacity is not None and self.committed > self.capacity


@dataclass(frozen=True, slots=True)
class Velocity:
    """A team's completed points per closed sprint (in start order) and their recent average."""

    team: str | None
    sprints: tuple[tuple[str, float], ...]
    """(sprint id, completed points) of each closed sprint."""
    average: float | None
    """Of the last `AVERAGE_OF` closed sprints; None when none is closed."""


@dataclass(frozen=True, slots=True)
class SprintsPlan:
    """Every sprint's plan by id, in start order, and each team's velocity."""

    sprints: Mapping[str, SprintPlan]
    velocity: tuple[Velocity, ...]
    """Per team in name order, the sprints without a team last."""
    capacity: Capacity

    def closed_figures(self) -> list[tuple[date, date, float]]:
        """Each closed sprint's start, end and completed points (for velocity forecasts)."""
        return [
            (plan.start, plan.end, plan.completed)
            for plan in self.sprints.values()
            if plan.finished and plan.start is not None and plan.end is not None
        ]

    def team_capacity(self) -> dict[str, TeamCapacity]:
        """For each team with a capacity and a sprint: its sprints not closed, with a capacity."""
        teams: dict[str, list[tuple[date, float]]] = {}
        for plan in self.sprints.values():
            if plan.team is None or plan.team not in self.capacity:
                continue
            found = teams.setdefault(plan.team, [])
            if not plan.closed and plan.end is not None and plan.capacity is not None:
                found.append((plan.end, plan.capacity))
        return {team: TeamCapacity(team, tuple(sorted(ends))) for team, ends in teams.items()}

    def open_ids(self) -> list[str]:
        """The ids of the sprints not closed."""
        return [sprint_id for sprint_id, plan in self.sprints.items() if not plan.closed]


class KeptSprints:
    """Each sprint's plan, kept from one planning to the next under `serve` while what it
    reads is the same: the sprint, its stories, what it reads of the team's previous sprint,
    today, the settings and the capacity."""

    def __init__(self) -> None:
        self.plans: Kept[str, SprintPlan] = Kept()


def plan_sprints(
    graph: Graph,
    settings: Settings,
    capacity: Capacity,
    today: date,
    kept: KeptSprints | None = None,
) -> SprintsPlan:
    """Plan every sprint item of `graph` as of `today` (see the module's docstring); with
    `kept` (under `serve`), a sprint's plan is made again only when what it reads changed."""
    sprints = sorted(graph.of_kind("sprint"), key=lambda s: _start_key(s, graph))
    members: dict[str, list[Item]] = {sprint.id: [] for sprint in sprints}
    for story in graph.of_kind("story"):
        named = story.get("sprint")
        if not isinstance(named, str) or named not in members:
            continue
        if not is_closed(story, settings) and graph.in_plan(story):
            members[named].append(story)
    plans: dict[str, SprintPlan] = {}
    last_of_team: dict[str | None, SprintPlan] = {}
    for sprint in sprints:
        team = sprint.get("team") if isinstance(sprint.get("team"), str) else None
        previous = last_of_team.get(team)
        stories = members[sprint.id]
        make = partial(
            _sprint_plan, sprint, team, stories, previous, graph, settings, today, capacity
        )
        if kept is None:
            plan = make()
        else:
            # The previous sprint is read for its id, whether it is over, and its stories; the
            # board (`plan_kanban`) reads the graph only for the order of the stories' ids.
            before = None if previous is None else _read_of(previous)
            sources = (settings, today, capacity, sprint, before, *stories)
            plan = kept.plans.get(sprint.id, sources, make)
        plans[sprint.id] = last_of_team[team] = plan
    if kept is not None:
        kept.plans.forget_unused()
    return SprintsPlan(plans, _velocity(plans.values()), capacity)


def _read_of(previous: SprintPlan) -> tuple[object, ...]:
    """What a sprint's plan reads of the previous sprint's: see `_sprint_plan`."""
    return (previous.sprint.id, previous.closed, previous.end, previous.stories)


def _start_key(sprint: Item, graph: Graph) -> tuple[date, int]:
    start = as_date(sprint.get("start"))
    return (start if start is not None else date.max, graph.rank(sprint))


def _sprint_plan(
    sprint: Item,
    team: str | None,
    stories: Sequence[Item],
    previous: SprintPlan | None,
    graph: Graph,
    settings: Settings,
    today: date,
    capacity: Capacity,
) -> SprintPlan:
    estimated = [story.fields["estimate"] for story in stories if is_bounded(story.get("estimate"))]
    completed = sum(
        story.fields["estimate"]
        for story in stories
        if is_done(story, settings) and is_bounded(story.get("estimate"))
    )
    carry_over: tuple[Item, ...] | None = None
    if previous is not None and (
        previous.closed or (previous.end is not None and previous.end < today)
    ):
        carry_over = tuple(story for story in previous.stories if not is_done(story, settings))
    finished = is_done(sprint, settings)
    return SprintPlan(
        sprint=sprint,
        team=team,
        start=as_date(sprint.get("start")),
        end=as_date(sprint.get("end")),
        finished=finished,
        closed=finished or is_closed(sprint, settings),
        stories=tuple(stories),
        committed=float(sum(estimated)),
        unestimated=len(stories) - len(estimated),
        completed=float(completed),
        board=plan_kanban(stories, graph, settings),
        previous=previous.sprint.id if previous is not None else None,
        carry_over=carry_over,
        capacity=sprint_capacity(capacity, team, sprint.id),
    )


def _velocity(plans: Iterable[SprintPlan]) -> tuple[Velocity, ...]:
    by_team: dict[str | None, list[tuple[str, float]]] = {}
    for plan in plans:
        figures = by_team.setdefault(plan.team, [])
        if plan.finished:
            figures.append((plan.sprint.id, plan.completed))
    found = []
    for team in sorted(by_team, key=lambda name: (name is None, name or "")):
        figures = by_team[team]
        recent = [points for _, points in figures[-AVERAGE_OF:]]
        average = sum(recent) / len(recent) if recent else None
        found.append(Velocity(team, tuple(figures), average))
    return tuple(found)
