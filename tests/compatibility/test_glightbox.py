"""Roadmark beside mkdocs-glightbox, which wraps images in lightbox links."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside

NEIGHBOUR = Neighbour(
    "glightbox",
    "mkdocs-glightbox",
    "an image of a docs page is wrapped in a `glightbox` link, and its script is loaded",
    "Either order: Roadmark fills its parts first (`on_post_page` at priority 100); at equal "
    "priority, glightbox listed first rewrote the page and the parts landed outside its content.",
)
PLUGIN = ["glightbox"]
# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b90000000049454e44ae426082"
)


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_lightbox_and_product_pages(tmp_path: Path, order: str) -> None:
    files = {
        "docs/index.md": "# Guide\n\nStart with STORY-1.\n\n![A pixel](pixel.png)\n",
        "docs/pixel.png": PIXEL,
    }
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    home = site.page("index.md")
    lightbox = site.article("index.md").find("a", cls="glightbox")
    assert lightbox is not None and lightbox.get("href") == "pixel.png"
    assert any("glightbox" in script.get("src") for script in home.find_all("script"))
