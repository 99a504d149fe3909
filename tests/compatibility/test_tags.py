"""Roadmark beside Material's tags plugin, which lists tagged pages on a tags page."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside

NEIGHBOUR = Neighbour(
    "tags",
    "mkdocs-material",
    "a tagged docs page shows its tag and is listed on the tags page",
)
PLUGIN = ["tags"]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_tags_page_lists_tagged_pages(tmp_path: Path, order: str) -> None:
    files = {
        "docs/guide.md": "---\ntags: [planning]\n---\n\n# Planning guide\n\nSee STORY-1.\n",
        "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
    }
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    listing = site.article("tags.md")
    assert "planning" in listing.text
    assert any(a.text == "Planning guide" for a in listing.links)
    assert "planning" in site.page("guide.md").find(cls="md-tags").text  # type: ignore[union-attr]
