"""What planning the roadmap shares and keeps: worked out once for the product's roadmap and
every PRD's within one planning (`Shared`), and kept from one planning to the next under
`serve` (`KeptRoadmap`) while what it was made of is the same objects.

A PRD's roadmap is kept whole: `prd_sources` lists everything its planning reads, which the
product's roadmap, planned first, has already asked of the graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..spec.kept import Kept
from ..spec.model import Item
from ..spec.settings import Settings
from .capacity import TeamCapacity
from .horizons import Column
from .progress import KeptProgress, Progress, progress_of
from .risks import Risk, dependency_risks
from .schedule import Schedule

if TYPE_CHECKING:  # the roadmap imports this module
    from .roadmap import Roadmap

Teams = Mapping[str, TeamCapacity]
"""Each team's capacity in its open sprints (`SprintsPlan.team_capacity`), for rule 5."""


class KeptRoadmap:
    """What `plan_product` keeps from one planning to the next under `serve`: the progress
    of each release's, epic's and share's stories and each PRD's roadmap, each made again
    only when what it reads is other objects."""

    def __init__(self) -> None:
        self.progress = KeptProgress()
        self.plans: Kept[str | None, Roadmap] = Kept()
        """Each PRD's roadmap by its id (None: the work of no PRD)."""

    def forget_unused(self) -> None:
        """Once per planning: let go of what that planning did not ask for."""
        self.progress.forget_unused()
        self.plans.forget_unused()


@dataclass(slots=True)
class Shared:
    """What the product's roadmap and each PRD's share, worked out once for all of them: a
    PRD's roadmap shows the same epics in the same releases, with the same stories."""

    shares: dict[tuple[str, str], tuple[list[Item], Progress]] = field(default_factory=dict)
    """The progress of an epic's stories in a release, with those stories."""
    waits: dict[tuple[str, str], list[Risk]] = field(default_factory=dict)
    """Rule 3's risks of an item scheduled in a release (its own dependencies)."""
    facts: dict[str, tuple[Item | None, str | None, bool]] = field(default_factory=dict)
    """Each story's epic, release and whether it is closed, by id, asked of the graph once."""
    columns: dict[str, tuple[Column, bool] | None] = field(default_factory=dict)
    """Each story's board column (`board.py`), by id, worked out once."""
    kept: KeptRoadmap | None = None
    """Under `serve`, what is kept between plannings."""

    def wait(self, schedule: Schedule, release_id: str, item: Item) -> list[Risk]:
        """Rule 3's risks of `item`, scheduled in `release_id`."""
        # Made anew each planning, not kept: gathering what they read (each item it names,
        # the release that one ships in, the releases' order) costs more than making them.
        settings, release_of = schedule.settings, schedule.release_of
        return dependency_risks(
            release_id, [item], schedule.graph, settings, release_of, schedule.rank
        )

    def progress(
        self, key: tuple[str | None, ...], stories: Sequence[Item], settings: Settings
    ) -> Progress:
        """`progress_of(stories)`, kept under `key` between plannings when there is a keeper."""
        if self.kept is None:
            return progress_of(stories, settings)
        return self.kept.progress.of(key, stories, settings)


def prd_sources(
    schedule: Schedule, teams: Teams, shared: Shared, epics: Sequence[Item], stories: Sequence[Item]
) -> tuple[object, ...]:
    """Everything a PRD's roadmap reads, once the product's roadmap was planned (its facts,
    columns and rule 3's risks are in `shared`): the settings, options, teams' capacity and
    releases (their order, columns and spans); each epic and the release it ships in; each
    story, its epic (whose horizon it may take) and release; and each one's rule 3 risks."""
    waits, release_of = shared.waits, schedule.release_of
    found: list[object] = [schedule.settings, schedule.options, teams, *schedule.releases, None]
    for epic in epics:
        release = release_of(epic)
        found += (epic, release, waits.get((release, epic.id)) if release else None)
    found.append(None)
    facts = shared.facts
    for story in stories:
        parent, release, _ = facts[story.id]  # `closed` is the story's own status
        found += (story, parent, release, waits.get((release, story.id)) if release else None)
    return tuple(found)
