"""Sprint burndowns, scope changes, carry-over and velocity forecasts from a scripted history.

| day | what changes |
| --- | --- |
| 02-27 (Fri) | R1; sprints S1 (03-02 to 03-06) and S2 (03-09 to 03-13); STORY-1 (3 points), |
|             | STORY-2 (5) and STORY-3 (2) in S1; STORY-4 (8) in S2; STORY-5 (1) in no sprint |
| 03-02 | S1 starts; STORY-3 in progress |
| 03-03 | STORY-1 done |
| 03-04 | STORY-5 joins S1 (added after the start); STORY-2's file breaks (skipped) |
| 03-05 | STORY-2 mended, its sprint removed (removed after the start) |
| 03-09 | S2 starts: STORY-3 moves to it while in progress (carried over from S1); STORY-1 |
|       | moves to it done (not carried over) |
| 03-10 | STORY-6 (2) joins S2 (added after the start) |
| 03-11 | STORY-4 done; STORY-6 deleted (removed after the start) |

Every story is in R1. Today is 2026-03-31.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from roadmark.history.forecast import forecast, release_forecast
from roadmark.history.model import (
    BurndownPoint,
    BurnupPoint,
    CarryOver,
    Commit,
    Forecast,
    History,
    ReleaseHistory,
    ScopeChange,
    SprintHistory,
)
from roadmark.history.velocity import velocity_samples
from roadmark.render.burnup import forecast_sentence
from roadmark.render.html import HtmlLinker
from roadmark.render.sprint_history import sprint_history_html
from sites import build, mkdocs_config, parse, seen, table, write_project
from test_history_git import TODAY, Script, release

HOSTILE = '<img src=x onerror="alert(1)"> & moved'


def sprint(item_id: str, start: str, end: str, status: str) -> str:
    """The text of a sprint file."""
    return (
        f"---\nid: {item_id}\nkind: sprint\ntitle: Sprint {item_id}\nstatus: {status}\n"
        f"start: {start}\nend: {end}\n---\n\nThe sprint.\n"
    )


def story(number: int, status: str, estimate: int, in_sprint: str | None) -> str:
    """The text of a story of R1, in `in_sprint` when given."""
    planned = f"sprint: {in_sprint}\n" if in_sprint else ""
    return (
        f"---\nid: STORY-{number}\nkind: story\ntitle: Story {number}\nstatus: {status}\n"
        f"estimate: {estimate}\nrelease: R1\n{planned}---\n\nA story.\n\n"
        "## Acceptance criteria\n\n- AC-1: Given a, when b, then c.\n"
    )


def scripted(root: Path) -> tuple[Script, dict[str, str]]:
    """The history in the table above; the commits' ids by name."""
    s = Script(root)
    shas: dict[str, str] = {}
    s.write("product/releases/R1.md", release("R1", "2026-04-30", start="2026-02-27"))
    s.write("product/sprints/S1.md", sprint("S1", "2026-03-02", "2026-03-06", "planned"))
    s.write("product/sprints/S2.md", sprint("S2", "2026-03-09", "2026-03-13", "planned"))
    for number, estimate, planned in ((1, 3, "S1"), (2, 5, "S1"), (3, 2, "S1"), (4, 8, "S2")):
        s.write(f"product/stories/{number}.md", story(number, "backlog", estimate, planned))
    s.write("product/stories/5.md", story(5, "backlog", 1, None))
    shas["plan"] = s.commit("2026-02-27", "plan")
    s.write("product/stories/3.md", story(3, "in-progress", 2, "S1"))
    shas["started"] = s.commit("2026-03-02", "start S1")
    s.write("product/stories/1.md", story(1, "done", 3, "S1"))
    shas["one done"] = s.commit("2026-03-03", "STORY-1 done")
    s.write("product/stories/5.md", story(5, "backlog", 1, "S1"))
    s.write("product/stories/2.md", "---\nid: STORY-2\nkind: [story\n---\n")
    shas["added"] = s.commit("2026-03-04", HOSTILE)
    s.write("product/stories/2.md", story(2, "backlog", 5, None))
    shas["removed"] = s.commit("2026-03-05", "STORY-2 out")
    s.write("product/stories/3.md", story(3, "in-progress", 2, "S2"))
    s.write("product/stories/1.md", story(1, "done", 3, "S2"))
    shas["carried"] = s.commit("2026-03-09", "S2 starts")
    s.write("product/stories/6.md", story(6, "backlog", 2, "S2"))
    shas["six"] = s.commit("2026-03-10", "STORY-6 joins")
    s.write("product/stories/4.md", story(4, "done", 8, "S2"))
    (root / "product/stories/6.md").unlink()
    shas["last"] = s.commit("2026-03-11", "STORY-4 done, STORY-6 gone")
    return s, shas


def burndown(first: date, remaining: list[float], scope: list[float]) -> tuple[BurndownPoint, ...]:
    days = [first + timedelta(days=n) for n in range(len(remaining))]
    return tuple(map(BurndownPoint, days, remaining, scope))


@pytest.mark.roadmark("STORY-95/AC-1")
def test_a_sprint_burns_down_per_day_and_lists_scope_added_and_removed(tmp_path: Path) -> None:
    script, shas = scripted(tmp_path)
    read = script.read()
    assert read.skipped == 1
    assert sorted(read.sprints) == ["S1", "S2"]
    s1 = read.sprints["S1"]
    assert (s1.unit, s1.start, s1.end) == ("points", date(2026, 3, 2), date(2026, 3, 6))
    # 03-02: 3 + 5 + 2; STORY-1 done on the 3rd; STORY-5 (1) in on the 4th, while STORY-2's
    # broken file keeps its last version; STORY-2 (5) out on the 5th; nothing on the 6th.
    assert s1.points == burndown(date(2026, 3, 2), [10, 7, 8, 3, 3], [10, 10, 11, 6, 6])
    changed = [
        (c.item, c.day, c.commit and c.commit.sha) for c in s1.scope_added + s1.scope_removed
    ]
    assert changed == [
        ("STORY-5", date(2026, 3, 4), shas["added"]),
        ("STORY-2", date(2026, 3, 5), shas["removed"]),
    ]
    assert s1.carried_over == ()
    s2 = read.sprints["S2"]
    # 03-09: STORY-4 (8), STORY-3 (2, in progress), STORY-1 (3, done); STORY-6 (2) in on the
    # 10th; STORY-4 done and STORY-6 deleted on the 11th; the same to its end, the 13th.
    assert s2.points == burndown(date(2026, 3, 9), [10, 12, 2, 2, 2], [13, 15, 13, 13, 13])
    # STORY-6 no longer exists: no commit of its own to show.
    assert s2.scope_added == (ScopeChange("STORY-6", date(2026, 3, 10), None),)
    assert s2.scope_removed == (ScopeChange("STORY-6", date(2026, 3, 11), None),)
    assert scripted(tmp_path / "again")[0].read().sprints == read.sprints


@pytest.mark.roadmark("STORY-95/AC-2")
def test_a_story_moved_to_the_next_sprint_while_not_done_is_carried_over(tmp_path: Path) -> None:
    script, shas = scripted(tmp_path)
    read = script.read()
    (carried,) = read.sprints["S2"].carried_over
    assert (carried.item, carried.sprint, carried.commit.sha) == ("STORY-3", "S1", shas["carried"])
    assert carried.commit.day == date(2026, 3, 9)
    # STORY-1 moved too, but done: not carried over.
    assert read.sprints["S1"].carried_over == ()


def test_a_running_sprint_burns_down_to_today_and_a_planned_one_has_no_days(
    tmp_path: Path,
) -> None:
    s = Script(tmp_path)
    s.write("product/sprints/S3.md", sprint("S3", "2026-03-27", "2026-04-09", "active"))
    s.write("product/sprints/S4.md", sprint("S4", "2026-04-13", "2026-04-24", "planned"))
    s.write("product/sprints/S5.md", "---\nid: S5\nkind: sprint\ntitle: No start\n---\n")
    s.write("product/stories/1.md", story(1, "backlog", 3, "S3"))
    s.write("product/stories/2.md", story(2, "backlog", 1, "S4"))
    s.commit("2026-03-26")
    s.write("product/stories/2.md", story(2, "backlog", 1, "S4").replace("estimate: 1\n", ""))
    s.commit("2026-03-28")
    read = s.read()
    assert sorted(read.sprints) == ["S3", "S4"]
    # From the start to today (2026-03-31), the last commit's state carried forward.
    assert read.sprints["S3"].points == burndown(date(2026, 3, 27), [3] * 5, [3] * 5)
    assert read.sprints["S4"].points == ()
    assert read.sprints["S4"].unit == "points"
    # A story without an estimate on one of its days: the sprint counts stories.
    s.write("product/stories/1.md", story(1, "backlog", 3, "S3").replace("estimate: 3\n", ""))
    s.commit("2026-03-29")
    s.write("product/stories/1.md", story(1, "done", 3, "S3"))
    s.commit("2026-03-30")
    counted = s.read().sprints["S3"]
    assert counted.unit == "stories"
    assert counted.points == burndown(date(2026, 3, 27), [1, 1, 1, 0, 0], [1] * 5)


CLOSED = [
    (date(2026, 2, 16), date(2026, 2, 20), 6.0),
    (date(2026, 2, 23), date(2026, 2, 27), 4.0),
    (date(2026, 3, 2), date(2026, 3, 6), 5.0),
]


def test_velocity_samples_are_points_per_week_of_closed_sprints() -> None:
    assert velocity_samples(CLOSED, TODAY) == (6.0, 4.0, 5.0)
    # A two-week sprint (Monday to the Friday after) beside two one-week sprints of another
    # team: its 10 points spread over its two weeks, added to theirs.
    teams = [
        (date(2026, 3, 2), date(2026, 3, 13), 10.0),
        (date(2026, 3, 2), date(2026, 3, 6), 3.0),
        (date(2026, 3, 9), date(2026, 3, 13), 1.0),
    ]
    assert velocity_samples(teams, TODAY) == (8.0, 6.0)
    # The last 8 weeks only; a sprint not ended by today, or ending before it starts, or
    # without usable points, is left out.
    weekly = [
        (date(2026, 1, 5) + timedelta(weeks=n), date(2026, 1, 9) + timedelta(weeks=n), n)
        for n in range(10)
    ]
    odd = [
        (date(2026, 3, 30), date(2026, 4, 3), 50.0),
        (date(2026, 3, 20), date(2026, 3, 19), 50.0),
        (date(2026, 3, 16), date(2026, 3, 20), float("nan")),
    ]
    assert velocity_samples([*weekly, *odd], TODAY) == tuple(float(n) for n in range(2, 10))
    assert velocity_samples([], TODAY) == ()


HEAD = Commit("f" * 40, date(2026, 3, 10), "head")
THROUGHPUT = {"points": (1.0,), "stories": (1.0,)}
"""The product's weekly throughput: one point, or one story, a week."""


def drawn(
    release: str, unit: str, remaining: float, velocity: tuple[float, ...]
) -> Forecast | None:
    return release_forecast(release, unit, remaining, (THROUGHPUT, velocity), HEAD)


@pytest.mark.roadmark("STORY-95/AC-3")
def test_a_points_release_forecast_draws_from_the_sprints_velocity() -> None:
    velocity = velocity_samples(CLOSED, TODAY)
    points = drawn("R1", "points", 20.0, velocity)
    # The same seeded Monte Carlo as the throughput's forecast, over the velocity samples.
    same = forecast(20.0, (6.0, 4.0, 5.0), "R1\0" + "f" * 40, date(2026, 3, 10))
    assert same is not None and points == replace(same, basis="velocity")
    # Pinned: 20 points at 4 to 6 a week take four weeks, or five when slow weeks are drawn.
    assert points is not None and (points.p50, points.p85) == (date(2026, 4, 7), date(2026, 4, 14))
    assert points.weekly_throughput == (6.0, 4.0, 5.0)
    assert drawn("R1", "points", 20.0, velocity) == points
    # Constant velocity: exactly ceil(20 / 8) = 3 weeks.
    steady = velocity_samples([(date(2026, 3, 2), date(2026, 3, 6), 8.0)], TODAY)
    assert drawn("R1", "points", 20.0, steady) == Forecast(
        date(2026, 3, 31), date(2026, 3, 31), (8.0,), "velocity"
    )
    # A release counted in stories keeps the throughput's forecast.
    throughput = forecast(3.0, (1.0,), "R2\0" + "f" * 40, date(2026, 3, 10))
    assert drawn("R2", "stories", 3.0, velocity) == throughput


@pytest.mark.roadmark("STORY-95/AC-3")
def test_a_velocity_forecast_says_it_is_drawn_from_the_sprints() -> None:
    day = HEAD.day
    burnup = ReleaseHistory("R1", "points", (BurnupPoint(day, 30.0, 10.0),), None, (), ())
    velocity = replace(
        burnup, forecast=drawn("R1", "points", 20.0, velocity_samples(CLOSED, TODAY))
    )
    said = forecast_sentence(velocity, date(2026, 4, 1))
    assert "from the closed sprints' velocity, in points per week over the last 3 weeks" in said
    assert "(6, 4, 5)" in said and "after its date 2026-04-01" in said
    throughput = replace(burnup, forecast=drawn("R1", "points", 20.0, ()))
    assert "from the points done in each of the last 1 week (1)" in forecast_sentence(
        throughput, None
    )


@pytest.mark.roadmark("STORY-95/AC-3")
def test_the_built_release_page_forecasts_from_the_sprints_velocity(tmp_path: Path) -> None:
    script, _ = scripted(tmp_path)
    script.write("product/sprints/S2.md", sprint("S2", "2026-03-09", "2026-03-13", "closed"))
    script.commit("2026-03-16", "S2 closed")
    plugins = ["search", {"roadmark": {"today": "2026-03-16"}}]
    write_project(tmp_path, {"docs/index.md": "# Home\n"}, mkdocs_config(plugins=plugins))
    release_page = build(tmp_path).article("product/releases/R1.md").text
    # S2 closed with STORY-1 (3 points) and STORY-4 (8) done: R1, counted in points, draws
    # from its velocity, one week of 11 points.
    assert "from the closed sprints' velocity, in points per week" in release_page
    assert "(11)" in release_page


def test_without_closed_sprints_the_forecast_is_the_throughputs() -> None:
    throughput = forecast(20.0, (1.0,), "R1\0" + "f" * 40, date(2026, 3, 10))
    assert drawn("R1", "points", 20.0, velocity_samples([], TODAY)) == throughput
    nothing = velocity_samples([(date(2026, 3, 2), date(2026, 3, 6), 0.0)], TODAY)
    assert drawn("R1", "points", 20.0, nothing) == throughput
    assert drawn("R1", "points", 0.0, velocity_samples(CLOSED, TODAY)) is None


def links(item: str, anchor: str | None) -> str:
    return f"../{item}/"


@pytest.mark.roadmark("STORY-95/AC-1")
@pytest.mark.roadmark("STORY-95/AC-2")
def test_the_sprint_history_shows_its_chart_data_scope_changes_and_carry_over(
    tmp_path: Path,
) -> None:
    read = scripted(tmp_path)[0].read()
    linker = HtmlLinker(links)
    fragment = parse(sprint_history_html("S1", read, linker))
    assert fragment.find("svg").find("title").text == "Burndown of S1"
    assert fragment.find("figcaption").find("strong").text == "Burndown of S1"
    data = table(fragment.find("details"))
    assert data.headers == ["Day", "Remaining (points)", "Scope (points)"]
    assert [[cell.text for cell in row] for row in data.rows] == [
        ["2026-03-02", "10", "10"],
        ["2026-03-03", "7", "10"],
        ["2026-03-04", "8", "11"],
        ["2026-03-05", "3", "6"],
        ["2026-03-06", "3", "6"],
    ]
    changes = fragment.find("ul", cls="roadmark-scope-changes")
    assert [item.text for item in changes.find_all("li")] == [
        "Added after the start: STORY-5 (2026-03-04)",
        "Removed after the start: STORY-2 (2026-03-05)",
    ]
    assert [link.get("href") for link in changes.links] == ["../STORY-5/", "../STORY-2/"]
    # The commit's subject, from git, is the day's tooltip: escaped, so it stays text.
    tooltip = changes.find("span").get("title")
    assert seen(tooltip) == HOSTILE
    assert "<img" not in sprint_history_html("S1", read, linker)
    carried = parse(sprint_history_html("S2", read, linker)).find("p", cls="roadmark-carried-over")
    assert carried.text == "Carried over: STORY-3 from S1."
    assert [link.get("href") for link in carried.links] == ["../STORY-3/", "../S1/"]


def test_the_sprint_history_escapes_values_and_says_when_there_is_none() -> None:
    linker = HtmlLinker(lambda item, anchor: None)
    day = date(2026, 3, 2)
    hostile = SprintHistory(
        "S<1>&", "points", day, None, (BurndownPoint(day, 1.0, 2.0),), (), (),
        (CarryOver("STORY-<b>", "S<0>", Commit("a" * 40, day, "x")),),
    )  # fmt: skip
    known = History(available=True, sprints={"S<1>&": hostile})
    html = sprint_history_html("S<1>&", known, linker)
    assert "<b>" not in html and "S<1>" not in html and "S&lt;1&gt;&amp;" in html
    fragment = parse(html)
    assert seen(fragment.find("svg").find("title").text) == "Burndown of S<1>&"
    assert seen(fragment.find("p", cls="roadmark-carried-over").text) == (
        "Carried over: STORY-<b> from S<0>."
    )
    assert sprint_history_html("S9", known, linker) == ""
    gone = History(available=False, reason="the clone is <shallow>")
    note = parse(sprint_history_html("S<1>&", gone, linker))
    assert seen(note.find("p", cls="roadmark-history-unavailable").text) == (
        "History unavailable: the clone is <shallow>"
    )
