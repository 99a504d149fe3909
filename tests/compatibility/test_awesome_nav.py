"""Roadmark beside mkdocs-awesome-nav, which builds the navigation from `.nav.yml` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside
from sites import parse

NEIGHBOUR = Neighbour(
    "awesome-nav",
    "mkdocs-awesome-nav",
    "`.nav.yml` orders and titles the docs pages; Roadmark's Product section follows them",
    "Either order: awesome-nav builds the nav first (`on_nav` at priority 100) and Roadmark "
    "appends its section to that nav (at 50).",
)
PLUGIN = ["awesome-nav"]


def nav_labels(site_html: str) -> list[str]:
    """The primary navigation's link texts, in order (Material's `md-nav__link`)."""
    nav = parse(site_html).find("nav", cls="md-nav--primary")
    assert nav is not None
    return [node.text for node in nav.find_all(cls="md-nav__link") if node.text]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_awesome_nav_orders_docs_and_keeps_the_product_section(tmp_path: Path, order: str) -> None:
    files = {
        "docs/guide.md": "# Guide page\n\nSee STORY-2.\n",
        "docs/.nav.yml": "nav:\n  - guide.md\n  - Start here: index.md\n",
    }
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    labels = nav_labels(site.html("index.md"))
    assert labels[:2] == ["Guide page", "Start here"]
    assert "Product" in labels and "Stories" in labels
