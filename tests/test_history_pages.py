"""The plan's history on the site: item timelines, burn-up and forecast, trends, suspects.

Real MkDocs builds of a project that the test turns into a git repository with a
scripted history (fixed names and dates), then a shallow clone of it, a copy outside
git and a site with `history: false`. Expected values are worked out by hand from the
script below; the forecast's dates are the reader's (a seeded Monte Carlo), so the pages
are checked against `read_history` for those.

| day | commit | what changes |
| --- | --- | --- |
| 2026-03-02 | plan | R1 (start 03-02, date 03-12), R2, R3, PRD-1; STORY-1 (3 points) and |
|            |      | STORY-2 (5) in R1 |
| 2026-03-04 | start | STORY-1 in-progress |
| 2026-03-09 | finish | STORY-1 done; STORY-2 moves to R2 (a slip) |
| 2026-03-16 | slip | STORY-2 moves to R3 (slipped twice); STORY-3 (2 points) joins R1 |
| 2026-03-17 | reword | PRD-1/R-1, which every story implements, is reworded |

Today is 2026-03-18.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from roadmaps import TODAY as TODAY_ROADMAP
from roadmaps import load_fixture
from roadmark.history.model import UNAVAILABLE_NOTE, BurnupPoint, History, ReleaseHistory
from roadmark.history.reader import read_history
from roadmark.plan.roadmap import plan_roadmap
from roadmark.plan.schedule import RoadmapOptions
from roadmark.render.burnup import burnup
from roadmark.render.html import HtmlLinker
from roadmark.spec.options import PluginOptions
from sites import (
    Site,
    build,
    mkdocs_config,
    parse,
    section,
    seen,
    spec,
    table,
    tree,
    write_project,
)

TODAY = "2026-03-18"
REPO = "https://example.com/acme/plan"
STORY_1 = "product/stories/STORY-1.md"
STORY_2 = "product/stories/STORY-2.md"
RELEASE = "product/releases/R1.md"
TRENDS = "product/trends.md"
CRITERIA = "## Acceptance criteria\n\n- AC-1: Given it, when it runs, then it works.\n"


def _story(number: int, status: str, release: str, estimate: int) -> tuple[str, str]:
    text = spec(
        f"STORY-{number}", "story", f"Story {number}", status, CRITERIA,
        release=release, estimate=estimate, implements=["PRD-1/R-1"],
    )  # fmt: skip
    return f"product/stories/STORY-{number}.md", text


def _prd(requirement: str) -> tuple[str, str]:
    body = f"## Requirements\n\n- R-1: {requirement}\n"
    return "product/prds/PRD-1.md", spec("PRD-1", "prd", "Plan", "approved", body)


def _release(item_id: str, **fields: object) -> tuple[str, str]:
    return f"product/releases/{item_id}.md", spec(item_id, "release", item_id, "planned", **fields)


def config(**options: object) -> dict[str, object]:
    """Material, today fixed, commits linked into `REPO`."""
    plugin = {"roadmark": {"today": TODAY, **options}}
    return mkdocs_config(plugins=["search", plugin], repo_url=REPO)


def git(root: Path, *args: str, day: str = "2026-03-02") -> str:
    """Run git in `root` as a fixed author at noon UTC on `day`; its standard output."""
    stamp = f"{day}T12:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    identity = ["-c", "user.name=Ada", "-c", "user.email=ada@example.com"]
    done = subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def commit(root: Path, day: str, message: str, files: Mapping[str, str]) -> str:
    """Write `files` and commit everything on `day`; the new commit's id."""
    write_project(root, files)
    git(root, "add", "-A", day=day)
    git(root, "commit", "-q", "-m", message, day=day)
    return git(root, "rev-parse", "HEAD")


def scripted(root: Path, **options: object) -> dict[str, str]:
    """The repository of the module's table at `root`; the commit ids by message."""
    write_project(root, {"docs/index.md": "# Home\n"}, config(**options))
    git(root, "init", "-q", "-b", "main")
    plan = dict(
        [
            _release("R1", start=date(2026, 3, 2), date=date(2026, 3, 12)),
            _release("R2", date=date(2026, 4, 15)),
            _release("R3", date=date(2026, 5, 15)),
            _story(1, "backlog", "R1", 3),
            _story(2, "backlog", "R1", 5),
            _prd("The system shall export the plan."),
        ]
    )
    return {
        "plan": commit(root, "2026-03-02", "Plan R1", plan),
        "start": commit(root, "2026-03-04", "Start", dict([_story(1, "in-progress", "R1", 3)])),
        "finish": commit(
            root,
            "2026-03-09",
            "Finish",
            dict([_story(1, "done", "R1", 3), _story(2, "backlog", "R2", 5)]),
        ),
        "slip": commit(
            root,
            "2026-03-16",
            "Slip",
            dict([_story(2, "backlog", "R3", 5), _story(3, "backlog", "R1", 2)]),
        ),
        # R-1 reworded after each story implementing it was last changed: all are suspect.
        "reword": commit(
            root,
            "2026-03-17",
            "Reword R-1",
            dict([_prd("The system shall export the plan as CSV.")]),
        ),
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("history")
    return root, scripted(root)


@pytest.fixture(scope="module")
def site(project: tuple[Path, dict[str, str]]) -> Site:
    return build(project[0], strict=True)


@pytest.mark.roadmark("STORY-84/AC-1")
def test_an_item_page_shows_when_it_entered_each_status_with_commit_links(
    site: Site, project: tuple[Path, dict[str, str]]
) -> None:
    shas = project[1]
    history = section(site.article(STORY_1), "history")
    entries = [li.text for li in history.find("ol", cls="roadmark-history").find_all("li")]
    assert entries == [
        f"2026-03-02 created as backlog in {shas['plan'][:7]}",
        f"2026-03-04 in-progress in {shas['start'][:7]}",
        f"2026-03-09 done in {shas['finish'][:7]}",
    ]
    links = [a.get("href") for a in history.find("ol").find_all("a")]
    assert f"{REPO}/commit/{shas['finish']}" in links
    assert "Cycle time: 5 days" in history.text


@pytest.mark.roadmark("STORY-84/AC-1")
def test_an_item_page_says_how_often_and_where_it_slipped(site: Site) -> None:
    history = section(site.article(STORY_2), "history")
    slip = history.find("li", cls="roadmark-history__slip")
    assert slip is not None
    assert slip.text.startswith("Release slipped twice: R1 → R2 → R3 (last in ")
    assert "Cycle time" not in history.text  # not done


@pytest.mark.roadmark("STORY-83/AC-2")
def test_a_release_page_shows_its_burn_up_with_the_forecast_and_a_data_table(
    site: Site, project: tuple[Path, dict[str, str]]
) -> None:
    history = section(site.article(RELEASE), "history")
    figure = history.find("figure", cls="roadmark-chart")
    assert figure is not None and figure.find("svg").find("title").text == "Burn-up of R1"
    rows = [[cell.text for cell in row] for row in table(history.find("details")).rows]
    expected = [[f"2026-03-0{day}", "8", "0"] for day in range(2, 9)]
    expected += [[f"2026-03-{day:02}", "3", "3"] for day in range(9, 16)]
    expected += [["2026-03-16", "5", "3"]]
    assert rows[: len(expected)] == expected
    read = _read(project[0])
    forecast = read.releases["R1"].forecast
    assert forecast is not None
    sentence = history.find("p", cls="roadmark-forecast").text
    assert sentence.startswith(
        f"Forecast: done by {forecast.p50.isoformat()} (p50), after its date 2026-03-12, "
        f"and by {forecast.p85.isoformat()} (p85)"
    )
    band = figure.find("rect", cls="roadmark-chart__band")
    assert band is not None


@pytest.mark.roadmark("STORY-83/AC-2")
def test_a_forecast_after_the_release_date_puts_it_at_risk(
    site: Site, project: tuple[Path, dict[str, str]]
) -> None:
    forecast = _read(project[0]).releases["R1"].forecast
    assert forecast is not None
    days = (forecast.p50 - date(2026, 3, 12)).days
    reason = (
        f"forecast to be done by {forecast.p50.isoformat()} (p50), "
        f"{days} day{'s' if days != 1 else ''} after its date 2026-03-12"
    )
    warning = site.article(RELEASE).find("div", cls="roadmark-risk")
    assert warning is not None and reason in [li.text for li in warning.find_all("li")]
    roadmap = site.article("product/roadmap.md")
    assert reason in roadmap.text
    burnup = section(roadmap, "burn-up")
    assert [h.text for h in burnup.find_all("h3")] == ["R1", "R2", "R3"]


@pytest.mark.roadmark("STORY-85/AC-1")
def test_the_trends_page_shows_each_chart_with_a_title_and_a_data_table(
    site: Site, project: tuple[Path, dict[str, str]]
) -> None:
    page = site.article(TRENDS)
    read = _read(project[0])
    assert read.trends is not None
    throughput = section(page, "throughput-per-week")
    assert throughput.find("svg").find("title").text == "Stories done per week"
    rows = [[cell.text for cell in row] for row in table(throughput.find("details")).rows]
    assert rows == [[monday.isoformat(), str(n)] for monday, n in read.trends.throughput]
    assert ["2026-03-09", "1"] in rows
    flow = section(page, "cumulative-flow")
    assert table(flow.find("details")).headers == [
        "Day",
        "backlog",
        "ready",
        "in-progress",
        "review",
        "done",
    ]
    cycle = section(page, "cycle-time")
    cycle_rows = {row[0].text: row[1].text for row in table(cycle.find("details")).rows}
    assert cycle_rows["4–7"] == "1" and sum(map(int, cycle_rows.values())) == 1
    scope = section(page, "scope-added-and-removed-per-release")
    scope_rows = [[cell.text for cell in row] for row in table(scope.find("details")).rows]
    assert scope_rows[0] == ["R1", "1", "1"]
    slips = section(page, "slips-in-the-last-30-days")
    slip_rows = [[cell.text for cell in row][:5] for row in table(slips).rows]
    assert slip_rows == [
        ["2026-03-16", "STORY-2", "release", "R2", "R3"],
        ["2026-03-09", "STORY-2", "release", "R1", "R2"],
    ]


@pytest.mark.roadmark("STORY-87/AC-1")
def test_a_shallow_clone_builds_strictly_and_says_history_is_unavailable(
    project: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{project[0]}", str(clone)],
        check=True, capture_output=True,
    )  # fmt: skip
    built = build(clone, strict=True)
    infos = [text for level, text in built.messages if UNAVAILABLE_NOTE in text]
    assert len(infos) == 1 and "fetch-depth: 0" in infos[0]
    assert built.warnings == []
    # Said where history would be shown for the whole product; item pages just go without.
    assert built.article(STORY_1).find(id="history") is None
    note = built.article(TRENDS).find("p", cls="roadmark-history-unavailable")
    assert note is not None and note.text.startswith(UNAVAILABLE_NOTE)
    assert UNAVAILABLE_NOTE in section(built.article("product/roadmap.md"), "burn-up").text


@pytest.mark.roadmark("STORY-87/AC-1")
@pytest.mark.parametrize("how", ["outside git", "history: false"])
def test_without_git_or_with_history_off_the_pages_say_so(
    project: tuple[Path, dict[str, str]], tmp_path: Path, how: str
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(project[0], root, ignore=shutil.ignore_patterns(".git", ".cache", "site"))
    if how == "history: false":
        write_project(root, {}, config(history=False))
        git(root, "init", "-q", "-b", "main")
        commit(root, "2026-03-02", "All", {})
    built = build(root, strict=True)
    assert built.warnings == []
    assert sum(UNAVAILABLE_NOTE in text for _, text in built.messages) == 1
    assert built.article(STORY_2).find(id="history") is None
    assert UNAVAILABLE_NOTE in built.article(TRENDS).text
    if how == "history: false":
        assert "`history` option" in built.article(TRENDS).text
        assert not (root / ".cache").exists()  # nothing was read, so nothing cached


@pytest.mark.roadmark("STORY-87/AC-2")
def test_two_builds_of_the_same_commit_are_byte_identical(
    project: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    first = build(project[0], site_dir=str(tmp_path / "one"))
    second = build(project[0], site_dir=str(tmp_path / "two"))
    assert tree(first.site_dir) == tree(second.site_dir)


def _read(root: Path) -> History:
    """What the reader makes of `root` (for the forecast's dates, a seeded Monte Carlo)."""
    settings = PluginOptions().settings()
    return read_history(root, settings, cache_dir=None, today=date.fromisoformat(TODAY))


@pytest.mark.roadmark("STORY-86/AC-3")
def test_a_suspect_story_is_flagged_on_its_page_and_on_the_trace_page_with_the_commit(
    site: Site, project: tuple[Path, dict[str, str]]
) -> None:
    reword = project[1]["reword"]
    warning = site.article(STORY_1).find("div", cls="roadmark-suspect")
    assert warning is not None
    line = warning.find("li")
    assert line.text.startswith("PRD-1/R-1: ")
    assert line.text.endswith(f"in {reword[:7]} on 2026-03-17")
    assert f"{REPO}/commit/{reword}" in [a.get("href") for a in line.find_all("a")]
    suspects = table(section(site.article("product/trace.md"), "suspect-links"))
    assert sorted(cells[0].text for cells in suspects.rows) == ["STORY-1", "STORY-2", "STORY-3"]
    assert {cells[3].text for cells in suspects.rows} == {reword[:7]}


@pytest.mark.roadmark("STORY-83/AC-2")
def test_a_p50_forecast_after_the_date_is_a_risk_and_one_on_the_date_is_not(
    tmp_path: Path,
) -> None:
    product = load_fixture(tmp_path)
    late = RoadmapOptions(TODAY_ROADMAP, forecasts=(("R5", date(2027, 3, 10)),))
    plans = {
        plan.release.id: plan
        for plan in plan_roadmap(product.graph, product.settings, late).releases
    }
    assert [(risk.rule, risk.reason) for risk in plans["R5"].risks] == [
        ("forecast", "forecast to be done by 2027-03-10 (p50), 9 days after its date 2027-03-01")
    ]
    on_time = RoadmapOptions(TODAY_ROADMAP, forecasts=(("R5", date(2027, 3, 1)),))
    plans = {
        plan.release.id: plan
        for plan in plan_roadmap(product.graph, product.settings, on_time).releases
    }
    assert plans["R5"].risks == []
    # A released release is never at risk, whatever its forecast.
    released = RoadmapOptions(TODAY_ROADMAP, forecasts=(("R1", date(2027, 3, 10)),))
    plans = {
        plan.release.id: plan
        for plan in plan_roadmap(product.graph, product.settings, released).releases
    }
    assert plans["R1"].risks == []


def test_commit_subjects_and_values_from_git_are_escaped(
    project: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", f"file://{project[0]}", str(clone)], check=True, capture_output=True
    )
    hostile = '<img src=x onerror="alert(1)"> & done'
    commit(clone, "2026-03-18", hostile, dict([_story(2, "ready", "R3", 5)]))
    built = build(clone, strict=True)
    html = built.html(STORY_2)
    assert "<img src=x" not in html
    timeline = built.article(STORY_2).find("ol", cls="roadmark-history")
    titles = [seen(node.get("title")) for node in timeline.iter() if node.get("title")]
    assert titles[-1] == hostile


@pytest.mark.roadmark("STORY-83/AC-2")
@pytest.mark.parametrize(
    ("done", "sentence"),
    [(5.0, "No forecast: nothing is left to do."), (2.0, "No forecast: nothing was done")],
)
def test_a_burn_up_of_one_day_without_a_forecast_says_why(done: float, sentence: str) -> None:
    day = date(2026, 3, 2)
    release = ReleaseHistory("R9", "points", (BurnupPoint(day, 5.0, done),), None, (), ())
    html = burnup(release, day, HtmlLinker(lambda item, anchor: None))
    chart = parse(html)
    assert chart.find("svg").find("title").text == "Burn-up of R9"
    assert [[cell.text for cell in row] for row in table(chart.find("details")).rows] == [
        ["2026-03-02", "5", f"{done:g}"]
    ]
    assert chart.find("p", cls="roadmark-forecast").text.startswith(sentence)
