"""The backlog of a roadmap: unfinished stories in no release, by epic, with quick wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..spec.model import Item
from .progress import is_closed, is_done
from .schedule import RoadmapOptions, Schedule, id_rank, priority_rank


@dataclass(frozen=True, slots=True)
class BacklogStory:
    """An unscheduled, unfinished story."""

    story: Item
    quick_win: bool
    tech_debt: bool


@dataclass(slots=True)
class BacklogGroup:
    """The backlog stories of one epic (or of none), highest priority first."""

    epic: Item | None
    stories: list[BacklogStory]


def plan_backlog(schedule: Schedule, unscheduled: Iterable[Item]) -> list[BacklogGroup]:
    """Unscheduled, unfinished stories by epic (id order, no epic last), P0 first in each."""
    settings, options, graph = schedule.settings, schedule.options, schedule.graph
    groups: dict[str | None, list[Item]] = {}
    for story in unscheduled:
        if is_done(story, settings) or is_closed(story, settings):
            continue
        epic = schedule.epic_of(story)
        groups.setdefault(epic.id if epic else None, []).append(story)
    result = []
    for epic_id in sorted(groups, key=lambda key: id_rank(graph, key)):
        ranked = sorted(groups[epic_id], key=lambda s: (priority_rank(s), graph.rank(s)))
        entries = [
            BacklogStory(
                story,
                quick_win=_is_quick_win(story, options),
                tech_debt=story.get("type") == "tech-debt",
            )
            for story in ranked
        ]
        result.append(BacklogGroup(graph.items[epic_id] if epic_id else None, entries))
    return result


def _is_quick_win(story: Item, options: RoadmapOptions) -> bool:
    """High priority and small: P0 or P1 and at most 2 points, by default."""
    estimate = story.get("estimate")
    return (
        story.get("priority") in options.quick_win_priorities
        and isinstance(estimate, int | float)
        and not isinstance(estimate, bool)
        and estimate <= options.quick_win_max_estimate
    )
