"""Release forecasts drawn from the sprints' velocity, where the product plans in sprints.

The burn-up's forecast (`burnup.py`) draws weeks of product-wide throughput. When closed
sprints say how many points were completed, those figures replace it, by the same seeded
Monte Carlo (`forecast.release_forecast`, seeded from the release and the head commit; the
build hands these samples to `read_history`):

- each closed sprint that ended by the build's today counts as the whole weeks it spans
  (a Monday-to-Friday sprint is one week, ten working days two): its completed points are
  spread evenly over those weeks' days, from its start;
- the samples are the points per week over the last `WEEKS` weeks of those days (as the
  throughput's window), ending with the last closed sprint's last week and starting no
  earlier than the first one's start. Sprints of several teams that run side by side add up,
  as the product's throughput does; a week with no sprint is a week with nothing done.

Only releases counted in points change; nothing changes when history is unavailable or no
closed sprint completed any points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from .burnup import WEEKS

Sprint = tuple[date, date, float]
"""A closed sprint: its start, its last day, its completed points."""


def velocity_samples(closed: Sequence[Sprint], today: date) -> tuple[float, ...]:
    """Points completed per week over the last `WEEKS` weeks the closed sprints cover, oldest
    first; () when no sprint is usable (ended after `today`, ends before it starts, or has
    no finite, non-negative points)."""
    spans: list[tuple[date, int, float]] = []
    for start, end, points in sorted(closed):
        if start <= end <= today and 0 <= points < math.inf:
            spans.append((start, -(-((end - start).days + 1) // 7), float(points)))
    if not spans:
        return ()
    stop = max(start + timedelta(weeks=weeks) for start, weeks, _ in spans)
    first = max(min(start for start, _, _ in spans), stop - timedelta(weeks=WEEKS))
    count = (stop - first).days // 7
    samples: list[float] = []
    for week in range(count, 0, -1):
        begin = stop - timedelta(weeks=week)
        end = begin + timedelta(weeks=1)
        total = 0.0
        for start, weeks, points in spans:
            overlap = (min(end, start + timedelta(weeks=weeks)) - max(begin, start)).days
            if overlap > 0:
                total += points * overlap / (7 * weeks)
        samples.append(total)
    return tuple(samples)
