"""When a release is at risk, and why: the five rules of the roadmap.

1. **overdue**: its date has passed and it is not released.
2. **behind**: it is due within the window (`risk_window_days`, default 14) and its
   progress is below the threshold (`risk_threshold`, default 50 %).
3. **dependency**: an unfinished item scheduled in it depends on an unfinished item
   scheduled in a later release, or in none.
4. **forecast**: the forecast from recent throughput (its p50, read from git history)
   finishes after its date: more likely late than not.
5. **capacity**: the points left in it for a team exceed that team's capacity (the
   `capacity` option) in its sprints not yet closed that end by its date (`capacity.py`).

Each rule gives a reason in words, naming dates, figures and items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..spec.graph import Graph
from ..spec.model import Item
from ..spec.settings import Settings
from ..text.words import count, number
from .progress import Progress, is_closed, is_done

RiskRule = Literal["overdue", "behind", "dependency", "forecast", "capacity"]


@dataclass(frozen=True, slots=True)
class Risk:
    """One reason a release is at risk."""

    rule: RiskRule
    reason: str


def overdue(due: date | None, today: date) -> Risk | None:
    """Rule 1, for an unreleased release: its date has passed."""
    if due is None or due >= today:
        return None
    days = (today - due).days
    return Risk(
        "overdue", f"date passed: due {due.isoformat()}, {_days(days)} ago, and not released"
    )


def behind(
    due: date | None, progress: Progress, today: date, window_days: int, threshold: float
) -> Risk | None:
    """Rule 2, for an unreleased release: due soon with too little done.

    A release with nothing to do is not behind: there is no progress to fall short of.
    """
    if due is None or not progress.total or progress.ratio >= threshold:
        return None
    days = (due - today).days
    if not 0 <= days <= window_days:
        return None
    when = "due today" if days == 0 else f"due in {_days(days)}"
    return Risk(
        "behind",
        f"{when}, within the {window_days}-day window, at {progress.percent}% progress, "
        f"below the {threshold * 100:g}% threshold",
    )


def late_forecast(due: date | None, forecast: date | None) -> Risk | None:
    """Rule 4, for an unreleased release: the p50 forecast is after its date."""
    if due is None or forecast is None or forecast <= due:
        return None
    days = (forecast - due).days
    return Risk(
        "forecast",
        f"forecast to be done by {forecast.isoformat()} (p50), {_days(days)} after its date "
        f"{due.isoformat()}",
    )


def over_capacity(
    team: str, remaining: float, capacity: float, sprints: int, due: date
) -> Risk | None:
    """Rule 5, for an unreleased release: `team`'s `remaining` points in it exceed the
    `capacity` of its `sprints` (not closed) ending by `due`."""
    if remaining <= capacity:
        return None
    return Risk(
        "capacity",
        f"team {team} has {number(remaining)} points left in it, over its capacity of "
        f"{number(capacity)} points in {count(sprints, 'sprint')} ending by {due.isoformat()}",
    )


def dependency_risks(
    release_id: str,
    members: Iterable[Item],
    graph: Graph,
    settings: Settings,
    release_of: Callable[[Item], str | None],
    rank: Mapping[str, int],
) -> list[Risk]:
    """Rule 3: unfinished members depending on unfinished items scheduled later or not at all."""
    found: list[Risk] = []
    own_rank = rank[release_id]
    for item in members:
        targets = item.fields.get("depends_on")
        # Most items depend on nothing: asked first, it spares them the workflow look-ups.
        if not targets or is_done(item, settings) or is_closed(item, settings):
            continue
        for target in targets:
            other = graph.items.get(target)
            if other is None or is_done(other, settings) or is_closed(other, settings):
                continue  # a dangling reference is a problem of its own; a finished one is no risk
            scheduled = release_of(other)
            if scheduled is None:
                reason = f"{item.id} depends on {other.id}, which is in no release"
            elif rank.get(scheduled, own_rank) > own_rank:
                reason = f"{item.id} depends on {other.id}, scheduled in the later {scheduled}"
            else:
                continue
            found.append(Risk("dependency", reason))
    return found


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
