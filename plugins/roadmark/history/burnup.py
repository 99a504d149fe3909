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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from itertools import accumulate
from operator import itemgetter

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
BLOCK = 4096
"""The generator's words drawn at once by `draws`."""


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


def forecast(
    remaining: float, samples: tuple[float, ...], seed_text: str, head_day: date
) -> Forecast | None:
    """p50 and p85 completion dates over `TRIALS` seeded runs; None without throughput."""
    if remaining <= 0 or not any(sample > 0 for sample in samples):
        return None
    rng = random.Random(int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big"))
    if _whole(remaining, samples):
        weeks = _whole_trials(int(remaining), samples, rng)
    else:
        weeks = _trials(remaining, samples, rng)
    weeks.sort()

    def percentile(share: float) -> date:
        return head_day + timedelta(weeks=weeks[math.ceil(share * TRIALS) - 1])

    return Forecast(percentile(0.5), percentile(0.85), samples)


def _trials(remaining: float, samples: tuple[float, ...], rng: random.Random) -> list[int]:
    """Each trial's weeks: draws taken away from what remains until nothing does."""
    drawn = draws(rng, samples)
    weeks: list[int] = []
    for _ in range(TRIALS):
        left, count = remaining, 0
        while left > 0 and count < LONGEST:
            left -= next(drawn)
            count += 1
        weeks.append(count)
    return weeks


def _whole(remaining: float, samples: tuple[float, ...]) -> bool:
    """Whether every figure is a whole number, small enough that any sum of the draws is
    exact: then a trial's weeks can be found in the running totals of the draws."""
    top = max(samples) * LONGEST * TRIALS + remaining
    return (
        float(remaining).is_integer()
        and all(sample >= 0 and float(sample).is_integer() for sample in samples)
        and top < 2**53
    )


def _whole_trials(remaining: int, samples: tuple[float, ...], rng: random.Random) -> list[int]:
    """`_trials` for whole figures, the same weeks found faster: a trial from draw `start`
    ends at the first running total (`totals[i]`, the first `i` draws) that reaches the
    remaining work past `totals[start]`, or after `LONGEST` weeks; the next starts there."""
    totals: list[float] = [0.0]
    blocks = tries(rng, len(samples))
    weeks: list[int] = []
    start = 0
    for _ in range(TRIALS):
        while len(totals) <= start + LONGEST:
            added = accumulate(map(samples.__getitem__, next(blocks)), initial=totals[-1])
            next(added)  # the initial total is the last one already kept
            totals.extend(added)
        end = bisect_left(totals, totals[start] + remaining, start + 1, start + LONGEST + 1)
        count = min(end - start, LONGEST)
        weeks.append(count)
        start += count
    return weeks


def draws(rng: random.Random, samples: tuple[float, ...]) -> Iterator[float]:
    """The samples `rng.choice(samples)` would draw, one call after another (see `tries`)."""
    for block in tries(rng, len(samples)):
        yield from map(samples.__getitem__, block)


def tries(rng: random.Random, count: int) -> Iterator[Sequence[int]]:
    """The indices `rng.choice` picks from `count` samples, one call after another, a block at
    a time (a forecast draws hundreds of thousands: one call each was most of its cost).

    CPython's `choice` takes the top `k` bits (the bit length of the count) of one 32-bit
    word of the generator per try and tries again when they are the count or more;
    `getrandbits(32 * n)` gives `n` such words, least significant first. So the top byte of
    each word, shifted, is a try: the same picks in the same order, which a test checks
    against `choice` itself. Counts of more than 255 take `choice` as it is.
    """
    bits = count.bit_length()
    if not count:
        raise IndexError("no samples to draw from")
    if bits > 8:
        every = range(count)
        while True:
            yield [rng.choice(every) for _ in range(BLOCK)]
    shift = 8 - bits
    picks = bytes(byte >> shift for byte in range(256))
    refused = bytes(byte for byte in range(256) if byte >> shift >= count)
    while True:
        words = rng.getrandbits(32 * BLOCK).to_bytes(4 * BLOCK, "little")
        yield words[3::4].translate(picks, refused)


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
    throughput: Mapping[str, tuple[float, ...]],
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
        forecast=forecast(remaining, throughput[unit], f"{release}\0{head.sha}", head.day),
        scope_added=tuple(sorted(ever - at_start.members)),
        scope_removed=tuple(sorted((ever | at_start.members) - last.members)),
    )
