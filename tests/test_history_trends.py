"""The trends page's series from a scripted history: throughput, flow, cycle times, slips."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from roadmark.history.model import FlowDay
from roadmark.history.trends import monday
from test_history_burnup import planned

STATES = ("backlog", "ready", "in-progress", "review", "done")


def test_throughput_flow_cycle_times_and_slips_are_exact(tmp_path: Path) -> None:
    trends = planned(tmp_path).read().trends
    assert trends is not None
    # STORY-1 done on Wednesday 4 March, STORY-2 on Monday 9 March.
    assert trends.throughput == ((date(2026, 3, 2), 1), (date(2026, 3, 9), 1))
    counts = [
        (4, 1, 0, 0, 0),
        (4, 1, 0, 0, 0),
        (3, 1, 0, 0, 1),  # STORY-1 done
        (4, 1, 0, 0, 1),  # STORY-5 added
        (4, 1, 0, 0, 1),
        (4, 1, 0, 0, 1),
        (4, 1, 0, 0, 1),
        (3, 1, 0, 0, 2),  # STORY-2 done
        (2, 1, 1, 0, 2),  # STORY-6 started
    ]
    assert trends.flow == tuple(
        FlowDay(date(2026, 3, 2) + timedelta(days=n), tuple(zip(STATES, row, strict=True)))
        for n, row in enumerate(counts)
    )
    assert trends.cycle_days == ()  # both went from backlog straight to done
    assert [(s.item, s.field, s.before, s.after) for s in trends.slips] == [
        ("STORY-3", "release", "R1", "R2")
    ]


def test_weeks_start_on_monday() -> None:
    assert monday(date(2026, 3, 8)) == date(2026, 3, 2)
    assert monday(date(2026, 3, 9)) == date(2026, 3, 9)
