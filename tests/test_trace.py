"""Traceability (issue 5): coverage figures, gaps, the matrix, trace panels and the export.

The fixture `tests/fixtures/trace` has known answers:

- PRD-1 (R-1, R-2, R-3), PRD-2 (R-1), PRD-3 superseded (leaves the totals).
- STORY-1 (EPIC-1, implements PRD-1/R-1): AC-1 passed, AC-2 one pass and one fail, AC-3 skipped.
- STORY-2 (EPIC-1, implements PRD-1/R-1 and PRD-2/R-1, depends on STORY-1): AC-1 verified by a
  test naming it, AC-2 untested. Its title has quotes, brackets and `#`.
- STORY-3 (EPIC-1, depends on STORY-2): no criteria, implements nothing.
- STORY-4 (EPIC-2, implements PRD-2/R-1): AC-1 errored.
- STORY-5 cancelled (would implement PRD-1/R-2): leaves the totals.
- STORY-6: under no PRD; AC-1 passed. PRD-1/R-3 has a test naming it directly, but no story.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from mkdocs.exceptions import Abort

from roadmark.spec.product import load_product
from roadmark.spec.settings import settings_from_options
from roadmark.trace.coverage import Coverage, Trace, build_trace
from roadmark.trace.evidence import read_evidence
from sites import Node, Site, build, section, table

if TYPE_CHECKING:
    from conftest import RunCli

FIXTURE = Path(__file__).parent / "fixtures" / "trace"
TRACE = "product/trace.md"
TRACE_PRD_1 = "product/trace/PRD-1.md"
TRACE_PRD_2 = "product/trace/PRD-2.md"
STORY_1 = "product/stories/STORY-1.md"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture project, so builds write nothing into the repository."""
    root = tmp_path_factory.mktemp("trace") / "project"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture(scope="module")
def trace(project: Path) -> Trace:
    settings = settings_from_options({})
    product = load_product(project, settings)
    evidence = read_evidence(project, ["reports/*.xml"], product.graph, settings)
    assert (product.problems, evidence.problems) == ([], [])
    return build_trace(product, evidence)


@pytest.fixture(scope="module")
def site(project: Path) -> Site:
    """The fixture built with `--strict`: no warning from the trace or anything else."""
    return build(project, strict=True)


def figures(coverage: Coverage) -> list[tuple[int, int, int]]:
    return [(f.count, f.total, f.percent) for f in coverage.figures]


def gaps(coverage: Coverage) -> list[list[str]]:
    return [
        [c.address for c in coverage.requirements_without_story],
        [s.id for s in coverage.stories_without_criteria],
        [c.address for c in coverage.criteria_without_test],
        [c.address for c in coverage.failing_criteria],
    ]


# --- The coverage model --------------------------------------------------------------------


@pytest.mark.roadmark("STORY-34/AC-1", "STORY-34/AC-2")
def test_every_coverage_figure_and_gap_list(trace: Trace) -> None:
    """Requirements with a story, stories with criteria, criteria tested, criteria passing."""
    assert figures(trace.coverage) == [(2, 4, 50), (4, 5, 80), (6, 7, 85), (3, 7, 42)]
    assert gaps(trace.coverage) == [
        ["PRD-1/R-2", "PRD-1/R-3"],
        ["STORY-3"],
        ["STORY-2/AC-2"],
        ["STORY-1/AC-2", "STORY-4/AC-1"],
    ]


@pytest.mark.roadmark("STORY-34/AC-4")
def test_each_prd_has_its_own_figures_and_gaps(trace: Trace) -> None:
    """A story implementing two PRDs' requirements counts in both; PRD-3 is superseded."""
    names = [s.prd.id if s.prd else None for s in trace.prds]
    assert names == ["PRD-1", "PRD-2", None]
    prd_1, prd_2, outside = trace.prds
    assert [s.story.id for s in prd_1.stories] == ["STORY-1", "STORY-2", "STORY-3"]
    assert figures(prd_1.coverage) == [(1, 3, 33), (2, 3, 66), (4, 5, 80), (2, 5, 40)]
    assert gaps(prd_1.coverage) == [
        ["PRD-1/R-2", "PRD-1/R-3"],
        ["STORY-3"],
        ["STORY-2/AC-2"],
        ["STORY-1/AC-2"],
    ]
    assert [s.story.id for s in prd_2.stories] == ["STORY-2", "STORY-4"]
    assert figures(prd_2.coverage) == [(1, 1, 100), (2, 2, 100), (2, 3, 66), (1, 3, 33)]
    assert gaps(prd_2.coverage) == [[], [], ["STORY-2/AC-2"], ["STORY-4/AC-1"]]
    assert [s.story.id for s in outside.stories] == ["STORY-6"]
    assert figures(outside.coverage) == [(0, 0, 0), (1, 1, 100), (1, 1, 100), (1, 1, 100)]


@pytest.mark.roadmark("STORY-34/AC-3", "STORY-32/AC-3")
def test_the_result_of_each_criterion(trace: Trace) -> None:
    """One pass and one fail is failing; an error is failing; skipped alone is not verified."""
    assert {address: c.state for address, c in trace.criteria.items()} == {
        "STORY-1/AC-1": "verified",
        "STORY-1/AC-2": "failing",
        "STORY-1/AC-3": "skipped",
        "STORY-2/AC-1": "verified",
        "STORY-2/AC-2": "untested",
        "STORY-4/AC-1": "failing",
        "STORY-6/AC-1": "verified",
    }
    results = [(t.name, t.result) for t in trace.criteria["STORY-1/AC-2"].tests]
    assert results == [("test_reads_every_file", "passed"), ("test_reports_the_line", "failed")]
    assert [t.name for t in trace.requirements["PRD-1/R-3"].tests] == ["test_offline"]


def test_closed_items_leave_the_trace(trace: Trace) -> None:
    assert "STORY-5" not in trace.stories
    assert "STORY-5/AC-1" not in trace.criteria
    assert "PRD-3/R-1" not in trace.requirements
    assert trace.requirements["PRD-1/R-2"].stories == ()


# --- Export --------------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-37/AC-2")
def test_the_csv_matrix_equals_the_expected_file(project: Path, run_cli: RunCli) -> None:
    """One row per requirement × story × criterion × test, gaps included."""
    result = run_cli("export", "--format", "csv", "--view", "trace", cwd=project)
    assert (result.code, result.err) == (0, "")
    expected = (FIXTURE / "expected-trace.csv").read_text(encoding="utf-8")
    assert result.out.splitlines() == expected.splitlines()


def test_export_takes_test_results_from_the_command_line(project: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "export", "--view", "trace", "--test-results", "nowhere/*.xml", cwd=project / "docs"
    )
    assert result.code == 0
    assert "nowhere/*.xml" in result.err and "RM021" in result.err
    data = json.loads(result.out)
    assert data["results_files"] == []
    assert data["coverage"]["criteria_with_test"] == {"count": 0, "percent": 0, "total": 7}


@pytest.mark.roadmark("STORY-37/AC-1")
def test_roadmark_json_lists_each_criterions_tests_and_results(site: Site) -> None:
    data = json.loads((site.site_dir / "roadmark.json").read_text(encoding="utf-8"))
    trace = data["trace"]
    assert trace["results_files"] == ["reports/junit.xml"]
    assert trace["test_cases"] == 8
    criteria = {c["address"]: c for c in trace["criteria"]}
    assert criteria["STORY-1/AC-2"]["result"] == "failing"
    assert [(t["name"], t["result"]) for t in criteria["STORY-1/AC-2"]["tests"]] == [
        ("test_reads_every_file", "passed"),
        ("test_reports_the_line", "failed"),
    ]
    assert criteria["STORY-1/AC-2"]["tests"][1]["message"] == "expected line 3, got 4"
    requirements = {r["address"]: r for r in trace["requirements"]}
    assert requirements["PRD-2/R-1"]["stories"] == ["STORY-2", "STORY-4"]
    assert trace["coverage"]["criteria_passing"] == {"count": 3, "total": 7, "percent": 42}
    assert [p["prd"] for p in trace["prds"]] == ["PRD-1", "PRD-2", None]
    assert trace["coverage"]["gaps"]["stories_without_criteria"] == ["STORY-3"]


# --- The site ------------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-34/AC-1", "STORY-34/AC-4")
def test_the_trace_page_shows_the_figures_overall_and_per_prd(site: Site) -> None:
    article = site.article(TRACE)
    overall = table(section(article, "coverage"))
    assert overall.column("Count") == ["2 of 4", "4 of 5", "6 of 7", "3 of 7"]
    assert overall.column("Share") == ["50%", "80%", "85%", "42%"]
    by_prd = table(section(article, "by-prd"))
    assert by_prd.column("PRD") == ["PRD-1", "PRD-2", "outside any PRD"]
    assert by_prd.column("Criteria whose tests all pass") == [
        "2 of 5 (40%)",
        "1 of 3 (33%)",
        "1 of 1 (100%)",
    ]
    # Each PRD's figures head its own page, which the PRD column links to.
    links = section(article, "by-prd").find("table").links  # type: ignore[union-attr]
    assert [href for _, href, _ in site.links_to(TRACE, links)] == [
        "product/trace/PRD-1/index.html",
        "product/trace/PRD-2/index.html",
        "product/trace/no-prd/index.html",
    ]
    prd_2 = section(site.article(TRACE_PRD_2), "coverage")
    assert table(prd_2).column("Count") == ["1 of 1", "2 of 2", "2 of 3", "1 of 3"]
    assert "Test results: 8 test cases read from reports/junit.xml" in article.text


@pytest.mark.roadmark("STORY-34/AC-2")
def test_the_trace_page_lists_the_gaps_as_links(site: Site) -> None:
    gap_lists = section(site.article(TRACE), "gaps")
    found = {
        (node.find("summary") or node.find("strong")).text: site.links_to(TRACE, node.links)  # type: ignore[union-attr]
        for node in gap_lists.find_all(cls="roadmark-gap")
    }
    assert found == {
        "Requirements with no story (2)": [
            ("PRD-1/R-2", "product/prds/PRD-1/index.html", "r-2"),
            ("PRD-1/R-3", "product/prds/PRD-1/index.html", "r-3"),
        ],
        "Stories with no criteria (1)": [("STORY-3", "product/stories/STORY-3/index.html", "")],
        "Criteria with no test (1)": [
            ("STORY-2/AC-2", "product/stories/STORY-2/index.html", "ac-2")
        ],
        "Failing criteria (2)": [
            ("STORY-1/AC-2", "product/stories/STORY-1/index.html", "ac-2"),
            ("STORY-4/AC-1", "product/stories/STORY-4/index.html", "ac-1"),
        ],
    }


def test_the_matrix_shows_each_criterion_with_its_tests_and_results(site: Site) -> None:
    """A PRD's page holds its matrix: a table per requirement (its text shown once, above
    it), a row per criterion of each story implementing it (the story's title on its first
    row), then the stories implementing none of the PRD's requirements."""
    blocks = section(site.article(TRACE_PRD_1), "matrix").find_all(cls="roadmark-matrix")
    found = {}
    for block in blocks:
        head = block.find(cls="roadmark-matrix__requirement")
        assert head is not None
        grid = block.find("table")
        rows = (
            []
            if grid is None
            else [
                [" ".join(" ".join(map(_text, cell.children)).split()) for cell in row]
                for row in table(grid).rows
            ]
        )
        found[head.text.split(" ")[0]] = (rows, block.find(cls="roadmark-matrix__none") is not None)
    at = "tests.test_check · reports/junit.xml · 2026-11-30 09:15"
    assert found == {
        "R-1": (
            [
                ["STORY-1 Check a folder", "AC-1 Given a folder, when it is checked, then every "
                 "file is read.", "verified", f"test_reads_every_file passed {at}"],
                ["STORY-1", "AC-2 Given a broken file, when it is checked, then "
                 "its line is reported.", "failing", f"test_reads_every_file passed {at} "
                 f"test_reports_the_line failed {at} Message expected line 3, got 4"],
                ["STORY-1", "AC-3 Given a huge folder, when it is checked, then "
                 "it takes under a second.", "skipped", f"test_is_fast skipped {at} Skipped "
                 "because benchmarks run nightly"],
                ['STORY-2 Report <\u2060cycles> "and [brackets]" in C#', "AC-1 Given a dependency "
                 "cycle, when checked, then the cycle is reported.", "verified",
                 f"test_cycle_reported[STORY-2/AC-1] passed {at}"],
                ["STORY-2", "AC-2 Given no cycle, "
                 "when checked, then nothing is reported.", "untested", ""],
            ],
            False,
        ),
        "R-2": ([], True),
        "R-3": (
            [["the requirement itself", "", "verified", f"test_offline passed {at}"]],
            True,
        ),
        "Stories": ([["STORY-3 Explain rules", "no criteria", "", ""]], False),
    }  # fmt: skip


def _text(child: object) -> str:
    return child.text if isinstance(child, Node) else " ".join(str(child).split())


@pytest.mark.roadmark("STORY-35/AC-1")
def test_story_pages_show_evidence_and_the_trace_panel(site: Site) -> None:
    article = site.article(STORY_1)
    badges = {
        item.find("a", cls="roadmark-clause").text: item.find(cls="roadmark-result").text  # type: ignore[union-attr]
        for item in article.find_all("li")
        if item.find("a", cls="roadmark-clause")
    }
    assert badges == {"AC-1": "verified", "AC-2": "failing", "AC-3": "skipped"}
    upstream = table(section(article, "roadmark-upstream"))
    assert upstream.column("Kind") == ["PRD", "Epic", "Requirement"]
    assert upstream.column("Item") == ["PRD-1", "EPIC-1", "PRD-1/R-1"]
    downstream = table(section(article, "roadmark-downstream"))
    assert downstream.column("Result") == ["verified", "failing", "skipped"]
    first = downstream.as_dicts()[0]["Tests"]
    assert first.find("code").text == "test_reads_every_file"  # type: ignore[union-attr]
    assert "roadmark-result--passed" in first.find("span").classes  # type: ignore[union-attr]


@pytest.mark.roadmark("STORY-35/AC-2")
def test_the_prd_page_marks_a_requirement_without_story(site: Site) -> None:
    article = site.article("product/prds/PRD-1.md")
    rows = table(section(article, "roadmark-by-requirement")).as_dicts()
    assert [(r["Requirement"].text, r["Stories"].text) for r in rows] == [
        ("R-1", "2"),
        ("R-2", "no story"),
        ("R-3", "no story"),
    ]


@pytest.mark.roadmark("STORY-36/AC-1", "STORY-36/AC-2")
def test_an_epic_page_charts_its_stories_dependencies(site: Site) -> None:
    """A node per story, an edge per dependency, titles escaped in the SVG."""
    chart = site.article("product/epics/EPIC-1.md").find("svg", cls="roadmark-deps__chart")
    assert chart is not None
    nodes = {
        node.attrs["data-roadmark-id"]: node for node in chart.find_all(cls="roadmark-deps__node")
    }
    assert list(nodes) == ["STORY-1", "STORY-2", "STORY-3", "STORY-5"]
    # A column per step of the chain STORY-1 → STORY-2 → STORY-3; STORY-5 depends on nothing.
    left = {key: int(node.find("rect").attrs["x"]) for key, node in nodes.items()}  # type: ignore[union-attr]
    assert left["STORY-1"] == left["STORY-5"] < left["STORY-2"] < left["STORY-3"]
    assert len(chart.find_all(cls="roadmark-deps__edge")) == 2
    title = nodes["STORY-2"].find("title")
    assert title is not None
    assert title.text.startswith('STORY-2 · Report <\u2060cycles> "and [brackets]" in C#')
    assert "roadmark-deps--cancelled" in nodes["STORY-5"].classes
    page = site.html("product/epics/EPIC-1.md")
    assert "<cycles>" not in page and "mermaid" not in page


@pytest.mark.roadmark("STORY-36/AC-3")
def test_an_epic_without_dependencies_has_no_chart(site: Site) -> None:
    assert site.article("product/epics/EPIC-2.md").find("svg", cls="roadmark-deps__chart") is None


# --- Missing results -----------------------------------------------------------------------


def _with_options(project: Path, target: Path, **options: object) -> Path:
    shutil.copytree(project, target)
    config = yaml.safe_load((target / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"][1]["roadmark"].update(options)
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return target


def test_missing_results_fail_a_strict_build(project: Path, tmp_path: Path) -> None:
    root = _with_options(project, tmp_path / "p", test_results=["reports/missing.xml"])
    with pytest.raises(Abort):
        build(root, strict=True)
    messages = build(root).warnings
    assert any("RM021" in m and "reports/missing.xml" in m for m in messages), messages


def test_optional_results_build_strict_and_the_page_says_none_were_read(
    project: Path, tmp_path: Path
) -> None:
    root = _with_options(
        project, tmp_path / "p", test_results=["reports/missing.xml"], test_results_required=False
    )
    site = build(root, strict=True)
    assert site.warnings == []
    assert any("reports/missing.xml" in text for _, text in site.messages)
    article = site.article(TRACE)
    assert article.find(cls="admonition").text.startswith("No test results")  # type: ignore[union-attr]
    assert table(section(article, "coverage")).column("Count")[2] == "0 of 7"
    # No results at all: criteria carry no badge rather than a wall of "untested", and the
    # lists of untested criteria say why they are empty.
    untested = site.article("product/trace/untested-criteria.md").text
    assert "No test results were read, so none is listed." in untested
    assert site.article(TRACE_PRD_1).find("tr") is not None  # the matrix is still there
    assert (
        "No test results were read." in section(site.article(TRACE_PRD_1), "untested-criteria").text
    )
    assert site.article(STORY_1).find("li").find(cls="roadmark-result") is None  # type: ignore[union-attr]
