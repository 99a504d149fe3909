"""The roadmap: releases with progress and risks, the now/next/later board, the spans of
the timeline and the unscheduled backlog, for the whole product or for one PRD.

Planned in one pass over the items (plus sorts), so a product of 10,000 stories plans
in milliseconds. Renderers only format what is here. Which column a release falls in
is decided in `horizons.py`; when a release is at risk, in `risks.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from .horizons import COLUMNS, Column, explicit_horizon, release_columns
from .progress import Progress, is_closed, is_done, progress_of
from .risks import Risk, behind, dependency_risks, overdue

PRIORITIES = ("P0", "P1", "P2", "P3")


@dataclass(frozen=True, slots=True)
class RoadmapOptions:
    """What the plan depends on besides the specs."""

    today: date
    window_days: int = 14
    """A release due within this many days is at risk when below the threshold."""
    threshold: float = 0.5
    """The progress (0–1) a release due within the window must have reached."""
    quick_win_priorities: tuple[str, ...] = ("P0", "P1")
    quick_win_max_estimate: float = 2


@dataclass(frozen=True, slots=True)
class Span:
    """A bar of the timeline: from `start` to `end`, both days included."""

    start: date
    end: date
    start_derived: bool = False
    """True when no start date is written and one was inferred (previous release, own end)."""


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


@dataclass(frozen=True, slots=True)
class EpicSpan:
    """An epic's bar on the timeline, under its release."""

    epic: Item
    span: Span
    release: str | None
    done: bool


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


@dataclass(slots=True)
class Roadmap:
    """Everything the roadmap page shows, for the whole product or one PRD."""

    options: RoadmapOptions
    releases: list[ReleasePlan]
    board: dict[Column, list[Card]]
    epic_spans: list[EpicSpan]
    backlog: list[BacklogGroup]

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


@dataclass(slots=True)
class PrdRoadmap:
    """The roadmap of one PRD; `prd` is None for the epics and stories of no PRD."""

    prd: Item | None
    roadmap: Roadmap


class _Schedule:
    """Release order, columns and spans, and where each epic and story ships: once per product."""

    def __init__(self, graph: Graph, settings: Settings, options: RoadmapOptions) -> None:
        self.graph = graph
        self.settings = settings
        self.options = options
        self.releases = sorted(graph.of_kind("release"), key=self._release_key)
        self.rank = {release.id: rank for rank, release in enumerate(self.releases)}
        self.columns = release_columns(self.releases, settings, options.today)
        self.spans = _release_spans(self.releases)
        # Work under a cancelled epic or superseded PRD left the plan with it, as in `progress`.
        self.stories = [item for item in graph.of_kind("story") if graph.in_plan(item)]
        self.epics = [item for item in graph.of_kind("epic") if graph.in_plan(item)]
        self.release_of = graph.release_of
        """The release an item ships in, inherited from its epic or PRD."""

    def epic_of(self, story: Item) -> Item | None:
        """A story's epic, if it names an existing one."""
        parent = self.graph.parent(story)
        return parent if parent is not None and parent.kind == "epic" else None

    def prd_of(self, item: Item) -> str | None:
        """The id of the PRD an epic or story delivers, through its parents."""
        for ancestor in self.graph.ancestors(item):
            if ancestor.kind == "prd":
                return ancestor.id
        return None

    def _release_key(self, release: Item) -> tuple[bool, date, int]:
        due = release.get("date")
        dated = isinstance(due, date)
        return (not dated, due if dated else date.min, self.graph.rank(release))


def plan_roadmap(
    graph: Graph, settings: Settings, options: RoadmapOptions, prd: str | None = None
) -> Roadmap:
    """The roadmap of the whole product, or of the PRD with id `prd` only."""
    schedule = _Schedule(graph, settings, options)
    if prd is None:
        return _plan(schedule, schedule.epics, schedule.stories, whole=True)
    epics = [epic for epic in schedule.epics if schedule.prd_of(epic) == prd]
    stories = [story for story in schedule.stories if schedule.prd_of(story) == prd]
    return _plan(schedule, epics, stories, whole=False)


def plan_by_prd(graph: Graph, settings: Settings, options: RoadmapOptions) -> list[PrdRoadmap]:
    """A roadmap per PRD in id order, then one for the work of no PRD when there is any."""
    return _by_prd(_Schedule(graph, settings, options))


def plan_product(
    graph: Graph, settings: Settings, options: RoadmapOptions
) -> tuple[Roadmap, list[PrdRoadmap]]:
    """`plan_roadmap` and `plan_by_prd` together, over one schedule (as the roadmap page shows)."""
    schedule = _Schedule(graph, settings, options)
    return _plan(schedule, schedule.epics, schedule.stories, whole=True), _by_prd(schedule)


def _by_prd(schedule: _Schedule) -> list[PrdRoadmap]:
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
        plan = _plan(schedule, epics.get(key, []), stories.get(key, []), whole=False)
        sections.append(PrdRoadmap(owner, plan))
    return sections


def _plan(
    schedule: _Schedule, epics: Sequence[Item], stories: Sequence[Item], *, whole: bool
) -> Roadmap:
    """Plan the given epics and stories; `whole` keeps releases with nothing of theirs."""
    settings = schedule.settings
    shares: dict[str, dict[str | None, list[Item]]] = {}
    members: dict[str, list[Item]] = {}
    epic_releases: dict[str, set[str]] = {}
    epic_stories: dict[str, list[Item]] = {}
    unscheduled: list[Item] = []
    for story in stories:
        epic = schedule.epic_of(story)
        epic_id = epic.id if epic is not None else None
        if epic_id is not None:
            epic_stories.setdefault(epic_id, []).append(story)
        release = schedule.release_of(story)
        if release is None:
            unscheduled.append(story)
            continue
        shares.setdefault(release, {}).setdefault(epic_id, []).append(story)
        members.setdefault(release, []).append(story)
        if epic_id is not None and not is_closed(story, settings):
            epic_releases.setdefault(epic_id, set()).add(release)
    for epic in epics:
        release = schedule.release_of(epic)
        if release is not None:
            members.setdefault(release, []).append(epic)
            if not is_closed(epic, settings):
                shares.setdefault(release, {}).setdefault(epic.id, [])
    releases = [
        _release_plan(schedule, release, shares.get(release.id, {}), members, epic_releases)
        for release in schedule.releases
        if whole or release.id in shares
    ]
    return Roadmap(
        options=schedule.options,
        releases=releases,
        board=_board(schedule, epics, stories, epic_stories),
        epic_spans=_epic_spans(schedule, epics),
        backlog=_backlog(schedule, unscheduled),
    )


def _release_plan(
    schedule: _Schedule,
    release: Item,
    groups: dict[str | None, list[Item]],
    members: dict[str, list[Item]],
    epic_releases: dict[str, set[str]],
) -> ReleasePlan:
    settings, options, graph = schedule.settings, schedule.options, schedule.graph
    stories = [story for group in groups.values() for story in group]
    progress = progress_of(stories, settings)
    epics = []
    for epic_id in sorted(groups, key=lambda key: _id_rank(graph, key)):
        others = epic_releases.get(epic_id, set()) - {release.id} if epic_id else set()
        epics.append(
            EpicShare(
                graph.items[epic_id] if epic_id else None,
                groups[epic_id],
                progress_of(groups[epic_id], settings),
                sorted(others, key=schedule.rank.__getitem__),
            )
        )
    start, due = _date(release.get("start")), _date(release.get("date"))
    released = is_done(release, settings)
    risks: list[Risk] = []
    if not released:
        for risk in (
            overdue(due, options.today),
            behind(due, progress, options.today, options.window_days, options.threshold),
        ):
            if risk is not None:
                risks.append(risk)
        risks.extend(
            dependency_risks(
                release.id,
                members.get(release.id, []),
                graph,
                settings,
                schedule.release_of,
                schedule.rank,
            )
        )
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


def _board(
    schedule: _Schedule,
    epics: Iterable[Item],
    stories: Iterable[Item],
    epic_stories: dict[str, list[Item]],
) -> dict[Column, list[Card]]:
    """Epics by column; a story gets a card of its own only where its epic's card is not."""
    settings, graph = schedule.settings, schedule.graph
    story_columns: dict[str, tuple[Column, bool]] = {}
    for story in stories:
        if is_done(story, settings) or is_closed(story, settings):
            continue
        placed = _placed(schedule, story)
        if placed is not None:
            story_columns[story.id] = placed
    cards: list[Card] = []
    epic_columns: dict[str, Column] = {}
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
        epic_columns[epic.id] = placed[0]
        progress = progress_of(epic_stories.get(epic.id, []), settings)
        cards.append(Card(epic, placed[0], schedule.release_of(epic), progress, placed[1]))
    for story in stories:
        if story.id not in story_columns:
            continue
        column, overridden = story_columns[story.id]
        epic = schedule.epic_of(story)
        if epic is None or epic_columns.get(epic.id) != column:
            cards.append(Card(story, column, schedule.release_of(story), None, overridden))
    board: dict[Column, list[Card]] = {column: [] for column in COLUMNS}
    last = len(schedule.rank)
    for card in sorted(
        cards,
        key=lambda c: (
            schedule.rank.get(c.release, last) if c.release else last,
            c.item.kind != "epic",
            _priority_rank(c.item),
            graph.rank(c.item),
        ),
    ):
        board[card.column].append(card)
    return board


def _placed(schedule: _Schedule, item: Item) -> tuple[Column, bool] | None:
    """An item's column and whether `horizon` set it; None when unplaced or released."""
    explicit = explicit_horizon(item, schedule.graph)
    if explicit is not None:
        return explicit, True
    release = schedule.release_of(item)
    column = schedule.columns.get(release) if release is not None else None
    return (column, False) if column is not None else None


def _epic_spans(schedule: _Schedule, epics: Iterable[Item]) -> list[EpicSpan]:
    """Epics with a start or target date, each under its release."""
    spans = []
    for epic in epics:
        start, target = _date(epic.get("start")), _date(epic.get("target"))
        if (start is None and target is None) or is_closed(epic, schedule.settings):
            continue
        release = schedule.release_of(epic)
        around = schedule.spans.get(release) if release else None
        begin = start or (around.start if around else target)
        end = target or (around.end if around else start)
        assert begin is not None and end is not None  # one of start and target is set
        span = Span(min(begin, end), max(begin, end), start is None)
        spans.append(EpicSpan(epic, span, release, is_done(epic, schedule.settings)))
    last = len(schedule.rank)
    spans.sort(
        key=lambda s: (
            schedule.rank.get(s.release, last) if s.release else last,
            s.span.start,
            schedule.graph.rank(s.epic),
        )
    )
    return spans


def _backlog(schedule: _Schedule, unscheduled: Iterable[Item]) -> list[BacklogGroup]:
    """Unscheduled, unfinished stories by epic (id order, no epic last), P0 first in each."""
    settings, options, graph = schedule.settings, schedule.options, schedule.graph
    groups: dict[str | None, list[Item]] = {}
    for story in unscheduled:
        if is_done(story, settings) or is_closed(story, settings):
            continue
        epic = schedule.epic_of(story)
        groups.setdefault(epic.id if epic else None, []).append(story)
    result = []
    for epic_id in sorted(groups, key=lambda key: _id_rank(graph, key)):
        ranked = sorted(groups[epic_id], key=lambda s: (_priority_rank(s), graph.rank(s)))
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


def _release_spans(releases: Sequence[Item]) -> dict[str, Span]:
    """Each dated release from its start (else the day after the previous date) to its date."""
    spans: dict[str, Span] = {}
    previous: date | None = None
    for release in releases:
        due, start = _date(release.get("date")), _date(release.get("start"))
        if due is None:
            continue
        if start is not None:
            spans[release.id] = Span(min(start, due), max(start, due))
        elif previous is not None and previous < due:
            spans[release.id] = Span(previous + timedelta(days=1), due, start_derived=True)
        else:
            spans[release.id] = Span(due, due, start_derived=True)
        previous = due
    return spans


def _priority_rank(item: Item) -> int:
    priority = item.get("priority")
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def _id_rank(graph: Graph, item_id: str | None) -> tuple[bool, int]:
    """Id order, with None (no epic) last."""
    return (item_id is None, graph.ranks.get(item_id, 0) if item_id else 0)


def _date(value: object) -> date | None:
    return value if isinstance(value, date) else None
