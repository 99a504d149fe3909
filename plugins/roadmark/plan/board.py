"""The now/next/later board of a roadmap: a card per epic, and per story not on its epic's.

Which column a release falls in is decided in `horizons.py`; here, where each epic and
story goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..spec.model import Item
from ..spec.settings import Settings
from .horizons import COLUMNS, Column, explicit_horizon
from .progress import Progress, is_closed, is_done, progress_of
from .schedule import Schedule, priority_rank

ProgressOf = Callable[[tuple[str | None, ...], Sequence[Item], Settings], Progress]
"""Progress of some stories, given under a key (`_Kept.progress` in `roadmap.py` keeps it
between plannings under that key); `progress_of`, the key aside, when nothing is kept."""


def _unkept(key: tuple[str | None, ...], stories: Sequence[Item], settings: Settings) -> Progress:
    return progress_of(stories, settings)


@dataclass(frozen=True, slots=True)
class Card:
    """An epic or a story on the now/next/later board."""

    item: Item
    column: Column
    release: str | None
    progress: Progress | None
    """For epics: over all their stories."""
    overridden: bool
    """Placed by an explicit `horizon` rather than by its release's date."""


def plan_board(
    schedule: Schedule,
    epics: Iterable[Item],
    stories: Iterable[Item],
    epic_stories: dict[str, list[Item]],
    progress: ProgressOf = _unkept,
    placed: dict[str, tuple[Column, bool] | None] | None = None,
) -> dict[Column, list[Card]]:
    """Epics by column; a story gets a card of its own only where its epic's card is not.
    An epic's progress is `progress(("epic", id), its stories, settings)`; `placed` keeps
    each story's column by id, for the boards planned over the same schedule."""
    stories = list(stories)
    story_columns = _story_columns(schedule, stories, {} if placed is None else placed)
    cards = _epic_cards(schedule, epics, epic_stories, story_columns, progress)
    epic_columns = {card.item.id: card.column for card in cards}
    for story in stories:
        if story.id not in story_columns:
            continue
        column, overridden = story_columns[story.id]
        epic = schedule.epic_of(story)
        if epic is None or epic_columns.get(epic.id) != column:
            cards.append(Card(story, column, schedule.release_of(story), None, overridden))
    board: dict[Column, list[Card]] = {column: [] for column in COLUMNS}
    for card in sorted(
        cards,
        key=lambda c: (
            schedule.release_rank(c.release),
            c.item.kind != "epic",
            priority_rank(c.item),
            schedule.graph.rank(c.item),
        ),
    ):
        board[card.column].append(card)
    return board


def _story_columns(
    schedule: Schedule, stories: Iterable[Item], known: dict[str, tuple[Column, bool] | None]
) -> dict[str, tuple[Column, bool]]:
    """The column of each open story that has one, and whether `horizon` set it (`known`
    holds those worked out for another board over the same schedule)."""
    settings = schedule.settings
    columns: dict[str, tuple[Column, bool]] = {}
    for story in stories:
        if story.id in known:
            placed = known[story.id]
        elif is_done(story, settings) or is_closed(story, settings):
            placed = known[story.id] = None
        else:
            placed = known[story.id] = _placed(schedule, story)
        if placed is not None:
            columns[story.id] = placed
    return columns


def _epic_cards(
    schedule: Schedule,
    epics: Iterable[Item],
    epic_stories: dict[str, list[Item]],
    story_columns: dict[str, tuple[Column, bool]],
    progress_of_stories: ProgressOf,
) -> list[Card]:
    """A card for each open epic with a column, with its progress over all its stories."""
    settings = schedule.settings
    cards: list[Card] = []
    for epic in epics:
        if is_closed(epic, settings):
            continue
        placed = _placed(schedule, epic)
        if placed is None and schedule.release_of(epic) is None and not is_done(epic, settings):
            # Unscheduled: where its earliest placed story is, else later.
            found = [
                story_columns[s.id][0]
                for s in epic_stories.get(epic.id, ())
                if s.id in story_columns
            ]
            placed = (min(found, key=COLUMNS.index) if found else "later", False)
        if placed is None:
            continue
        progress = progress_of_stories(("epic", epic.id), epic_stories.get(epic.id, []), settings)
        cards.append(Card(epic, placed[0], schedule.release_of(epic), progress, placed[1]))
    return cards


def _placed(schedule: Schedule, item: Item) -> tuple[Column, bool] | None:
    """An item's column and whether `horizon` set it; None when unplaced or released."""
    explicit = explicit_horizon(item, schedule.graph)
    if explicit is not None:
        return explicit, True
    release = schedule.release_of(item)
    column = schedule.columns.get(release) if release is not None else None
    return (column, False) if column is not None else None
