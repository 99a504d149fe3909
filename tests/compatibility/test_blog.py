"""Roadmark beside Material's blog plugin, which generates archive and post pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatibility.neighbours import ORDERS, Neighbour, assert_roadmark_content, build_beside

NEIGHBOUR = Neighbour(
    "blog",
    "mkdocs-material",
    "a post is published at its dated URL and listed on the blog's index",
)
PLUGIN = [{"blog": {"blog_dir": "blog", "authors": False}}]


@pytest.mark.roadmark("STORY-76/AC-1")
@pytest.mark.parametrize("order", ORDERS)
def test_blog_posts_and_product_pages(tmp_path: Path, order: str) -> None:
    files = {
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/posts/hello.md": "---\ndate: 2026-10-02\n---\n\n# Hello\n\nSTORY-1 shipped.\n",
    }
    site = build_beside(tmp_path, PLUGIN, order, files)
    assert_roadmark_content(site)
    post = site.site_dir / "blog" / "2026" / "10" / "02" / "hello" / "index.html"
    assert post.is_file()
    assert "Hello" in site.article("blog/index.md").text
    assert "roadmark-ref" in post.read_text("utf-8")  # the post's STORY-1 is cross-linked
