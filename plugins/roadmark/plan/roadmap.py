"""The roadmap: releases with progress and risks, the now/next/later board, the spans of
the timeline and the unscheduled backlog, for the whole product or for one PRD.

Planned in one pass over the items (plus sorts), so a product of 10,000 stories plans
in milliseconds. Renderers only format what is here. The releases' order, columns and
spans are the `Schedule`'s (`schedule.py`); which column a release falls in is decided
in `horizons.py`; when a release is at risk, in `risks.py`; the board and the backlog
are planned in `board.py` and `backlog.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import NamedTuple

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from .backlog import BacklogGroup, BacklogStory, plan_backlog
from .board import Card, plan_board
from .capacity import capacity_risks
from .horizons import Column
from .progress import Progress, is_closed, is_done, progress_of
from .risks import Risk, behind, late_forecast, overdue
from .roadmap_kept import KeptRoadmap as KeptRoadmap  # where `plan_product` callers look
from .roadmap_kept import Shared, Teams, prd_sources
from .schedule import EpicSpan, RoadmapOptions, Schedule, Span, as_date, epic_spans, id_rank


@dataclass(slots=True)
class EpicShare:
    """The stories of one epic scheduled in one release, and their progress."""

    epic: Item | None
    """None for stories that belong to no epic."""
    stories: list[Item]
    progress: Progress
    elsewhere: list[str] = field(default_factory=list)
    """Other releases holding stories of the same epic, in release order."""


@dataclass(slots=True)
class ReleasePlan:
    """A release as the roadmap shows it."""

    release: Item
    start: date | None
    due: date | None
    released: bool
    progress: Progress
    epics: list[EpicShare]
    risks: list[Risk]
    column: Column | None
    """Its board column; None once released."""
    span: Span | None
    """Its bar on the timeline; None when it has no date."""

    @property
    def at_risk(self) -> bool:
        """Whether any risk rule applies."""
        return bool(self.risks)


@dataclass(slots=True)
class Roadmap:
    """Everything the roadmap page shows, for the whole product or one PRD."""

    options: RoadmapOptions
    releases: list[ReleasePlan]
    board: dict[Column, list[Card]]
    epic_spans: list[EpicSpan]
    backlog: list[BacklogGroup]
    capacity: bool = False
    """Whether teams' capacity was weighed (rule 5 of `risks.py`)."""

    @property
    def at_risk(self) -> list[ReleasePlan]:
        """The releases at risk, in release order."""
        return [plan for plan in self.releases if plan.at_risk]

    @property
    def quick_wins(self) -> list[BacklogStory]:
        """Backlog stories that are quick wins, in backlog order."""
        return [entry for group in self.backlog for entry in group.stories if entry.quick_win]

    @property
    def backlog_size(self) -> int:
        """How many stories the backlog holds."""
        return sum(len(group.stories) for group in self.backlog)

    def shown(self) -> tuple[object, ...]:
        """What the views show of it, to compare: all but the stories behind each epic's
        share of a release."""
        releases = [
            (plan.release, plan.start, plan.due, plan.released, plan.progress, plan.risks,
             plan.column, plan.span,
             [(share.epic, share.progress, share.elsewhere) for share in plan.epics])
            for plan in self.releases
        ]  # fmt: skip
        return (self.options, self.capacity, releases, self.board, self.epic_spans, self.backlog)


@dataclass(slots=True)
class PrdRoadmap:
    """The roadmap of one PRD; `prd` is None for the epics and stories of no PRD."""

    prd: Item | None
    roadmap: Roadmap


class ProductRoadmap(NamedTuple):
    """What the roadmap page shows: the whole product's roadmap, then each PRD's."""

    whole: Roadmap
    by_prd: list[PrdRoadmap]
    """A roadmap per PRD in id order, then one for the work of no PRD when there is any."""
    schedule: Schedule
    """The schedule both were planned over, for the other pages that need one."""

    def shown(self) -> tuple[object, ...]:
        """What the roadmap page shows of it, to compare (see `Roadmap.shown`)."""
        return self.whole.shown(), [(entry.prd, entry.roadmap.shown()) for entry in self.by_prd]


def plan_roadmap(
    graph: Graph,
    settings: Settings,
    options: RoadmapOptions,
    prd: str | None = None,
    capacity: Teams | None = None,
) -> Roadmap:
    """The roadmap of the whole product, or of the PRD with id `prd` only; with `capacity`,
    a release whose remaining work exceeds a team's capacity is at risk."""
    schedule = Schedule(graph, settings, options)
    teams = capacity or {}
    if prd is None:
        return _plan(schedule, schedule.epics, schedule.stories, whole=True, teams=teams)
    epics = [epic for epic in schedule.epics if schedule.prd_of(epic) == prd]
    stories = [story for story in schedule.stories if schedule.prd_of(story) == prd]
    return _plan(schedule, epics, stories, whole=False, teams=teams)


def plan_product(
    graph: Graph,
    settings: Settings,
    options: RoadmapOptions,
    capacity: Teams | None = None,
    kept: KeptRoadmap | None = None,
) -> ProductRoadmap:
    """The whole product's roadmap and each PRD's, over one schedule (`capacity` as in
    `plan_roadmap`). With `kept` (under `serve`), progress made by an earlier planning is
    reused while its stories are the same objects."""
    schedule = Schedule(graph, settings, options)
    teams = capacity or {}
    shared = Shared(kept=kept)
    whole = _plan(schedule, schedule.epics, schedule.stories, whole=True, teams=teams, kept=shared)
    product = ProductRoadmap(whole, _by_prd(schedule, teams, shared), schedule)
    if kept is not None:
        kept.forget_unused()
    return product


def _by_prd(schedule: Schedule, teams: Teams, kept: Shared) -> list[PrdRoadmap]:
    graph = schedule.graph
    epics: dict[str | None, list[Item]] = {}
    stories: dict[str | None, list[Item]] = {}
    for epic in schedule.epics:
        epics.setdefault(schedule.prd_of(epic), []).append(epic)
    for story in schedule.stories:
        stories.setdefault(schedule.prd_of(story), []).append(story)
    owners: list[Item | None] = list(graph.of_kind("prd"))
    if None in epics or None in stories:
        owners.append(None)
    sections = []
    for owner in owners:
        key = owner.id if owner is not None else None
        mine, theirs = epics.get(key, []), stories.get(key, [])
        make = partial(_plan, schedule, mine, theirs, whole=False, teams=teams, kept=kept)
        if kept.kept is None:
            plan = make()
        else:
            sources = prd_sources(schedule, teams, kept, mine, theirs)
            plan = kept.kept.plans.get(key, sources, make)
        sections.append(PrdRoadmap(owner, plan))
    return sections


def _plan(
    schedule: Schedule,
    epics: Sequence[Item],
    stories: Sequence[Item],
    *,
    whole: bool,
    teams: Teams,
    kept: Shared | None = None,
) -> Roadmap:
    """Plan the given epics and stories; `whole` keeps releases with nothing of theirs;
    `kept` holds what plans over the same schedule share."""
    kept = kept if kept is not None else Shared()
    settings = schedule.settings
    shares: dict[str, dict[str | None, list[Item]]] = {}
    members: dict[str, list[Item]] = {}
    epic_releases: dict[str, set[str]] = {}
    epic_stories: dict[str, list[Item]] = {}
    unscheduled: list[Item] = []
    facts = kept.facts
    for story in stories:
        fact = facts.get(story.id)
        if fact is None:
            release = schedule.release_of(story)
            fact = facts[story.id] = (schedule.epic_of(story), release, is_closed(story, settings))
        parent, release, closed = fact
        epic_id = parent.id if parent is not None else None
        if epic_id is not None:
            epic_stories.setdefault(epic_id, []).append(story)
        if release is None:
            unscheduled.append(story)
            continue
        shares.setdefault(release, {}).setdefault(epic_id, []).append(story)
        members.setdefault(release, []).append(story)
        if epic_id is not None and not closed:
            epic_releases.setdefault(epic_id, set()).add(release)
    for epic in epics:
        release = schedule.release_of(epic)
        if release is not None:
            members.setdefault(release, []).append(epic)
            if not is_closed(epic, settings):
                shares.setdefault(release, {}).setdefault(epic.id, [])
    releases = [
        _release_plan(
            schedule, release, shares.get(release.id, {}), (members, epic_releases), teams, kept
        )
        for release in schedule.releases
        if whole or release.id in shares
    ]
    return Roadmap(
        options=schedule.options,
        releases=releases,
        board=plan_board(schedule, epics, stories, epic_stories, kept.progress, kept.columns),
        epic_spans=epic_spans(schedule, epics),
        backlog=plan_backlog(schedule, unscheduled),
        capacity=bool(teams),
    )


def _release_plan(
    schedule: Schedule,
    release: Item,
    groups: dict[str | None, list[Item]],
    scheduled: tuple[dict[str, list[Item]], dict[str, set[str]]],
    teams: Teams,
    kept: Shared,
) -> ReleasePlan:
    """`scheduled`: the items scheduled in each release, and the releases of each epic."""
    settings, graph = schedule.settings, schedule.graph
    members, epic_releases = scheduled
    stories = [story for group in groups.values() for story in group]
    # Keyed by the epics in it too: the product's share of a release and a PRD's differ.
    progress = kept.progress(("release", release.id, *groups), stories, settings)
    epics = []
    for epic_id in sorted(groups, key=lambda key: id_rank(graph, key)):
        others = epic_releases.get(epic_id, set()) - {release.id} if epic_id else set()
        epics.append(
            EpicShare(
                graph.items[epic_id] if epic_id else None,
                groups[epic_id],
                _share_progress(kept, release.id, epic_id, groups[epic_id], settings),
                sorted(others, key=schedule.rank.__getitem__),
            )
        )
    start, due = as_date(release.get("start")), as_date(release.get("date"))
    released = is_done(release, settings)
    risks = [] if released else _risks(schedule, release, due, progress, members, kept)
    if not released:
        # Its stories planned here: on a PRD's roadmap, that PRD's share, as for rule 3.
        load = [item for item in members.get(release.id, []) if item.kind == "story"]
        risks.extend(capacity_risks(due, load, teams, settings))
    return ReleasePlan(
        release=release,
        start=start,
        due=due,
        released=released,
        progress=progress,
        epics=epics,
        risks=risks,
        column=schedule.columns.get(release.id),
        span=schedule.spans.get(release.id),
    )


def _risks(
    schedule: Schedule,
    release: Item,
    due: date | None,
    progress: Progress,
    members: dict[str, list[Item]],
    kept: Shared,
) -> list[Risk]:
    """Why an unreleased release is at risk: overdue, behind, or waiting on later work."""
    options = schedule.options
    risks = [
        risk
        for risk in (
            overdue(due, options.today),
            behind(due, progress, options.today, options.window_days, options.threshold),
            late_forecast(due, dict(options.forecasts).get(release.id)),
        )
        if risk is not None
    ]
    for item in members.get(release.id, []):
        if not item.fields.get("depends_on"):
            continue  # depends on nothing, so waits on nothing: most items
        key = (release.id, item.id)
        if key not in kept.waits:
            kept.waits[key] = kept.wait(schedule, release.id, item)
        risks.extend(kept.waits[key])
    return risks


def _share_progress(
    kept: Shared, release_id: str, epic_id: str | None, stories: list[Item], settings: Settings
) -> Progress:
    """`progress_of` an epic's `stories` in a release, once for every roadmap showing them.

    The stories of no epic differ between the product's roadmap and a PRD's; an epic's are
    the same, which the comparison (item by item, by identity first) confirms.
    """
    if epic_id is None:
        return progress_of(stories, settings)
    found = kept.shares.get((release_id, epic_id))
    if found is None or found[0] != stories:
        progress = kept.progress(("share", release_id, epic_id), stories, settings)
        found = kept.shares[release_id, epic_id] = (stories, progress)
    return found[1]
