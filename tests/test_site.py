"""The built site (issue 3): item pages, cross-links, indexes, nav, export, safety, problems."""

from __future__ import annotations

import csv as csv_module
import io
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sites import (
    DOCS,
    PRODUCT,
    USER_NAV,
    Node,
    Site,
    build,
    md,
    mkdocs_config,
    parse,
    run_tool,
    section,
    seen,
    snapshot,
    spec,
    table,
    tree,
    write_project,
)

if TYPE_CHECKING:
    from conftest import RunCli

STORY_1 = "product/stories/STORY-1.md"
PRD_1 = "product/prds/PRD-1.md"
EPIC_1 = "product/epics/EPIC-1.md"
R1 = "product/releases/R1.md"
HOME = "index.md"
DEEP = "guide/deep.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The small product and two docs pages: `[search, roadmark]`, directory URLs, a user nav."""
    root = tmp_path_factory.mktemp("site")
    write_project(root, PRODUCT | DOCS, mkdocs_config(nav=USER_NAV))
    return build(root)


@pytest.fixture(scope="module")
def flat_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The same with `[search, tags, macros, roadmark]`, `.html` URLs and no nav at all."""
    root = tmp_path_factory.mktemp("flat")
    tags_page = {"docs/tags.md": "# Tags\n\n<!-- material/tags -->\n"}
    config = mkdocs_config(["search", "tags", "macros", "roadmark"], use_directory_urls=False)
    write_project(root, PRODUCT | DOCS | tags_page, config)
    return build(root)


def rows(node: Node) -> list[list[str]]:
    """The texts of a table's body cells."""
    return [[cell.text for cell in row] for row in table(node).rows]


def test_a_clean_product_builds_without_warnings(site: Site, flat_site: Site) -> None:
    assert site.warnings == []
    assert flat_site.warnings == []


# --- Item pages --------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-14/AC-3")
def test_the_card_shows_status_owner_release_and_estimate(site: Site) -> None:
    card = site.article(STORY_1).find(cls="roadmark-card")
    assert card is not None
    fields = {row["Field"].text: row["Value"] for row in table(card).as_dicts()}
    assert {name: cell.text for name, cell in fields.items()} == {
        "Kind": "Story",
        "Status": "in-progress",
        "Owner": "alex",
        "Priority": "P0",
        "Release": "R1",
        "Epic": "EPIC-1",
        "Estimate": "3",
        "Type": "feature",
        "Sprint": "2026-S40",
        "Implements": "PRD-1/R-1",
        "Tags": "export, json",
    }
    badge = fields["Status"].find("span", cls="roadmark-status")
    assert badge is not None
    assert "roadmark-status--in-progress" in badge.classes
    # Front matter references are links to the item's page, or to the requirement's anchor.
    assert site.links_to(STORY_1, card.links) == [
        ("R1", site.output(R1), ""),
        ("EPIC-1", site.output(EPIC_1), ""),
        ("PRD-1/R-1", site.output(PRD_1), "r-1"),
    ]


def test_depends_on_and_dates_are_on_the_card(site: Site) -> None:
    story = table(site.article("product/stories/STORY-2.md").find(cls="roadmark-card"))
    depends = {row["Field"].text: row["Value"] for row in story.as_dicts()}["Depends on"]
    assert site.links_to("product/stories/STORY-2.md", depends.links) == [
        ("STORY-1", site.output(STORY_1), "")
    ]
    epic = table(site.article(EPIC_1).find(cls="roadmark-card"))
    fields = {row["Field"].text: row["Value"].text for row in epic.as_dicts()}
    assert (fields["Start"], fields["Target"], fields["PRD"]) == (
        "2026-10-01",
        "2026-11-30",
        "PRD-1",
    )
    assert fields["Progress"] == "5 of 8 points (62%)"


CRITERION = "## Acceptance criteria\n\n- AC-1: Given a plan, when built, then it is shown.\n"
PLANNING: dict[str, str] = {
    "docs/index.md": "# Home\n",
    "product/prds/PRD-5.md": spec(
        "PRD-5", "prd", "Plan", "approved", "## Requirements\n\n- R-1: The system shall plan.\n"
    ),
    "product/epics/EPIC-5.md": spec("EPIC-5", "epic", "Three stories", "in-progress", prd="PRD-5"),
    "product/releases/R0.2.md": spec("R0.2", "release", "Second", "planned"),
    # Three stories without estimates, so the epic's progress counts stories.
    "product/stories/STORY-51.md": spec(
        "STORY-51", "story", "First", "done", CRITERION, epic="EPIC-5"
    ),
    "product/stories/STORY-52.md": spec(
        "STORY-52", "story", "Second", "in-progress", CRITERION, epic="EPIC-5"
    ),
    "product/stories/STORY-53.md": spec("STORY-53", "story", "Third", "backlog", epic="EPIC-5"),
    "product/stories/STORY-60.md": spec(
        "STORY-60", "story", "Every planning field", "ready", CRITERION,
        owner="priya", team="site", release="R0.2", priority="P1", estimate=5, tags=["site", "ui"],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def planning_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """An epic of three unestimated stories, one done, and a story with every planning field."""
    root = tmp_path_factory.mktemp("planning")
    site = build(write_project(root, PLANNING, mkdocs_config()))
    assert site.warnings == []
    return site


@pytest.mark.roadmark("STORY-14/AC-1")
def test_the_card_shows_every_planning_field_and_a_status_badge(planning_site: Site) -> None:
    card = planning_site.article("product/stories/STORY-60.md").find(cls="roadmark-card")
    assert card is not None
    fields = {row["Field"].text: row["Value"] for row in table(card).as_dicts()}
    expected = {
        "Status": "ready",
        "Owner": "priya",
        "Team": "site",
        "Release": "R0.2",
        "Priority": "P1",
        "Estimate": "5",
        "Tags": "site, ui",
    }
    assert {name: fields[name].text for name in expected if name in fields} == expected
    badge = fields["Status"].find("span", cls="roadmark-status")
    assert badge is not None
    assert "roadmark-status--ready" in badge.classes


@pytest.mark.roadmark("STORY-15/AC-1")
def test_an_epic_lists_its_stories_and_counts_the_done_ones(planning_site: Site) -> None:
    epic = planning_site.article("product/epics/EPIC-5.md")
    stories = section(epic, "stories")
    assert [row[:3] for row in rows(stories)] == [
        ["STORY-51", "First", "done"],
        ["STORY-52", "Second", "in-progress"],
        ["STORY-53", "Third", "backlog"],
    ]
    statuses = [row[2].find("span", cls="roadmark-status") for row in table(stories).rows]
    assert all(badge is not None for badge in statuses)
    card = {
        row["Field"].text: seen(row["Value"].text)
        for row in table(epic.find(cls="roadmark-card")).as_dicts()
    }
    assert card["Progress"] == "1 of 3 stories (33%)"


@pytest.mark.roadmark("STORY-14/AC-2")
def test_the_parent_chain_links_prd_then_epic(site: Site) -> None:
    chain = site.article(STORY_1).find("p", cls="roadmark-chain")
    assert chain is not None
    assert chain.text == "PRD-1 Export the plan › EPIC-1 Exporters › STORY-1"
    assert site.links_to(STORY_1, chain.links) == [
        ("PRD-1 Export the plan", site.output(PRD_1), ""),
        ("EPIC-1 Exporters", site.output(EPIC_1), ""),
    ]
    epic_chain = site.article(EPIC_1).find("p", cls="roadmark-chain")
    assert epic_chain is not None
    assert site.links_to(EPIC_1, epic_chain.links) == [
        ("PRD-1 Export the plan", site.output(PRD_1), "")
    ]
    assert site.article(PRD_1).find("p", cls="roadmark-chain") is None


def test_epic_and_prd_pages_list_children_with_status_and_progress(site: Site) -> None:
    epic = site.article(EPIC_1)
    stories = section(epic, "stories")
    assert table(stories).headers == ["Id", "Title", "Status", "Points / progress"]
    assert rows(stories) == [
        ["STORY-1", "JSON export", "in-progress", "3"],
        ["STORY-2", "CSV export", "done", "5"],
    ]
    assert site.links_to(EPIC_1, table(stories).rows[1][0].links) == [
        ("STORY-2", site.output("product/stories/STORY-2.md"), "")
    ]
    badge = table(stories).rows[1][2].find("span", cls="roadmark-status--done")
    assert badge is not None
    epics = section(site.article(PRD_1), "epics")
    assert rows(epics) == [
        ["EPIC-1", "Exporters", "in-progress", "5 of 8 points (62%)"],
        ["EPIC-2", "Importers", "planned", "0 of 10 points (0%)"],
    ]
    bar = table(epics).rows[0][3].find(role="progressbar")
    assert bar is not None
    assert bar.get("aria-valuenow") == "62"


@pytest.mark.roadmark("STORY-15/AC-2")
def test_referenced_by_lists_backlinks_with_the_field(site: Site) -> None:
    backlinks = section(site.article(STORY_1), "referenced-by")
    assert rows(backlinks) == [["STORY-2", "CSV export", "done", "Depends on"]]
    prd = section(site.article(PRD_1), "referenced-by")
    assert [(row[0], row[3]) for row in rows(prd)] == [
        ("EPIC-1", "PRD"),
        ("EPIC-2", "PRD"),
        ("STORY-1", "Implements PRD-1/R-1"),
        ("STORY-2", "Implements PRD-1/R-2"),
        ("STORY-3", "Implements PRD-1/R-3"),
    ]
    assert site.links_to(PRD_1, table(prd).rows[2][0].links) == [
        ("STORY-1", site.output(STORY_1), "")
    ]
    release = section(site.article(R1), "referenced-by")
    assert [row[0] for row in rows(release)] == ["EPIC-1", "PRD-1", "STORY-1", "STORY-2"]


@pytest.mark.roadmark("STORY-15/AC-3")
def test_every_requirement_and_criterion_has_an_anchor(site: Site) -> None:
    prd = site.article(PRD_1)
    assert {"r-1", "r-2", "r-3"} <= prd.ids
    anchor = prd.find("a", id="r-2")
    assert anchor is not None
    assert (anchor.text, anchor.get("href")) == ("R-2", "#r-2")
    criterion = site.article(STORY_1).find("a", id="ac-2")
    assert criterion is not None
    assert (criterion.text, criterion.get("href")) == ("AC-2", "#ac-2")
    assert "ac-1" in site.article(STORY_1).ids


# --- Cross-links -------------------------------------------------------------------------


def autolinks(content: Node) -> list[Node]:
    """The links the cross-link extension made."""
    return content.find_all("a", cls="roadmark-ref")


@pytest.mark.roadmark("STORY-16/AC-1")
@pytest.mark.parametrize("built", ["site", "flat_site"])
def test_ids_in_prose_link_to_their_page_and_anchor(
    request: pytest.FixtureRequest, built: str
) -> None:
    site: Site = request.getfixturevalue(built)
    home = site.article(HOME)
    assert site.links_to(HOME, autolinks(home)) == [
        ("STORY-1", site.output(STORY_1), ""),
        ("STORY-1/AC-2", site.output(STORY_1), "ac-2"),
        ("PRD-1/R-2", site.output(PRD_1), "r-2"),
        ("R1", site.output(R1), ""),
    ]
    deep = site.article(DEEP)
    assert site.links_to(DEEP, autolinks(deep)) == [
        ("STORY-2/AC-1", site.output("product/stories/STORY-2.md"), "ac-1")
    ]
    # Product pages are linked the same way, to other pages and to their own anchors.
    assert site.links_to(PRD_1, autolinks(section(site.article(PRD_1), "problem"))) == [
        ("STORY-4", site.output("product/stories/STORY-4.md"), "")
    ]
    assert site.links_to(STORY_1, autolinks(site.article(STORY_1))) == [
        ("PRD-1/R-2", site.output(PRD_1), "r-2")
    ]
    assert [a.text for a in autolinks(site.article(EPIC_1))] == ["PRD-1/R-1", "PRD-1/R-2"]


@pytest.mark.parametrize("built", ["site", "flat_site"])
def test_every_cross_link_reaches_an_existing_page_and_anchor(
    request: pytest.FixtureRequest, built: str
) -> None:
    site: Site = request.getfixturevalue(built)
    pages = [HOME, DEEP, *PRODUCT]
    for src_uri in pages:
        for text, target, fragment in site.links_to(src_uri, autolinks(site.article(src_uri))):
            assert (site.site_dir / target).is_file(), (src_uri, text, target)
            if fragment:
                assert fragment in parse((site.site_dir / target).read_text()).ids, (src_uri, text)


@pytest.mark.roadmark("STORY-16/AC-2", "STORY-16/AC-3")
def test_ids_in_code_and_unknown_ids_stay_text(site: Site) -> None:
    # An id-shaped word that names nothing is no problem: the build logged no warning.
    assert site.warnings == []
    home = site.article(HOME)
    codes = [code.text for code in home.find_all("code")]
    assert "STORY-2" in codes
    assert "PRD-1/R-1" in codes
    assert "STORY-3 in a fenced block" in codes
    linked = {a.text for a in home.links}
    assert not linked & {"STORY-2", "PRD-1/R-1", "STORY-3", "STORY-99", "PRD-1/R-9", "PRD-1"}
    assert "Unknown ids stay text: STORY-99, PRD-1/R-9." in home.text
    problem = section(site.article(PRD_1), "problem")
    assert [code.text for code in problem.find_all("code")] == ["STORY-4"]


# --- Indexes and navigation --------------------------------------------------------------


@pytest.mark.roadmark("STORY-17/AC-1")
def test_one_index_page_per_kind_with_its_columns(site: Site) -> None:
    stories = site.article("product/stories.md")
    assert stories.find("h1").text == "Stories"
    # The default columns of STORY-74 (tests/test_indexes.py has the other kinds').
    assert table(stories).headers == [
        "Id", "Title", "Status", "Priority", "Owner", "Team", "Epic", "Release", "Sprint", "Type",
        "Estimate",
    ]  # fmt: skip
    assert rows(stories) == [
        ["STORY-1", "JSON export", "in-progress", "P0", "alex", "", "EPIC-1", "R1", "2026-S40",
         "feature", "3"],
        ["STORY-2", "CSV export", "done", "P1", "alex", "", "EPIC-1", "R1", "", "", "5"],
        ["STORY-3", "JSON import", "backlog", "P2", "bo", "", "EPIC-2", "R2", "", "", "8"],
        ["STORY-4", "CSV import", "ready", "P3", "bo", "", "EPIC-2", "", "", "", "2"],
    ]  # fmt: skip
    first = table(stories).rows[0]
    assert site.links_to("product/stories.md", first[0].links + first[7].links) == [
        ("STORY-1", site.output(STORY_1), ""),
        ("R1", site.output(R1), ""),
    ]
    epics = site.article("product/epics.md")
    assert table(epics).headers[-1] == "Progress"
    assert rows(epics)[0][-1] == "5 of 8 points (62%)"
    assert [row[0] for row in rows(site.article("product/prds.md"))] == ["PRD-1", "PRD-2"]
    assert [row[0] for row in rows(site.article("product/releases.md"))] == ["R1", "R2"]


def primary_nav(site: Site, src_uri: str) -> list[tuple[str, str, str]]:
    """The links of Material's main navigation on a page, resolved."""
    nav = site.page(src_uri).find("nav", cls="md-nav--primary")
    assert nav is not None
    return site.links_to(src_uri, [a for a in nav.links if "md-logo" not in a.classes])


@pytest.mark.roadmark("STORY-13/AC-2")
@pytest.mark.parametrize("built", ["site", "flat_site"])
def test_the_hub_section_lists_indexes_prds_and_releases_but_no_story(
    request: pytest.FixtureRequest, built: str
) -> None:
    site: Site = request.getfixturevalue(built)
    story_3 = "product/stories/STORY-3.md"
    targets = [target for _, target, _ in primary_nav(site, story_3)]
    hub = [
        HOME, DEEP, "product/index.md", "product/roadmap.md", "product/trace.md",
        "product/prds.md", PRD_1, "product/prds/PRD-2.md", "product/epics.md",
        "product/stories.md", "product/releases.md", R1, "product/releases/R2.md",
    ]  # fmt: skip
    # The user's pages (or MkDocs' own nav of docs/) first, then the hub (the roadmap and
    # traceability, the indexes, PRDs and releases); other product-wide views may join it.
    assert [target for target in targets if target in map(site.output, hub)] == [
        site.output(src) for src in hub
    ]
    assert not any("/stories/STORY-" in target for target in targets)
    assert not any("/epics/EPIC-" in target for target in targets)
    # Nothing on a story's page links to an unrelated story: no nav lists them all.
    local = [a for a in site.page(story_3).links if "://" not in a.get("href")]
    everything = site.links_to(story_3, local)
    assert not any(
        target == site.output("product/stories/STORY-4.md") for _, target, _ in everything
    )


def test_a_nav_that_places_product_pages_is_left_alone(tmp_path: Path) -> None:
    nav = [{"Guide": "index.md"}, {"Plan": [{"First": STORY_1}, {"All": "product/stories.md"}]}]
    write_project(tmp_path, PRODUCT | DOCS, mkdocs_config(nav=nav))
    site = build(tmp_path)
    assert [(text, target) for text, target, _ in primary_nav(site, HOME)] == [
        ("Guide", site.output(HOME)),
        ("First", site.output(STORY_1)),
        ("All", site.output("product/stories.md")),
    ]
    assert site.warnings == []


# --- Material: search and tags -----------------------------------------------------------


def test_the_search_index_has_each_item_under_its_id_and_title(site: Site) -> None:
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text())
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert titles["product/stories/STORY-1/"] == "STORY-1 · JSON export"
    assert titles["product/prds/PRD-1/"] == "PRD-1 · Export the plan"
    # Index tables repeat every title; they are left out of search so items rank first.
    assert "product/stories/" not in titles


@pytest.mark.roadmark("STORY-17/AC-2")
def test_item_tags_feed_materials_tags(flat_site: Site) -> None:
    listing = flat_site.article("tags.md")
    tags = {
        heading.text: flat_site.links_to("tags.md", section(listing, heading.get("id")).links)
        for heading in listing.find_all("h2")
    }
    assert tags == {
        "export": [
            ("PRD-1 · Export the plan", flat_site.output(PRD_1), ""),
            ("STORY-1 · JSON export", flat_site.output(STORY_1), ""),
        ],
        "json": [("STORY-1 · JSON export", flat_site.output(STORY_1), "")],
    }
    chips = flat_site.page(STORY_1).find_all(cls="md-tag")
    assert [chip.text for chip in chips] == ["export", "json"]


# --- The export --------------------------------------------------------------------------


@pytest.mark.roadmark("STORY-21/AC-1")
def test_the_site_publishes_the_whole_graph_as_roadmark_json(site: Site) -> None:
    data = json.loads((site.site_dir / "roadmark.json").read_text(encoding="utf-8"))
    items = {item["id"]: item for item in data["items"]}
    assert sorted(items) == sorted(
        ["PRD-1", "PRD-2", "EPIC-1", "EPIC-2", "R1", "R2"] + [f"STORY-{n}" for n in range(1, 5)]
    )
    story = items["STORY-1"]
    assert {key: story[key] for key in ("kind", "title", "status", "path", "parent")} == {
        "kind": "story",
        "title": "JSON export",
        "status": "in-progress",
        "path": STORY_1,
        "parent": "EPIC-1",
    }
    assert story["fields"]["implements"] == ["PRD-1/R-1"]
    assert story["fields"]["estimate"] == 3
    assert story["fields"]["tags"] == ["export", "json"]
    assert [(c["id"], c["address"]) for c in story["criteria"]] == [
        ("AC-1", "STORY-1/AC-1"),
        ("AC-2", "STORY-1/AC-2"),
    ]
    assert story["criteria"][1]["text"].startswith("Given a problem, when exported")
    assert story["referenced_by"] == ["STORY-2"]
    prd = items["PRD-1"]
    assert [r["address"] for r in prd["requirements"]] == ["PRD-1/R-1", "PRD-1/R-2", "PRD-1/R-3"]
    assert items["R1"]["fields"]["date"] == "2026-12-01"
    links = data["links"]
    assert {
        "source": "STORY-1",
        "field": "implements",
        "target": "PRD-1",
        "clause": "PRD-1/R-1",
    } in links
    assert {"source": "STORY-2", "field": "depends_on", "target": "STORY-1"} in links
    assert {"source": "EPIC-1", "field": "prd", "target": "PRD-1"} in links
    assert data["problems"] == []


@pytest.mark.roadmark("STORY-21/AC-2", "STORY-21/AC-3")
def test_roadmark_export_prints_the_same_document(site: Site, run_cli: RunCli) -> None:
    published = (site.site_dir / "roadmark.json").read_text(encoding="utf-8")
    result = run_cli("export", "--format", "json", cwd=site.root)
    assert result.code == 0, result.err
    assert result.out == published
    csv = run_cli("export", "--format", "csv", cwd=site.root)
    assert csv.code == 0, csv.err
    lines = csv.out.splitlines()
    assert lines[0] == (
        "id,kind,title,status,type,release,release_as_written,epic,prd,sprint,team,owner,"
        "priority,estimate,start,target,tags,depends_on,implements,progress,at_risk,path"
    )
    # `at_risk`, the one column after `progress`, depends on today: it is left out here.
    assert any(
        line.startswith(
            "STORY-1,story,JSON export,in-progress,feature,R1,R1,EPIC-1,PRD-1,2026-S40,,alex,"
            "P0,3,,,export; json,,PRD-1/R-1,,"
        )
        and line.endswith(f",{STORY_1}")
        for line in lines
    )
    assert "STORY-4,story,CSV import,ready,,R2,,EPIC-2,PRD-1," in csv.out  # R2 inherited
    # A header row, then one row per item, as Python's csv module reads it.
    header, *records = list(csv_module.reader(io.StringIO(csv.out, newline="")))
    assert all(len(record) == len(header) for record in records)
    items = [item["id"] for item in json.loads(published)["items"]]
    assert sorted(record[0] for record in records) == sorted(items)


# --- Safety and determinism --------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
HOSTILE: dict[str, str] = {
    "docs/index.md": "# Home\n\nSee STORY-1 and PRD-1/R-1.\n\n<!-- material/tags -->\n",
    "product/prds/PRD-1.md": spec(
        "PRD-1", "prd", 'Fish & "chips" <b>bold</b>', "approved",
        """
        ## Requirements

        - R-1: The system shall keep {{ x }} and {% raw %} as written.
        """,
        metrics=[{"name": "<script>alert(7)</script>", "baseline": "<i>0</i>", "target": "1"}],
        theme="<iframe src=x>",
        description='Says "hi" <script>alert(8)</script>',
        subtitle="<script>alert(9)</script>",
    ),
    "product/epics/EPIC-1.md": spec(
        "EPIC-1", "epic", "{{ x }} epic", "planned", "Body keeps {{ x }}.\n", prd="PRD-1",
    ),
    "product/stories/STORY-1.md": spec(
        "STORY-1", "story", SCRIPT, "ready",
        """
        Prose keeps {{ x }}, {% if y %}, and {# z #}.

        ## Acceptance criteria

        - AC-1: Given {{ x }}, then it is shown verbatim.
        """,
        epic="EPIC-1", implements=["PRD-1/R-1"], owner="<script>alert(2)</script>",
        team="<img src=x onerror=alert(3)>", tags=["<script>alert(4)</script>", "safe"],
        sprint="{{ x }}",
    ),
    "product/stories/STORY-2.md": spec(
        "STORY-2", "story", "Bad status", "<script>alert(5)</script>", epic="EPIC-1",
    ),
}  # fmt: skip
"""Markup and template syntax in every value a spec has; bodies hold only template syntax."""

LIVE_MARKUP = ("<script>alert", "<img src=x", "<iframe", "<b>bold", "<i>0")


@pytest.mark.roadmark("STORY-20/AC-1")
def test_values_from_specs_show_as_text(tmp_path: Path) -> None:
    config = mkdocs_config(["search", "tags", "macros", "roadmark"])
    write_project(tmp_path, HOSTILE, config)
    site = build(tmp_path)
    # Every page, the search index, tags.json and the sitemap; roadmark.json is data, not
    # markup, and keeps values as written.
    outputs = [
        path
        for path in site.site_dir.rglob("*")
        if path.suffix in (".html", ".json", ".xml") and path.name != "roadmark.json"
    ]
    assert {"search_index.json", "tags.json", "404.html"} <= {path.name for path in outputs}
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert [markup for markup in LIVE_MARKUP if markup in text] == [], path
    story = site.page(STORY_1)
    # `seen`: a `<` that could open a tag is followed by an invisible word joiner.
    assert seen(story.find("h1").text) == f"STORY-1 · {SCRIPT}"
    assert seen(story.find("title").text).startswith(f"STORY-1 · {SCRIPT}")
    assert not [s for s in story.find_all("script") if "alert" in s.text]
    card = {
        row["Field"].text: seen(row["Value"].text)
        for row in table(story.find(cls="roadmark-card")).as_dicts()
    }
    assert card["Owner"] == "<script>alert(2)</script>"
    assert card["Team"] == "<img src=x onerror=alert(3)>"
    assert card["Sprint"] == "{{ x }}"
    # Shown once escaped, not twice: the reader sees the characters, not entities.
    prd = site.page(PRD_1)
    assert seen(prd.find("h1").text) == 'PRD-1 · Fish & "chips" <b>bold</b>'
    assert "&amp;" not in prd.find("h1").text
    assert seen(table(section(prd.find("article"), "success-metrics")).rows[0][0].text) == (
        "<script>alert(7)</script>"
    )
    nav_titles = [seen(a.text) for a in prd.find("nav", cls="md-nav--primary").links]
    assert 'PRD-1 · Fish & "chips" <b>bold</b> <script>alert(9)</script>' in nav_titles
    description = prd.find("meta", name="description")
    assert description is not None
    assert seen(description.get("content")) == 'Says "hi" <script>alert(8)</script>'
    home = site.article(HOME)
    assert [seen(a.get("title")) for a in autolinks(home)] == [
        SCRIPT,
        "The system shall keep {{ x }} and {% raw %} as written.",
    ]
    tag_headings = [seen(h.text) for h in home.find_all("h2")]
    assert "<script>alert(4)</script>" in tag_headings
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text())
    titles = [seen(d["title"]) for d in index["docs"] if d["location"].endswith("STORY-1/")]
    assert titles == [f"STORY-1 · {SCRIPT}".replace("<", "&lt;").replace(">", "&gt;")]
    # Template syntax in spec prose and values survives macros verbatim.
    assert "Prose keeps {{ x }}, {% if y %}, and {# z #}." in story.find("article").text
    assert "Given {{ x }}, then it is shown verbatim." in story.find("article").text
    assert "{{ x }} and {% raw %} as written" in prd.find("article").text
    assert site.page(EPIC_1).find("h1").text == "EPIC-1 · {{ x }} epic"
    # The unknown status is a problem on the page, escaped too.
    bad = site.article("product/stories/STORY-2.md")
    assert "<script>alert(5)</script>" in seen(bad.find(cls="admonition").text)


def test_clause_text_quoted_on_other_pages_shows_as_text(tmp_path: Path) -> None:
    requirement = "The system shall <script>alert(1)</script> import."
    criterion = "Given <img src=x onerror=alert(2)> an export, then it loads."
    files = PRODUCT | {"docs/index.md": "# Home\n\nSee PRD-1/R-3 and STORY-3/AC-1.\n"}
    files[PRD_1] = files[PRD_1].replace("The system shall import a plan.", requirement)
    story_3 = "product/stories/STORY-3.md"
    files[story_3] = files[story_3].replace(
        "Given an export, when imported, then the plan is the same.", criterion
    )
    write_project(tmp_path, files, mkdocs_config())
    site = build(tmp_path)
    # A spec's body is Markdown, as any page's; where its text is quoted, it is a value.
    own = {site.output(PRD_1), site.output(story_3)}
    for path in site.site_dir.rglob("*.html"):
        if path.relative_to(site.site_dir).as_posix() not in own:
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<img src=x" not in text, path
    titles = [seen(a.get("title")) for a in autolinks(site.article(HOME))]
    assert titles == [requirement, criterion]


@pytest.mark.roadmark("STORY-20/AC-2")
def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path) -> None:
    first = write_project(tmp_path / "one", PRODUCT | DOCS, mkdocs_config(nav=USER_NAV))
    second = tmp_path / "elsewhere" / "two"
    shutil.copytree(first, second)
    # Separate processes with different hash seeds: set order must not leak into output.
    for root, seed in ((first, "1"), (second, "2")):
        done = run_tool("mkdocs", "build", "--strict", cwd=root, env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
    one, two = tree(first / "site"), tree(second / "site")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert "roadmark.json" in one
    assert "sitemap.xml" in one


NO_NETWORK = """\
import socket

LOG = {log!r}


def _blocked(*args, **kwargs):
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"network access attempted: {{args!r}}\\n")
    raise OSError("network access is blocked in this test")


with open(LOG, "a", encoding="utf-8") as log:
    log.write("blocker loaded\\n")
socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
"""


@pytest.mark.roadmark("STORY-20/AC-3")
def test_a_strict_build_needs_no_network(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", PRODUCT | DOCS, mkdocs_config(nav=USER_NAV))
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    log = tmp_path / "network.log"
    (blocker / "sitecustomize.py").write_text(NO_NETWORK.format(log=str(log)), encoding="utf-8")
    done = run_tool("mkdocs", "build", "--strict", cwd=root, env={"PYTHONPATH": str(blocker)})
    assert done.returncode == 0, done.stderr
    # The blocker was active in the build process, and nothing tried to go out.
    assert log.read_text(encoding="utf-8") == "blocker loaded\n"
    assert (root / "site" / "product" / "stories" / "STORY-1" / "index.html").is_file()


@pytest.mark.roadmark("STORY-13/AC-1")
def test_a_build_writes_nothing_into_docs_or_the_product_folder(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT | DOCS, mkdocs_config())
    assert mkdocs_config()["plugins"] == ["search", "roadmark"]
    before = {name: snapshot(tmp_path / name) for name in ("docs", "product")}
    top = sorted(path.name for path in tmp_path.iterdir())
    site = build(tmp_path)
    assert {name: snapshot(tmp_path / name) for name in ("docs", "product")} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*top, "site"])
    # Every spec of the product folder, outside docs_dir, has its page in the site.
    for src_uri in PRODUCT:
        assert (site.site_dir / site.output(src_uri)).is_file(), src_uri


def test_images_beside_a_spec_are_published_and_its_link_resolves(tmp_path: Path) -> None:
    """Other files of the product folder are published as they are, next to their spec."""
    story = PRODUCT["product/stories/STORY-1.md"] + "\n![The flow](flow.svg)\n"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'
    files = PRODUCT | DOCS | {"product/stories/STORY-1.md": story, "product/stories/flow.svg": svg}
    write_project(tmp_path, files, mkdocs_config())
    site = build(tmp_path, strict=True)
    assert (site.site_dir / "product/stories/flow.svg").read_text() == svg
    page = (site.site_dir / site.output("product/stories/STORY-1.md")).read_text()
    assert re.search(r'<img alt="The flow" src="(\.\./)?flow\.svg"', page), page


# --- Problems ----------------------------------------------------------------------------

DANGLING = PRODUCT | {
    "product/stories/STORY-5.md": md(
        """
        ---
        id: STORY-5
        kind: story
        title: Points at nothing
        status: backlog
        epic: EPIC-9
        ---

        ## Acceptance criteria

        - AC-1: Given nothing, then nothing.
        """
    )
}


@pytest.mark.roadmark("STORY-18/AC-1")
def test_a_dangling_reference_fails_a_strict_build_naming_file_and_line(tmp_path: Path) -> None:
    write_project(tmp_path, DANGLING | DOCS, mkdocs_config())
    done = run_tool("mkdocs", "build", "--strict", cwd=tmp_path)
    assert done.returncode != 0
    assert "product/stories/STORY-5.md:6:7: error RM009" in done.stderr
    assert "EPIC-9" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.roadmark("STORY-18/AC-2")
def test_the_affected_page_shows_its_problems(tmp_path: Path) -> None:
    write_project(tmp_path, DANGLING | DOCS, mkdocs_config())
    site = build(tmp_path)
    (problem,) = [w for w in site.warnings if "RM009" in w]
    assert problem.startswith("roadmark: product/stories/STORY-5.md:6:7: error RM009: epic: ")
    assert "'EPIC-9'" in problem
    box = site.article("product/stories/STORY-5.md").find(cls="admonition")
    assert box is not None
    assert "failure" in box.classes
    assert box.find(cls="admonition-title").text == "Problems in this spec"
    assert "RM009 line 6" in box.text
    assert "EPIC-9" in box.text
    assert site.article(STORY_1).find(cls="admonition") is None


def test_broken_yaml_is_reported_and_the_rest_of_the_site_builds(tmp_path: Path) -> None:
    broken = (
        "---\nid: STORY-5\nkind: story\ntitle: [unclosed\nstatus: ready\n---\n\nMentions STORY-1.\n"
    )
    files = PRODUCT | DOCS | {"product/stories/STORY-5.md": broken}
    write_project(tmp_path, files, mkdocs_config())
    site = build(tmp_path)
    errors = [w for w in site.warnings if "RM002" in w]
    assert len(errors) == 1
    assert errors[0].startswith("roadmark: product/stories/STORY-5.md:5:")
    box = site.article("product/stories/STORY-5.md").find(cls="admonition")
    assert box is not None
    assert "RM002" in box.text
    # Its prose is still shown, cross-linked, and every other page is built as usual.
    links = site.links_to(
        "product/stories/STORY-5.md", autolinks(site.article("product/stories/STORY-5.md"))
    )
    assert links == [("STORY-1", site.output(STORY_1), "")]
    assert site.article(STORY_1).find(cls="roadmark-card") is not None
    assert [row[0] for row in rows(site.article("product/stories.md"))] == [
        f"STORY-{n}" for n in range(1, 5)
    ]
