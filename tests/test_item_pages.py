"""How an item page is put together: clause anchors, its title heading, and the sections
written after MkDocs rendered it, listed in the page's table of contents (issue 3, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmark.render.deferred import fill_parts
from sites import Node, Site, build, mkdocs_config, spec, write_project

PRD_1 = "product/prds/PRD-1.md"
STORY_1 = "product/stories/STORY-1.md"
STORY_2 = "product/stories/STORY-2.md"

FILES = {
    # Anchor validation is on: the sections written after rendering are anchors all the same.
    "docs/index.md": "# Home\n\nSee [its tests](product/stories/STORY-1.md#traceability).\n",
    PRD_1: spec(
        "PRD-1",
        "prd",
        "Exports",
        "approved",
        """
        Written before the requirements, and not one of them:

        - R-1: a list item that only looks like a requirement.

        ## Requirements

        - **R-1**: The system shall export CSV.

        - R-2: The system shall export JSON.

        - R-3:
          The system shall say what it left out.

        ## Notes

        - R-2: quoted again under another heading.
        """,
    ),
    STORY_1: spec(
        "STORY-1",
        "story",
        "CSV export",
        "in-progress",
        """
        # Context

        Exports run nightly.

        ## Referenced by

        A heading of the spec's own that shares its name with the backlinks section.

        ## Upstream

        And one named like a part of the trace panel.

        ## Acceptance criteria

        - AC-1: Given a roadmap, when it is exported, then a CSV is written.
        - __AC-2:__ Given an empty roadmap, when it is exported, then the CSV has a header.
        """,
        implements=["PRD-1/R-1"],
    ),
    STORY_2: spec(
        "STORY-2", "story", "JSON export", "backlog", "Like STORY-1/AC-2.", depends_on=["STORY-1"]
    ),
}


def toc(page: Node) -> list[tuple[str, str]]:
    """The page's table of contents (Material's), as (title, link)."""
    nav = page.find("ul", **{"data-md-component": "toc"})
    assert nav is not None
    return [(a.text, a.get("href")) for a in nav.find_all("a")]


def headings(content: Node, tag: str) -> list[str]:
    """The text of each heading `tag`, without its permalink."""
    return [heading.text.removesuffix("¶") for heading in content.find_all(tag)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("items")
    config = mkdocs_config(
        markdown_extensions=[{"toc": {"permalink": True}}], validation={"anchors": "warn"}
    )
    write_project(root, FILES, config)
    return build(root, strict=True)


@pytest.mark.roadmark("STORY-15/AC-3", "STORY-15/AC-4")
def test_each_clause_id_is_anchored_where_the_clause_is(site: Site) -> None:
    content = site.article(PRD_1)
    anchors = {a.get("id"): a for a in content.find_all("a", cls="roadmark-clause")}
    assert sorted(anchors) == ["r-1", "r-2", "r-3"]
    assert [a.text for a in anchors.values()] == ["R-1", "R-2", "R-3"]
    assert all(a.get("href") == f"#{key}" for key, a in anchors.items())
    assert anchors["r-1"].get("title") == "PRD-1/R-1"
    # Bold ids keep their bold; the look-alike items before and after the section stay text.
    assert content.find("strong").find("a", id="r-1") is not None  # type: ignore[union-attr]
    items = [li.text for li in content.find_all("li")]
    assert "R-1: a list item that only looks like a requirement." in items
    assert len(content.find_all(id="r-2")) == 1
    story = site.article(STORY_1)
    assert {a.get("id") for a in story.find_all("a", cls="roadmark-clause")} == {"ac-1", "ac-2"}


@pytest.mark.roadmark("STORY-15/AC-3")
def test_links_to_clauses_reach_their_anchors(site: Site) -> None:
    story_2 = site.article(STORY_2)
    link = story_2.find("a", cls="roadmark-ref")
    assert link is not None
    target, fragment = site.resolve(STORY_2, link.get("href"))
    assert (target, fragment) == (site.output(STORY_1), "ac-2")
    assert fragment in site.article(STORY_1).ids


@pytest.mark.roadmark("STORY-14/AC-4")
def test_the_page_opens_with_the_items_id_and_title(site: Site) -> None:
    # Material writes the title itself; a body's own level-1 heading does not replace it.
    assert headings(site.article(STORY_2), "h1") == ["STORY-2 · JSON export"]
    assert headings(site.article(STORY_1), "h1") == [
        "STORY-1 · CSV export",
        "Context",
    ]


@pytest.mark.roadmark("STORY-15/AC-5")
def test_sections_written_after_rendering_are_in_the_table_of_contents(site: Site) -> None:
    page = site.page(STORY_1)
    # Material lists what is under the first level-1 heading (the body's "Context").
    assert toc(page) == [
        ("Referenced by", "#referenced-by"),
        ("Upstream", "#upstream"),
        ("Acceptance criteria", "#acceptance-criteria"),
        ("Traceability", "#traceability"),
        ("Referenced by", "#referenced-by_1"),
    ]
    content = site.article(STORY_1)
    heading = content.find("h2", id="referenced-by_1")
    assert heading is not None
    assert heading.find("a", cls="headerlink").get("href") == "#referenced-by_1"  # type: ignore[union-attr]
    backlinks = [a.text for a in content.find_all("a") if a.text == "STORY-2"]
    assert backlinks == ["STORY-2"]
    ids = [node.get("id") for node in content.iter() if node.get("id")]
    assert len(ids) == len(set(ids)), sorted(ids)
    # The spec's own heading and the theme's permalinks are untouched.
    own = content.find("h2", id="referenced-by")
    assert own is not None and own.find("a", cls="headerlink") is not None


@pytest.mark.roadmark("STORY-14/AC-4")
def test_other_themes_get_the_title_heading_in_the_page(tmp_path: Path) -> None:
    config = mkdocs_config() | {"theme": {"name": "mkdocs"}}
    write_project(tmp_path, FILES, config)
    built = build(tmp_path, strict=True)
    page = built.page(STORY_2)
    assert headings(page, "h1") == ["STORY-2 · JSON export"]
    assert page.find(id="referenced-by") is None  # STORY-2 has no backlinks
    assert built.page(STORY_1).find("h2", id="referenced-by_1") is not None


def test_a_docs_page_that_hides_an_item_page_is_left_as_written(tmp_path: Path) -> None:
    files = FILES | {"docs/product/stories/STORY-2.md": "# Our own\n\n- AC-1: not a clause.\n"}
    write_project(tmp_path, files, mkdocs_config())
    built = build(tmp_path)
    assert any("hides the generated page" in warning for warning in built.warnings)
    html = built.html(STORY_2)
    content = built.article(STORY_2)
    assert headings(content, "h1") == ["Our own"]
    assert content.find(cls="roadmark-card") is None
    assert content.find(cls="roadmark-clause") is None
    assert "roadmark:part" not in html


def test_a_prefix_with_slashes_keeps_attachments_beside_their_pages(tmp_path: Path) -> None:
    story = spec("STORY-9", "story", "With a picture", "backlog", "![flow](flow.png)\n")
    files = {"docs/index.md": "# Home\n", "product/stories/STORY-9.md": story}
    write_project(tmp_path, files | {"product/stories/flow.png": b"\x89PNG\r\n"})
    write_project(
        tmp_path, {}, mkdocs_config(plugins=["search", {"roadmark": {"prefix": "/specs/"}}])
    )
    built = build(tmp_path, strict=True)
    image = built.article("specs/stories/STORY-9.md").find("img")
    assert image is not None
    assert (
        built.resolve("specs/stories/STORY-9.md", image.get("src"))[0] == "specs/stories/flow.png"
    )
    assert (built.site_dir / "specs" / "stories" / "flow.png").is_file()


def test_placeholders_are_filled_and_other_text_is_left_as_it_was() -> None:
    page = (
        "<p>x</p><!-- roadmark:part head --><!-- roadmark:part Head -->"
        "<!-- roadmark:part <!-- roadmark:part trace --> <!-- roadmark:part gone -->"
        "<!-- roadmark:part a b -->"
    )
    found: set[str] = set()
    filled = fill_parts(page, {"head": "<h>", "trace": "<t>"}, found)
    assert filled == (
        "<p>x</p><h><!-- roadmark:part Head --><!-- roadmark:part <t> <!-- roadmark:part a b -->"
    )
    assert found == {"head", "trace", "gone"}
