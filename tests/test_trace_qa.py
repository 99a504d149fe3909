"""Traceability QA can work from (STORY-75): text beside ids, failing rows styled as errors,
each test's result, folded message, class or file and report time, failing and untested
lists by PRD and by release, and a hub with one page per PRD.

The product: PRD-1 (R-1, with a long text) and PRD-2 (R-1); release REL-1 (dated) and
REL-2. STORY-1 (PRD-1, REL-1): AC-1 passed, AC-2 failed with a message carrying an HTML
payload. STORY-2 (PRD-1, REL-2): AC-1 untested. STORY-3 (PRD-2, REL-2): AC-1 errored in a
test with no class but a file, AC-2 untested.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from roadmark.trace.junit import parse_junit
from sites import Node, Site, build, mkdocs_config, section, spec, table, write_project

PAYLOAD = "<img src=x onerror=alert(1)>"
LONG = "The system shall " + "check every file of the product folder, " * 8 + "at once."
RESULTS = f"""<?xml version="1.0" encoding="utf-8"?>
<testsuites name="qa" timestamp="not a time">
  <testsuite name="pytest" timestamp="2026-11-30T09:15:02.123456">
    <testcase classname="tests.test_check" name="test_reads">
      <properties><property name="roadmark" value="STORY-1/AC-1"/></properties>
    </testcase>
    <testcase classname="tests.test_check" name="test_line">
      <properties><property name="roadmark" value="STORY-1/AC-2"/></properties>
      <failure message="{html.escape(PAYLOAD)} expected 3, got 4">Traceback</failure>
    </testcase>
    <testcase name="test_pages" file="tests/test_site.py">
      <properties><property name="roadmark" value="STORY-3/AC-1"/></properties>
      <error message="ConnectionError"/>
    </testcase>
  </testsuite>
</testsuites>
"""
FILES = {
    "product/prds/PRD-1.md": spec(
        "PRD-1", "prd", "Checking", "approved", f"## Requirements\n\n- R-1: {LONG}\n"
    ),
    "product/prds/PRD-2.md": spec(
        "PRD-2", "prd", "Publishing", "approved", "## Requirements\n\n- R-1: Publish pages.\n"
    ),
    "product/epics/EPIC-1.md": spec("EPIC-1", "epic", "Check", "in-progress", prd="PRD-1"),
    "product/epics/EPIC-2.md": spec("EPIC-2", "epic", "Publish", "in-progress", prd="PRD-2"),
    "product/releases/REL-1.md": spec("REL-1", "release", "First", "planned", date="2027-01-15"),
    "product/releases/REL-2.md": spec("REL-2", "release", "Second", "planned", date="2027-03-01"),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", "Check a folder", "in-progress",
        "## Acceptance criteria\n\n- AC-1: Every file is read.\n"
        "- AC-2: A broken file's line is reported.\n",
        epic="EPIC-1", implements=["PRD-1/R-1"], release="REL-1",
    ),
    "product/stories/STORY-2.md": spec(
        "STORY-2", "story", "Report cycles", "in-progress",
        "## Acceptance criteria\n\n- AC-1: A cycle is reported.\n",
        epic="EPIC-1", implements=["PRD-1/R-1"], release="REL-2",
    ),
    "product/stories/STORY-3.md": spec(
        "STORY-3", "story", "Publish pages", "in-progress",
        "## Acceptance criteria\n\n- AC-1: Each spec has a page.\n- AC-2: Pages link.\n",
        epic="EPIC-2", implements=["PRD-2/R-1"], release="REL-2",
    ),
    "reports/junit.xml": RESULTS,
    "docs/index.md": "# Home\n",
}  # fmt: skip
HUB = "product/trace.md"
PRD_1 = "product/trace/PRD-1.md"
PRD_2 = "product/trace/PRD-2.md"
FAILING = "product/trace/failing-criteria.md"
UNTESTED = "product/trace/untested-criteria.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("traceqa") / "project"
    plugins = ["search", {"roadmark": {"test_results": ["reports/*.xml"]}}]
    write_project(root, FILES, mkdocs_config(plugins=plugins))
    return build(root, strict=True)


def rows(node: Node) -> dict[str, Node]:
    """The rows of every trace table in `node`, by the criterion (or story) link they open with."""
    found = {}
    for row in node.find_all("tr", cls="roadmark-row"):
        link = row.find_all("td")[0].find("a") if row.find_all("td") else None
        criterion = row.find_all("td")[1].find("a") if len(row.find_all("td")) > 1 else None
        key = criterion.text if criterion is not None and criterion.text.startswith("AC") else ""
        found[f"{link.text if link else ''} {key}".strip()] = row
    return found


@pytest.mark.roadmark("STORY-75/AC-1")
def test_each_requirement_and_criterion_shows_its_text_and_failing_rows_are_errors(
    site: Site,
) -> None:
    matrix = section(site.article(PRD_1), "matrix")
    requirement = matrix.find(cls="roadmark-matrix__requirement")
    assert requirement is not None
    # Long text is folded: its start in the summary, all of it inside.
    fold = requirement.find("details", cls="roadmark-fold")
    assert fold is not None
    summary = fold.find("summary")
    assert summary is not None and summary.text.endswith("…") and len(summary.text) <= 160
    assert " ".join(LONG.split()) in fold.text
    by_row = rows(matrix)
    assert by_row["STORY-1 AC-2"].find_all("td")[1].text == "AC-2 A broken file's line is reported."
    assert "roadmark-row--failing" in by_row["STORY-1 AC-2"].classes
    assert "roadmark-row--verified" in by_row["STORY-1 AC-1"].classes
    assert "roadmark-row--untested" in by_row["STORY-2 AC-1"].classes
    # Failing is styled as an error (red), not as a note; untested differently again.
    css = (site.site_dir / "assets/roadmark/roadmark.css").read_text(encoding="utf-8")
    assert ".roadmark-row--failing > td { background: #ff52521a; }" in css
    assert ".roadmark-row--untested > td {" in css


@pytest.mark.roadmark("STORY-75/AC-2")
def test_each_test_shows_result_escaped_folded_message_class_or_file_and_report_time(
    site: Site,
) -> None:
    row = rows(section(site.article(PRD_1), "matrix"))["STORY-1 AC-2"]
    test = row.find(cls="roadmark-test")
    assert test is not None
    assert test.find("code").text == "test_line"  # type: ignore[union-attr]
    assert test.find(cls="roadmark-result").text == "failed"  # type: ignore[union-attr]
    where = test.find(cls="roadmark-test__where")
    assert where is not None
    assert where.text == "tests.test_check · reports/junit.xml · 2026-11-30 09:15"
    time = where.find("time")
    assert time is not None and time.get("datetime") == "2026-11-30T09:15:02.123456"
    message = test.find("details", cls="roadmark-test__message")
    assert message is not None and message.find("summary").text == "Message"  # type: ignore[union-attr]
    assert "failure" in message.classes  # Material's red admonition, not a note
    assert message.find("pre").text == "<\u2060img src=x onerror=alert(1)> expected 3, got 4"  # type: ignore[union-attr]
    page = site.html(PRD_1)
    assert PAYLOAD not in page and "<img" not in page
    assert "&lt;\u2060img src=x onerror=alert(1)&gt;" in page
    # A test with no class shows its file; the hub says when each report ran.
    errored = rows(section(site.article(PRD_2), "matrix"))["STORY-3 AC-1"]
    assert errored.find(cls="roadmark-test__where").text.startswith("tests/test_site.py · ")  # type: ignore[union-attr]
    assert "reports/junit.xml (run 2026-11-30 09:15)" in site.article(HUB).text


@pytest.mark.roadmark("STORY-75/AC-2")
def test_a_timestamp_that_is_not_a_date_is_left_out(tmp_path: Path) -> None:
    results = tmp_path / "r.xml"
    results.write_text(
        '<testsuites timestamp="2026-01-02T03:04:05Z"><testsuite timestamp="soon">'
        '<testcase name="a"/></testsuite><testsuite timestamp="2026-02-03">'
        '<testcase name="b"/></testsuite><testsuite><testcase name="c"/></testsuite>'
        "</testsuites>",
        encoding="utf-8",
    )
    cases = parse_junit(results)
    # An invalid inner timestamp falls back to the outer one; each suite closes its own.
    assert [(c.name, c.timestamp) for c in cases] == [
        ("a", "2026-01-02T03:04:05Z"),
        ("b", "2026-02-03"),
        ("c", "2026-01-02T03:04:05Z"),
    ]


@pytest.mark.roadmark("STORY-75/AC-3")
def test_failing_and_untested_criteria_are_listed_by_release_and_by_prd(site: Site) -> None:
    failing = site.article(FAILING)
    # By release, in date order; each row names its PRD.
    assert [h.text for h in failing.find_all("h2")] == ["REL-1", "REL-2"]
    assert list(rows(section(failing, "rel-1"))) == ["STORY-1/AC-2"]
    assert list(rows(section(failing, "rel-2"))) == ["STORY-3/AC-1"]
    assert table(section(failing, "rel-2")).column("PRD") == ["PRD-2"]
    # With JavaScript, the shared filter narrows a release's table by text or PRD; without
    # it, the controls stay hidden and the sections are the filter.
    controls = section(failing, "rel-2").find(cls="roadmark-filters")
    assert controls is not None and "hidden" in controls.attrs
    assert controls.get("data-roadmark-filters") == "roadmark-failing-1"
    assert [o.text for o in controls.find_all("option")] == ["All", "PRD-2"]
    assert section(failing, "rel-2").find("table", id="roadmark-failing-1") is not None
    untested = site.article(UNTESTED)
    assert [h.text for h in untested.find_all("h2")] == ["REL-2"]
    assert list(rows(section(untested, "rel-2"))) == ["STORY-2/AC-1", "STORY-3/AC-2"]
    assert table(section(untested, "rel-2")).headers == ["Criterion", "Story", "PRD"]
    # By PRD: each PRD's page lists its own.
    prd_1 = site.article(PRD_1)
    assert list(rows(section(prd_1, "failing-criteria"))) == ["STORY-1/AC-2"]
    # Untested ones as links: their text is in the matrix just below.
    untested_links = site.links_to(PRD_1, section(prd_1, "untested-criteria").links)
    assert untested_links == [("STORY-2/AC-1", "product/stories/STORY-2/index.html", "ac-1")]
    assert table(section(prd_1, "failing-criteria")).column("Release") == ["REL-1"]
    # The hub counts them by release, linking to the lists.
    by_release = table(section(site.article(HUB), "by-release"))
    assert by_release.column("Release") == ["REL-1", "REL-2"]
    assert (by_release.column("Failing"), by_release.column("Untested")) == (["1", "1"], ["0", "2"])


@pytest.mark.roadmark("STORY-75/AC-3")
def test_the_hub_shows_the_figures_and_gaps_and_each_prd_has_its_page(site: Site) -> None:
    hub = site.article(HUB)
    assert table(section(hub, "coverage")).column("Count") == [
        "2 of 2",
        "3 of 3",
        "3 of 5",
        "1 of 5",
    ]
    by_prd = table(section(hub, "by-prd"))
    assert by_prd.column("PRD") == ["PRD-1", "PRD-2"]
    assert (by_prd.column("Failing"), by_prd.column("Untested")) == (["1", "1"], ["1", "1"])
    links = site.links_to(HUB, section(hub, "by-prd").links)
    assert [href for _, href, _ in links] == [
        "product/trace/PRD-1/index.html",
        "product/trace/PRD-2/index.html",
    ]
    assert section(hub, "gaps").find_all(cls="roadmark-gap")
    # The hub holds no matrix: that is on each PRD's page, which links back.
    assert hub.find(cls="roadmark-matrix") is None
    prd_2 = site.article(PRD_2)
    assert table(section(prd_2, "coverage")).column("Count") == [
        "1 of 1",
        "1 of 1",
        "1 of 2",
        "0 of 2",
    ]
    back = [href for _, href, _ in site.links_to(PRD_2, prd_2.links)]
    assert "product/trace/index.html" in back
    # Only the hub is in the navigation: a product with hundreds of PRDs keeps a short nav.
    nav = site.page(HUB).find("nav", cls="md-nav--primary")
    assert nav is not None
    labels = [link.text for link in nav.links]
    assert "Traceability" in labels
    assert not any(label.startswith("Traceability ·") for label in labels)
