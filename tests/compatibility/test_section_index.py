"""Roadmark beside mkdocs-section-index, which turns a section's index page into its link."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside
from sites import parse

NEIGHBOUR = Neighbour(
    "section-index",
    "mkdocs-section-index",
    "a folder's `index.md` becomes its section's link in the navigation",
    "Either order: Roadmark's `on_nav` (priority 50) runs before section-index and adds "
    "its section to the same navigation object, so section-index never sees it replaced.",
)
PLUGIN = ["section-index"]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_section_index_links_sections(tmp_path: Path, order: str) -> None:
    files = {
        "docs/manual/index.md": "# About the manual\n\nSee STORY-1.\n",
        "docs/manual/usage.md": "# Usage\n",
    }
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    nav = parse(site.html("index.md")).find("nav", cls="md-nav--primary")
    assert nav is not None
    links = {a.text: a.get("href") for a in nav.links if a.text}
    # The section's own label is a link to its index page, which has no nav entry of its own.
    assert links.get("Manual") == "manual/"
    assert "About the manual" not in links
    assert "Product" in nav.text
