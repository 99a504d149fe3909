"""Sprints as checked items (STORY-92): a story's `sprint` is free text until the product has a
sprint, then a reference; a done story in a sprint not yet started, and a sprint ending before
it starts, are reported; `roadmark new sprint` writes one that checks clean."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from roadmark.spec.problems import RULES
from roadmark.spec.product import load_product
from roadmark.spec.project import load_project
from sites import build, md, mkdocs_config

if TYPE_CHECKING:
    from conftest import RunCli, WriteProduct

TODAY = "2026-06-03"
CONFIG = {"site_name": "Sprints", "plugins": [{"roadmark": {"today": TODAY}}]}

EPIC = md("""
    ---
    id: EPIC-1
    kind: epic
    title: Checkout
    status: in-progress
    ---
""")
SPRINT = md("""
    ---
    id: S2026-23
    kind: sprint
    title: Sprint 23
    status: active
    start: 2026-06-01
    end: 2026-06-12
    goal: Shoppers can pay with a saved card.
    ---
""")


def story(item_id: str, sprint: str | None, status: str = "in-progress") -> str:
    """A story of EPIC-1 with one criterion; its `sprint` line is line 7, the value at col 9."""
    line = f"sprint: {sprint}\n" if sprint is not None else ""
    return (
        f"---\nid: {item_id}\nkind: story\ntitle: Pay\nstatus: {status}\nepic: EPIC-1\n{line}"
        "---\n## Acceptance criteria\n\n- AC-1: Given a card, when paying, then it is used.\n"
    )


def sprint_file(item_id: str, start: str, end: str) -> str:
    """A sprint whose `start` is on line 6 (value at col 8)."""
    return (
        f"---\nid: {item_id}\nkind: sprint\ntitle: {item_id}\nstatus: planned\n"
        f"start: {start}\nend: {end}\n---\n"
    )


WORLD = {
    "product/epics/EPIC-1.md": EPIC,
    "product/sprints/S2026-23.md": SPRINT,
    "product/stories/STORY-1.md": story("STORY-1", "S2026-23"),
}

Check = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def check(run_main: RunCli) -> Check:
    """`roadmark check --format json` in a project: its problems, the exit status asserted
    (1 when any is an error, else 0) and never a traceback."""

    def run(root: Path, *args: str) -> list[dict[str, Any]]:
        result = run_main("check", "--format", "json", *args, cwd=root)
        assert "Traceback" not in result.output
        problems: list[dict[str, Any]] = json.loads(result.out)
        errors = any(problem["severity"] == "error" for problem in problems)
        assert result.code == (1 if errors else 0), result.output
        return problems

    return run


def located(problem: dict[str, Any]) -> tuple[str, str, str, int, int, str]:
    """A problem's code, severity, file, line, column and rule name."""
    return (
        problem["code"],
        problem["severity"],
        problem["path"],
        problem["line"],
        problem["col"],
        problem["rule"],
    )


# --- Free text until the first sprint (AC-4) -----------------------------------------------


@pytest.mark.roadmark("STORY-92/AC-4")
def test_free_text_sprints_stay_clean_without_sprint_items(
    write_product: WriteProduct, check: Check, run_main: RunCli
) -> None:
    files = {
        "product/epics/EPIC-1.md": EPIC,
        "product/stories/STORY-1.md": story("STORY-1", "2026-S23", status="done"),
        "product/stories/STORY-2.md": story("STORY-2", "Sprint 24"),
        "product/stories/STORY-3.md": story("STORY-3", "EPIC-1"),  # an id, but text here
    }
    root = write_product(files, mkdocs=CONFIG)
    assert check(root) == []
    export = json.loads(run_main("export", cwd=root).out)
    sprints = {item["id"]: item["fields"].get("sprint") for item in export["items"]}
    assert sprints == {
        "EPIC-1": None,
        "STORY-1": "2026-S23",
        "STORY-2": "Sprint 24",
        "STORY-3": "EPIC-1",
    }
    assert [link for link in export["links"] if link["field"] == "sprint"] == []
    epic = next(item for item in export["items"] if item["id"] == "EPIC-1")
    assert epic["referenced_by"] == ["STORY-1", "STORY-2", "STORY-3"]  # through `epic` only


@pytest.mark.roadmark("STORY-92/AC-4")
def test_a_free_text_sprint_shows_as_written_on_the_site(write_product: WriteProduct) -> None:
    files = {
        "docs/index.md": "# Home\n",
        "product/epics/EPIC-1.md": EPIC,
        "product/stories/STORY-1.md": story("STORY-1", "2026-S23", status="done"),
        "product/stories/STORY-2.md": story("STORY-2", "EPIC-1"),
    }
    site = build(write_product(files, mkdocs=mkdocs_config()), strict=True)
    assert site.warnings == []
    for page, shown in [("STORY-1", "2026-S23"), ("STORY-2", "EPIC-1")]:
        card = site.article(f"product/stories/{page}.md").find(cls="roadmark-card")
        assert card is not None
        rows = [row.find_all("td") for row in card.find_all("tr")[1:]]
        value = {cells[0].text: cells[1] for cells in rows}["Sprint"]
        assert (value.text, value.links) == (shown, [])  # text, not a link to EPIC-1


@pytest.mark.roadmark("STORY-92/AC-4")
def test_the_authoring_guide_says_how_to_migrate() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs/authoring.md").read_text("utf-8")
    section = guide.split("#### Migrating a free-text sprint", 1)[1].split("\n### ", 1)[0]
    assert "`2026-S23` is not an id" in section
    assert "`S2026-23`" in section
    assert "roadmark new sprint --id S2026-23" in section


# --- A reference once sprints exist (AC-2) -------------------------------------------------


@pytest.mark.roadmark("STORY-92/AC-2")
def test_a_sprint_id_resolves_and_the_sprint_lists_its_stories(
    write_product: WriteProduct, check: Check, run_main: RunCli
) -> None:
    root = write_product(
        {**WORLD, "product/stories/STORY-2.md": story("STORY-2", "S2026-23")}, mkdocs=CONFIG
    )
    assert check(root) == []
    export = json.loads(run_main("export", cwd=root).out)
    sprint_links = [link for link in export["links"] if link["field"] == "sprint"]
    assert sprint_links == [
        {"source": "STORY-1", "field": "sprint", "target": "S2026-23"},
        {"source": "STORY-2", "field": "sprint", "target": "S2026-23"},
    ]
    sprint = next(item for item in export["items"] if item["id"] == "S2026-23")
    assert sprint["referenced_by"] == ["STORY-1", "STORY-2"]
    project = load_project(cwd=root)
    graph = load_product(project.root, project.settings).graph
    assert [ref.source for ref in graph.referrers("S2026-23", "sprint")] == ["STORY-1", "STORY-2"]
    (first, _) = graph.of_kind("story")
    referent = graph.referent(first, "sprint")
    assert referent is not None and referent.id == "S2026-23"
    assert graph.referent(first, "release") is None


@pytest.mark.roadmark("STORY-92/AC-2")
def test_a_sprint_naming_no_item_is_rm009_with_a_suggestion(
    write_product: WriteProduct, check: Check
) -> None:
    root = write_product(
        {**WORLD, "product/stories/STORY-1.md": story("STORY-1", "S2026-32")}, mkdocs=CONFIG
    )
    (problem,) = check(root)
    assert located(problem) == (
        "RM009",
        "error",
        "product/stories/STORY-1.md",
        7,
        9,
        "dangling-reference",
    )
    assert problem["message"] == ("sprint: no item has id 'S2026-32' (did you mean 'S2026-23'?)")


@pytest.mark.roadmark("STORY-92/AC-2")
def test_free_text_left_over_once_sprints_exist_is_rm009_saying_it_is_no_id(
    write_product: WriteProduct, check: Check
) -> None:
    root = write_product(
        {**WORLD, "product/stories/STORY-2.md": story("STORY-2", "2026-S23")}, mkdocs=CONFIG
    )
    (problem,) = check(root)
    assert located(problem)[:5] == ("RM009", "error", "product/stories/STORY-2.md", 7, 9)
    assert problem["message"].startswith("sprint: '2026-S23' is not an id (a letter, then")
    assert problem["message"].endswith("so it names no sprint (did you mean 'S2026-23'?)")


@pytest.mark.roadmark("STORY-92/AC-2")
def test_a_sprint_naming_another_kind_is_rm010(write_product: WriteProduct, check: Check) -> None:
    root = write_product(
        {**WORLD, "product/stories/STORY-1.md": story("STORY-1", "EPIC-1")}, mkdocs=CONFIG
    )
    (problem,) = check(root)
    assert located(problem) == (
        "RM010",
        "error",
        "product/stories/STORY-1.md",
        7,
        9,
        "wrong-kind-reference",
    )
    assert problem["message"] == "sprint: 'EPIC-1' is an epic, but sprint must name a sprint"


# --- Dates (AC-3) --------------------------------------------------------------------------


FUTURE = sprint_file("S2026-24", "2026-06-15", "2026-06-26")
INVERTED = sprint_file("S2026-24", "2026-06-26", "2026-06-15")
ONE_DAY = sprint_file("S2026-24", "2026-06-15", "2026-06-15")


@pytest.mark.roadmark("STORY-92/AC-3")
def test_a_done_story_in_a_sprint_starting_after_today_is_rm026(
    write_product: WriteProduct, check: Check
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": FUTURE,
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status="done"),
    }
    (problem,) = check(write_product(files, mkdocs=CONFIG))
    assert located(problem) == (
        "RM026",
        "warning",
        "product/stories/STORY-2.md",
        7,
        9,
        "done-in-future-sprint",
    )
    assert problem["message"] == (
        "STORY-2 is 'done', but its sprint S2026-24 starts on 2026-06-15, after today (2026-06-03)"
    )


@pytest.mark.roadmark("STORY-92/AC-3")
def test_the_export_lists_rm026_among_its_problems(
    write_product: WriteProduct, run_main: RunCli
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": FUTURE,
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status="done"),
    }
    result = run_main("export", "--format", "json", cwd=write_product(files, mkdocs=CONFIG))
    assert result.code == 0, result.output
    codes = [problem["code"] for problem in json.loads(result.out)["problems"]]
    assert codes == ["RM026"]


@pytest.mark.roadmark("STORY-92/AC-3")
@pytest.mark.parametrize(
    ("start", "status", "reported"),
    [
        pytest.param("2026-06-03", "done", False, id="starts-today"),
        pytest.param("2026-06-04", "done", True, id="starts-tomorrow"),
        pytest.param("2026-06-04", "review", False, id="not-done-yet"),
        pytest.param("2026-06-04", "cancelled", False, id="closed-is-not-done"),
    ],
)
def test_rm026_counts_from_the_day_after_today_and_only_the_done_state(
    write_product: WriteProduct, check: Check, start: str, status: str, reported: bool
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": sprint_file("S2026-24", start, "2026-06-26"),
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status=status),
    }
    codes = [problem["code"] for problem in check(write_product(files, mkdocs=CONFIG))]
    assert codes == (["RM026"] if reported else [])


@pytest.mark.roadmark("STORY-92/AC-3")
def test_rm026_takes_today_from_source_date_epoch_without_the_option(
    write_product: WriteProduct, check: Check, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": FUTURE,
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status="done"),
    }
    root = write_product(files, mkdocs={"site_name": "Sprints", "plugins": ["roadmark"]})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1781049600")  # 2026-06-10
    (problem,) = check(root)
    assert problem["message"].endswith("starts on 2026-06-15, after today (2026-06-10)")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1781481600")  # 2026-06-15: it has started
    assert check(root) == []


@pytest.mark.roadmark("STORY-92/AC-3")
def test_a_sprint_ending_before_it_starts_is_rm015_at_its_start(
    write_product: WriteProduct, check: Check
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": sprint_file("S2026-24", "2026-06-26", "2026-06-15"),
    }
    (problem,) = check(write_product(files, mkdocs=CONFIG))
    assert located(problem) == (
        "RM015",
        "error",
        "product/sprints/S2026-24.md",
        6,
        8,
        "dates-inverted",
    )
    assert problem["message"] == "start 2026-06-26 is after end 2026-06-15"


def test_a_one_day_sprint_is_not_inverted(write_product: WriteProduct, check: Check) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": sprint_file("S2026-24", "2026-06-15", "2026-06-15"),
    }
    assert check(write_product(files, mkdocs=CONFIG)) == []


def test_rm015_keeps_its_former_name_in_the_rules_option(
    write_product: WriteProduct, check: Check
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": sprint_file("S2026-24", "2026-06-26", "2026-06-15"),
    }
    config = {
        "site_name": "Sprints",
        "plugins": [{"roadmark": {"today": TODAY, "rules": {"release-dates-inverted": "warning"}}}],
    }
    (problem,) = check(write_product(files, mkdocs=config))
    assert (problem["code"], problem["severity"]) == ("RM015", "warning")
    assert RULES["RM015"].name == "dates-inverted"


def test_rm026_can_be_turned_off_by_name(write_product: WriteProduct, check: Check) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": FUTURE,
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status="done"),
    }
    config = {
        "site_name": "Sprints",
        "plugins": [{"roadmark": {"today": TODAY, "rules": {"done-in-future-sprint": "off"}}}],
    }
    assert check(write_product(files, mkdocs=config)) == []


# --- roadmark new sprint (AC-1) ------------------------------------------------------------


def front_matter(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(data, dict)
    return data


@pytest.mark.roadmark("STORY-92/AC-1")
def test_new_sprint_writes_sprint_1_that_checks_clean(
    write_product: WriteProduct, check: Check, run_main: RunCli
) -> None:
    root = write_product(
        {"product/epics/EPIC-1.md": EPIC, "product/stories/STORY-1.md": story("STORY-1", None)},
        mkdocs=CONFIG,
    )
    created = run_main("new", "sprint", cwd=root)
    assert (created.code, created.out, created.err) == (0, "product/sprints/SPRINT-1.md\n", "")
    assert front_matter(root / "product/sprints/SPRINT-1.md") == {
        "id": "SPRINT-1",
        "kind": "sprint",
        "title": "Untitled sprint",
        "status": "planned",  # the first state of planned → active → closed
        "start": date(2026, 6, 3),  # today
        "end": date(2026, 6, 16),  # its last day, two weeks on
        "goal": "What the sprint is for, in one sentence.",
    }
    assert check(root) == []
    project = load_project(cwd=root)
    assert project.settings.kinds["sprint"].statuses == ("planned", "active", "closed")


@pytest.mark.roadmark("STORY-92/AC-1")
def test_the_next_new_sprint_follows_on_and_a_story_can_join_it(
    write_product: WriteProduct, check: Check, run_main: RunCli
) -> None:
    root = write_product({"product/epics/EPIC-1.md": EPIC}, mkdocs=CONFIG)
    assert run_main("new", "sprint", cwd=root).code == 0
    second = run_main("new", "sprint", "--title", "Sprint 2", "--goal", "Pay by card", cwd=root)
    assert second.out == "product/sprints/SPRINT-2.md\n"
    data = front_matter(root / "product/sprints/SPRINT-2.md")
    assert (data["start"], data["end"], data["goal"]) == (
        date(2026, 6, 17),
        date(2026, 6, 30),
        "Pay by card",
    )
    joined = run_main("new", "story", "--epic", "EPIC-1", "--sprint", "SPRINT-2", cwd=root)
    assert joined.code == 0, joined.output
    assert front_matter(root / "product/stories/STORY-1.md")["sprint"] == "SPRINT-2"
    refused = run_main("new", "story", "--sprint", "SPRINT-7", cwd=root)
    assert refused.code == 2
    assert refused.err.splitlines() == [
        "product/stories/STORY-2.md:6:9: error RM009: sprint: no item has id 'SPRINT-7' "
        "(did you mean 'SPRINT-2'?)",
        "roadmark: error: nothing written",
    ]
    assert check(root) == []


def test_a_first_sprint_says_which_free_text_values_now_name_nothing(
    write_product: WriteProduct, run_main: RunCli
) -> None:
    root = write_product(
        {
            "product/epics/EPIC-1.md": EPIC,
            "product/stories/STORY-1.md": story("STORY-1", "2026-S23"),
            "product/stories/STORY-2.md": story("STORY-2", "2026-S24"),
        },
        mkdocs=CONFIG,
    )
    created = run_main("new", "sprint", "--id", "S2026-23", cwd=root)
    assert created.code == 0
    assert created.err == (
        "roadmark: note: with sprint items, `sprint` must name one by id; "
        "2 items name none yet (see `roadmark check`)\n"
    )


@pytest.mark.roadmark("STORY-92/AC-3")
def test_check_staged_reports_rm026_as_the_working_tree_does(
    write_product: WriteProduct, run_cli: RunCli
) -> None:
    files = {
        **WORLD,
        "product/sprints/S2026-24.md": FUTURE,
        "product/stories/STORY-2.md": story("STORY-2", "S2026-24", status="done"),
    }
    root = write_product(files, mkdocs=CONFIG)
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    expected = [
        "product/stories/STORY-2.md:7:9: warning RM026: STORY-2 is 'done', but its sprint "
        "S2026-24 starts on 2026-06-15, after today (2026-06-03)"
    ]
    for args in ([], ["--staged"]):
        result = run_cli("check", *args, cwd=root)
        assert (result.code, result.out.splitlines()) == (0, expected), result.output
