"""How far along an item is: done points over total points of the stories beneath it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..spec.fields import is_bounded
from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from ..text.words import number


@dataclass(frozen=True, slots=True)
class Progress:
    """Done over total, in story points, or in stories when estimates are missing."""

    done: float
    total: float
    unit: str
    """`points` or `stories`."""
    stories: int
    """How many stories count: the active ones."""

    @property
    def ratio(self) -> float:
        """Done as a fraction of total; 0 when there is nothing to do."""
        return self.done / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        """Done as a whole percentage, rounded down so 99.6% never shows as done."""
        return int(self.ratio * 100)

    def describe(self) -> str:
        """E.g. `13 of 21 points (61%)`."""
        unit = self.unit[:-1] if self.total == 1 else self.unit
        return f"{number(self.done)} of {number(self.total)} {unit} ({self.percent}%)"


def progress_of(stories: Iterable[Item], settings: Settings) -> Progress:
    """Progress of a set of stories; closed ones (cancelled) leave the totals."""
    active = [story for story in stories if not is_closed(story, settings)]
    finished = [story for story in active if is_done(story, settings)]
    # Loading refuses other estimates; an item built another way must not make a total of
    # `inf` (or NaN, as inf - inf), which no page can show and no ratio can use.
    estimated = all(is_bounded(story.get("estimate")) for story in active)
    if active and estimated:
        return Progress(
            done=sum(story.fields["estimate"] for story in finished),
            total=sum(story.fields["estimate"] for story in active),
            unit="points",
            stories=len(active),
        )
    return Progress(len(finished), len(active), "stories", len(active))


def progress_by_item(
    items: Iterable[Item], graph: Graph, settings: Settings
) -> dict[str, Progress]:
    """The progress of each of `items` that has stories beneath it, by id; never of a story.

    Planned once per build (or per macro), so renderers only show it.
    """
    found: dict[str, Progress] = {}
    for item in items:
        if item.kind == "story":
            continue
        stories = stories_under(item, graph)
        if stories:
            found[item.id] = progress_of(stories, settings)
    return found


def stories_under(item: Item, graph: Graph) -> list[Item]:
    """The stories an item's progress is made of: itself, its children's, or its release's.

    Stories under a cancelled epic left the plan with it, so they are not counted.
    """
    if item.kind == "release":
        return [
            story
            for story in graph.scheduled.get(item.id, [])
            if story.kind == "story" and graph.in_plan(story)
        ]
    found: list[Item] = []
    pending = [item]
    seen = {item.id}
    while pending:
        current = pending.pop()
        if current.kind == "story":
            found.append(current)
        for child in graph.children.get(current.id, []):
            if child.id not in seen and child.id not in graph.closed:
                seen.add(child.id)
                pending.append(child)
    return sorted(found, key=graph.rank)


def is_done(item: Item, settings: Settings) -> bool:
    """Whether the item is in the final state of its workflow."""
    kind = settings.kinds.get(item.kind)
    return kind is not None and item.status == kind.done


def is_closed(item: Item, settings: Settings) -> bool:
    """Whether the item left the plan (cancelled, superseded)."""
    return settings.is_closed(item.kind, item.status)
