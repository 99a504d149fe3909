"""Each release's burn-up from its start to the head, and when it is likely to be done.

Burn-up: for each day from the release's `start` (else the commit that created it) to the
head's day, scope is the points of the stories in the release (its effective release, own
or inherited from the epic or PRD) and done the points of those done; stories are counted
instead when any of them lacks an estimate on any of those days (as `plan/progress.py`
counts). Closed stories, and stories under a closed epic or PRD, leave the totals.

Forecast: a Monte Carlo of `TRIALS` runs, each drawing weekly throughput (product-wide
stories or points done per week) at random from the last `WEEKS` weeks until the remaining
work is done; p50 and p85 are the median and 85th percentile completion dates. The random
generator is seeded from the release id and the head commit id, so two builds of a commit
are byte-identical. No forecast when nothing was done in those weeks or nothing remains.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ..spec.settings import Settings
from .model import BurnupPoint, Commit, Forecast, ItemHistory, ReleaseHistory
from .replay import Replay
from .states import Fields, daily_states, estimate, in_plan, is_done, release_of
from .timeline import parse_day

WEEKS = 8
"""The weeks of recent throughput the forecast draws from."""
TRIALS = 1000
"""The Monte Carlo runs of a forecast."""
LONGEST = 520
"""Most weeks a trial runs (ten years): a trickle of throughput cannot loop for ever."""


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
) -> dict[str, ReleaseHistory]:
    """The burn-up and forecast of every release at the head; `days` is the `Tallier`'s days
    when the caller walked them already (with the flow's, in one pass)."""
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
        found[release] = _release(release, min(start, head.day), days, throughput, head)
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
"""A story's part in its release: (release, estimate, done)."""


class Tallier:
    """Every release's scope and done work, day after day, recounting only the stories that
    changed (all of them when an epic, a PRD, a release or an id changed)."""

    def __init__(self, settings: Settings, final: Mapping[str, str]) -> None:
        self.settings = settings
        self.final = final
        self.shares: dict[str, Share] = {}
        self.tallies: dict[str, Tally] = {}
        # The shares again, by release: a day recounts only its touched releases' stories,
        # not every story of the product.
        self.by_release: dict[str, dict[str, Share]] = {}
        self.last: dict[str, Tally] = {}
        """The tallies a day replaces, for their members."""
        self.ids: dict[str, set[str]] = {}
        """The story ids the members of each release's last tally were built from."""

    def update(self, state: Mapping[str, Fields], changed: set[str] | None) -> dict[str, Tally]:
        """The tallies after a day whose changed ids are `changed` (None: anything)."""
        # A story deleted was counted (or was out of the plan, which an epic's change can
        # also cause): recount everything unless every changed id is a story known as one.
        stories_only = changed is not None and all(
            state[item_id].get("kind") == "story" if item_id in state else item_id in self.shares
            for item_id in changed
        )
        if changed is None or not stories_only:
            self.shares, self.by_release = {}, {}
            changed = set(state)
        touched: set[str] = set()
        for item_id in changed:
            old = self.shares.pop(item_id, None)
            if old is not None:
                touched.add(old[0])
                del self.by_release[old[0]][item_id]
        for item_id in changed:
            share = self._share(item_id, state)
            if share is not None:
                self.shares[item_id] = share
                self.by_release.setdefault(share[0], {})[item_id] = share
                touched.add(share[0])
        if not stories_only:
            touched = {share[0] for share in self.shares.values()}
            self.tallies = {}
        self.last = {release: self.tallies.pop(release) for release in touched & set(self.tallies)}
        self._count(touched)
        return dict(self.tallies)

    def _share(self, item_id: str, state: Mapping[str, Fields]) -> Share | None:
        fields = state.get(item_id)
        if fields is None or fields.get("kind") != "story":
            return None
        if not in_plan(item_id, state, self.settings):
            return None
        release = release_of(item_id, state)
        if release is None:
            return None
        return release, estimate(fields), is_done(fields, self.settings)

    def _count(self, releases: set[str]) -> None:
        for release in releases:
            shares = self.by_release.get(release)
            if shares:
                self.tallies[release] = self._tally(release, shares)

    def _tally(self, release: str, shares: Mapping[str, Share]) -> Tally:
        points = [share[1] for share in shares.values()]
        done = [share[1] for share in shares.values() if share[2]]
        # Most days only move stories along their workflow: the release keeps its members,
        # so the last day's set is reused rather than built again.
        last = self.last.get(release)
        if last is not None and last.stories == len(shares) and shares.keys() == self.ids[release]:
            members = last.members
        else:
            members = frozenset(self.final.get(item_id, item_id) for item_id in shares)
            self.ids[release] = set(shares)
        return Tally(
            points=sum(p or 0 for p in points),
            done_points=sum(p or 0 for p in done),
            stories=len(shares),
            done_stories=len(done),
            estimated=None not in points,
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


def forecast(
    remaining: float, samples: tuple[float, ...], seed_text: str, head_day: date
) -> Forecast | None:
    """p50 and p85 completion dates over `TRIALS` seeded runs; None without throughput."""
    if remaining <= 0 or not any(sample > 0 for sample in samples):
        return None
    rng = random.Random(int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big"))
    weeks: list[int] = []
    for _ in range(TRIALS):
        left, count = remaining, 0
        while left > 0 and count < LONGEST:
            left -= rng.choice(samples)
            count += 1
        weeks.append(count)
    weeks.sort()

    def percentile(share: float) -> date:
        return head_day + timedelta(weeks=weeks[math.ceil(share * TRIALS) - 1])

    return Forecast(percentile(0.5), percentile(0.85), samples)


def _release(
    release: str,
    start: date,
    days: list[tuple[date, dict[str, Tally]]],
    throughput: Mapping[str, tuple[float, ...]],
    head: Commit,
) -> ReleaseHistory:
    empty = Tally()
    daily: list[tuple[date, Tally]] = []
    at_start = empty
    index = 0
    tally = empty
    day = start
    while index < len(days) and days[index][0] <= start:
        tally = days[index][1].get(release, empty)
        index += 1
    at_start = tally
    while day <= head.day:
        while index < len(days) and days[index][0] <= day:
            tally = days[index][1].get(release, empty)
            index += 1
        daily.append((day, tally))
        day += timedelta(days=1)
    by_points = all(tally.estimated for _, tally in daily)
    unit = "points" if by_points else "stories"

    def point(day: date, tally: Tally) -> BurnupPoint:
        if by_points:
            return BurnupPoint(day, tally.points, tally.done_points)
        return BurnupPoint(day, float(tally.stories), float(tally.done_stories))

    points = tuple(point(day, tally) for day, tally in daily)
    ever = frozenset().union(*(tally.members for _, tally in daily))
    last = daily[-1][1] if daily else empty
    remaining = points[-1].scope - points[-1].done if points else 0
    return ReleaseHistory(
        release=release,
        unit=unit,
        points=points,
        forecast=forecast(remaining, throughput[unit], f"{release}\0{head.sha}", head.day),
        scope_added=tuple(sorted(ever - at_start.members)),
        scope_removed=tuple(sorted((ever | at_start.members) - last.members)),
    )
