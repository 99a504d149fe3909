"""Team capacity: the points a team can complete in a sprint (the `capacity` option), and
whether a release's remaining work for a team fits in the team's sprints before its date.

`capacity` maps a team to points per sprint, or to `default` and sprint ids mapped to points.
A release is at risk (`risks.over_capacity`) when the points left in it for a team exceed
what the team's sprints not yet closed and ending by the release's date can take; only teams
with a capacity and at least one sprint are weighed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..spec.fields import is_bounded
from ..spec.model import Item
from ..spec.settings import Settings
from .progress import is_closed, is_done
from .risks import Risk, over_capacity

Capacity = Mapping[str, float | Mapping[str, float]]
"""The `capacity` option as `spec/options.py` reads it."""


def sprint_capacity(capacity: Capacity, team: str | None, sprint_id: str) -> float | None:
    """The points `team` can complete in sprint `sprint_id`: its figure for that sprint,
    else its default; None without a team, or a capacity for it."""
    if team is None or team not in capacity:
        return None
    figures = capacity[team]
    if not isinstance(figures, Mapping):
        return figures
    return figures.get(sprint_id, figures.get("default"))


@dataclass(frozen=True, slots=True)
class TeamCapacity:
    """A team's sprints not yet closed: each one's last day and capacity, in date order."""

    team: str
    sprints: tuple[tuple[date, float], ...]

    def by(self, due: date) -> tuple[float, int]:
        """The capacity of the sprints ending on or before `due`, and how many they are."""
        ending = [points for end, points in self.sprints if end <= due]
        return sum(ending), len(ending)


def capacity_risks(
    due: date | None,
    stories: Iterable[Item],
    teams: Mapping[str, TeamCapacity],
    settings: Settings,
) -> list[Risk]:
    """For a release due on `due` holding `stories`: a risk per team whose remaining points
    (stories neither done nor closed) exceed its capacity by then, in team order."""
    if due is None or not teams:
        return []
    remaining: dict[str, float] = {}
    for story in stories:
        team = story.get("team")
        if team not in teams or is_done(story, settings) or is_closed(story, settings):
            continue
        estimate = story.get("estimate")
        remaining[team] = remaining.get(team, 0.0) + (estimate if is_bounded(estimate) else 0)
    risks = []
    for team in sorted(remaining):
        available, sprints = teams[team].by(due)
        risk = over_capacity(team, remaining[team], available, sprints, due)
        if risk is not None:
            risks.append(risk)
    return risks
