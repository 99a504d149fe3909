"""Dependency charts drawn at build time (STORY-73): an epic's chart and the product-wide page.

The fixture: EPIC-1 ships in R1, EPIC-2 in the later R2. In EPIC-1, STORY-2 depends on
STORY-1, and STORY-3 on STORY-4 of EPIC-2 (a later release: late); in EPIC-2, STORY-5
depends on STORY-1 (an earlier release: not late).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sites import Node, Site, build, mkdocs_config, seen, spec, table, write_project

LONG_TITLE = "Render <b>every</b> dependency chart without a network connection at all"
EPIC_1 = "product/epics/EPIC-1.md"
DEPENDENCIES = "product/dependencies.md"


def _story(number: int, status: str, epic: str, *depends: str, **fields: object) -> dict[str, str]:
    title = LONG_TITLE if number == 3 else f"Story {number}"
    extra = {"depends_on": list(depends)} if depends else {}
    body = "## Acceptance criteria\n\n- AC-1: Given it, when it runs, then it works.\n"
    text = spec(f"STORY-{number}", "story", title, status, body, epic=epic, **extra, **fields)
    return {f"product/stories/STORY-{number}.md": text}


FILES: dict[str, str] = {
    "docs/index.md": "# Home\n",
    "product/prds/PRD-1.md": spec("PRD-1", "prd", "Plans", "approved", "Plans.\n"),
    "product/releases/R1.md": spec("R1", "release", "First", "planned", date=date(2026, 10, 1)),
    "product/releases/R2.md": spec("R2", "release", "Second", "planned", date=date(2026, 12, 1)),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", "Charts", "in-progress", prd="PRD-1", release="R1", team="core"
    ),
    "product/epics/EPIC-2.md": spec(
        "EPIC-2", "epic", "Exports", "planned", prd="PRD-1", release="R2", team="web"
    ),
    **_story(1, "done", "EPIC-1", team="core"),
    **_story(2, "in-progress", "EPIC-1", "STORY-1", team="core"),
    **_story(3, "ready", "EPIC-1", "STORY-4", team="core"),
    **_story(4, "ready", "EPIC-2", team="web"),
    **_story(5, "ready", "EPIC-2", "STORY-1", team="web"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("dependencies")
    config = mkdocs_config(["search", {"roadmark": {"today": "2026-09-21", "export": False}}])
    write_project(root, FILES, config)
    return build(root, strict=True)


def _nodes(chart: Node) -> dict[str, Node]:
    return {
        node.get("data-roadmark-id"): node for node in chart.find_all(cls="roadmark-deps__node")
    }


def _target(site: Site, page: str, node: Node) -> str:
    """The page an SVG link leads to (written `xlink:href`, which Material leaves alone)."""
    assert "href" not in node.attrs
    return site.resolve(page, node.get("xlink:href"))[0]


@pytest.mark.roadmark("STORY-73/AC-1")
def test_the_epic_chart_is_inline_svg_with_links_and_a_legend(site: Site) -> None:
    article = site.article(EPIC_1)
    chart = article.find("svg", cls="roadmark-deps__chart")
    assert chart is not None
    nodes = _nodes(chart)
    assert list(nodes) == ["STORY-1", "STORY-2", "STORY-3"]
    assert [_target(site, EPIC_1, node) for node in nodes.values()] == [
        site.output(f"product/stories/{key}.md") for key in nodes
    ]
    assert all(node.tag == "a" for node in nodes.values())
    assert len(chart.find_all(cls="roadmark-deps__edge")) == 1  # STORY-3's is across epics
    # Long titles are cut; the whole title, escaped, is the node's tooltip.
    shown = nodes["STORY-3"].find("text", cls="roadmark-deps__title")
    assert shown is not None and shown.text.endswith("…") and len(seen(shown.text)) <= 28
    title = nodes["STORY-3"].find("title")
    assert title is not None and seen(title.text).startswith(f"STORY-3 · {LONG_TITLE}")
    assert "roadmark-deps--done" in nodes["STORY-1"].classes
    legend = article.find("ul", cls="roadmark-deps__legend")
    assert legend is not None
    assert [seen(item.text) for item in legend.find_all("li")] == ["done", "in-progress", "ready"]
    page = site.html(EPIC_1)
    assert "<b>every" not in page
    assert "flowchart" not in page and "mermaid" not in page.lower()


@pytest.mark.roadmark("STORY-73/AC-3")
def test_the_dependency_page_flags_work_depending_on_a_later_release(site: Site) -> None:
    article = site.article(DEPENDENCIES)
    late = article.find(cls="roadmark-deps__late")
    assert late is not None
    rows = table(late).as_dicts()
    assert [(r["Item"].text, r["Depends on"].text, r["Its release"].text) for r in rows] == [
        ("STORY-3", "STORY-4", "R2")
    ]
    assert rows[0]["Item"].find(cls="roadmark-deps__flag") is not None
    # Links across epics are listed, the late one flagged: STORY-5 depends on earlier work.
    across = article.find(cls="roadmark-deps__across")
    assert across is not None
    listed = table(across).as_dicts()
    assert [[cell.text for cell in row.values()] for row in listed] == [
        ["STORY-3", "EPIC-1", "STORY-4", "EPIC-2", "R2"],
        ["STORY-5", "EPIC-2", "STORY-1", "EPIC-1", "R1"],
    ]
    flagged = [row["Story"].text for row in listed if row["Story"].find(cls="roadmark-deps__flag")]
    assert flagged == ["STORY-3"]
    story_4 = listed[0]["Depends on"].find("a")
    assert story_4 is not None
    assert site.resolve(DEPENDENCIES, story_4.get("href"))[0] == site.output(
        "product/stories/STORY-4.md"
    )


@pytest.mark.roadmark("STORY-73/AC-1")
def test_the_dependency_page_leads_to_each_epics_own_chart(site: Site) -> None:
    """An epic's page charts its stories; the product-wide page leads there, not repeats it."""
    article = site.article(DEPENDENCIES)
    assert article.find_all("svg", cls="roadmark-deps__chart") == []  # no epic-level links
    by_epic = article.find(cls="roadmark-deps__by-epic")
    assert by_epic is not None
    rows = table(by_epic).as_dicts()
    assert [(r["Epic"].text, r["Stories linked"].text, r["Dependencies"].text) for r in rows] == [
        ("EPIC-1", "2", "1")  # STORY-2 on STORY-1; the links across epics are listed above
    ]
    link = rows[0]["Epic"].find("a")
    assert link is not None
    page, fragment = site.resolve(DEPENDENCIES, link.get("href"))
    assert page == site.output(EPIC_1)
    epic_page = site.article(EPIC_1)
    assert fragment and epic_page.find(id=fragment) is not None
    charts = epic_page.find_all("svg", cls="roadmark-deps__chart")
    assert [set(_nodes(chart)) for chart in charts] == [{"STORY-1", "STORY-2", "STORY-3"}]


def test_the_dependency_page_is_in_the_product_section(site: Site) -> None:
    nav = site.page("index.md").find("nav", cls="md-nav--primary")
    assert nav is not None
    targets = [target for _, target, _ in site.links_to("index.md", nav.links)]
    assert site.output(DEPENDENCIES) in targets


def test_charts_are_the_same_every_build(site: Site, tmp_path: Path) -> None:
    config = mkdocs_config(["search", {"roadmark": {"today": "2026-09-21", "export": False}}])
    again = build(write_project(tmp_path, FILES, config))
    for page in (EPIC_1, DEPENDENCIES):
        assert again.html(page) == site.html(page)
