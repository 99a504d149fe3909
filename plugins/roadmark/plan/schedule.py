"""The schedule under every roadmap: releases in date order, their board columns and
timeline spans, and the release each epic and story ships in, worked out once per product.

The roadmap (`roadmap.py`), its board (`board.py`) and its backlog (`backlog.py`) are
planned over one `Schedule`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.options import PluginOptions
from ..spec.settings import Settings
from .horizons import release_columns
from .progress import is_closed, is_done

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
    forecasts: tuple[tuple[str, date], ...] = ()
    """(release id, forecast date) pairs: the p50 completion date that history forecasts
    from recent throughput (plain dates, so `plan/` needs nothing of `history/`)."""

    @classmethod
    def configured(
        cls, options: PluginOptions, today: date, forecasts: tuple[tuple[str, date], ...] = ()
    ) -> RoadmapOptions:
        """The options as `mkdocs.yml` sets them: the site, the CLI and the macros alike."""
        return cls(
            today=today,
            window_days=options.risk_window_days,
            threshold=options.risk_threshold,
            forecasts=forecasts,
        )


@dataclass(frozen=True, slots=True)
class Span:
    """A bar of the timeline: from `start` to `end`, both days included."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class EpicSpan:
    """An epic's bar on the timeline, under its release."""

    epic: Item
    span: Span
    release: str | None
    done: bool


class Schedule:
    """Release order, columns and spans, and where each epic and story ships: once per product."""

    def __init__(self, graph: Graph, settings: Settings, options: RoadmapOptions) -> None:
        self.graph = graph
        self.settings = settings
        self.options = options
        self.releases = sorted(graph.of_kind("release"), key=self._release_key)
        self.rank = {release.id: rank for rank, release in enumerate(self.releases)}
        self.columns = release_columns(self.releases, settings, options.today)
        self.spans = release_spans(self.releases)
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

    def release_rank(self, release: str | None) -> int:
        """A release's place in date order; releases unknown or absent come last."""
        last = len(self.rank)
        return self.rank.get(release, last) if release else last

    def _release_key(self, release: Item) -> tuple[bool, date, int]:
        due = release.get("date")
        dated = isinstance(due, date)
        return (not dated, due if dated else date.min, self.graph.rank(release))


def release_spans(releases: Sequence[Item]) -> dict[str, Span]:
    """Each dated release from its start (else the day after the previous date) to its date."""
    spans: dict[str, Span] = {}
    previous: date | None = None
    for release in releases:
        due, start = as_date(release.get("date")), as_date(release.get("start"))
        if due is None:
            continue
        if start is not None:
            spans[release.id] = Span(min(start, due), max(start, due))
        elif previous is not None and previous < due:
            spans[release.id] = Span(previous + timedelta(days=1), due)
        else:
            spans[release.id] = Span(due, due)
        previous = due
    return spans


def epic_spans(schedule: Schedule, epics: Iterable[Item]) -> list[EpicSpan]:
    """Epics with a start or target date, each under its release."""
    spans = []
    for epic in epics:
        start, target = as_date(epic.get("start")), as_date(epic.get("target"))
        if (start is None and target is None) or is_closed(epic, schedule.settings):
            continue
        release = schedule.release_of(epic)
        around = schedule.spans.get(release) if release else None
        begin = start or (around.start if around else target)
        end = target or (around.end if around else start)
        assert begin is not None and end is not None  # one of start and target is set
        span = Span(min(begin, end), max(begin, end))
        spans.append(EpicSpan(epic, span, release, is_done(epic, schedule.settings)))
    spans.sort(
        key=lambda s: (
            schedule.release_rank(s.release),
            s.span.start,
            schedule.graph.rank(s.epic),
        )
    )
    return spans


def priority_rank(item: Item) -> int:
    """P0 first, then P1 to P3, then no (or another) priority."""
    priority = item.get("priority")
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def id_rank(graph: Graph, item_id: str | None) -> tuple[bool, int]:
    """Id order, with None (no epic) last."""
    return (item_id is None, graph.ranks.get(item_id, 0) if item_id else 0)


def as_date(value: object) -> date | None:
    """A front matter value if it is a date, else None."""
    return value if isinstance(value, date) else None
