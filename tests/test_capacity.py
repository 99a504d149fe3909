"""Team capacity (STORY-94): the `capacity` option, a sprint committed beyond it, and a
release whose remaining work for a team exceeds that team's capacity before its date."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from roadmaps import load_specs
from roadmark.plan.capacity import sprint_capacity
from roadmark.plan.roadmap import plan_roadmap
from roadmark.plan.schedule import RoadmapOptions
from roadmark.plan.sprints import plan_sprints
from roadmark.spec.options import read_options
from roadmark.spec.settings import ConfigError
from sites import Site, build, run_tool, section, write_project
from sprint_products import CAPACITY, FILES, TODAY, sprint_config

R1_REASON = (
    "team web has 38 points left in it, over its capacity of 16 points in 2 sprints ending "
    "by 2026-03-31"
)
"""R1's web stories left: STORY-2 5, STORY-6 5, STORY-7 8, STORY-8 none, STORY-14 20;
web's open sprints by R1's date: SPRINT-3 (10, the default) and SPRINT-4 (6, its own)."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("capacity-site")
    write_project(root, FILES | {"docs/index.md": "# Home\n"}, sprint_config())
    return build(root)


def test_a_sprint_capacity_is_its_own_figure_else_the_team_default() -> None:
    assert sprint_capacity(CAPACITY, "web", "SPRINT-4") == 6
    assert sprint_capacity(CAPACITY, "web", "SPRINT-3") == 10
    assert sprint_capacity(CAPACITY, "api", "SPRINT-6") == 12
    assert sprint_capacity(CAPACITY, "ops", "SPRINT-6") is None
    assert sprint_capacity(CAPACITY, None, "SPRINT-6") is None
    assert sprint_capacity({"web": {"SPRINT-1": 4}}, "web", "SPRINT-2") is None


@pytest.mark.roadmark("STORY-94/AC-2")
def test_a_sprint_over_capacity_warns_with_both_figures(site: Site) -> None:
    sprint = section(site.article("product/sprints/SPRINT-3.md"), "sprint")
    warning = sprint.find(cls="roadmark-capacity")
    assert warning is not None
    assert warning.text == (
        "Over capacity 17 points committed, over the capacity of team web for this sprint: "
        "10 points."
    )
    within = section(site.article("product/sprints/SPRINT-4.md"), "sprint")
    assert within.find(cls="roadmark-capacity") is None  # 0 of its own 6


@pytest.mark.roadmark("STORY-94/AC-2")
def test_without_capacity_no_sprint_warns(tmp_path: Path) -> None:
    config = sprint_config()
    del config["plugins"][1]["roadmark"]["capacity"]
    write_project(tmp_path, FILES | {"docs/index.md": "# Home\n"}, config)
    built = build(tmp_path)
    assert built.article("product/sprints/SPRINT-3.md").find(cls="roadmark-capacity") is None
    risks = built.article("product/releases/R1.md").find(cls="roadmark-risk")
    assert risks is not None and "capacity" not in risks.text


BAD_CAPACITY: list[tuple[Any, str]] = [
    (20, "'capacity' must be a mapping of teams to points per sprint"),
    ({"web": "lots"}, "'capacity': team 'web' must have points per sprint"),
    ({"web": -2}, "'capacity': team 'web' must have points per sprint"),
    ({"web": True}, "'capacity': team 'web' must have points per sprint"),
    ({"web": {"default": 10, "SPRINT-4": "6"}}, "'capacity': 'SPRINT-4' of team 'web' must be"),
    ({"web": {"default": float("nan")}}, "'capacity': 'default' of team 'web' must be"),
]


@pytest.mark.roadmark("STORY-94/AC-2")
@pytest.mark.parametrize(("value", "message"), BAD_CAPACITY, ids=lambda v: repr(v)[:30])
def test_an_invalid_capacity_is_an_error_naming_the_option_and_key(
    value: Any, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        read_options({"capacity": value})
    assert str(raised.value).startswith(message), raised.value


@pytest.mark.roadmark("STORY-94/AC-2")
def test_the_build_and_check_refuse_an_invalid_capacity(tmp_path: Path) -> None:
    config = sprint_config(capacity={"web": {"default": "ten"}})
    root = write_project(tmp_path, FILES | {"docs/index.md": "# Home\n"}, config)
    message = "'capacity': 'default' of team 'web' must be points (a number, 0 or more), not 'ten'"
    checked = run_tool("roadmark", "check", cwd=root)
    assert checked.returncode == 2
    assert checked.stderr.strip() == f"roadmark: error: {message}"
    built = run_tool("mkdocs", "build", cwd=root)
    assert built.returncode != 0 and message in built.stderr
    assert "Traceback" not in built.stderr


@pytest.mark.roadmark("STORY-94/AC-3")
def test_a_release_beyond_a_team_capacity_is_at_risk_with_the_figures(tmp_path: Path) -> None:
    product = load_specs(tmp_path, FILES)
    sprints = plan_sprints(product.graph, product.settings, CAPACITY, TODAY)
    teams = sprints.team_capacity()
    assert {team: found.sprints for team, found in teams.items()} == {
        "web": ((TODAY.replace(day=20), 10.0), (TODAY.replace(day=27), 6.0)),
        "api": ((TODAY.replace(day=27), 12.0),),
    }
    options = RoadmapOptions(TODAY, window_days=0)  # only the capacity rule can apply
    plans = {
        plan.release.id: [(risk.rule, risk.reason) for risk in plan.risks]
        for plan in plan_roadmap(product.graph, product.settings, options, capacity=teams).releases
    }
    # api: 5 left in R1 and 8 in R2 against its 12: within; R0 is released.
    assert plans == {"R0": [], "R1": [("capacity", R1_REASON)], "R2": []}
    alone = plan_roadmap(product.graph, product.settings, options).releases
    assert all(plan.risks == [] for plan in alone)


@pytest.mark.roadmark("STORY-94/AC-3")
def test_the_roadmap_and_the_release_page_give_the_capacity_reason(site: Site) -> None:
    roadmap = site.article("product/roadmap.md")
    assert any(R1_REASON in node.text for node in roadmap.find_all(cls="roadmark-risk"))
    assert "exceed that team's capacity in its sprints ending by its date" in roadmap.text
    release = site.article("product/releases/R1.md").find(cls="roadmark-risk")
    assert release is not None and R1_REASON in release.text


@pytest.mark.roadmark("STORY-94/AC-3")
def test_the_items_export_flags_the_release_beyond_capacity_as_the_site_does(
    tmp_path: Path,
) -> None:
    # No window: only the capacity rule can put a release at risk.
    config = sprint_config(risk_window_days=0)
    write_project(tmp_path, FILES | {"docs/index.md": "# Home\n"}, config)
    done = run_tool("roadmark", "export", "--view", "items", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row["at_risk"] for row in csv.DictReader(io.StringIO(done.stdout))}
    # R0 is released; R2's work is within the teams' capacity.
    assert (rows["R0"], rows["R1"], rows["R2"]) == ("false", "true", "false")
