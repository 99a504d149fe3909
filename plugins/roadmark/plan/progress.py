"""How far along an item is: done points over total points of the stories beneath it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..spec.fields import is_bounded
from ..spec.graph import Graph
from ..spec.kept import Kept
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


class KeptProgress:
    """Progress of sets of stories, kept from one planning to the next (under `serve`)
    while the stories are the same objects: a progress reads nothing but its stories (their
    status, kind and estimate) and the settings (the workflows)."""

    def __init__(self) -> None:
        self._kept: Kept[tuple[str | None, ...], Progress] = Kept()

    def of(
        self, key: tuple[str | None, ...], stories: Sequence[Item], settings: Settings
    ) -> Progress:
        """`progress_of(stories, settings)`, kept under `key` while both are the same."""
        return self._kept.get(key, (settings, *stories), lambda: progress_of(stories, settings))

    def forget_unused(self) -> None:
        """Once per planning: let go of the progress that planning did not ask for."""
        self._kept.forget_unused()

    @property
    def made(self) -> int:
        """How many were made rather than reused, for tests."""
        return self._kept.made


def progress_by_item(
    items: Iterable[Item], graph: Graph, settings: Settings, kept: KeptProgress | None = None
) -> dict[str, Progress]:
    """The progress of each of `items` that has stories beneath it, by id; never of a story.

    Planned once per build (or per macro), so renderers only show it. With `kept` (under
    `serve`), each item's is made again only when its stories are other objects.
    """
    found: dict[str, Progress] = {}
    below: dict[str, list[Item] | None] = {}
    for item in items:
        if item.kind == "story":
            continue
        stories = _stories_below(item, graph, below)
        if not stories:
            continue
        if kept is None:
            found[item.id] = progress_of(stories, settings)
        else:
            found[item.id] = kept.of((item.id,), stories, settings)
    if kept is not None:
        kept.forget_unused()
    return found


def _stories_below(item: Item, graph: Graph, below: dict[str, list[Item] | None]) -> list[Item]:
    """`stories_under` an item that is neither a story nor a release, from its children's
    own children when no deeper level exists (a PRD's epics' stories, an epic's stories):
    every item's walk would visit each story once per level above it. `below` keeps, by
    id, the open stories of an item whose children have none (None: some have)."""
    children, closed = graph.children, graph.closed
    if item.kind in ("story", "release"):
        return stories_under(item, graph)
    found: list[Item] = []
    nested = False
    for child in children.get(item.id, ()):
        if child.id in closed:
            continue
        if child.id not in children:
            if child.kind == "story":
                found.append(child)
            continue
        # A child with children of its own: its open stories, when theirs have none.
        leaves = _leaves(child, graph, below)
        if leaves is None:
            return stories_under(item, graph)
        nested = True
        found.extend(leaves)
        if child.kind == "story":
            found.append(child)
    # Children come in id order; stories from two levels are sorted as the walk sorts them.
    return sorted(found, key=graph.rank) if nested else found


def _leaves(item: Item, graph: Graph, below: dict[str, list[Item] | None]) -> list[Item] | None:
    """The open stories among `item`'s children, or None when one of them has children."""
    if item.id not in below:
        children, closed = graph.children, graph.closed
        kids = children.get(item.id, ())
        if any(child.id in children for child in kids):
            below[item.id] = None
        else:
            below[item.id] = [c for c in kids if c.kind == "story" and c.id not in closed]
    return below[item.id]


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
