"""Each release's burn-up from its start to the head, and when it is likely to be done.

Burn-up: for each day from the release's `start` (else the commit that created it) to the
head's day, scope is the points of the stories in the release (its effective release, own
or inherited from the epic or PRD) and done the points of those done; stories are counted
instead when any of them lacks an estimate on any of those days (as `plan/progress.py`
counts). Closed stories, and stories under a closed epic or PRD, leave the totals.

Forecast (`forecast.py`): drawn from the product's weekly throughput over the last `WEEKS`
weeks (stories or points done per week), or from the closed sprints' velocity.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from operator import itemgetter

from ..spec.settings import Settings
from .forecast import release_forecast
from .model import BurnupPoint, Commit, ItemHistory, ReleaseHistory
from .replay import Replay
from .states import Fields, daily_states, estimate, in_plan, is_done, release_of
from .timeline import parse_day

WEEKS = 8
"""The weeks of recent throughput the forecast draws from."""


@dataclass(frozen=True, slots=True)
class Tally:
    """One release on one day."""

    points: float = 0.0
    done_points: float = 0.0
    stories: int = 0
    done_stories: int = 0
    estimated: bool = True
    members: frozenset[str] = frozenset()


Days = list[tuple[date, dict[str, Tally]]]
"""(day, tallies by release) after each day that changed the product."""


def release_histories(
    replay: Replay,
    commits: list[Commit],
    items: Mapping[str, ItemHistory],
    settings: Settings,
    head: Commit,
    days: Days | None = None,
    velocity: tuple[float, ...] = (),
) -> dict[str, ReleaseHistory]:
    """The burn-up and forecast of every release at the head; `days` is the `Tallier`'s days
    when the caller walked them already (with the flow's, in one pass). With `velocity`
    (points per week of closed sprints, `velocity.py`), a release counted in points draws
    its forecast from it."""
    head_fields = {view.id: dict(view.fields) for _, view in replay.files.values()}
    releases = sorted(i for i, fields in head_fields.items() if fields.get("kind") == "release")
    if not releases:
        return {}
    if days is None:
        tallier = Tallier(settings, current_ids(replay))
        days = [
            (day, tallier.update(state, changed))
            for day, state, changed in daily_states(replay, commits)
        ]
    throughput = weekly_done(items, head_fields, settings, head.day)
    found: dict[str, ReleaseHistory] = {}
    for release in releases:
        start = parse_day(head_fields[release].get("start"))
        if start is None:
            start = items[release].created.day if release in items else head.day
        samples = (throughput, velocity)
        found[release] = _release(release, min(start, head.day), days, samples, head)
    return found


def current_ids(replay: Replay) -> dict[str, str]:
    """The id each renamed id goes by at the head, so scope lists name items as they are now."""
    renamed: dict[str, str] = {}
    for _, op, item_id, key, _ in replay.events:
        if op == "rename":
            for old, new in list(renamed.items()):
                if new == item_id:
                    renamed[old] = key
            renamed[item_id] = key
    return renamed


Share = tuple[str, float | None, bool]
"""A story's part in its release (or sprint): (release, estimate, done)."""
Group = Callable[[str, Mapping[str, Fields]], str | None]
"""What a `Tallier` counts a story in, from the day's state: its release, or its sprint."""


@dataclass(slots=True)
class _Sums:
    """One release's running totals, kept exact as each story joins or leaves it: whole
    points as an int, any fractions as a `Fraction`, so the order stories come and go in
    never changes a total (a float sum would), and a day costs its changed stories only."""

    shares: dict[str, Share] = field(default_factory=dict)
    points: int = 0
    fraction: Fraction = Fraction(0)
    done_points: int = 0
    done_fraction: Fraction = Fraction(0)
    done: int = 0
    unestimated: int = 0
    moved: bool = True
    """Whether a story joined or left since its last tally (its members are listed again)."""

    def add(self, item_id: str, share: Share, sign: int) -> None:
        """Count a story in (`sign` 1) or out (-1)."""
        if sign > 0:
            self.shares[item_id] = share
        else:
            del self.shares[item_id]
        _, value, done = share
        self.done += sign if done else 0
        if value is None:
            self.unestimated += sign
        elif value.is_integer():
            self.points += sign * int(value)
            self.done_points += sign * int(value) if done else 0
        else:
            self.fraction += sign * Fraction(value)
            if done:
                self.done_fraction += sign * Fraction(value)


class Tallier:
    """Every release's scope and done work, day after day, recounting only the stories that
    changed (all of them when an epic, a PRD, a release or an id changed). With another
    `group` it counts the stories of each sprint (`sprints.py`) the same way."""

    def __init__(
        self, settings: Settings, final: Mapping[str, str], group: Group = release_of
    ) -> None:
        self.settings = settings
        self.final = final
        self.group = group
        self.shares: dict[str, Share] = {}
        self.sums: dict[str, _Sums] = {}
        self.tallies: dict[str, Tally] = {}

    def update(self, state: Mapping[str, Fields], changed: set[str] | None) -> dict[str, Tally]:
        """The tallies after a day whose changed ids are `changed` (None: anything)."""
        # A story deleted was counted (or was out of the plan, which an epic's change can
        # also cause): recount everything unless every changed id is a story known as one.
        stories_only = changed is not None and all(
            state[item_id].get("kind") == "story" if item_id in state else item_id in self.shares
            for item_id in changed
        )
        if changed is None or not stories_only:
            self.shares, self.sums, self.tallies = {}, {}, {}
            changed = set(state)
        touched: set[str] = set()
        for item_id in changed:
            old = self.shares.pop(item_id, None)
            share = self._share(item_id, state)
            if old is not None:
                touched.add(old[0])
                self.sums[old[0]].add(item_id, old, -1)
            if share is not None:
                self.shares[item_id] = share
                self.sums.setdefault(share[0], _Sums()).add(item_id, share, 1)
                touched.add(share[0])
            # A story that stays in its release (most days: it moved along its workflow)
            # leaves the release's members as they were.
            if old is not None and (share is None or old[0] != share[0]):
                self.sums[old[0]].moved = True
            if share is not None and (old is None or old[0] != share[0]):
                self.sums[share[0]].moved = True
        for release in touched:
            self._count(release)
        return dict(self.tallies)

    def _share(self, item_id: str, state: Mapping[str, Fields]) -> Share | None:
        fields = state.get(item_id)
        if fields is None or fields.get("kind") != "story":
            return None
        # The group first: most stories are in no sprint, and it spares them the ancestors' walk.
        release = self.group(item_id, state)
        if release is None or not in_plan(item_id, state, self.settings):
            return None
        return release, estimate(fields), is_done(fields, self.settings)

    def _count(self, release: str) -> None:
        sums = self.sums[release]
        if not sums.shares:
            self.tallies.pop(release, None)
            return
        last = self.tallies.get(release)
        # Most days only move stories along their workflow: the release keeps its members,
        # so the last day's set is reused rather than built again.
        if last is not None and not sums.moved:
            members = last.members
        else:
            members = frozenset(self.final.get(item_id, item_id) for item_id in sums.shares)
            sums.moved = False
        self.tallies[release] = Tally(
            points=float(sums.points + sums.fraction),
            done_points=float(sums.done_points + sums.done_fraction),
            stories=len(sums.shares),
            done_stories=sums.done,
            estimated=sums.unestimated == 0,
            members=members,
        )


def weekly_done(
    items: Mapping[str, ItemHistory],
    head_fields: Mapping[str, Fields],
    settings: Settings,
    head_day: date,
) -> dict[str, tuple[float, ...]]:
    """Product-wide work done in each of the last `WEEKS` weeks up to the head's day, oldest
    first, in "points" and in "stories": a story counts in the week it last became done."""
    points = [0.0] * WEEKS
    stories = [0.0] * WEEKS
    for item_id, history in items.items():
        fields = head_fields.get(item_id, {})
        if fields.get("kind") != "story" or not is_done(fields, settings) or not history.statuses:
            continue
        age = (head_day - history.statuses[-1].commit.day).days
        if 0 <= age < 7 * WEEKS:
            week = WEEKS - 1 - age // 7
            points[week] += estimate(fields) or 0
            stories[week] += 1
    return {"points": tuple(points), "stories": tuple(stories)}


def window(key: str, start: date, stop: date, days: Days) -> tuple[Tally, list[tuple[date, Tally]]]:
    """One release's (or sprint's) tally at the end of `start`, and on each day from `start`
    to `stop`, from the days a `Tallier` counted (a day without a commit keeps the last)."""
    empty = Tally()
    index = bisect_right(days, start, key=itemgetter(0))
    tally = days[index - 1][1].get(key, empty) if index else empty
    at_start = tally
    daily: list[tuple[date, Tally]] = []
    day = start
    while day <= stop:
        while index < len(days) and days[index][0] <= day:
            tally = days[index][1].get(key, empty)
            index += 1
        daily.append((day, tally))
        day += timedelta(days=1)
    return at_start, daily


def _release(
    release: str,
    start: date,
    days: list[tuple[date, dict[str, Tally]]],
    samples: tuple[Mapping[str, tuple[float, ...]], tuple[float, ...]],
    head: Commit,
) -> ReleaseHistory:
    empty = Tally()
    at_start, daily = window(release, start, head.day, days)
    by_points = all(tally.estimated for _, tally in daily)
    unit = "points" if by_points else "stories"

    def point(day: date, tally: Tally) -> BurnupPoint:
        if by_points:
            return BurnupPoint(day, tally.points, tally.done_points)
        return BurnupPoint(day, float(tally.stories), float(tally.done_stories))

    points = tuple(point(day, tally) for day, tally in daily)
    # Most days share their members' set with the day before: each distinct set once.
    ever = frozenset().union(*{id(tally.members): tally.members for _, tally in daily}.values())
    last = daily[-1][1] if daily else empty
    remaining = points[-1].scope - points[-1].done if points else 0
    return ReleaseHistory(
        release=release,
        unit=unit,
        points=points,
        forecast=release_forecast(release, unit, remaining, samples, head),
        scope_added=tuple(sorted(ever - at_start.members)),
        scope_removed=tuple(sorted((ever | at_start.members) - last.members)),
    )
