"""Release burn-up and forecast from a scripted history: exact points, seeded forecasts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

import pytest

from roadmark.history.forecast import TRIALS, draws, forecast
from roadmark.history.model import BurnupPoint, Forecast
from test_history_git import Script, release, story

EPIC = "---\nid: EPIC-1\nkind: epic\ntitle: The epic\nstatus: planned\nrelease: R1\n---\n\nWork.\n"


def planned(root: Path) -> Script:
    """R1 from Monday 2 March: three stories of its own, one through its epic, one added."""
    s = Script(root)
    s.write("product/releases/R1.md", release("R1", "2026-04-30", start="2026-03-02"))
    s.write("product/releases/R2.md", release("R2", "2026-06-30"))
    s.write("product/epics/EPIC-1.md", EPIC)
    s.write("product/stories/1.md", story("STORY-1", "backlog", estimate=2, release="R1"))
    s.write("product/stories/2.md", story("STORY-2", "backlog", estimate=3, release="R1"))
    s.write("product/stories/3.md", story("STORY-3", "backlog", estimate=5, release="R1"))
    s.write("product/stories/4.md", story("STORY-4", "ready", estimate=1, epic="EPIC-1"))
    s.write("product/stories/6.md", story("STORY-6", "backlog", estimate=8, release="R2"))
    s.commit("2026-03-02")
    s.write("product/stories/1.md", story("STORY-1", "done", estimate=2, release="R1"))
    s.commit("2026-03-04")
    s.write("product/stories/5.md", story("STORY-5", "backlog", estimate=4, release="R1"))
    s.write("product/stories/3.md", story("STORY-3", "backlog", estimate=5, release="R2"))
    s.commit("2026-03-05")
    s.write("product/stories/2.md", story("STORY-2", "done", estimate=3, release="R1"))
    s.commit("2026-03-09")
    s.write("product/stories/6.md", story("STORY-6", "in-progress", estimate=8, release="R2"))
    s.commit("2026-03-10")
    return s


@pytest.mark.roadmark("STORY-83/AC-1")
def test_burnup_points_per_day_are_exact(tmp_path: Path) -> None:
    history = planned(tmp_path).read()
    r1 = history.releases["R1"]
    assert r1.unit == "points"
    scope = [11.0] * 3 + [10.0] * 6  # STORY-5 (4) joins and STORY-3 (5) leaves on the 5th
    done = [0.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0, 5.0, 5.0]
    days = [date(2026, 3, 2) + timedelta(days=n) for n in range(9)]
    assert r1.points == tuple(map(BurnupPoint, days, scope, done))
    assert r1.scope_added == ("STORY-5",)
    assert r1.scope_removed == ("STORY-3",)
    # Throughput: STORY-1 and STORY-2 (5 points) in the week up to the head's day.
    assert r1.forecast is not None
    assert r1.forecast.weekly_throughput == (0.0,) * 7 + (5.0,)
    assert planned(tmp_path / "again").read().releases == history.releases


@pytest.mark.roadmark("STORY-83/AC-1")
def test_the_forecast_for_a_fixed_throughput_is_exact() -> None:
    head = date(2026, 3, 10)
    assert forecast(10, (5.0,) * 8, "R1\0abc", head) == Forecast(
        date(2026, 3, 24), date(2026, 3, 24), (5.0,) * 8
    )
    assert forecast(11, (5.0,) * 8, "R1\0abc", head) == Forecast(
        date(2026, 3, 31), date(2026, 3, 31), (5.0,) * 8
    )
    mixed = (0.0, 1.0, 2.0, 3.0, 0.0, 4.0, 1.0, 2.0)
    first = forecast(20, mixed, "R1\0abc", head)
    assert first is not None and first == forecast(20, mixed, "R1\0abc", head)
    assert first.p50 <= first.p85
    assert forecast(0, mixed, "R1\0abc", head) is None
    assert forecast(5, (0.0,) * 8, "R1\0abc", head) is None
    assert TRIALS == 1000
    # Pinned: the dates the forecast gave when it called `rng.choice` for each week.
    assert (first.p50, first.p85) == (date(2026, 6, 2), date(2026, 6, 23))
    halves = (0.0, 3.0, 5.5, 2.0, 0.0, 8.0, 1.0, 4.0)
    assert forecast(250.5, halves, "R9\0def", head) == Forecast(
        date(2027, 11, 2), date(2028, 1, 4), halves
    )


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 9, 16, 255, 256, 300])
def test_draws_are_the_ones_choice_makes(count: int) -> None:
    """The forecast draws a block at a time: the same samples, in the same order, as one
    `random.choice` call each (on every Python it runs on)."""
    samples = tuple(float(value) for value in range(count))
    for seed in range(5):
        expected = random.Random(seed)
        made = [expected.choice(samples) for _ in range(20_000)]
        assert list(islice(draws(random.Random(seed), samples), 20_000)) == made
    with pytest.raises(IndexError):
        next(draws(random.Random(1), ()))


def test_missing_estimates_count_stories(tmp_path: Path) -> None:
    s = Script(tmp_path)
    s.write("product/releases/R1.md", release("R1", "2026-04-30", start="2026-03-02"))
    s.write("product/stories/1.md", story("STORY-1", "done", estimate=2, release="R1"))
    s.write("product/stories/2.md", story("STORY-2", "backlog", release="R1"))
    s.commit("2026-03-02")
    r1 = s.read().releases["R1"]
    assert r1.unit == "stories"
    assert r1.points == (BurnupPoint(date(2026, 3, 2), 2.0, 1.0),)
