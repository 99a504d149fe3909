"""The product-wide series of the trends page: throughput, flow, cycle times, slips.

Throughput counts stories done per week (Monday to Sunday, UTC), each in the week it last
became done, from the week of the first commit to the head's. The cumulative flow gives
the stories in each workflow state at the end of each of the last `FLOW_DAYS` days.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from ..spec.settings import Settings
from .model import Commit, FlowDay, ItemHistory, Slip, Trends
from .replay import Replay
from .states import Fields, daily_states, is_done

FLOW_DAYS = 90
"""The days the cumulative flow diagram covers, up to the head's day."""


def monday(day: date) -> date:
    """The Monday that starts the week of `day`."""
    return day - timedelta(days=day.weekday())


def trends(
    replay: Replay,
    commits: list[Commit],
    items: Mapping[str, ItemHistory],
    settings: Settings,
    head: Commit,
    slips: tuple[Slip, ...],
    counted: Counted | None = None,
) -> Trends:
    """Throughput, flow, cycle times and slips of the whole product (`counted`: see `flow`)."""
    head_fields = {view.id: dict(view.fields) for _, view in replay.files.values()}
    stories = {
        item_id: history
        for item_id, history in items.items()
        if head_fields.get(item_id, {}).get("kind") == "story"
    }
    return Trends(
        throughput=throughput(stories, head_fields, settings, commits, head.day),
        flow=flow(replay, commits, settings, head.day, counted),
        cycle_days=tuple(
            sorted(h.cycle_days for h in stories.values() if h.cycle_days is not None)
        ),
        slips=slips,
    )


def throughput(
    stories: Mapping[str, ItemHistory],
    head_fields: Mapping[str, Fields],
    settings: Settings,
    commits: list[Commit],
    head_day: date,
) -> tuple[tuple[date, int], ...]:
    """Stories done per week, by the Monday that starts it, every week from the first commit's
    to the head's (weeks with none included, so the series has no gaps)."""
    if not commits:
        return ()
    counts: dict[date, int] = {}
    for item_id, history in stories.items():
        if is_done(head_fields[item_id], settings) and history.statuses:
            week = monday(history.statuses[-1].commit.day)
            counts[week] = counts.get(week, 0) + 1
    week, last = monday(commits[0].day), monday(head_day)
    series: list[tuple[date, int]] = []
    while week <= last:
        series.append((week, counts.get(week, 0)))
        week += timedelta(weeks=1)
    return tuple(series)


Counted = list[tuple[date, tuple[tuple[str, int], ...]]]
"""(day, (state, stories) in workflow order) after each day that changed the product."""


class FlowCounter:
    """Stories per workflow state, day after day, recounting only the ids that changed."""

    def __init__(self, settings: Settings) -> None:
        spec = settings.kinds.get("story")
        self.statuses = spec.statuses if spec is not None else ()
        self.status_of: dict[str, str] = {}
        self.tally = dict.fromkeys(self.statuses, 0)

    def update(
        self, state: Mapping[str, Fields], changed: set[str] | None
    ) -> tuple[tuple[str, int], ...]:
        """The counts after a day whose changed ids are `changed` (None: anything)."""
        if changed is None:  # ids renamed: count afresh
            self.status_of, self.tally = {}, dict.fromkeys(self.statuses, 0)
        tally = self.tally
        for item_id in state if changed is None else changed:
            old = self.status_of.pop(item_id, None)
            if old is not None:
                tally[old] -= 1
            fields = state.get(item_id, {})
            status = fields.get("status", "")
            if fields.get("kind") == "story" and status in tally:
                self.status_of[item_id] = status
                tally[status] += 1
        return tuple(tally.items())


def flow(
    replay: Replay,
    commits: list[Commit],
    settings: Settings,
    head_day: date,
    counted: Counted | None = None,
) -> tuple[FlowDay, ...]:
    """Stories per workflow state at the end of each of the last `FLOW_DAYS` days (from the
    first commit's day when the history is shorter); `counted` is the `FlowCounter`'s days
    when the caller walked them already."""
    spec = settings.kinds.get("story")
    if spec is None or not commits:
        return ()
    first = max(commits[0].day, head_day - timedelta(days=FLOW_DAYS - 1))
    if counted is None:
        counter = FlowCounter(settings)
        counted = [
            (day, counter.update(state, changed))
            for day, state, changed in daily_states(replay, commits)
        ]
    found: list[FlowDay] = []
    index, counts = 0, tuple((state, 0) for state in spec.statuses)
    day = first
    while day <= head_day:
        while index < len(counted) and counted[index][0] <= day:
            counts = counted[index][1]
            index += 1
        found.append(FlowDay(day, counts))
        day += timedelta(days=1)
    return tuple(found)
