"""The site builds under properdocs, the maintained MkDocs 1.6 fork, as it does under MkDocs.

properdocs is the engine rather than a plugin beside ours: there is no order to test, so
the same project is built by both tools and compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import PRODUCT as SMALL_PRODUCT
from compatibility.neighbours import ROADMARK, Neighbour, assert_roadmark_content
from sites import DOCS, PRODUCT, USER_NAV, Site, mkdocs_config, run_tool, write_project

NEIGHBOUR = Neighbour(
    "properdocs",
    "properdocs",
    "`properdocs build --strict` makes the same pages, links and `roadmark.json` as MkDocs",
    "The MkDocs 1.6 fork, so an engine, not a plugin: no order applies. Roadmark registers "
    "under its `properdocs.plugins` entry point too.",
)


def built_by(tool: str, root: Path) -> Site:
    """Build the project at `root` strictly with the console script `tool`, into `site-<tool>`."""
    # `-f` names the file: properdocs otherwise asks for `properdocs.yml` (an INFO notice).
    done = run_tool(tool, "build", "--strict", "-f", "mkdocs.yml", "-d", f"site-{tool}", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    return Site(root, root / f"site-{tool}")


@pytest.mark.roadmark("STORY-17/AC-3")
def test_properdocs_builds_the_same_site_strictly(tmp_path: Path) -> None:
    write_project(tmp_path, PRODUCT | DOCS, mkdocs_config(nav=USER_NAV))
    proper = built_by("properdocs", tmp_path)
    reference = built_by("mkdocs", tmp_path)
    pages = sorted(path.relative_to(proper.site_dir) for path in proper.site_dir.rglob("*.html"))
    assert pages == sorted(
        path.relative_to(reference.site_dir) for path in reference.site_dir.rglob("*.html")
    )
    assert Path("product/stories/STORY-1/index.html") in pages
    # Item pages, cross-links and indexes: the content is the same, whichever tool built it.
    for src_uri in ["index.md", *PRODUCT, "product/stories.md", "product/index.md"]:
        assert proper.article(src_uri).text == reference.article(src_uri).text, src_uri
        assert proper.html(src_uri).count("roadmark-ref") == reference.html(src_uri).count(
            "roadmark-ref"
        )
    story = proper.article("product/stories/STORY-1.md")
    assert story.find(cls="roadmark-card") is not None
    assert {"ac-1", "ac-2"} <= story.ids
    home_links = proper.links_to(
        "index.md", proper.article("index.md").find_all(cls="roadmark-ref")
    )
    assert ("STORY-1/AC-2", "product/stories/STORY-1/index.html", "ac-2") in home_links
    assert (proper.site_dir / "roadmark.json").read_bytes() == (
        reference.site_dir / "roadmark.json"
    ).read_bytes()


@pytest.mark.roadmark("STORY-76/AC-1")
def test_properdocs_builds_the_product_pages_strictly(tmp_path: Path) -> None:
    write_project(tmp_path, SMALL_PRODUCT, mkdocs_config(["search", ROADMARK]))
    assert_roadmark_content(built_by("properdocs", tmp_path))
