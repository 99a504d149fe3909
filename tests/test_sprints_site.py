"""Sprint pages, boards and velocity in a built site (STORY-93, STORY-94), and the sprint
plan's figures: committed and completed points, carry-over, board order, velocity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roadmaps import load_specs
from roadmark.plan.sprints import SprintsPlan, plan_sprints
from roadmark.render.velocity import rolling_averages
from roadmark.spec.settings import Settings
from sites import Node, Site, build, md, parse, pluglet, section, spec, table, write_project
from sprint_products import CAPACITY, FILES, TODAY, sprint_config

MACROS = {
    "macros": {"modules": ["roadmark.macros"], "on_undefined": "strict", "on_error_fail": True}
}
STATUS_PAGE = {
    "docs/index.md": "# Home\n",
    "docs/status.md": md(
        """
        # Status

        {{ sprint_board("SPRINT-3") }}

        ## Web

        {{ velocity("web") }}
        """
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("sprints-site")
    write_project(root, FILES | STATUS_PAGE, sprint_config(MACROS))
    return build(root)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> SprintsPlan:
    product = load_specs(tmp_path_factory.mktemp("sprints-plan"), FILES)
    return plan_sprints(product.graph, product.settings, CAPACITY, TODAY)


def ids(stories: Any) -> list[str]:
    return [story.id for story in stories]


def board_of(node: Node) -> dict[str, list[str]]:
    """A rendered board: each column's state and the ids on its cards, top to bottom."""
    board = node.find(cls="roadmark-kanban")
    assert board is not None, "no board"
    columns = {}
    for column in board.find_all(cls="roadmark-kanban__column"):
        state = column.find(cls="roadmark-status")
        assert state is not None
        columns[state.text] = [li.find("a").text for li in column.find_all("li")]  # type: ignore[union-attr]
    return columns


# --- The plan, with known figures ------------------------------------------------------------


@pytest.mark.roadmark("STORY-93/AC-1")
def test_committed_and_completed_points_and_carry_over(plan: SprintsPlan) -> None:
    figures = {
        sprint_id: (sprint.committed, sprint.unestimated, sprint.completed)
        for sprint_id, sprint in plan.sprints.items()
    }
    assert figures == {
        "SPRINT-1": (10, 0, 5),  # STORY-1 3 done, STORY-2 5, STORY-15 2 done
        "SPRINT-5": (13, 0, 13),
        "SPRINT-2": (11, 0, 11),  # STORY-5 is cancelled: out of both
        "SPRINT-3": (17, 1, 4),  # STORY-8 has no estimate
        "SPRINT-6": (13, 0, 0),
        "SPRINT-4": (0, 0, 0),
    }
    sprints = plan.sprints
    assert [sprints[s].previous for s in ("SPRINT-1", "SPRINT-2", "SPRINT-3", "SPRINT-4")] == [
        None, "SPRINT-1", "SPRINT-2", "SPRINT-3",
    ]  # fmt: skip
    assert sprints["SPRINT-6"].previous == "SPRINT-5"  # a team's own sprints only
    assert ids(sprints["SPRINT-2"].carry_over or ()) == ["STORY-2"]
    assert sprints["SPRINT-3"].carry_over == ()  # SPRINT-2 finished all it kept
    assert sprints["SPRINT-4"].carry_over is None  # SPRINT-3 ends today: not over yet
    assert sprints["SPRINT-1"].carry_over is None


@pytest.mark.roadmark("STORY-93/AC-2")
def test_a_sprint_board_has_a_column_per_state_by_priority_then_id(plan: SprintsPlan) -> None:
    board = {column.state: ids(column.stories) for column in plan.sprints["SPRINT-3"].board}
    assert board == {
        "backlog": [],
        "ready": ["STORY-8"],
        "in-progress": ["STORY-7"],
        "review": ["STORY-6"],
        "done": ["STORY-9", "STORY-16"],
    }


@pytest.mark.roadmark("STORY-94/AC-1")
def test_velocity_is_completed_points_per_closed_sprint_and_the_average_of_the_last_three(
    tmp_path: Path,
) -> None:
    files = dict(FILES)
    completed = {7: 2, 8: 4, 9: 6, 10: 8}
    for number, points in completed.items():
        sprint_id = f"SPRINT-{number}"
        files[f"product/sprints/{sprint_id}.md"] = spec(
            sprint_id, "sprint", sprint_id, "closed",
            start=f"2026-0{number - 6}-01", end=f"2026-0{number - 6}-10", team="ops",
        )  # fmt: skip
        files[f"product/stories/STORY-{number}0.md"] = spec(
            f"STORY-{number}0", "story", "Ops", "done", "## Acceptance criteria\n\n- AC-1: x.\n",
            team="ops", sprint=sprint_id, estimate=points,
        )  # fmt: skip
    product = load_specs(tmp_path, files)
    velocity = {
        found.team: (found.sprints, found.average)
        for found in plan_sprints(product.graph, Settings(), CAPACITY, TODAY).velocity
    }
    assert velocity == {
        "api": ((("SPRINT-5", 13.0),), 13.0),
        "ops": (
            (("SPRINT-7", 2.0), ("SPRINT-8", 4.0), ("SPRINT-9", 6.0), ("SPRINT-10", 8.0)),
            6.0,  # (4 + 6 + 8) / 3
        ),
        "web": ((("SPRINT-1", 5.0), ("SPRINT-2", 11.0)), 8.0),
    }
    assert rolling_averages((2, 4, 6, 8)) == (2, 3, 4, 6)


# --- The site ----------------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-93/AC-1")
def test_a_sprint_page_shows_goal_dates_points_and_carry_over(site: Site) -> None:
    article = site.article("product/sprints/SPRINT-3.md")
    part = section(article, "sprint")
    text = part.text
    card = article.find(cls="roadmark-card")
    assert card is not None and "Ranking <b>v2</b>" in card.text.replace("\u2060", "")
    assert "active · 2026-03-16 → 2026-03-20 · team web" in text
    assert "Committed: 17 points in 5 stories (1 story without an estimate)" in text
    assert "Completed: 4 points" in text
    assert article.find("b") is None  # the goal's markup stays text
    assert "Nothing left unfinished in SPRINT-2." in text
    carried = section(site.article("product/sprints/SPRINT-2.md"), "sprint")
    assert "Left unfinished in SPRINT-1, the team's previous sprint: 1 story." in carried.text
    rows = table(carried.find_all("table")[-1]).as_dicts()
    assert [(row["Story"].text, row["Status"].text, row["Estimate"].text) for row in rows] == [
        ("STORY-2", "in-progress", "5")
    ]
    link = rows[0]["Story"].find("a")
    assert link is not None
    assert site.resolve("product/sprints/SPRINT-2.md", link.get("href")) == (
        "product/stories/STORY-2/index.html", "",
    )  # fmt: skip
    ended = section(site.article("product/sprints/SPRINT-4.md"), "sprint").text
    assert "SPRINT-3, the team's previous sprint, has not ended yet." in ended


@pytest.mark.roadmark("STORY-93/AC-2")
def test_sprint_and_release_pages_have_boards_by_workflow_state(site: Site) -> None:
    sprint = section(site.article("product/sprints/SPRINT-3.md"), "sprint")
    assert board_of(sprint) == {
        "backlog": [], "ready": ["STORY-8"], "in-progress": ["STORY-7"],
        "review": ["STORY-6"], "done": ["STORY-9", "STORY-16"],
    }  # fmt: skip
    release = section(site.article("product/releases/R2.md"), "board")
    assert board_of(release) == {
        "backlog": [], "ready": [], "in-progress": ["STORY-12"], "review": [], "done": [],
    }  # fmt: skip
    card = release.find("li")
    assert card is not None and card.text == "STORY-12 Story 12 8 points · api"
    r1 = board_of(section(site.article("product/releases/R1.md"), "board"))
    assert "STORY-5" not in [story for column in r1.values() for story in column]  # cancelled
    assert r1["in-progress"] == ["STORY-7", "STORY-2"]  # P0 before no priority


@pytest.mark.roadmark("STORY-93/AC-2")
def test_the_product_board_lists_open_work_with_a_page_per_team(site: Site) -> None:
    article = site.article("product/board.md")
    assert board_of(article) == {
        "backlog": ["STORY-11", "STORY-13"],
        "ready": ["STORY-8", "STORY-14"],
        "in-progress": ["STORY-7", "STORY-12", "STORY-2"],  # P0, P1, then none
        "review": ["STORY-6"],
        # Done in an unreleased release (R1), or in an open sprint (STORY-16); not STORY-15
        # (released R0, closed sprint) nor STORY-17 (no release, closed sprint).
        "done": ["STORY-1", "STORY-3", "STORY-4", "STORY-9", "STORY-10", "STORY-16"],
    }
    teams = {a.text: site.resolve("product/board.md", a.get("href")) for a in article.links}
    assert teams["web"] == ("product/board-web/index.html", "")
    assert teams["api"] == ("product/board-api/index.html", "")
    assert board_of(site.article("product/board-api.md")) == {
        "backlog": ["STORY-11"], "ready": [], "in-progress": ["STORY-12"], "review": [],
        "done": ["STORY-10"],
    }  # fmt: skip
    web = board_of(site.article("product/board-web.md"))
    assert "STORY-13" not in [story for column in web.values() for story in column]  # no team
    nav = [a.text for a in site.page("index.md").find_all("a", cls="md-nav__link")]
    assert "Board" in nav and "Velocity" in nav
    assert not any(text.startswith("Board:") for text in nav)
    assert "<script" not in str(site.html("product/board.md")).split("roadmark-kanban")[1][:2000]


@pytest.mark.roadmark("STORY-94/AC-1")
def test_the_velocity_page_charts_each_team_with_a_data_table(site: Site) -> None:
    article = site.article("product/velocity.md")
    web = section(article, "web")
    chart = web.find("svg", cls="roadmark-chart__svg")
    assert chart is not None
    bars = [rect.find("title").text for rect in chart.find_all("rect")]  # type: ignore[union-attr]
    assert bars == [
        "SPRINT-1, Completed (points): 5",
        "SPRINT-1, Average of the last 3 (points): 5",
        "SPRINT-2, Completed (points): 11",
        "SPRINT-2, Average of the last 3 (points): 8",
    ]
    data = table(web.find("details")).as_dicts()  # type: ignore[arg-type]
    assert [[cell.text for cell in row.values()] for row in data] == [
        ["SPRINT-1", "5", "5"], ["SPRINT-2", "11", "8"],
    ]  # fmt: skip
    assert "web: 8 points per sprint, averaged over its last 2 closed sprints." in web.text
    api = section(article, "api")
    assert "api: 13 points per sprint, in its only closed sprint." in api.text
    capacity = table(section(article, "capacity")).as_dicts()
    assert [[cell.text for cell in row.values()] for row in capacity] == [
        ["SPRINT-3", "web", "17", "10", "over"],
        ["SPRINT-6", "api", "13", "12", "over"],
        ["SPRINT-4", "web", "0", "6", "within"],
    ]


def test_a_product_without_sprints_has_a_board_and_no_velocity_page(tmp_path: Path) -> None:
    files = {path: text for path, text in FILES.items() if not path.startswith("product/sprints/")}
    write_project(tmp_path, files | {"docs/index.md": "# Home\n"}, sprint_config())
    built = build(tmp_path)
    assert not (built.site_dir / "product" / "velocity").exists()
    assert board_of(built.article("product/board.md"))["in-progress"] == [
        "STORY-7", "STORY-12", "STORY-2",
    ]  # fmt: skip
    assert "Sprint" not in [
        h.text for h in built.article("product/stories/STORY-7.md").find_all("h2")
    ]


# --- The macros ----------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-93/AC-4")
def test_the_sprint_board_macro_shows_the_sprint_board(site: Site) -> None:
    article = site.article("status.md")
    assert board_of(article)["done"] == ["STORY-9", "STORY-16"]
    links = {a.text: a.get("href") for a in article.find(cls="roadmark-kanban").links}  # type: ignore[union-attr]
    assert site.resolve("status.md", links["STORY-7"]) == ("product/stories/STORY-7/index.html", "")


@pytest.mark.roadmark("STORY-94/AC-4")
def test_the_velocity_macro_shows_a_team_chart(site: Site) -> None:
    article = site.article("status.md")
    charts = article.find_all("figure", cls="roadmark-chart")
    assert [chart.find("figcaption").find("strong").text for chart in charts] == [  # type: ignore[union-attr]
        "Velocity of web"
    ]
    assert article.find("details", cls="roadmark-chart__data") is not None


@pytest.fixture
def render(tmp_path: Path) -> Any:
    """The pluglet on an env offering only `conf` and `macro`, loading the product itself."""
    write_project(tmp_path, FILES, sprint_config())
    return pluglet(tmp_path)


@pytest.mark.roadmark("STORY-94/AC-4")
def test_the_velocity_macro_shows_every_team_without_one_named(render: Any) -> None:
    out = parse(render("{{ velocity() }}"))
    titles = [node.text for node in out.find_all("strong") if node.text.startswith("Velocity")]
    assert titles == ["Velocity of api", "Velocity of web"]


@pytest.mark.roadmark("STORY-93/AC-4")
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            '{{ sprint_board("SPRINT-33") }}',
            r"'SPRINT-33' is not the id of a sprint \(did you mean 'SPRINT-3'\?\)",
        ),
        ('{{ sprint_board("R1") }}', "'R1' is not the id of a sprint"),
        ('{{ velocity("webb") }}', r"'webb' is not the team of a sprint \(did you mean 'web'\?\)"),
    ],
)
def test_an_unknown_sprint_or_team_is_a_macro_error_naming_it(
    render: Any, call: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render(call)


# --- The live preview --------------------------------------------------------------------


def _edited(files: dict[str, str], path: str, old: str, new: str) -> dict[str, str]:
    assert old in files[path], (path, old)
    return {**files, path: files[path].replace(old, new)}


EDITS = [
    # STORY-2 done: SPRINT-1's board and completed points, SPRINT-2's carry-over, web's velocity.
    ("product/stories/STORY-2.md", "status: in-progress", "status: done"),
    # STORY-16's estimate: SPRINT-3's committed points, now further over capacity.
    ("product/stories/STORY-16.md", "estimate: 3", "estimate: 13"),
    # SPRINT-3 moves to team api: SPRINT-4's previous sprint becomes SPRINT-2.
    ("product/sprints/SPRINT-3.md", "team: web", "team: api"),
]


@pytest.mark.roadmark("STORY-93/AC-1")
def test_the_preview_renders_again_every_sprint_page_an_edit_reaches(tmp_path: Path) -> None:
    from previews import Session, first_difference, fresh_build

    files = FILES | {"docs/index.md": "# Home\n"}
    session = Session(tmp_path, files, sprint_config())
    try:
        for number, (path, old, new) in enumerate(EDITS):
            files = _edited(files, path, old, new)
            _, log = session.apply(files)
            assert log is not None
            assert not [message for _, message in log if "full rebuild" in message], log
            reference = fresh_build(session.project, tmp_path / f"reference-{number}")
            assert first_difference(session.served.output(), reference) is None, path
    finally:
        session.close()


def test_with_git_history_a_sprint_page_shows_its_burndown(tmp_path: Path) -> None:
    from test_history_pages import git

    write_project(tmp_path, FILES | {"docs/index.md": "# Home\n"}, sprint_config())
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A", day="2026-03-17")
    git(tmp_path, "commit", "-q", "-m", "Plan", day="2026-03-17")
    part = section(build(tmp_path).article("product/sprints/SPRINT-3.md"), "sprint")
    captions = [node.text for node in part.find_all("figcaption")]
    assert captions and captions[0].startswith("Burndown of SPRINT-3")
    assert part.find("details", cls="roadmark-chart__data") is not None


@pytest.mark.roadmark("STORY-92/AC-2")
def test_a_story_card_links_its_sprint(site: Site) -> None:
    card = site.article("product/stories/STORY-2.md").find(cls="roadmark-card")
    assert card is not None
    rows = [row.find_all("td") for row in card.find_all("tr")[1:]]
    value = {cells[0].text: cells[1] for cells in rows}["Sprint"]
    assert value.text == "SPRINT-1"
    (link,) = value.find_all("a")
    assert site.resolve("product/stories/STORY-2.md", link.get("href")) == (
        "product/sprints/SPRINT-1/index.html", "",
    )  # fmt: skip


@pytest.mark.roadmark("STORY-93/AC-4")
def test_the_macros_show_the_sprints_the_build_planned_without_planning_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def again(*args: Any) -> SprintsPlan:
        raise AssertionError("the macros planned every sprint again")

    monkeypatch.setattr("roadmark.macros.plan_sprints", again)
    write_project(tmp_path, FILES | STATUS_PAGE, sprint_config(MACROS))
    built = build(tmp_path)
    assert board_of(built.article("status.md")) == board_of(
        built.article("product/sprints/SPRINT-3.md")
    )
