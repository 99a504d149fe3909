"""Release scope: the story points and open stories planned in each release."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.fields import is_bounded
from ..spec.graph import Graph
from ..spec.settings import Settings
from .progress import is_closed

SCOPE_KIND = "story"
"""The kind whose estimates and count make a release's scope."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What one release holds."""

    points: float
    stories: int


def release_scopes(graph: Graph, settings: Settings) -> dict[str | None, Scope]:
    """Scope by release id (None: the unscheduled backlog); closed stories, and stories under
    closed epics or PRDs, leave the totals, as they leave the roadmap's progress."""
    points: dict[str | None, float] = {release.id: 0 for release in graph.of_kind("release")}
    counts: dict[str | None, int] = dict.fromkeys(points, 0)
    for story in graph.of_kind(SCOPE_KIND):
        if is_closed(story, settings) or not graph.in_plan(story):
            continue
        # The same rule as the roadmap: a story's own release, else its epic's or PRD's.
        release = graph.release_of(story)
        # Loading lets only bounded numbers through; one that got past would make the total
        # infinite, so it counts as no estimate.
        estimate = story.get("estimate")
        points[release] = points.get(release, 0) + (estimate if is_bounded(estimate) else 0)
        counts[release] = counts.get(release, 0) + 1
    return {key: Scope(points[key], counts[key]) for key in counts}
