"""Kanban boards: stories in columns by the story workflow's states, for a release, a sprint,
a team or the whole product.

Planned here, drawn by `render/boards.py`. Cards in a column go by priority (P0 first),
then id. The product board holds the open work: every story in the plan that is neither
done nor closed, and the done stories of a release not yet released or of a sprint not
yet closed, which the team still shows at its review.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from .progress import is_closed, is_done
from .schedule import priority_rank


@dataclass(frozen=True, slots=True)
class BoardColumn:
    """One workflow state of a board and its stories, highest priority first."""

    state: str
    stories: tuple[Item, ...]


def plan_kanban(
    stories: Iterable[Item], graph: Graph, settings: Settings
) -> tuple[BoardColumn, ...]:
    """A column per state of the story workflow, in workflow order, even when empty; a story
    whose status is no state of it (a problem reported elsewhere) gets a column after them."""
    workflow = settings.kinds["story"].statuses if "story" in settings.kinds else ()
    by_state: dict[str, list[Item]] = {state: [] for state in workflow}
    for story in stories:
        by_state.setdefault(story.status, []).append(story)
    others = sorted(state for state in by_state if state not in workflow)
    return tuple(
        BoardColumn(state, tuple(sorted(by_state[state], key=lambda s: _card_key(s, graph))))
        for state in (*workflow, *others)
    )


def _card_key(story: Item, graph: Graph) -> tuple[int, int]:
    return priority_rank(story), graph.rank(story)


def open_work(graph: Graph, settings: Settings, open_sprints: Sequence[str]) -> list[Item]:
    """The product board's stories, in id order: those in the plan neither done nor closed,
    and the done ones of a release not yet released or of a sprint in `open_sprints` (the
    ids of the sprints not yet closed)."""
    sprints = set(open_sprints)
    found = []
    for story in graph.of_kind("story"):
        if is_closed(story, settings) or not graph.in_plan(story):
            continue
        if is_done(story, settings):
            release = graph.release_of(story)
            shipping = release is not None and not is_done(graph.items[release], settings)
            sprint = story.get("sprint")
            if not shipping and not (isinstance(sprint, str) and sprint in sprints):
                continue
        found.append(story)
    return found


def teams_of(stories: Iterable[Item]) -> list[str]:
    """The teams that stories name, sorted."""
    return sorted({team for story in stories if isinstance(team := story.get("team"), str)})
