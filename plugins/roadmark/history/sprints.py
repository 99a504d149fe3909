"""Each sprint's burndown, scope changes and carry-over, from the replayed history.

A story is in the sprint its own `sprint` field names (nothing is inherited), unless it or an
ancestor is closed, as releases count. The burndown reuses the release burn-up's machinery:
a `Tallier` grouping stories by sprint counts them day by day, and `burnup.window` reads one
sprint's days. For each day from the sprint's `start` to its `end` (or to the build's today,
or the last commit's day when later, while it runs): the scope, the points of its stories
(or their number when any lacks an estimate on any of those days), and what of it is not
done. Stories that joined after the start day, or left after it, are listed with the day
(first joined, last left) and the story's own commit that day. A story carried over joined
the sprint from another sprint (both sprints at the head) while not done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from itertools import groupby

from ..spec.settings import Settings
from .burnup import Days, Tally, window
from .model import (
    BurndownPoint,
    CarryOver,
    Commit,
    FieldChange,
    ItemHistory,
    ScopeChange,
    SprintHistory,
)
from .replay import Replay
from .states import Fields, is_done
from .timeline import parse_day

Spans = dict[str, tuple[date, date | None]]
"""Each sprint's start and end (None when it has none), by id."""


def sprint_of(item_id: str, state: Mapping[str, Fields]) -> str | None:
    """The sprint a story's own `sprint` field names, for the sprints' `Tallier`."""
    return state[item_id].get("sprint") or None


def sprint_spans(replay: Replay) -> Spans:
    """The sprints at the head that have a `start` (their end when they have one)."""
    spans: Spans = {}
    for _, view in replay.files.values():
        if view.kind == "sprint":
            fields = dict(view.fields)
            start = parse_day(fields.get("start"))
            if start is not None:
                spans[view.id] = (start, parse_day(fields.get("end")))
    return spans


def sprint_ids(replay: Replay) -> set[str]:
    """Every sprint at the head, with a start or not: where a story can be carried from."""
    return {view.id for _, view in replay.files.values() if view.kind == "sprint"}


def sprint_histories(
    replay: Replay,
    items: Mapping[str, ItemHistory],
    settings: Settings,
    last_day: date,
    days: Days,
) -> dict[str, SprintHistory]:
    """The history of every sprint with a start, by id; `last_day` is the latest day any runs
    to (the build's today, or the head's day when later), `days` the sprints' `Tallier`'s."""
    spans = sprint_spans(replay)
    if not spans:
        return {}
    carried = carry_overs(items, sprint_ids(replay), settings)
    found: dict[str, SprintHistory] = {}
    for sprint, (start, end) in sorted(spans.items()):
        stop = min(end, last_day) if end is not None else last_day
        at_start, daily = window(sprint, start, stop, days)
        by_points = all(tally.estimated for _, tally in daily)
        added, removed = _scope_changes(at_start, daily, items)
        found[sprint] = SprintHistory(
            sprint=sprint,
            unit="points" if by_points else "stories",
            start=start,
            end=end,
            points=tuple(_point(day, tally, by_points) for day, tally in daily),
            scope_added=added,
            scope_removed=removed,
            carried_over=tuple(sorted(carried.get(sprint, {}).values(), key=_by_item)),
        )
    return found


def _point(day: date, tally: Tally, by_points: bool) -> BurndownPoint:
    if by_points:
        return BurndownPoint(day, tally.points - tally.done_points, tally.points)
    return BurndownPoint(day, float(tally.stories - tally.done_stories), float(tally.stories))


def _scope_changes(
    at_start: Tally, daily: list[tuple[date, Tally]], items: Mapping[str, ItemHistory]
) -> tuple[tuple[ScopeChange, ...], tuple[ScopeChange, ...]]:
    """(added, removed): the stories in the sprint on some day after the start that were not
    at the start, with the day each first joined; and the stories at the start or added that
    are not in it on the last day, with the day each last left."""
    joined: dict[str, date] = {}
    left: dict[str, date] = {}
    members = at_start.members
    for day, tally in daily[1:]:
        # Most days only move stories along their workflow and keep the same set.
        if tally.members is members:
            continue
        for item in tally.members - members:
            if item not in at_start.members:
                joined.setdefault(item, day)
        for item in members - tally.members:
            left[item] = day
        members = tally.members
    last = daily[-1][1].members if daily else at_start.members
    added = (ScopeChange(i, day, _commit_on(items, i, day)) for i, day in joined.items())
    removed = (
        ScopeChange(i, day, _commit_on(items, i, day)) for i, day in left.items() if i not in last
    )
    return tuple(sorted(added, key=_by_item)), tuple(sorted(removed, key=_by_item))


def _commit_on(items: Mapping[str, ItemHistory], item_id: str, day: date) -> Commit | None:
    """The last commit of `day` that changed the item's fields, if any."""
    history = items.get(item_id)
    if history is None:
        return None
    found = None
    for change in history.changes:
        if change.commit.day == day:
            found = change.commit
        elif change.commit.day > day:
            break
    return found


def carry_overs(
    items: Mapping[str, ItemHistory], sprints: set[str], settings: Settings
) -> dict[str, dict[str, CarryOver]]:
    """{sprint: {story: carry-over}}: each story's last move into each sprint from another
    sprint, when it was a story not done once that commit was made."""
    found: dict[str, dict[str, CarryOver]] = {}
    for item_id, history in items.items():
        # Only a story whose `sprint` was set twice can have moved: most are passed over here.
        if sum(change.field == "sprint" for change in history.changes) < 2:
            continue
        fields: Fields = {}
        for commit, changes in groupby(history.changes, key=lambda change: change.commit):
            was = fields.get("sprint")
            _apply(fields, changes)
            now = fields.get("sprint")
            if (
                was in sprints
                and now in sprints
                and was != now
                and fields.get("kind") == "story"
                and not is_done(fields, settings)
            ):
                found.setdefault(now, {})[item_id] = CarryOver(item_id, was, commit)
    return found


def _apply(fields: Fields, changes: Iterable[FieldChange]) -> None:
    for change in changes:
        if change.value is None:
            fields.pop(change.field, None)
        else:
            fields[change.field] = change.value


def _by_item(entry: ScopeChange | CarryOver) -> str:
    return entry.item
